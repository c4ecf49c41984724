using System;
using System.IO;
using System.Linq;

namespace S3MlLayout.Module.Tests
{
    /// <summary>A temporary directory for one test, removed afterwards.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "s3mllayout-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        /// <summary>Every file and directory below the root, relative, sorted: a snapshot to prove nothing changed.</summary>
        public string[] Snapshot() =>
            Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories)
                .Select(p => System.IO.Path.GetRelativePath(Path, p).Replace('\\', '/') + (Directory.Exists(p) ? "/" : ""))
                .OrderBy(p => p, StringComparer.Ordinal).ToArray();

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
