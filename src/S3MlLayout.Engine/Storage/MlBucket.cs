using System;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>Where a bucket lives.</summary>
    public enum StorageKind
    {
        /// <summary>A directory on disk standing in for a bucket: offline preview and repository scaffolding.</summary>
        Local,
        /// <summary>Amazon S3 or an S3-compatible endpoint.</summary>
        S3,
    }

    /// <summary>
    /// A bucket and the target it lives on. Cmdlets pass it down the pipeline so that a pipeline states the
    /// target once: New-MlBucket ... | Add-MlSolution customer-churn.
    /// </summary>
    /// <remarks>
    /// Only the engine and the cmdlets make one (internal constructor and setters): with a public parameterless
    /// constructor and setters, PowerShell would turn any hashtable or [pscustomobject] with a Name or a LocalPath
    /// into a bucket and the cmdlets would write wherever it pointed.
    /// </remarks>
    public sealed class MlBucket
    {
        internal MlBucket() { }

        public string Name { get; internal set; } = "";
        /// <summary>
        /// Local or S3, as a name: ConvertTo-Json writes enums as numbers (Windows PowerShell has no -EnumsAsStrings),
        /// so the public property is the name and the engine keeps the enum in <see cref="Kind"/>.
        /// </summary>
        public string Target => Kind.ToString();
        internal StorageKind Kind { get; set; }
        /// <summary>s3://name/ on S3; the directory on the local target.</summary>
        public string Uri { get; internal set; } = "";
        /// <summary>The bucket's directory on the local target.</summary>
        public string? LocalPath { get; internal set; }
        public string? Region { get; internal set; }
        public string? CompanyPrefix { get; internal set; }
        public string? Environment { get; internal set; }
        public string? TenantId { get; internal set; }
        /// <summary>When the bucket was created by this tool (UTC), when known.</summary>
        public DateTime? CreatedUtc { get; internal set; }
        /// <summary>The connection an S3 bucket is reached through (region, endpoint, credential source; no secrets).</summary>
        public BucketConnection? Connection { get; internal set; }
        /// <summary>
        /// The resolved connection (S3MlLayout.Engine.S3's S3Connection: credentials and the reused client), opaque
        /// to the core so that the core needs no AWSSDK. It lives as long as this object, in this process only.
        /// </summary>
        internal object? Handle { get; set; }
        /// <summary>The S3-compatible endpoint, when not Amazon S3.</summary>
        public string? EndpointUrl => Connection?.EndpointUrl;
        /// <summary>The bucket's settings as read back from the target (null on the local target).</summary>
        public S3.BucketSettings? Settings { get; internal set; }

        /// <summary>
        /// The solutions this bucket is for (New-MlBucket -Solution): what Add-MlSolution provisions when it is piped
        /// the bucket and given no solution itself. Empty when none were named.
        /// </summary>
        public string[] Solution { get; internal set; } = new string[0];
        /// <summary>The template New-MlBucket was given; Add-MlSolution's -Template binds to it (null: the default).</summary>
        public string? Template { get; internal set; }
        /// <summary>Optional template folders to include (New-MlBucket -Include), for Add-MlSolution -Include.</summary>
        public string[] Include { get; internal set; } = new string[0];
        /// <summary>Date partitions to create (New-MlBucket -Date, a tenant file's dates), for Add-MlSolution -Date.</summary>
        public DateTime[] Date { get; internal set; } = new DateTime[0];
        /// <summary>True when this run created the bucket; false when it was already there.</summary>
        public bool Created { get; internal set; }

        /// <summary>When this process created the bucket (ticks, UTC; 0: it did not, or a command has taken it since).</summary>
        private long _freshTicks;

        /// <summary>How long after its creation a bucket is still taken as empty by the next command that provisions it.</summary>
        internal static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

        /// <summary>Called by the command of this process that created the bucket (never carried to another process).</summary>
        internal void MarkFresh() => System.Threading.Interlocked.Exchange(ref _freshTicks, DateTime.UtcNow.Ticks);

        /// <summary>
        /// Whether this process created the bucket moments ago and no command has provisioned it since: the next one
        /// (New-MlBucket | Add-MlSolution) may then plan it as empty without reading it, as a fleet plans a bucket it
        /// creates; its writes stay conditional, so whatever appeared meanwhile is found, never overwritten. True once.
        /// </summary>
        internal bool TakeFresh()
        {
            long created = System.Threading.Interlocked.Exchange(ref _freshTicks, 0);
            return created != 0 && DateTime.UtcNow.Ticks - created < FreshFor.Ticks;
        }

        public override string ToString() => Uri;
    }
}
