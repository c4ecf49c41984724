using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>
    /// An inventory report downloaded to a directory (-InventoryManifest with a local manifest.json): offline, for a
    /// local bucket target, or for a benchmark. A manifest names its data files by their keys in the destination
    /// bucket, so the local root is the manifest's folder less its {prefix}/{source}/{config}/{stamp}/ part, and each
    /// key is a path below that root. The same checks apply: manifest.checksum, then each file's size and MD5.
    /// </summary>
    public sealed class LocalInventoryReports : IInventoryReports
    {
        private static readonly Regex s_stamp = new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z$", RegexOptions.CultureInvariant);
        private readonly string _root;

        internal LocalInventoryReports(string root) { _root = root; }

        /// <summary>Whether -InventoryManifest names a file rather than an s3:// URI.</summary>
        public static bool IsLocal(string manifest) => !manifest.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

        /// <summary>The path of a destination key below the local root.</summary>
        public string PathOf(string key) => Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));

        /// <summary>The path of a key, refused when it leads out of the root ("../" in a manifest): a report reads only its own tree.</summary>
        private string Inside(string key)
        {
            string path = Path.GetFullPath(PathOf(key));
            if (!path.StartsWith(_root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, path,
                    $"The inventory manifest names a data file '{key}' outside the report's directory tree ({_root}); nothing is read from it. Give the manifest S3 wrote.");
            return path;
        }

        /// <summary>
        /// A downloaded report's manifest.json and the manifest.checksum beside it, read bounded (regular files only: a
        /// device or FIFO is FileNotRegular) and checked; errors name the path. Also Export-MlDriftQuery's reader.
        /// </summary>
        public static InventoryManifest ReadManifest(string manifestPath)
        {
            string checksumPath = Path.Combine(Path.GetDirectoryName(manifestPath) ?? "", "manifest.checksum");
            if (!File.Exists(manifestPath))
                throw new MlLayoutException("InventoryManifestNotFound", ErrorKind.ObjectNotFound, manifestPath,
                    $"There is no inventory manifest at {manifestPath}. Give the path of a downloaded report's manifest.json (…/{{source}}/{{config}}/YYYY-MM-DDTHH-MMZ/manifest.json) or its s3:// URI.");
            if (!File.Exists(checksumPath))
                throw new MlLayoutException("InventoryChecksumMissing", ErrorKind.InvalidData, checksumPath,
                    $"The inventory manifest {manifestPath} has no manifest.checksum beside it, so it cannot be trusted. Download both from the report's folder.");
            byte[] bytes;
            string checksum;
            try
            {
                bytes = BoundedFile.ReadAllBytes(manifestPath, InventoryManifest.MaxManifestBytes, length => new MlLayoutException("InventoryManifestTooLarge", ErrorKind.InvalidData, manifestPath,
                    $"{manifestPath} is {length:N0} bytes, more than an inventory manifest holds ({InventoryManifest.MaxManifestBytes:N0}); give a report's manifest.json."), "an inventory manifest");
                checksum = BoundedFile.ReadAllText(checksumPath, MaxChecksumBytes, length => new MlLayoutException("InventoryChecksumMismatch", ErrorKind.InvalidData, checksumPath,
                    $"{checksumPath} is {length:N0} bytes, not the MD5 a manifest.checksum holds; download it again from the report's folder."), "a manifest.checksum");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("InventoryManifestUnreadable", ErrorKind.ReadError, manifestPath,
                    $"Cannot read {manifestPath} or the manifest.checksum beside it: {e.Message}. Download both from the report's folder ({{prefix}}/{{source}}/{{config}}/{{time}}/).", e);
            }
            return InventoryManifest.Parse(bytes, checksum, manifestPath);
        }

        // An MD5 in hex with a line end, and room for whitespace around it.
        private const int MaxChecksumBytes = 1024;

        /// <summary>Reads and checks the manifest at <paramref name="manifestPath"/> (a full path); errors name that path.</summary>
        public static (LocalInventoryReports Store, InventoryReport Report) Open(string manifestPath)
        {
            string folder = Path.GetDirectoryName(manifestPath) ?? "";
            var manifest = ReadManifest(manifestPath);
            // {root}/{prefix…}/{source}/{config}/{stamp}/manifest.json: the stamp, config and source folders, then as many as the destination prefix has.
            var stamp = new DirectoryInfo(folder);
            var root = stamp.Parent?.Parent?.Parent;
            if (!s_stamp.IsMatch(stamp.Name) || root == null || stamp.Parent!.Parent!.Name != manifest.SourceBucket)
                throw new MlLayoutException("InventoryManifestPathInvalid", ErrorKind.InvalidArgument, manifestPath,
                    $"{manifestPath} does not lie where S3 writes it ({{prefix}}/{manifest.SourceBucket}/{{config}}/YYYY-MM-DDTHH-MMZ/manifest.json), so its data files cannot be found. Download the report with its folders, as they are in the destination bucket.");
            string prefix = PrefixOf(manifest);
            for (int levels = prefix.Length == 0 ? 0 : prefix.Split('/').Length; levels > 0 && root != null; levels--) root = root.Parent;
            if (root == null)
                throw new MlLayoutException("InventoryManifestPathInvalid", ErrorKind.InvalidArgument, manifestPath,
                    $"{manifestPath} does not lie below the destination prefix '{prefix}/' its data files are named under; download the report with its folders.");
            return (new LocalInventoryReports(root.FullName), new InventoryReport(manifest, null));
        }

        /// <summary>The destination prefix, read from the data files' keys ({prefix}/{source}/{config}/data/…); empty when none.</summary>
        private static string PrefixOf(InventoryManifest manifest)
        {
            if (manifest.Files.Count == 0) return "";
            string key = manifest.Files[0].Key;
            int at = key.IndexOf("/" + manifest.SourceBucket + "/", StringComparison.Ordinal);
            return key.StartsWith(manifest.SourceBucket + "/", StringComparison.Ordinal) || at < 0 ? "" : key.Substring(0, at);
        }

        public Task<IReadOnlyList<InventoryReportConfiguration>> ListInventoryConfigurationsAsync(CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<InventoryReportConfiguration>>(new List<InventoryReportConfiguration>());

        public Task<IReadOnlyList<string>> ListFoldersAsync(string bucket, string prefix, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<string>>(new List<string>());

        public Task<byte[]?> ReadSmallAsync(string bucket, string key, int maxBytes, CancellationToken cancellation)
        {
            string path = Inside(key);
            return Task.FromResult(File.Exists(path)
                ? BoundedFile.ReadAllBytes(path, maxBytes, length => new MlLayoutException("InventoryFileTooLarge", ErrorKind.InvalidData, path,
                    $"{path} is {length:N0} bytes, more than {maxBytes:N0}; it is not a file an inventory report holds there."), "an inventory report file")
                : null);
        }

        /// <summary>The data file with a large read buffer (the GZip stream reads it in small pieces); null when it is not there.</summary>
        public Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellation)
        {
            string path = Inside(key);
            if (!File.Exists(path)) return Task.FromResult<Stream?>(null);
            // Streamed, not read whole: refused unless regular, so a FIFO cannot hang the check nor a device feed it forever.
            BoundedFile.RequireRegular(path, "an inventory data file");
            // 64 KiB: the decompressor reads 8 KiB at a time; a larger buffer per file would land on the large-object heap.
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        }
    }
}
