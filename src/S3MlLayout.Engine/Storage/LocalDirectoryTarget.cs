using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// The local target: the bucket is a directory and a folder is a subdirectory. Requests are counted as the S3
    /// requests they stand for, so both targets report comparable costs.
    /// Symbolic links: the bucket directory is resolved once to its real path (so a -LocalPath reached through a
    /// link works), and every path operated on must resolve to a real path under it, or the operation is refused
    /// (PathOutsideBucket): nothing is created, written, read, listed or deleted outside the bucket through a link.
    /// Operations use the resolved path, and deletes never go through a link at all (PathThroughLink).
    /// </summary>
    public sealed class LocalDirectoryTarget : IStorageTarget
    {
        public LocalDirectoryTarget(MlBucket bucket)
        {
            Bucket = bucket;
            Root = Path.GetFullPath(bucket.LocalPath ?? throw new ArgumentException("A local bucket needs its LocalPath.", nameof(bucket)));
            RealRoot = RealPath.Resolve(Root);
        }

        public MlBucket Bucket { get; }
        /// <summary>The bucket directory as the user named it: what errors and -WhatIf show.</summary>
        public string Root { get; }
        /// <summary>The bucket directory with every link followed, resolved once: nothing is operated on outside it.</summary>
        internal string RealRoot { get; }
        public RequestCounter Requests { get; } = new RequestCounter();
        public int DefaultConcurrency => 1;
        public bool ParentsFirst => true;

        public string Describe(string key)
        {
            var segments = Segments(key);
            return segments.Length == 0 ? Root + Path.DirectorySeparatorChar
                : Path.Combine(Root, Path.Combine(segments)) + (key.EndsWith("/", StringComparison.Ordinal) ? Path.DirectorySeparatorChar.ToString() : "");
        }

        /// <summary>Creates the bucket directory; false when it was already there.</summary>
        public bool CreateBucketDirectory()
        {
            if (Directory.Exists(RealRoot)) return false;
            if (File.Exists(RealRoot))
                throw new MlLayoutException("BucketPathIsFile", ErrorKind.ResourceExists, Root, $"'{Root}' is a file; choose a -LocalPath whose bucket directory is free.");
            Wrap(Root, () => Directory.CreateDirectory(RealRoot));
            Requests.CountOther();
            return true;
        }

        public Task<bool> BucketExistsAsync(CancellationToken cancellation)
        {
            Requests.CountOther();
            return Task.FromResult(Directory.Exists(RealRoot));
        }

        public Task<ISet<string>> FindFolderMarkersAsync(IReadOnlyCollection<string> folderKeys, CancellationToken cancellation)
        {
            ISet<string> found = new HashSet<string>(folderKeys.Where(k => Directory.Exists(PathOf(k))), StringComparer.Ordinal);
            Requests.CountList();
            return Task.FromResult(found);
        }

        public Task<MarkerOutcome> CreateFolderMarkerAsync(string folderKey, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            string path = PathOf(folderKey);
            Requests.CountPut();
            if (Directory.Exists(path)) return Task.FromResult(MarkerOutcome.AlreadyExists);
            if (File.Exists(path.TrimEnd(Path.DirectorySeparatorChar)))
                throw new MlLayoutException("FolderCreateFailed", ErrorKind.ResourceExists, Describe(folderKey),
                    $"Cannot create folder '{Describe(folderKey)}': a file of that name exists. Rename or move the file, then run again.");
            Wrap(Describe(folderKey), () => Directory.CreateDirectory(path));
            return Task.FromResult(MarkerOutcome.Created);
        }

        public Task<PrefixListing> ListAsync(string prefix, bool delimited, CancellationToken cancellation, int maxEntries = int.MaxValue)
        {
            Requests.CountList();
            var objects = new List<StoredObject>();
            var prefixes = new List<string>();
            var links = new List<string>();
            string directory = PathOf(prefix);
            if (Directory.Exists(directory))
            {
                // A directory stands for a folder with its marker, as S3 lists the marker under its own prefix.
                if (prefix.Length > 0) objects.Add(new StoredObject(prefix, 0));
                Walk(directory, prefix, delimited, objects, prefixes, links, cancellation, maxEntries);
            }
            return Task.FromResult(new PrefixListing(prefix, objects, prefixes, links));
        }

        public Task DeleteFolderMarkerAsync(string folderKey, CancellationToken cancellation)
        {
            Requests.CountOther();
            string path = PathOf(folderKey, forDelete: true);
            if (!Directory.Exists(path)) return Task.CompletedTask;
            if (Directory.EnumerateFileSystemEntries(path).Any())
                throw new MlLayoutException("FolderNotEmpty", ErrorKind.WriteError, Describe(folderKey), $"'{Describe(folderKey)}' is not empty, so it is not removed.");
            Wrap(Describe(folderKey), () => Directory.Delete(path));
            return Task.CompletedTask;
        }

        private void Walk(string directory, string prefix, bool delimited, List<StoredObject> objects, List<string> prefixes, List<string> links, CancellationToken cancellation, int maxEntries)
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                cancellation.ThrowIfCancellationRequested();
                if (objects.Count + prefixes.Count >= maxEntries) return;
                bool link = RealPath.IsLink(entry);
                if (link && !RealPath.IsUnder(RealPath.Resolve(entry.FullName), RealRoot))
                {
                    // Listed apart and never followed: what lies behind it is not in the bucket.
                    links.Add(prefix + entry.Name + (entry is DirectoryInfo ? "/" : ""));
                    continue;
                }
                if (entry is DirectoryInfo sub)
                {
                    string key = prefix + sub.Name + "/";
                    if (delimited) prefixes.Add(key);
                    else
                    {
                        objects.Add(new StoredObject(key, 0));
                        // A link that stays inside is listed, not descended: its target is listed where it really is,
                        // and a link to an ancestor would never end.
                        if (!link) Walk(sub.FullName, key, false, objects, prefixes, links, cancellation, maxEntries);
                    }
                }
                else if (entry is FileInfo file)
                {
                    objects.Add(new StoredObject(prefix + file.Name, file.Length));
                }
            }
        }

        public Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation)
        {
            Requests.CountGet();
            string path = PathOf(key);
            return Task.FromResult(File.Exists(path) ? File.ReadAllBytes(path) : null);
        }

        public Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation)
        {
            Requests.CountPut();
            string path = PathOf(key);
            Wrap(Describe(key), () =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content);
            });
            return Task.CompletedTask;
        }

        /// <summary>
        /// The real path a key is operated on at: under the real root, every link followed. Refused when that leaves
        /// the bucket directory (PathOutsideBucket), and for a delete when any link is on the way (PathThroughLink).
        /// </summary>
        private string PathOf(string key, bool forDelete = false)
        {
            var segments = Segments(key);
            string lexical = segments.Length == 0 ? RealRoot : Path.Combine(RealRoot, Path.Combine(segments));
            string real = RealPath.Resolve(lexical);
            if (!RealPath.IsUnder(real, RealRoot))
                throw new MlLayoutException("PathOutsideBucket", ErrorKind.PermissionDenied, Describe(key),
                    $"'{Describe(key)}' leads out of the bucket directory '{Root}' through a symbolic link (to '{real}'), so nothing is done there. " +
                    "Replace the link with a real directory inside the bucket, or remove it, then run again.");
            if (forDelete && !string.Equals(real, lexical, RealPath.Comparison))
                throw new MlLayoutException("PathThroughLink", ErrorKind.PermissionDenied, Describe(key),
                    $"'{Describe(key)}' is a symbolic link or is reached through one (it is really '{real}'); folders are never deleted through a link, so it is left in place. " +
                    "Replace the link with a real directory if S3MlLayout should manage it.");
            return real;
        }

        private static string[] Segments(string key)
        {
            var segments = key.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            if (segments.Any(s => s == ".." || s == "."))
                throw new MlLayoutException("KeyInvalid", ErrorKind.InvalidArgument, key, $"The key '{key}' contains '.' or '..' segments, which cannot be stored on the local target.");
            return segments;
        }

        private static void Wrap(string target, Action action)
        {
            try { action(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("FolderCreateFailed", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.WriteError, target,
                    $"Cannot write '{target}': {e.Message} Check the permissions and free space of the directory, then run again.", e);
            }
        }

        public void Dispose() { }
    }
}
