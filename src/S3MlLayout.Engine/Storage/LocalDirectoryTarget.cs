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
        public string RunId { get; } = Guid.NewGuid().ToString("N");
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

        public Task<bool> CreateBucketAsync(S3.BucketSettings desired, CancellationToken cancellation) => Task.FromResult(CreateBucketDirectory());

        /// <summary>A directory has no bucket settings: plans say so, and drift checks none.</summary>
        public bool HasSettings => false;
        public string? Restrict(S3.BucketSettings desired) => null;
        public Task<S3.BucketSettings?> ReadSettingsAsync(CancellationToken cancellation, S3.BucketSettings? declared = null) => Task.FromResult<S3.BucketSettings?>(null);
        public IReadOnlyList<S3.BucketChange> PlanSettings(S3.BucketSettings desired, S3.BucketSettings actual) => Array.Empty<S3.BucketChange>();
        public Task<IReadOnlyList<S3.BucketChange>> ApplySettingsAsync(S3.BucketSettings desired, S3.BucketSettings actual, IReadOnlyCollection<S3.BucketChange> approved, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<S3.BucketChange>>(Array.Empty<S3.BucketChange>());
        public Task<string> DescribeCallerAsync(CancellationToken cancellation) => Task.FromResult(CallerWithoutRequest);
        public string CallerWithoutRequest => $"{Environment.UserName}@{Environment.MachineName}";

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

        public async Task ListObjectPagesAsync(string prefix, Func<IReadOnlyList<StoredObject>, Task> onPage, CancellationToken cancellation)
        {
            // One counted LIST per page of 1,000, as S3 charges; the walk is lazy, so only one page is held at a time.
            var page = new List<StoredObject>(1000);
            string directory = PathOf(prefix);
            var entries = Directory.Exists(directory) ? Enumerate(directory, prefix, cancellation) : Enumerable.Empty<StoredObject>();
            if (prefix.Length > 0 && Directory.Exists(directory)) entries = new[] { new StoredObject(prefix, 0) }.Concat(entries);
            bool any = false;
            foreach (var entry in entries)
            {
                page.Add(entry);
                if (page.Count < 1000) continue;
                Requests.CountList();
                any = true;
                await onPage(page).ConfigureAwait(false);
                page = new List<StoredObject>(1000);
            }
            if (page.Count > 0 || !any)
            {
                Requests.CountList();
                await onPage(page).ConfigureAwait(false);
            }
        }

        /// <summary>The objects under a directory in S3's key order, directories as markers; links are never followed.</summary>
        private IEnumerable<StoredObject> Enumerate(string directory, string prefix, CancellationToken cancellation)
        {
            // S3 orders keys by their UTF-8 bytes: "a/" sorts with '/', so order the entries by the key they become.
            var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
                .Select(e => (Entry: e, Key: prefix + e.Name + (e is DirectoryInfo ? "/" : "")))
                .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            foreach (var (entry, key) in entries)
            {
                cancellation.ThrowIfCancellationRequested();
                bool link = RealPath.IsLink(entry);
                if (link && !RealPath.IsUnder(RealPath.Resolve(entry.FullName), RealRoot)) continue; // not in the bucket
                if (entry is DirectoryInfo sub)
                {
                    yield return new StoredObject(key, 0);
                    if (!link)
                        foreach (var inner in Enumerate(sub.FullName, key, cancellation)) yield return inner;
                }
                else if (entry is FileInfo file)
                    yield return new StoredObject(key, file.Length, null, null, file.LastWriteTimeUtc);
            }
        }

        public Task<MarkerDeleteOutcome> DeleteFolderMarkerAsync(StoredObject listedMarker, CancellationToken cancellation)
        {
            Requests.CountOther();
            string path = PathOf(listedMarker.Key, forDelete: true);
            if (!Directory.Exists(path)) return Task.FromResult(MarkerDeleteOutcome.Changed);
            // A directory is removed only while empty: the remove itself fails if anything was put in it since the
            // listing, so nothing written there can be lost.
            try { Directory.Delete(path, recursive: false); }
            catch (IOException) when (Directory.Exists(path)) { return Task.FromResult(MarkerDeleteOutcome.Changed); }
            catch (UnauthorizedAccessException e)
            {
                throw new MlLayoutException("FolderRemoveFailed", ErrorKind.PermissionDenied, Describe(listedMarker.Key),
                    $"Cannot remove '{Describe(listedMarker.Key)}': {e.Message} Check the directory's permissions, then run again.", e);
            }
            return Task.FromResult(MarkerDeleteOutcome.Deleted);
        }

        public async Task<MarkerDeleteOutcome> DeleteRecordAsync(string key, StoredContent read, CancellationToken cancellation)
        {
            Requests.CountOther();
            string path = PathOf(key, forDelete: true);
            string target = Describe(key);
            var outcome = MarkerDeleteOutcome.Changed;
            // The compare and the delete happen under the bucket's lock, as conditional writes do.
            await UnderBucketLock(cancellation, () =>
            {
                if (!File.Exists(path) || ETagOf(ReadRecord(path, key)) != read.ETag) return;
                try { File.Delete(path); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new MlLayoutException("ObjectRemoveFailed", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.WriteError, target,
                        $"Cannot remove '{target}': {e.Message} Check the file's permissions, then run again.", e);
                }
                outcome = MarkerDeleteOutcome.Deleted;
            }).ConfigureAwait(false);
            return outcome;
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

        public async Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation) =>
            (await ReadObjectWithETagAsync(key, cancellation).ConfigureAwait(false))?.Content;

        public Task<byte[]?> ReadRangeAsync(string key, long offset, int length, bool fromEnd, CancellationToken cancellation)
        {
            Requests.CountGet();
            // The real path inside the bucket (PathOutsideBucket through a link out), a regular file only, at most length bytes.
            string path = PathOf(key);
            try
            {
                if (!File.Exists(path)) return Task.FromResult<byte[]?>(null);
                return Task.FromResult<byte[]?>(BoundedFile.ReadRange(path, offset, length, fromEnd, "an object in the bucket"));
            }
            catch (FileNotFoundException) { return Task.FromResult<byte[]?>(null); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("ObjectReadFailed", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, Describe(key),
                    $"Cannot read '{Describe(key)}': {e.Message} Check the file's permissions, then run again.", e);
            }
        }

        public Task<StoredContent?> ReadObjectWithETagAsync(string key, CancellationToken cancellation)
        {
            Requests.CountGet();
            string path = PathOf(key);
            // Writers replace files whole (write aside, then rename), so a read sees the old content or the new.
            try
            {
                if (!File.Exists(path)) return Task.FromResult<StoredContent?>(null);
                var content = ReadRecord(path, key);
                return Task.FromResult<StoredContent?>(new StoredContent(content, ETagOf(content)));
            }
            catch (FileNotFoundException) { return Task.FromResult<StoredContent?>(null); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("ObjectReadFailed", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, Describe(key),
                    $"Cannot read '{Describe(key)}': {e.Message} Check the file's permissions, then run again.", e);
            }
        }

        public Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation) =>
            WriteObjectAsync(key, content, contentType, WriteCondition.None, cancellation);

        public async Task<string> WriteObjectAsync(string key, byte[] content, string contentType, WriteCondition condition, CancellationToken cancellation)
        {
            Requests.CountPut();
            string path = PathOf(key);
            string target = Describe(key);
            Wrap(target, () => Directory.CreateDirectory(Path.GetDirectoryName(path)!));
            string aside = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            Wrap(target, () => File.WriteAllBytes(aside, content));
            try
            {
                // The compare and the replace happen under the bucket's lock, so two runs cannot both pass the check.
                await UnderBucketLock(cancellation, () =>
                {
                    bool exists = File.Exists(path);
                    if (condition.MustBeAbsent && exists) throw new ObjectChangedException(target, condition.ToString());
                    if (condition.MatchETag != null && (!exists || ETagOf(ReadRecord(path, key)) != condition.MatchETag))
                        throw new ObjectChangedException(target, condition.ToString());
                    Wrap(target, () =>
                    {
                        if (exists) File.Replace(aside, path, null);
                        else File.Move(aside, path);
                    });
                }).ConfigureAwait(false);
            }
            finally
            {
                if (File.Exists(aside)) File.Delete(aside);
            }
            return ETagOf(content);
        }

        /// <summary>
        /// A record's content: a regular file of at most RecordLimits.MaxBytes (issue 14), so that a bucket.json
        /// replaced by a link to /dev/zero or a FIFO is refused instead of read without end.
        /// </summary>
        private byte[] ReadRecord(string path, string key) =>
            BoundedFile.ReadAllBytes(path, RecordLimits.MaxBytes, length => RecordLimits.TooLarge(Describe(key), length), "a record S3MlLayout wrote");

        /// <summary>
        /// Copies the file beside its destination (hashing it on the way), then moves it in under the bucket lock:
        /// with <see cref="WriteCondition.Absent"/> the move is refused when the key exists (create-new, like
        /// If-None-Match: *), so an existing file is never replaced. The destination must resolve inside the bucket.
        /// </summary>
        public async Task<FileUploadResult> PutFileAsync(string key, string localPath, WriteCondition condition, IProgress<long>? progress, CancellationToken cancellation)
        {
            Requests.CountPut();
            string path = PathOf(key);
            string target = Describe(key);
            Wrap(target, () => Directory.CreateDirectory(Path.GetDirectoryName(path)!));
            // A name readers of the folder skip (a leading '.'), so a half-copied file is never read as data.
            string aside = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            string eTag;
            try
            {
                try
                {
                    using var md5 = System.Security.Cryptography.MD5.Create();
                    using (var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
                    using (var destination = new FileStream(aside, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                    {
                        var buffer = new byte[1024 * 1024];
                        int read;
                        while ((read = await source.ReadAsync(buffer, 0, buffer.Length, cancellation).ConfigureAwait(false)) > 0)
                        {
                            md5.TransformBlock(buffer, 0, read, null, 0);
                            await destination.WriteAsync(buffer, 0, read, cancellation).ConfigureAwait(false);
                            progress?.Report(read);
                        }
                    }
                    md5.TransformFinalBlock(new byte[0], 0, 0);
                    eTag = "\"" + BitConverter.ToString(md5.Hash!).Replace("-", "").ToLowerInvariant() + "\"";
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    throw new MlLayoutException("ObjectWriteFailed", e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.WriteError, target,
                        $"Cannot copy '{localPath}' to '{target}': {e.Message} Check both paths, their permissions and the free space, then run again.", e);
                }
                await UnderBucketLock(cancellation, () =>
                {
                    bool exists = File.Exists(path) || Directory.Exists(path);
                    if (condition.MustBeAbsent && exists) throw new ObjectChangedException(target, condition.ToString());
                    if (condition.MatchETag != null && (!exists || ETagOf(File.ReadAllBytes(path)) != condition.MatchETag))
                        throw new ObjectChangedException(target, condition.ToString());
                    if (Directory.Exists(path))
                        throw new MlLayoutException("ObjectWriteFailed", ErrorKind.ResourceExists, target, $"'{target}' is a directory; a file cannot replace it. Rename the file, then run again.");
                    Wrap(target, () =>
                    {
                        if (exists) File.Replace(aside, path, null);
                        else File.Move(aside, path);
                    });
                }).ConfigureAwait(false);
            }
            finally
            {
                if (File.Exists(aside)) File.Delete(aside);
            }
            return new FileUploadResult(eTag, 1);
        }

        /// <summary>As S3 reports a single-part object's ETag: the quoted MD5 of its content.</summary>
        internal static string ETagOf(byte[] content)
        {
            using var md5 = System.Security.Cryptography.MD5.Create();
            return "\"" + BitConverter.ToString(md5.ComputeHash(content)).Replace("-", "").ToLowerInvariant() + "\"";
        }

        /// <summary>
        /// Runs a short compare-and-replace holding an exclusive handle on .s3mllayout/.lock in the bucket directory:
        /// the local target's stand-in for S3's atomic conditional writes, across threads and processes.
        /// </summary>
        private async Task UnderBucketLock(CancellationToken cancellation, Action operation)
        {
            string lockPath = PathOf(DeclaredLockKey);
            Wrap(Describe(DeclaredLockKey), () => Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                FileStream? held = null;
                try { held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
                catch (IOException e) when (!(e is FileNotFoundException || e is DirectoryNotFoundException))
                {
                    if (DateTime.UtcNow > deadline)
                        throw new MlLayoutException("BucketLockTimeout", ErrorKind.ResourceExists, Describe(DeclaredLockKey),
                            $"Another run has held '{Describe(DeclaredLockKey)}' for 30 seconds; let it finish (or end it), then run again.", e);
                    await Task.Delay(5, cancellation).ConfigureAwait(false);
                    continue;
                }
                using (held) operation();
                return;
            }
        }

        /// <summary>The lock file of conditional writes, under the module's reserved prefix.</summary>
        internal const string DeclaredLockKey = Naming.S3KeyRules.ReservedPrefix + ".lock";

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
