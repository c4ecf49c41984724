using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>What writing a folder marker did.</summary>
    public enum MarkerOutcome { Created, AlreadyExists }

    /// <summary>What removing a listed folder marker did. Anything but Deleted leaves the key as it is.</summary>
    public enum MarkerDeleteOutcome
    {
        /// <summary>The listed zero-byte marker (that exact version or ETag) was removed.</summary>
        Deleted,
        /// <summary>The key no longer holds the listed marker (something was written there since): left alone.</summary>
        Changed,
        /// <summary>The store can delete neither by version nor on a condition, so the marker was left rather than risk data.</summary>
        LeftUnconditional,
    }

    /// <summary>One object found by a listing.</summary>
    public sealed class StoredObject
    {
        public StoredObject(string key, long size, string? eTag = null) { Key = key; Size = size; ETag = eTag; }
        public StoredObject(string key, long size, string? eTag, string? storageClass, DateTime? lastModified) : this(key, size, eTag)
        {
            StorageClass = storageClass; LastModified = lastModified;
        }
        public string Key { get; }
        public long Size { get; }
        /// <summary>The entity tag as the store reported it (quoted, as S3 sends it); null where unknown.</summary>
        public string? ETag { get; }
        /// <summary>The storage class where the listing says it (STANDARD, GLACIER ...); null where unknown.</summary>
        public string? StorageClass { get; }
        /// <summary>When the object was last written, where the listing says it.</summary>
        public DateTime? LastModified { get; }
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

    /// <summary>The content of a small object and the entity tag it was read at, for compare-and-swap writes.</summary>
    public sealed class StoredContent
    {
        public StoredContent(byte[] content, string eTag) { Content = content; ETag = eTag; }
        public byte[] Content { get; }
        public string ETag { get; }
    }

    /// <summary>
    /// The condition a write is made on: none (overwrite), the key must be absent (If-None-Match: *), or the key must
    /// still hold what was read (If-Match: its ETag). A failed condition throws <see cref="Errors.ObjectChangedException"/>.
    /// </summary>
    public sealed class WriteCondition
    {
        private WriteCondition(bool absent, string? eTag) { MustBeAbsent = absent; MatchETag = eTag; }
        public static WriteCondition None { get; } = new WriteCondition(false, null);
        public static WriteCondition Absent { get; } = new WriteCondition(true, null);
        public static WriteCondition Matches(string eTag) => new WriteCondition(false, eTag ?? throw new ArgumentNullException(nameof(eTag)));
        /// <summary>Absent when nothing was read, otherwise the ETag read.</summary>
        public static WriteCondition After(StoredContent? read) => read == null ? Absent : Matches(read.ETag);
        public bool MustBeAbsent { get; }
        public string? MatchETag { get; }
        public override string ToString() => MustBeAbsent ? "If-None-Match: *" : MatchETag != null ? $"If-Match: {MatchETag}" : "unconditional";
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

        /// <summary>
        /// Creates the bucket (on the local target: its directory; on S3 in the connection's region, ACLs off when the
        /// desired settings say so). False when it was already there and ours.
        /// </summary>
        Task<bool> CreateBucketAsync(S3.BucketSettings desired, CancellationToken cancellation);

        /// <summary>Whether the target has bucket settings (S3: public access, encryption, versioning ...); a local directory has none.</summary>
        bool HasSettings { get; }

        /// <summary>
        /// Why a desired setting cannot be applied through this target, with the setting cleared from
        /// <paramref name="desired"/> (a TLS-only policy over a plain http:// endpoint would lock every request out); null when none.
        /// </summary>
        string? Restrict(S3.BucketSettings desired);

        /// <summary>The settings as the target reports them now; null where the target has none.</summary>
        /// <param name="declared">What was declared, for the settings read by what they name (the inventory configuration's
        /// id and its destination's policy); null reads none of those.</param>
        Task<S3.BucketSettings?> ReadSettingsAsync(CancellationToken cancellation, S3.BucketSettings? declared = null);

        /// <summary>The changes that would bring the actual settings to the desired ones, one per setting, in the order they are applied.</summary>
        IReadOnlyList<S3.BucketChange> PlanSettings(S3.BucketSettings desired, S3.BucketSettings actual);

        /// <summary>Applies the approved changes, one setting at a time; returns what was applied.</summary>
        Task<IReadOnlyList<S3.BucketChange>> ApplySettingsAsync(S3.BucketSettings desired, S3.BucketSettings actual, IReadOnlyCollection<S3.BucketChange> approved, CancellationToken cancellation);

        /// <summary>Who is making the changes, for audit records: the caller's ARN on S3 where STS answers, else the local user. Never fails.</summary>
        Task<string> DescribeCallerAsync(CancellationToken cancellation);

        /// <summary>Who is making the changes without asking anyone (a stopped run has no time for a request).</summary>
        string CallerWithoutRequest { get; }

        /// <summary>Which of the given folder keys already have a marker (found by listing, not one request per key).</summary>
        Task<ISet<string>> FindFolderMarkersAsync(IReadOnlyCollection<string> folderKeys, CancellationToken cancellation);

        /// <summary>
        /// An id unique to this opened target (one run against one bucket): written with each marker so that a retry
        /// refused because its own earlier attempt landed is still counted as created by this run, and used as the
        /// audit record's run id.
        /// </summary>
        string RunId { get; }

        /// <summary>Creates an empty folder marker; never overwrites an existing object.</summary>
        Task<MarkerOutcome> CreateFolderMarkerAsync(string folderKey, CancellationToken cancellation);

        /// <summary>
        /// Lists a prefix to the end, or until <paramref name="maxEntries"/> entries; with <paramref name="delimited"/>,
        /// one level (Delimiter='/').
        /// </summary>
        Task<PrefixListing> ListAsync(string prefix, bool delimited, CancellationToken cancellation, int maxEntries = int.MaxValue);

        /// <summary>
        /// Every object under a prefix (no delimiter), handed to <paramref name="onPage"/> one page at a time (at most
        /// 1,000 objects, one LIST request each, in key order) and awaited before the next page is asked for, so a
        /// caller never holds more than a page. Links leading out of the bucket (local target) are skipped.
        /// </summary>
        Task ListObjectPagesAsync(string prefix, Func<IReadOnlyList<StoredObject>, Task> onPage, CancellationToken cancellation);

        /// <summary>
        /// Removes exactly the zero-byte marker a listing returned, never what may have been written at its key since:
        /// by version id on a versioned bucket, on its ETag where the store supports conditional deletes (an empty
        /// directory on the local target); otherwise the marker is left and the outcome says so.
        /// </summary>
        Task<MarkerDeleteOutcome> DeleteFolderMarkerAsync(StoredObject listedMarker, CancellationToken cancellation);

        /// <summary>
        /// Removes a small record of the module (a declaration) only if it still holds what was read: on its ETag
        /// (If-Match) where the store honours conditional deletes, else by the version id of the read content on a
        /// versioned bucket; otherwise the record is left and the outcome says so. The local target compares the
        /// content under the bucket lock. Changed when the key holds something else now, or nothing.
        /// </summary>
        Task<MarkerDeleteOutcome> DeleteRecordAsync(string key, StoredContent read, CancellationToken cancellation);

        /// <summary>The content of an object, or null when it does not exist.</summary>
        Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation);

        /// <summary>
        /// At most <paramref name="length"/> bytes of an object (-VerifyContent): from <paramref name="offset"/>, or with
        /// <paramref name="fromEnd"/> its last <paramref name="length"/> bytes (offset ignored). One GET on S3; fewer
        /// bytes when the object is shorter; null when it does not exist. Never reads more than asked.
        /// </summary>
        Task<byte[]?> ReadRangeAsync(string key, long offset, int length, bool fromEnd, CancellationToken cancellation);

        /// <summary>The content of an object and its ETag, or null when it does not exist.</summary>
        Task<StoredContent?> ReadObjectWithETagAsync(string key, CancellationToken cancellation);

        /// <summary>Writes (or replaces) a small object such as a declaration or an audit record.</summary>
        Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation);

        /// <summary>Writes a small object on a condition; returns the new ETag. A failed condition throws ObjectChangedException.</summary>
        Task<string> WriteObjectAsync(string key, byte[] content, string contentType, WriteCondition condition, CancellationToken cancellation);

        /// <summary>
        /// Writes a local file as the object at <paramref name="key"/> on a condition (Write-MlObject): S3 sends a file
        /// above <see cref="FileUpload.MultipartThreshold"/> in parallel parts and aborts the upload when it fails or is
        /// stopped; the local target copies it aside and moves it in. Reports the bytes sent to <paramref name="progress"/>
        /// as they go. A failed condition throws ObjectChangedException and leaves the key as it was.
        /// </summary>
        Task<FileUploadResult> PutFileAsync(string key, string localPath, WriteCondition condition, IProgress<long>? progress, CancellationToken cancellation);
    }
}
