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
    public sealed class MlBucket
    {
        public string Name { get; set; } = "";
        public StorageKind Target { get; set; }
        /// <summary>s3://name/ on S3; the directory on the local target.</summary>
        public string Uri { get; set; } = "";
        /// <summary>The bucket's directory on the local target.</summary>
        public string? LocalPath { get; set; }
        public string? Region { get; set; }
        public string? CompanyPrefix { get; set; }
        public string? Environment { get; set; }
        public string? TenantId { get; set; }
        /// <summary>When the bucket was created by this tool (UTC), when known.</summary>
        public DateTime? CreatedUtc { get; set; }
        /// <summary>The connection an S3 bucket is reached through (region, endpoint, credential source; no secrets).</summary>
        public S3.S3Connection? Connection { get; set; }
        /// <summary>The S3-compatible endpoint, when not Amazon S3.</summary>
        public string? EndpointUrl => Connection?.EndpointUrl;
        /// <summary>The bucket's settings as read back from the target (null on the local target).</summary>
        public S3.BucketSettings? Settings { get; set; }

        /// <summary>True when this run created the bucket; false when it was already there.</summary>
        public bool Created { get; set; }

        public override string ToString() => Uri;
    }
}
