using System;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// How an S3 bucket object is reached: what was resolved and where each part came from. A description only:
    /// it never holds a secret, and it cannot be turned back into a connection. The resolved connection itself
    /// (credentials, the reused client) stays inside the process, behind <see cref="MlBucket"/>'s internal handle.
    /// </summary>
    public sealed class BucketConnection
    {
        internal BucketConnection() { }

        public string Region { get; internal set; } = "";
        /// <summary>Where the region came from: -Region, the profile, AWS_REGION ...</summary>
        public string RegionSource { get; internal set; } = "";
        /// <summary>The S3-compatible endpoint (MinIO, LocalStack, moto ...); null for Amazon S3 itself.</summary>
        public string? EndpointUrl { get; internal set; }
        public string EndpointSource { get; internal set; } = "";
        public bool ForcePathStyle { get; internal set; }
        /// <summary>The AWS profile the credentials were read from, when they came from one.</summary>
        public string? ProfileName { get; internal set; }
        /// <summary>Where the credentials came from (never the credentials themselves).</summary>
        public string CredentialSource { get; internal set; } = "";
        public string? ExpectedBucketOwner { get; internal set; }
        public bool SkipCertificateCheck { get; internal set; }
        /// <summary>How long one request may take, retries included (-TimeoutSec).</summary>
        public TimeSpan Timeout { get; internal set; }
        /// <summary>The endpoint requests go to.</summary>
        public string Endpoint => EndpointUrl ?? $"https://s3.{Region}.amazonaws.com";

        public override string ToString() =>
            $"region {Region} ({RegionSource}), {(EndpointUrl != null ? $"endpoint {EndpointUrl} ({EndpointSource})" : "Amazon S3")}, credentials from {CredentialSource}";
    }
}
