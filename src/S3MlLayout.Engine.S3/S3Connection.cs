using System;
using System.Collections.Generic;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// A resolved connection to S3 or an S3-compatible endpoint: region, endpoint and credentials, and where each
    /// came from. It owns one reused client. Secrets are never part of its public surface or its text.
    /// </summary>
    public sealed class S3Connection : IDisposable
    {
        private readonly object _gate = new object();
        private AmazonS3Client? _client;

        /// <summary>Budget of one request with its retries: a silent endpoint fails after this, not after 5 x 30 s of retries.</summary>
        public const int DefaultTimeoutSec = 30;
        /// <summary>Longest wait for a TCP (and TLS) connection; an unreachable host is given up on and retried sooner.</summary>
        public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromSeconds(5);
        /// <summary>Longest wait for one attempt's response, so a retry still fits in the default budget.</summary>
        public static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromSeconds(15);

        internal S3Connection(string region, string regionSource, string? endpointUrl, string endpointSource, bool forcePathStyle,
            AWSCredentials credentials, string credentialSource, string? expectedBucketOwner, bool skipCertificateCheck, int timeoutSec = DefaultTimeoutSec)
        {
            SkipCertificateCheck = skipCertificateCheck;
            Timeout = TimeSpan.FromSeconds(timeoutSec);
            Region = region; RegionSource = regionSource; EndpointUrl = endpointUrl; EndpointSource = endpointSource;
            ForcePathStyle = forcePathStyle; Credentials = credentials; CredentialSource = credentialSource; ExpectedBucketOwner = expectedBucketOwner;
        }

        public string Region { get; }
        public string RegionSource { get; }
        /// <summary>The S3-compatible endpoint (MinIO, LocalStack, moto ...); null for Amazon S3 itself.</summary>
        public string? EndpointUrl { get; }
        public string EndpointSource { get; }
        public bool ForcePathStyle { get; }
        /// <summary>Where the credentials came from (never the credentials themselves).</summary>
        public string CredentialSource { get; }
        /// <summary>The AWS profile the credentials (or the region) were read from, if any.</summary>
        public string? ProfileName { get; internal set; }
        public string? ExpectedBucketOwner { get; }
        public bool SkipCertificateCheck { get; }
        /// <summary>How long one request may take, retries included (-TimeoutSec).</summary>
        public TimeSpan Timeout { get; }
        public TimeSpan ConnectTimeout => Timeout < MaxConnectTimeout ? Timeout : MaxConnectTimeout;
        public TimeSpan AttemptTimeout => Timeout < MaxAttemptTimeout ? Timeout : MaxAttemptTimeout;
        /// <summary>The endpoint requests go to, for error messages and targets.</summary>
        public string Endpoint => EndpointUrl ?? $"https://s3.{Region}.amazonaws.com";
        /// <summary>Plain http:// endpoint: requests travel without TLS (a TLS-only bucket policy would lock them out).</summary>
        public bool IsPlainHttp => EndpointUrl != null && EndpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        internal AWSCredentials Credentials { get; }

        private System.Threading.Tasks.Task<string>? _callerLookup;
        private DateTime _callerAskedUtc;

        /// <summary>
        /// Who the caller is (STS GetCallerIdentity), asked once per connection and shared by every bucket and command
        /// that uses it; an answer that could not be had ("unknown (...)") is asked again after a minute, so one failed
        /// lookup does not name every later audit record of the session "unknown".
        /// </summary>
        internal System.Threading.Tasks.Task<string> LookUpCaller()
        {
            lock (_gate)
            {
                bool failed = _callerLookup != null && _callerLookup.IsCompleted &&
                              (_callerLookup.Status != System.Threading.Tasks.TaskStatus.RanToCompletion || _callerLookup.Result.StartsWith("unknown", StringComparison.Ordinal));
                if (_callerLookup == null || (failed && DateTime.UtcNow - _callerAskedUtc > TimeSpan.FromMinutes(1)))
                {
                    _callerAskedUtc = DateTime.UtcNow;
                    _callerLookup = CallerIdentity.DescribeAsync(this, System.Threading.CancellationToken.None);
                }
                return _callerLookup;
            }
        }

        /// <summary>Whether the endpoint honours If-Match on DeleteObject; learned once per connection (null: not yet known).</summary>
        internal bool? ConditionalDeletes { get; set; }

        /// <summary>Requests in flight at once on the client; set before the first request.</summary>
        public int MaxConnections { get; set; } = 64;

        internal AmazonS3Client Client
        {
            get
            {
                lock (_gate) return _client ??= CreateClient();
            }
        }

        /// <summary>
        /// The client that sends file data (Write-MlObject's PUTs and parts): the same connection, with room for a
        /// request that carries megabytes and for a CompleteMultipartUpload that S3 may take minutes to answer. One
        /// attempt may take <see cref="TransferAttemptTimeout"/>, one request with its retries <see cref="TransferTimeout"/>.
        /// </summary>
        internal AmazonS3Client TransferClient
        {
            get
            {
                lock (_gate) return _transferClient ??= CreateClient(transfer: true);
            }
        }

        private AmazonS3Client? _transferClient;

        public TimeSpan TransferAttemptTimeout => AttemptTimeout > TimeSpan.FromMinutes(2) ? AttemptTimeout : TimeSpan.FromMinutes(2);
        public TimeSpan TransferTimeout => Timeout > TimeSpan.FromMinutes(10) ? Timeout : TimeSpan.FromMinutes(10);

        private AmazonS3Client CreateClient(bool transfer = false)
        {
            var config = new AmazonS3Config
            {
                ForcePathStyle = ForcePathStyle,
                // Standard mode retries throttling (503 SlowDown), 5xx and timeouts with jittered exponential backoff,
                // within the request's budget (Timeout); refused connections and certificate failures are not retried.
                RetryMode = RequestRetryMode.Standard,
                MaxErrorRetry = 5,
                MaxConnectionsPerServer = MaxConnections,
                // Endpoints are resolved by this module (-EndpointUrl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL), in that order.
                IgnoreConfiguredEndpointUrls = true,
            };
            ApplyTransport(config);
            if (transfer)
            {
                config.Timeout = TransferAttemptTimeout;
                config.HttpClientFactory = new BoundedHttpClientFactory(this, TransferAttemptTimeout);
            }
            if (EndpointUrl != null)
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
                config.ServiceURL = EndpointUrl;
                config.AuthenticationRegion = Region;
                config.UseHttp = EndpointUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
                // S3-compatible stores often reject the flexible checksums Amazon S3 accepts by default.
                config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
                config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
            }
            return new BoundedS3Client(Credentials, config, this, transfer ? TransferTimeout : (TimeSpan?)null);
        }

        /// <summary>Timeouts, certificate handling and transport errors, for every client of this connection (S3, STS).</summary>
        internal void ApplyTransport(Amazon.Runtime.ClientConfig config)
        {
            config.Timeout = AttemptTimeout;
            config.HttpClientFactory = new BoundedHttpClientFactory(this);
        }

        /// <summary>The names of the buckets the credentials own (ListBuckets), for argument completion.</summary>
        public async System.Threading.Tasks.Task<IReadOnlyList<string>> ListBucketNamesAsync(System.Threading.CancellationToken cancellation)
        {
            var response = await Client.ListBucketsAsync(new Amazon.S3.Model.ListBucketsRequest(), cancellation).ConfigureAwait(false);
            var names = new List<string>();
            foreach (var bucket in response.Buckets ?? new List<Amazon.S3.Model.S3Bucket>()) names.Add(bucket.BucketName);
            return names;
        }

        public override string ToString() =>
            $"region {Region} ({RegionSource}), {(EndpointUrl != null ? $"endpoint {EndpointUrl} ({EndpointSource})" : "Amazon S3")}, credentials from {CredentialSource}";

        public void Dispose()
        {
            lock (_gate)
            {
                _client?.Dispose();
                _client = null;
                _transferClient?.Dispose();
                _transferClient = null;
            }
        }
    }
}
