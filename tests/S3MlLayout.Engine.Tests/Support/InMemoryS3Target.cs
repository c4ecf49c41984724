using System.Collections.Concurrent;
using System.Security.Cryptography;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Tests.Support;

/// <summary>
/// An S3 bucket in memory, with S3's semantics where the engine relies on them: flat keys (no parent-first order),
/// conditional writes (If-None-Match / If-Match on ETags), versioning, conditional deletes (switchable: some stores
/// ignore them), bucket settings. Lets every operation be tested without PowerShell or a server.
/// </summary>
public sealed class InMemoryS3Target : IStorageTarget
{
    private readonly ConcurrentDictionary<string, (byte[] Content, string ETag, string Version)> _objects = new(StringComparer.Ordinal);
    private int _version;

    public InMemoryS3Target(string name = "edge-dev-a001-us-east-1")
    {
        Bucket = new MlBucket { Name = name, Kind = StorageKind.S3, Uri = $"s3://{name}/", Region = "us-east-1" };
    }

    public MlBucket Bucket { get; }
    public RequestCounter Requests { get; } = new();
    public string RunId { get; } = Guid.NewGuid().ToString("N");
    public int DefaultConcurrency => 8;
    public bool ParentsFirst => false;
    public bool Exists { get; set; }
    public bool ConditionalDeletes { get; set; } = true;
    public BucketSettings Settings { get; set; } = new();
    /// <summary>Runs just before a delete reaches the store: lets a test write at the key, as a racing writer would.</summary>
    public Action<string>? BeforeDelete { get; set; }
    public List<string> Deleted { get; } = new();

    public string Describe(string key) => $"s3://{Bucket.Name}/{key}";
    public IReadOnlyCollection<string> Keys => _objects.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
    public string Text(string key) => System.Text.Encoding.UTF8.GetString(_objects[key].Content);

    public void Put(string key, string content) => Store(key, System.Text.Encoding.UTF8.GetBytes(content));
    public void Put(string key, byte[] content) => Store(key, content);

    private string Store(string key, byte[] content)
    {
        string etag = "\"" + Convert.ToHexString(MD5.HashData(content)).ToLowerInvariant() + "\"";
        _objects[key] = (content, etag, Interlocked.Increment(ref _version).ToString());
        return etag;
    }

    public Task<bool> BucketExistsAsync(CancellationToken cancellation) { Requests.CountOther(); return Task.FromResult(Exists); }

    public Task<bool> CreateBucketAsync(BucketSettings desired, CancellationToken cancellation)
    {
        Requests.CountPut();
        bool created = !Exists;
        Exists = true;
        if (created && desired.ObjectOwnership != null) Settings.ObjectOwnership = desired.ObjectOwnership;
        return Task.FromResult(created);
    }

    public bool HasSettings => true;
    public string? Restrict(BucketSettings desired) => null;

    public Task<BucketSettings?> ReadSettingsAsync(CancellationToken cancellation, BucketSettings? declared = null) { Requests.CountGet(); return Task.FromResult<BucketSettings?>(Copy(Settings)); }

    public IReadOnlyList<BucketChange> PlanSettings(BucketSettings desired, BucketSettings actual) =>
        BucketSettings.Compare(desired, actual).GroupBy(d => BucketSettings.SettingOf(d.Setting))
            .Select(g => new BucketChange(g.Key, string.Join(", ", g.Select(d => d.Actual)), string.Join(", ", g.Select(d => d.Expected)))).ToList();

    public Task<IReadOnlyList<BucketChange>> ApplySettingsAsync(BucketSettings desired, BucketSettings actual, IReadOnlyCollection<BucketChange> approved, CancellationToken cancellation)
    {
        foreach (var change in approved)
        {
            Requests.CountPut();
            switch (change.Setting)
            {
                case nameof(BucketSettings.BlockPublicAccess): Settings.BlockPublicAccess = desired.BlockPublicAccess; break;
                case nameof(BucketSettings.ObjectOwnership): Settings.ObjectOwnership = desired.ObjectOwnership; break;
                case nameof(BucketSettings.Encryption): Settings.Encryption = desired.Encryption; Settings.KmsKeyId = desired.KmsKeyId; Settings.BucketKeyEnabled = desired.BucketKeyEnabled; break;
                case nameof(BucketSettings.Versioning): Settings.Versioning = desired.Versioning; break;
                case nameof(BucketSettings.TlsOnlyPolicy): Settings.TlsOnlyPolicy = desired.TlsOnlyPolicy; break;
                case "Tag": Settings.Tags = new Dictionary<string, string>(desired.Tags ?? new()); break;
                case "Lifecycle": Settings.AbortIncompleteMultipartUploadDays = desired.AbortIncompleteMultipartUploadDays; Settings.LifecycleRules = desired.LifecycleRules; break;
            }
        }
        return Task.FromResult<IReadOnlyList<BucketChange>>(approved.ToList());
    }

    private static BucketSettings Copy(BucketSettings s) => new()
    {
        BlockPublicAccess = s.BlockPublicAccess, ObjectOwnership = s.ObjectOwnership, Encryption = s.Encryption, KmsKeyId = s.KmsKeyId,
        BucketKeyEnabled = s.BucketKeyEnabled, Versioning = s.Versioning ?? "Off", TlsOnlyPolicy = s.TlsOnlyPolicy ?? false,
        Tags = s.Tags == null ? new() : new(s.Tags), AbortIncompleteMultipartUploadDays = s.AbortIncompleteMultipartUploadDays, LifecycleRules = s.LifecycleRules ?? new(),
    };

    public Task<string> DescribeCallerAsync(CancellationToken cancellation) => Task.FromResult("arn:aws:iam::123456789012:user/test");
    public string CallerWithoutRequest => "unknown (test; run stopped)";

    public Task<ISet<string>> FindFolderMarkersAsync(IReadOnlyCollection<string> folderKeys, CancellationToken cancellation)
    {
        Requests.CountList();
        ISet<string> found = new HashSet<string>(folderKeys.Where(_objects.ContainsKey), StringComparer.Ordinal);
        return Task.FromResult(found);
    }

    public Task<MarkerOutcome> CreateFolderMarkerAsync(string folderKey, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        Requests.CountPut();
        lock (_objects)
        {
            if (_objects.ContainsKey(folderKey)) return Task.FromResult(MarkerOutcome.AlreadyExists);
            Store(folderKey, Array.Empty<byte>());
        }
        return Task.FromResult(MarkerOutcome.Created);
    }

    public Task<PrefixListing> ListAsync(string prefix, bool delimited, CancellationToken cancellation, int maxEntries = int.MaxValue)
    {
        Requests.CountList();
        var objects = new List<StoredObject>();
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in _objects.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int slash = key.IndexOf('/', prefix.Length);
            if (delimited && slash >= 0 && slash < key.Length - 1) prefixes.Add(key.Substring(0, slash + 1));
            else if (delimited && slash >= 0 && key.Length > prefix.Length && slash == key.Length - 1 && key != prefix) prefixes.Add(key);
            else objects.Add(new StoredObject(key, value.Content.Length, value.ETag));
        }
        return Task.FromResult(new PrefixListing(prefix, objects.Take(maxEntries).ToList(), prefixes.ToList()));
    }

    public async Task ListObjectPagesAsync(string prefix, Func<IReadOnlyList<StoredObject>, Task> onPage, CancellationToken cancellation)
    {
        var keys = _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        int start = 0;
        do
        {
            Requests.CountList();
            var page = keys.Skip(start).Take(1000).Select(k => _objects.TryGetValue(k, out var v) ? new StoredObject(k, v.Content.Length, v.ETag) : null)
                .Where(o => o != null).Select(o => o!).ToList();
            await onPage(page);
            start += 1000;
        }
        while (start < keys.Count);
    }

    public Task<MarkerDeleteOutcome> DeleteFolderMarkerAsync(StoredObject listedMarker, CancellationToken cancellation)
    {
        Requests.CountOther();
        BeforeDelete?.Invoke(listedMarker.Key);
        if (!ConditionalDeletes && Settings.Versioning != "Enabled") return Task.FromResult(MarkerDeleteOutcome.LeftUnconditional);
        lock (_objects)
        {
            if (!_objects.TryGetValue(listedMarker.Key, out var now) || now.ETag != listedMarker.ETag || now.Content.Length != 0)
                return Task.FromResult(MarkerDeleteOutcome.Changed);
            _objects.TryRemove(listedMarker.Key, out _);
            Deleted.Add(listedMarker.Key);
        }
        return Task.FromResult(MarkerDeleteOutcome.Deleted);
    }

    public Task<MarkerDeleteOutcome> DeleteRecordAsync(string key, StoredContent read, CancellationToken cancellation)
    {
        Requests.CountOther();
        BeforeDelete?.Invoke(key);
        if (!ConditionalDeletes && Settings.Versioning != "Enabled") return Task.FromResult(MarkerDeleteOutcome.LeftUnconditional);
        lock (_objects)
        {
            if (!_objects.TryGetValue(key, out var now) || now.ETag != read.ETag) return Task.FromResult(MarkerDeleteOutcome.Changed);
            _objects.TryRemove(key, out _);
            Deleted.Add(key);
        }
        return Task.FromResult(MarkerDeleteOutcome.Deleted);
    }

    public async Task<byte[]?> ReadObjectAsync(string key, CancellationToken cancellation) => (await ReadObjectWithETagAsync(key, cancellation))?.Content;

    /// <summary>Ranged reads asked for (-VerifyContent): key, and whether from the end.</summary>
    public ConcurrentQueue<(string Key, bool FromEnd)> RangeReads { get; } = new ConcurrentQueue<(string, bool)>();
    /// <summary>How long each ranged read takes, so tests can see how many run at once.</summary>
    public TimeSpan RangeReadDelay { get; set; }
    /// <summary>The most ranged reads that were in flight at once.</summary>
    public int MaxRangeReadsInFlight => Volatile.Read(ref _maxRangeReads);
    private int _rangeReads, _maxRangeReads;

    public async Task<byte[]?> ReadRangeAsync(string key, long offset, int length, bool fromEnd, CancellationToken cancellation)
    {
        Requests.CountGet();
        RangeReads.Enqueue((key, fromEnd));
        int now = Interlocked.Increment(ref _rangeReads);
        for (int max; (max = Volatile.Read(ref _maxRangeReads)) < now && Interlocked.CompareExchange(ref _maxRangeReads, now, max) != max;) { }
        try
        {
            if (RangeReadDelay > TimeSpan.Zero) await Task.Delay(RangeReadDelay, cancellation);
            if (!_objects.TryGetValue(key, out var o)) return null;
            long start = fromEnd ? Math.Max(0, o.Content.Length - length) : Math.Min(offset, o.Content.Length);
            return o.Content.Skip((int)start).Take(length).ToArray();
        }
        finally { Interlocked.Decrement(ref _rangeReads); }
    }

    public Task<StoredContent?> ReadObjectWithETagAsync(string key, CancellationToken cancellation)
    {
        Requests.CountGet();
        return Task.FromResult(_objects.TryGetValue(key, out var o) ? new StoredContent(o.Content, o.ETag) : null);
    }

    public Task WriteObjectAsync(string key, byte[] content, string contentType, CancellationToken cancellation) =>
        WriteObjectAsync(key, content, contentType, WriteCondition.None, cancellation);

    public Task<string> WriteObjectAsync(string key, byte[] content, string contentType, WriteCondition condition, CancellationToken cancellation)
    {
        Requests.CountPut();
        lock (_objects)
        {
            bool exists = _objects.TryGetValue(key, out var now);
            if (condition.MustBeAbsent && exists || condition.MatchETag != null && (!exists || now.ETag != condition.MatchETag))
                throw new ObjectChangedException(Describe(key), condition.ToString());
            return Task.FromResult(Store(key, content));
        }
    }

    public async Task<FileUploadResult> PutFileAsync(string key, string localPath, WriteCondition condition, IProgress<long>? progress, CancellationToken cancellation)
    {
        var content = System.IO.File.ReadAllBytes(localPath);
        string eTag = await WriteObjectAsync(key, content, "application/octet-stream", condition, cancellation);
        progress?.Report(content.Length);
        return new FileUploadResult(eTag, 1);
    }

    public void Dispose() { }
}

/// <summary>Collects what an operation emits, as a cmdlet's pipeline would.</summary>
public sealed class RecordingSink : S3MlLayout.Engine.Operations.IOperationSink
{
    public ConcurrentQueue<object> Outputs { get; } = new();
    public ConcurrentQueue<MlLayoutException> Errors { get; } = new();
    public ConcurrentQueue<string> Warnings { get; } = new();
    public ConcurrentQueue<string> VerboseLines { get; } = new();
    public int Progress;
    public void Output(object item) => Outputs.Enqueue(item);
    public void Error(MlLayoutException error) => Errors.Enqueue(error);
    public void Warning(string message) => Warnings.Enqueue(message);
    public void Verbose(string message) => VerboseLines.Enqueue(message);
    public void FolderWritten(S3MlLayout.Engine.Provisioning.FolderResult result, int done, int total) => Interlocked.Increment(ref Progress);
    public IEnumerable<T> Of<T>() => Outputs.OfType<T>();
}
