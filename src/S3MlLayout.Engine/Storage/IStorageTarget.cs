using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>What writing a folder marker did.</summary>
    public enum MarkerOutcome { Created, AlreadyExists }

    /// <summary>One object found by a listing.</summary>
    public sealed class StoredObject
    {
        public StoredObject(string key, long size) { Key = key; Size = size; }
        public string Key { get; }
        public long Size { get; }
        /// <summary>A zero-byte object whose key ends in '/': a folder marker.</summary>
        public bool IsFolderMarker => Size == 0 && Key.EndsWith("/", StringComparison.Ordinal);
    }

    /// <summary>A complete listing of one prefix (all pages), as ListObjectsV2 with or without Delimiter='/' returns it.</summary>
    public sealed class PrefixListing
    {
        public PrefixListing(string prefix, IReadOnlyList<StoredObject> objects, IReadOnlyList<string> commonPrefixes, IReadOnlyList<string>? linksOutside = null)
        {
            Prefix = prefix; Objects = objects; CommonPrefixes = commonPrefixes; LinksOutside = linksOutside ?? Array.Empty<string>();
        }
        public string Prefix { get; }
        public IReadOnlyList<StoredObject> Objects { get; }
        /// <summary>With a delimiter: the child "folders" (keys ending in '/'), whether or not they have markers.</summary>
        public IReadOnlyList<string> CommonPrefixes { get; }
        /// <summary>
        /// Local target only: entries that are symbolic links leading out of the bucket directory (folders end in '/').
        /// They are in neither list above and never followed; S3 has no links, so there this is always empty.
        /// </summary>
        public IReadOnlyList<string> LinksOutside { get; }
    }

    /// <summary>Counts the requests a target sends, by kind, so costs can be reported and tested.</summary>
    public sealed class RequestCounter
    {
        private long _list, _put, _get, _other;
        public long List => Interlocked.Read(ref _list);
        public long Put => Interlocked.Read(ref _put);
        public long Get => Interlocked.Read(ref _get);
        public long Other => Interlocked.Read(ref _other);
        public long Total => List + Put + Get + Other;
        public void CountList() => Interlocked.Increment(ref _list);
        public void CountPut() => Interlocked.Increment(ref _put);
        public void CountGet() => Interlocked.Increment(ref _get);
        public void CountOther() => Interlocked.Increment(ref _other);
        public override string ToString() => $"LIST {List}, PUT {Put}, GET {Get}, other {Other}";
    }

    /// <summary>
    /// One storage interface, two targets: Amazon S3 and a local directory. Keys are relative to the bucket root and
    /// folders end in '/'. Implementations are safe to call concurrently.
    /// </summary>
    public interface IStorageTarget : IDisposable
    {
        MlBucket Bucket { get; }
        RequestCounter Requests { get; }
        /// <summary>How many requests to run at once when nothing else is said (the local disk prefers 1).</summary>
        int DefaultConcurrency { get; }

        /// <summary>
        /// Whether a folder must be written after its parent: on a file system, creating a child creates its
        /// parent too, so writing both at once would misreport the parent as already there. S3 has no such order.
        /// </summary>
        bool ParentsFirst { get; }

        /// <summary>The address of a key to show users and to put in errors: s3://bucket/key or a local path.</summary>
        string Describe(string key);

        Task<bool> BucketExistsAsync(CancellationToken cancellation);

        /// <summary>Which of the given folder keys already have a marker (found by listing, not one request per key).</summary>
        Task<ISet<string>> FindFolderMarkersAsync(IReadOnlyCollection<string> folderKeys, CancellationToken cancellation);

        /// <summary>Creates an empty folder marker; never overwrites an existing object.</summary>
        Task<MarkerOutcome> CreateFolderMarkerAsync(string folderKey, CancellationToken cancellation);

        /// <summary>
        /// Lists a prefix to the end, or until <paramref name="maxEntries"/> entries; with <paramref name="delimited"/>,
        /// one level (Delimiter='/').
        /// </summary>
        Task<PrefixListing> ListAsync(string prefix, bool delimited, CancellationToken cancellation, int maxEntries = int.MaxValue);

        /// <summary>Removes an empty folder marker (never an object with content, never a non-empty directory).</summary>
        Task DeleteFolderMarkerAsync(string folderKey, CancellationToken cancellation);

        /// <summary>The content of an object, or null when it does not exist.</summary>
        Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation);

        /// <summary>Writes (or replaces) a small object such as a declaration or an audit record.</summary>
        Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation);
    }
}
