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
        /// <summary>True when this run created the bucket; false when it was already there.</summary>
        public bool Created { get; set; }

        public override string ToString() => Uri;
    }
}
