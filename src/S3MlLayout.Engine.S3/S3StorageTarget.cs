using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// The S3 target: one reused client, folder markers written with If-None-Match: * so an existing object is
    /// never overwritten, existing markers found by listing (never one request per key when a listing can say).
    /// </summary>
    public sealed partial class S3StorageTarget : IStorageTarget
    {
        /// <summary>Recursive listing pages spent on finding markers before walking the tree prefix by prefix.</summary>
        internal const int RecursiveListingBudget = 2;

        private readonly S3Connection _connection;

        public S3StorageTarget(MlBucket bucket)
        {
            Bucket = bucket;
            _connection = S3Buckets.ConnectionOf(bucket);
        }

        public MlBucket Bucket { get; }
        public RequestCounter Requests { get; } = new RequestCounter();
        public string RunId { get; } = Guid.NewGuid().ToString("N");
        /// <summary>The metadata key (x-amz-meta-…) that names the run that wrote a marker.</summary>
        internal const string RunMetadata = "s3mllayout-run";
        /// <summary>Chosen by measurement (bench/run.py sweeps -ThrottleLimit): 16 to 64 perform alike, 8 is 1.5x slower.</summary>
        public int DefaultConcurrency => 32;
        public bool ParentsFirst => false;
        private AmazonS3Client Client => _connection.Client;
        /// <summary>For requests that carry file data or finish a multipart upload: longer timeouts, same connection.</summary>
        private AmazonS3Client Transfer => _connection.TransferClient;
        private string? Owner => _connection.ExpectedBucketOwner;

        public string Describe(string key) => $"s3://{Bucket.Name}/{key}";

        /// <summary>One existence check for both the target and New-MlBucket: 404 is absent, 403 another account's bucket.</summary>
        public Task<bool> BucketExistsAsync(CancellationToken cancellation) =>
            new S3BucketAdmin(_connection, Bucket.Name, Requests).ExistsAsync(cancellation);

        private S3BucketAdmin Admin => new S3BucketAdmin(_connection, Bucket.Name, Requests);

        public async Task<bool> CreateBucketAsync(BucketSettings desired, CancellationToken cancellation)
        {
            _createdHere = await Admin.CreateAsync(desired.ObjectOwnership != null, cancellation).ConfigureAwait(false) == BucketCreateOutcome.Created;
            // Until its encryption setting lands, a new bucket encrypts with S3's default (SSE-S3): the documents written
            // before then (its declarations) name the KMS key themselves.
            if (_createdHere && desired.Encryption == "aws:kms") _encryptionPending = desired;
            return _createdHere;
        }

        /// <summary>This target created the bucket: nobody else's policy or lifecycle rules can be on it to merge with.</summary>
        private bool _createdHere;

        /// <summary>The KMS encryption a new bucket is about to get by default, sent with each object written before then.</summary>
        private volatile BucketSettings? _encryptionPending;

        public bool HasSettings => true;

        public string? Restrict(BucketSettings desired)
        {
            if (!_connection.IsPlainHttp || desired.TlsOnlyPolicy != true) return null;
            // Every request through this endpoint is plain HTTP: the policy would lock this tool (and everyone) out.
            desired.TlsOnlyPolicy = null;
            return $"The endpoint {_connection.EndpointUrl} is plain HTTP, so the TLS-only bucket policy was not applied (it would deny every request made through it). Use an https:// endpoint to apply it.";
        }

        public async Task<BucketSettings?> ReadSettingsAsync(CancellationToken cancellation, BucketSettings? declared = null) => await Admin.ReadAsync(cancellation, declared).ConfigureAwait(false);

        public IReadOnlyList<BucketChange> PlanSettings(BucketSettings desired, BucketSettings actual) => S3BucketAdmin.Plan(desired, actual);

        public async Task<IReadOnlyList<BucketChange>> ApplySettingsAsync(BucketSettings desired, BucketSettings actual, IReadOnlyCollection<BucketChange> approved, CancellationToken cancellation)
        {
            var applied = await Admin.ApplyAsync(desired, actual, approved, cancellation, bucketIsNew: _createdHere).ConfigureAwait(false);
            if (applied.Any(c => c.Setting == nameof(BucketSettings.Encryption))) _encryptionPending = null; // the bucket's default now
            return applied;
        }

        /// <summary>Asked once per connection and shared by every bucket of a run (a fleet's audit records all name the same caller).</summary>
        public Task<string> DescribeCallerAsync(CancellationToken cancellation)
        {
            return _connection.LookUpCaller();
        }

        public string CallerWithoutRequest => $"unknown ({_connection.CredentialSource}; run stopped)";

        public async Task<ISet<string>> FindFolderMarkersAsync(IReadOnlyCollection<string> folderKeys, CancellationToken cancellation)
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            if (folderKeys.Count == 0) return found;
            string root = ListingRoot(folderKeys);

            // One recursive listing of the common root settles most runs (a new solution: one empty page; a re-run of
            // one without data: a page or two). Only when data makes it long do the remaining keys get checked one
            // prefix at a time, so the cost never grows with the number of data objects.
            string? lastKey = null;
            bool complete = false;
            string? token = null;
            for (int page = 0; page < RecursiveListingBudget; page++)
            {
                var response = await ListPage(root, null, token, 1000, cancellation).ConfigureAwait(false);
                foreach (var o in response.S3Objects ?? new List<S3Object>())
                {
                    if (o.Key.EndsWith("/", StringComparison.Ordinal)) found.Add(o.Key);
                    lastKey = o.Key;
                }
                token = response.NextContinuationToken;
                if (response.IsTruncated != true) { complete = true; break; }
            }
            var pending = folderKeys.Where(k => !k.StartsWith(root, StringComparison.Ordinal) || (!complete && string.CompareOrdinal(k, lastKey ?? "") > 0)).ToList();
            found.IntersectWith(folderKeys);
            if (pending.Count == 0) return found;

            // Walk the rest by depth: a prefix with nothing under it rules out its whole subtree.
            var absent = new HashSet<string>(StringComparer.Ordinal);
            foreach (var depth in pending.GroupBy(k => k.Count(c => c == '/')).OrderBy(g => g.Key))
            {
                var checks = depth.Where(k => !HasAbsentAncestor(k, absent)).Select(async key =>
                {
                    var response = await ListPage(key, "/", null, 1, cancellation).ConfigureAwait(false);
                    bool any = (response.S3Objects?.Count ?? 0) + (response.CommonPrefixes?.Count ?? 0) > 0;
                    // The marker sorts before everything under its prefix, so one entry is enough to see it.
                    bool marker = response.S3Objects?.FirstOrDefault()?.Key == key;
                    return (key, any, marker);
                }).ToList();
                foreach (var (key, any, marker) in await Task.WhenAll(checks).ConfigureAwait(false))
                {
                    if (marker) lock (found) found.Add(key);
                    if (!any) absent.Add(key);
                }
            }
            return found;
        }

        private static bool HasAbsentAncestor(string key, HashSet<string> absent)
        {
            for (int slash = key.IndexOf('/'); slash >= 0 && slash < key.Length - 1; slash = key.IndexOf('/', slash + 1))
                if (absent.Contains(key.Substring(0, slash + 1))) return true;
            return false;
        }

        /// <summary>
        /// The deepest prefix holding every leaf key (keys no other key lies under): the subtree worth listing
        /// recursively. Ancestors above it (solutions/, solutions/x/) are checked one by one.
        /// </summary>
        internal static string ListingRoot(IReadOnlyCollection<string> keys)
        {
            var sorted = keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            string? common = null;
            for (int i = 0; i < sorted.Count; i++)
            {
                bool hasDescendant = i + 1 < sorted.Count && sorted[i + 1].StartsWith(sorted[i], StringComparison.Ordinal);
                if (hasDescendant) continue;
                if (common == null) { common = sorted[i]; continue; }
                int n = 0;
                while (n < common.Length && n < sorted[i].Length && common[n] == sorted[i][n]) n++;
                common = common.Substring(0, n);
            }
            common ??= "";
            return common.Substring(0, common.LastIndexOf('/') + 1);
        }

        public async Task<MarkerOutcome> CreateFolderMarkerAsync(string folderKey, CancellationToken cancellation)
        {
            Requests.CountPut();
            try
            {
                var request = new PutObjectRequest
                {
                    BucketName = Bucket.Name,
                    Key = folderKey,
                    ContentBody = "",
                    IfNoneMatch = "*",
                    ExpectedBucketOwner = Owner,
                };
                request.Metadata[RunMetadata] = RunId;
                await Client.PutObjectAsync(request, cancellation).ConfigureAwait(false);
                return MarkerOutcome.Created;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "ConditionalRequestConflict")
            {
                // An object is there already and is never overwritten. It may be this run's own marker: the first
                // attempt landed, its reply was lost, and the SDK's retry was refused. The run id it carries tells.
                return await WrittenByThisRunAsync(folderKey, cancellation).ConfigureAwait(false) ? MarkerOutcome.Created : MarkerOutcome.AlreadyExists;
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "FolderCreateFailed", Describe(folderKey), "creating the folder marker");
            }
        }

        private async Task<bool> WrittenByThisRunAsync(string key, CancellationToken cancellation)
        {
            Requests.CountOther();
            try
            {
                var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket.Name, Key = key, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                return head.Metadata[RunMetadata] == RunId;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
            catch (AmazonServiceException e) { throw S3Errors.Translate(e, "FolderCreateFailed", Describe(key), "reading the folder marker"); }
        }

        public async Task<PrefixListing> ListAsync(string prefix, bool delimited, CancellationToken cancellation, int maxEntries = int.MaxValue)
        {
            var objects = new List<StoredObject>();
            var prefixes = new List<string>();
            string? token = null;
            do
            {
                var response = await ListPage(prefix, delimited ? "/" : null, token, 1000, cancellation).ConfigureAwait(false);
                objects.AddRange((response.S3Objects ?? new List<S3Object>()).Select(o => new StoredObject(o.Key, o.Size ?? 0, o.ETag)));
                prefixes.AddRange(response.CommonPrefixes ?? new List<string>());
                token = response.IsTruncated == true ? response.NextContinuationToken : null;
            }
            while (token != null && objects.Count + prefixes.Count < maxEntries);
            return new PrefixListing(prefix, objects, prefixes);
        }

        public async Task ListObjectPagesAsync(string prefix, Func<IReadOnlyList<StoredObject>, Task> onPage, CancellationToken cancellation)
        {
            string? token = null;
            do
            {
                var response = await ListPage(prefix, null, token, 1000, cancellation).ConfigureAwait(false);
                var page = (response.S3Objects ?? new List<S3Object>())
                    .Select(o => new StoredObject(o.Key, o.Size ?? 0, o.ETag, o.StorageClass?.Value, o.LastModified?.ToUniversalTime())).ToList();
                await onPage(page).ConfigureAwait(false);
                token = response.IsTruncated == true ? response.NextContinuationToken : null;
            }
            while (token != null);
        }

        public async Task<MarkerDeleteOutcome> DeleteFolderMarkerAsync(StoredObject listedMarker, CancellationToken cancellation)
        {
            string key = listedMarker.Key;
            if (!listedMarker.IsFolderMarker) return MarkerDeleteOutcome.Changed; // only ever a zero-byte marker
            try
            {
                if (await VersioningEnabledAsync(cancellation).ConfigureAwait(false))
                {
                    // Delete that exact version: whatever was written at the key since is a newer version and stays.
                    Requests.CountOther();
                    GetObjectMetadataResponse head;
                    try { head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket.Name, Key = key, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false); }
                    catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return MarkerDeleteOutcome.Changed; }
                    if (head.ContentLength != 0 || string.IsNullOrEmpty(head.VersionId) || head.VersionId == "null" || (listedMarker.ETag != null && head.ETag != listedMarker.ETag))
                        return MarkerDeleteOutcome.Changed;
                    Requests.CountOther();
                    await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = key, VersionId = head.VersionId, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    return MarkerDeleteOutcome.Deleted;
                }
                if (listedMarker.ETag == null || !await ConditionalDeletesAsync(cancellation).ConfigureAwait(false))
                    return MarkerDeleteOutcome.LeftUnconditional;
                Requests.CountOther();
                try
                {
                    await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = key, IfMatch = listedMarker.ETag, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                    return MarkerDeleteOutcome.Deleted;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "ConditionalRequestConflict")
                {
                    return MarkerDeleteOutcome.Changed;
                }
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "FolderRemoveFailed", Describe(key), "removing the folder marker");
            }
        }

        public async Task<MarkerDeleteOutcome> DeleteRecordAsync(string key, StoredContent read, CancellationToken cancellation)
        {
            try
            {
                if (await ConditionalDeletesAsync(cancellation).ConfigureAwait(false))
                {
                    // On a versioned bucket this leaves the record as a noncurrent version: its history stays.
                    Requests.CountOther();
                    try
                    {
                        await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = key, IfMatch = read.ETag, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                        return MarkerDeleteOutcome.Deleted;
                    }
                    catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.StatusCode == HttpStatusCode.NotFound || e.ErrorCode == "ConditionalRequestConflict")
                    {
                        return MarkerDeleteOutcome.Changed;
                    }
                }
                if (!await VersioningEnabledAsync(cancellation).ConfigureAwait(false)) return MarkerDeleteOutcome.LeftUnconditional;
                // The version that holds what was read: whatever was written since is a newer version and stays current.
                Requests.CountOther();
                GetObjectMetadataResponse head;
                try { head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket.Name, Key = key, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false); }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return MarkerDeleteOutcome.Changed; }
                if (head.ETag != read.ETag || string.IsNullOrEmpty(head.VersionId) || head.VersionId == "null") return MarkerDeleteOutcome.Changed;
                Requests.CountOther();
                await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = key, VersionId = head.VersionId, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                return MarkerDeleteOutcome.Deleted;
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ObjectRemoveFailed", Describe(key), "removing");
            }
        }

        private bool? _versioningEnabled;

        private async Task<bool> VersioningEnabledAsync(CancellationToken cancellation)
        {
            if (_versioningEnabled is bool known) return known;
            Requests.CountGet();
            var response = await Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket.Name, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
            // Suspended versioning writes new objects as the "null" version, which a version-id delete could hit: not enough.
            return (_versioningEnabled = response.VersioningConfig?.Status == VersionStatus.Enabled).Value;
        }

        /// <summary>
        /// Whether the store honours If-Match on DeleteObject (Amazon S3 does; some S3-compatible stores ignore it,
        /// which would make a "conditional" delete unconditional). Learned once per connection from a probe object
        /// under the module's reserved prefix: a delete on a wrong ETag must be refused.
        /// </summary>
        private async Task<bool> ConditionalDeletesAsync(CancellationToken cancellation)
        {
            if (_connection.ConditionalDeletes is bool known) return known;
            string probe = $"{Naming.S3KeyRules.ReservedPrefix}probe/{RunId}";
            Requests.CountPut();
            await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket.Name, Key = probe, ContentBody = "conditional delete probe", ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
            // Supported: the wrong ETag is refused (412). Ignored: the probe is deleted anyway. Not implemented: 400/501.
            bool supported = false, probeLeft = false;
            try
            {
                Requests.CountOther();
                await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = probe, IfMatch = "\"00000000000000000000000000000000\"", ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "ConditionalRequestConflict")
            {
                supported = probeLeft = true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented || e.StatusCode == HttpStatusCode.BadRequest)
            {
                probeLeft = true;
            }
            if (probeLeft)
            {
                // The probe is ours alone (its key names this run).
                Requests.CountOther();
                await Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket.Name, Key = probe, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
            }
            _connection.ConditionalDeletes = supported;
            return supported;
        }

        /// <summary>
        /// One ListObjectsV2 page, asked with EncodingType=url: a key may hold characters XML 1.0 cannot carry (\x01),
        /// and without the encoding the whole page fails to parse, so one odd key would stop every listing of the bucket.
        /// The keys and common prefixes come back decoded, exactly as stored. A service that ignores the parameter
        /// (it does not echo EncodingType) sends them plain, and they are left as they are.
        /// </summary>
        internal async Task<ListObjectsV2Response> ListPage(string prefix, string? delimiter, string? token, int maxKeys, CancellationToken cancellation)
        {
            Requests.CountList();
            ListObjectsV2Response response;
            try
            {
                response = await Client.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = Bucket.Name,
                    Prefix = prefix,
                    Delimiter = delimiter,
                    ContinuationToken = token,
                    MaxKeys = maxKeys,
                    Encoding = EncodingType.Url,
                    ExpectedBucketOwner = Owner,
                }, cancellation).ConfigureAwait(false);
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ListFailed", Describe(prefix), "listing");
            }
            if (response.Encoding == EncodingType.Url)
            {
                foreach (var listed in response.S3Objects ?? new List<S3Object>()) listed.Key = ListedName(listed.Key, prefix);
                if (response.CommonPrefixes != null) response.CommonPrefixes = response.CommonPrefixes.Select(p => ListedName(p, prefix)).ToList();
            }
            return response;
        }

        /// <summary>
        /// A key or prefix of a url-encoded listing, decoded as S3 encodes it (form encoding: '+' is a space, "%2B" a
        /// plus). A name whose bytes do not decode to UTF-8 text (WebUtility gives U+FFFD for them) is a clear error
        /// naming it, not a network failure: working on a key other than the stored one could touch the wrong object.
        /// </summary>
        private string ListedName(string encoded, string prefix)
        {
            string decoded = WebUtility.UrlDecode(encoded);
            if (decoded.IndexOf('\uFFFD') >= 0 && encoded.IndexOf('\uFFFD') < 0 && !encoded.Contains("%EF%BF%BD"))
                throw new MlLayoutException("ListedKeyInvalid", ErrorKind.InvalidData, Describe(prefix),
                    $"Listing '{Describe(prefix)}' returned the key '{encoded}', whose bytes are not UTF-8 text; rename or remove that object.");
            return decoded;
        }

        public async Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation) =>
            (await ReadObjectWithETagAsync(key, cancellation).ConfigureAwait(false))?.Content;

        public async Task<byte[]?> ReadRangeAsync(string key, long offset, int length, bool fromEnd, CancellationToken cancellation)
        {
            if (length <= 0) return Array.Empty<byte>();
            Requests.CountGet();
            try
            {
                // ByteRange(string) sends the header as given: the suffix form "bytes=-N" (the last N bytes) has no start/end pair.
                var range = fromEnd ? new ByteRange($"bytes=-{length}") : new ByteRange(offset, offset + length - 1);
                using var response = await Client.GetObjectAsync(new GetObjectRequest
                    { BucketName = Bucket.Name, Key = key, ExpectedBucketOwner = Owner, ByteRange = range }, cancellation).ConfigureAwait(false);
                // A store that ignores Range sends the whole object: read no further than asked either way.
                var buffer = new byte[length];
                int read = 0;
                while (read < length)
                {
                    int got = await response.ResponseStream.ReadAsync(buffer, read, length - read, cancellation).ConfigureAwait(false);
                    if (got == 0) break;
                    read += got;
                }
                if (read < length) Array.Resize(ref buffer, read);
                return buffer;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (AmazonS3Exception e) when ((int)e.StatusCode == 416)
            {
                return Array.Empty<byte>(); // an empty object has no byte to give
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ObjectReadFailed", Describe(key), "reading");
            }
        }

        public async Task<StoredContent?> ReadObjectWithETagAsync(string key, CancellationToken cancellation)
        {
            Requests.CountGet();
            try
            {
                using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket.Name, Key = key, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                // Whoever writes to the bucket shapes its records: refused when it claims more than the limit, and read
                // no further than the limit when it claims less (issue 14).
                if (response.ContentLength > RecordLimits.MaxBytes) throw RecordLimits.TooLarge(Describe(key), response.ContentLength);
                using var buffer = new System.IO.MemoryStream();
                var chunk = new byte[81920];
                while (true)
                {
                    int want = (int)Math.Min(chunk.Length, RecordLimits.MaxBytes + 1L - buffer.Length);
                    int got = await response.ResponseStream.ReadAsync(chunk, 0, want, cancellation).ConfigureAwait(false);
                    if (got == 0) break;
                    buffer.Write(chunk, 0, got);
                    if (buffer.Length > RecordLimits.MaxBytes) throw RecordLimits.TooLarge(Describe(key), buffer.Length);
                }
                return new StoredContent(buffer.ToArray(), response.ETag);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ObjectReadFailed", Describe(key), "reading");
            }
        }

        public Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation) =>
            WriteObjectAsync(key, content, contentType, WriteCondition.None, cancellation);

        public async Task<string> WriteObjectAsync(string key, byte[] content, string contentType, WriteCondition condition, CancellationToken cancellation)
        {
            Requests.CountPut();
            try
            {
                using var stream = new System.IO.MemoryStream(content);
                var request = new PutObjectRequest
                {
                    BucketName = Bucket.Name, Key = key, InputStream = stream, ContentType = contentType, ExpectedBucketOwner = Owner,
                };
                if (condition.MustBeAbsent) request.IfNoneMatch = "*";
                if (condition.MatchETag != null) request.IfMatch = condition.MatchETag;
                if (_encryptionPending is BucketSettings pending)
                {
                    request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
                    request.ServerSideEncryptionKeyManagementServiceKeyId = pending.KmsKeyId;
                    request.BucketKeyEnabled = pending.BucketKeyEnabled;
                }
                return (await Client.PutObjectAsync(request, cancellation).ConfigureAwait(false)).ETag;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "ConditionalRequestConflict"
                                              || (condition.MatchETag != null && e.StatusCode == HttpStatusCode.NotFound))
            {
                throw new ObjectChangedException(Describe(key), condition.ToString(), e);
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ObjectWriteFailed", Describe(key), "writing");
            }
        }

        public async Task<FileUploadResult> PutFileAsync(string key, string localPath, WriteCondition condition, IProgress<long>? progress, CancellationToken cancellation)
        {
            long size = new System.IO.FileInfo(localPath).Length;
            string contentType = Amazon.S3.Util.AmazonS3Util.MimeTypeFromExtension(System.IO.Path.GetExtension(localPath));
            try
            {
                if (size <= FileUpload.MultipartThreshold)
                {
                    Requests.CountPut();
                    var request = new PutObjectRequest
                    {
                        BucketName = Bucket.Name, Key = key, FilePath = localPath, ContentType = contentType, ExpectedBucketOwner = Owner,
                    };
                    SignPayloadWhole(request);
                    if (condition.MustBeAbsent) request.IfNoneMatch = "*";
                    if (condition.MatchETag != null) request.IfMatch = condition.MatchETag;
                    var response = await Transfer.PutObjectAsync(request, cancellation).ConfigureAwait(false);
                    progress?.Report(size);
                    return new FileUploadResult(response.ETag, 1);
                }
                return await PutMultipartAsync(key, localPath, size, contentType, condition, progress, cancellation).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "ConditionalRequestConflict"
                                              || (condition.MatchETag != null && e.StatusCode == HttpStatusCode.NotFound))
            {
                throw new ObjectChangedException(Describe(key), condition.ToString(), e);
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "ObjectWriteFailed", Describe(key), "writing");
            }
        }

        /// <summary>
        /// How file data is signed. The SDK's default streams it in signed 80 KB chunks (aws-chunked): a signature per
        /// chunk and a decoding pass on the server made each 8 MiB part 2-4 times slower to send than a plain body
        /// (measured through bench/s3_proxy.py, issue 15). Over TLS the payload goes unsigned, as the AWS CLI sends it
        /// (TLS guards it on the way; Amazon S3 still gets the SDK's CRC32 checksum); over plain http it is hashed
        /// whole before it is sent, so its signature still covers every byte.
        /// </summary>
        private void SignPayloadWhole(PutObjectRequest request)
        {
            if (_connection.IsPlainHttp) request.UseChunkEncoding = false;
            else request.DisablePayloadSigning = true;
        }

        private void SignPayloadWhole(UploadPartRequest request)
        {
            if (_connection.IsPlainHttp) request.UseChunkEncoding = false;
            else request.DisablePayloadSigning = true;
        }

        /// <summary>
        /// Sends a large file in parts, <see cref="FileUpload.PartsInFlight"/> at once on the connection's transfer client, each part
        /// read from the file by the SDK (so a retried part is read again, not held in memory). The condition is
        /// checked by CompleteMultipartUpload, so nothing appears at the key unless it holds. Any failure, and a stop,
        /// aborts the upload: no part is left behind to be billed.
        /// </summary>
        private async Task<FileUploadResult> PutMultipartAsync(string key, string localPath, long size, string contentType, WriteCondition condition,
            IProgress<long>? progress, CancellationToken cancellation)
        {
            Requests.CountOther();
            var created = await Transfer.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = Bucket.Name, Key = key, ContentType = contentType, ExpectedBucketOwner = Owner,
            }, cancellation).ConfigureAwait(false);
            string uploadId = created.UploadId;
            try
            {
                long partSize = FileUpload.PartSizeFor(size);
                int count = (int)((size + partSize - 1) / partSize);
                var parts = new PartETag[count];
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                using var gate = new SemaphoreSlim(FileUpload.PartsInFlight);
                var sends = Enumerable.Range(0, count).Select(async index =>
                {
                    await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                    try
                    {
                        long offset = index * partSize, length = Math.Min(partSize, size - offset);
                        Requests.CountPut();
                        var upload = new UploadPartRequest
                        {
                            BucketName = Bucket.Name, Key = key, UploadId = uploadId, PartNumber = index + 1,
                            FilePath = localPath, FilePosition = offset, PartSize = length, ExpectedBucketOwner = Owner,
                        };
                        SignPayloadWhole(upload);
                        var part = await Transfer.UploadPartAsync(upload, stop.Token).ConfigureAwait(false);
                        parts[index] = new PartETag(index + 1, part.ETag)
                        {
                            ChecksumCRC32 = part.ChecksumCRC32, ChecksumCRC32C = part.ChecksumCRC32C, ChecksumSHA1 = part.ChecksumSHA1, ChecksumSHA256 = part.ChecksumSHA256,
                        };
                        progress?.Report(length);
                    }
                    catch
                    {
                        stop.Cancel(); // one failed part stops the others: the upload is aborted anyway
                        throw;
                    }
                    finally { gate.Release(); }
                }).ToList();
                try { await Task.WhenAll(sends).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    // A part's real failure cancelled its siblings: report that failure, not their cancellation.
                    var failed = sends.FirstOrDefault(t => t.IsFaulted && !(t.Exception!.InnerException is OperationCanceledException));
                    if (failed != null) await failed.ConfigureAwait(false);
                    throw;
                }
                Requests.CountOther();
                var complete = new CompleteMultipartUploadRequest
                {
                    BucketName = Bucket.Name, Key = key, UploadId = uploadId, PartETags = parts.ToList(), ExpectedBucketOwner = Owner,
                };
                if (condition.MustBeAbsent) complete.IfNoneMatch = "*";
                if (condition.MatchETag != null) complete.IfMatch = condition.MatchETag;
                var done = await Transfer.CompleteMultipartUploadAsync(complete, cancellation).ConfigureAwait(false);
                return new FileUploadResult(done.ETag, count);
            }
            catch
            {
                await AbortUploadAsync(key, uploadId).ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>Aborts an unfinished upload on its own short deadline (the run's token may have fired); a failure here is left to the bucket's lifecycle rule.</summary>
        private async Task AbortUploadAsync(string key, string uploadId)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                Requests.CountOther();
                await Transfer.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = Bucket.Name, Key = key, UploadId = uploadId, ExpectedBucketOwner = Owner,
                }, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AmazonServiceException || e is OperationCanceledException || e is MlLayoutException || e is System.Net.Http.HttpRequestException)
            {
                // New-MlBucket's lifecycle rule (abort incomplete multipart uploads) removes what is left.
            }
        }

        public void Dispose() { } // the client belongs to the connection, reused across the pipeline
    }

    /// <summary>Turns SDK exceptions into engine errors with a message that says what to do.</summary>
    internal static class S3Errors
    {
        public static MlLayoutException Translate(AmazonServiceException e, string errorId, string target, string doing)
        {
            string code = e.ErrorCode ?? e.StatusCode.ToString();
            var (kind, advice) = e.StatusCode switch
            {
                HttpStatusCode.Forbidden => (ErrorKind.PermissionDenied, "Check that the credentials allow it and that -ExpectedBucketOwner (if given) is the bucket owner's account."),
                HttpStatusCode.NotFound => (ErrorKind.ObjectNotFound, "Check the bucket name and region."),
                HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect => (ErrorKind.ConnectionError, "The bucket is in another region: pass its -Region."),
                HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError => (ErrorKind.ConnectionError, "S3 kept failing after retries; run the command again to finish the rest."),
                _ => (ErrorKind.NotSpecified, "Run the command again; what succeeded is kept."),
            };
            return new MlLayoutException(errorId, kind, target, $"S3 refused {doing} '{target}': {code} ({(int)e.StatusCode}) {e.Message} {advice}", e);
        }
    }
}
