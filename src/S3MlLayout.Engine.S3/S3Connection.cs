using System;
using System.Collections.Generic;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.S3
{
    /// <summary>What the user said about the connection (cmdlet parameters); anything left null is resolved.</summary>
    public sealed class S3ConnectionSettings
    {
        public string? Region { get; set; }
        public string? ProfileName { get; set; }
        public string? ProfileLocation { get; set; }
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        public string? SessionToken { get; set; }
        public string? EndpointUrl { get; set; }
        public bool ForcePathStyle { get; set; }
        /// <summary>The account id that must own the bucket; S3 refuses requests to a bucket owned by anyone else.</summary>
        public string? ExpectedBucketOwner { get; set; }
        /// <summary>Accept any TLS certificate from a custom endpoint (self-signed MinIO, test servers). Never for Amazon S3.</summary>
        public bool SkipCertificateCheck { get; set; }
        /// <summary>Seconds one S3 request may take, retries included (-TimeoutSec); null is <see cref="S3Connection.DefaultTimeoutSec"/>.</summary>
        public int? TimeoutSec { get; set; }
    }

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

        private AmazonS3Client CreateClient()
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
            return new BoundedS3Client(Credentials, config, this);
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
            }
        }
    }

    /// <summary>
    /// Resolves a connection in the order AWS Tools for PowerShell uses. Credentials: explicit keys, -ProfileName
    /// (a missing profile is an error), AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, the
    /// default profile, web identity (OIDC), container and instance roles. Region: -Region, the profile,
    /// AWS_REGION/AWS_DEFAULT_REGION. Endpoint: -EndpointUrl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL.
    /// </summary>
    public static class S3ConnectionResolver
    {
        /// <param name="environment">Reads an environment variable; a seam for tests.</param>
        /// <param name="debug">Receives one line per decision (never a secret).</param>
        public static S3Connection Resolve(S3ConnectionSettings settings, Func<string, string?>? environment = null, Action<string>? debug = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            debug ??= _ => { };
            string? Env(string name) => string.IsNullOrEmpty(environment(name)) ? null : environment(name);

            var profiles = new CredentialProfileStoreChain(settings.ProfileLocation);
            CredentialProfile? profile = null;
            AWSCredentials credentials;
            string credentialSource;

            if (settings.AccessKey != null || settings.SecretKey != null || settings.SessionToken != null)
            {
                if (string.IsNullOrEmpty(settings.AccessKey) || string.IsNullOrEmpty(settings.SecretKey))
                    throw new MlLayoutException("CredentialsIncomplete", ErrorKind.InvalidArgument, "AccessKey",
                        "-AccessKey and -SecretKey go together (and -SessionToken needs both, for temporary credentials); give both, or none of them.");
                credentials = settings.SessionToken != null
                    ? new SessionAWSCredentials(settings.AccessKey, settings.SecretKey, settings.SessionToken)
                    : (AWSCredentials)new BasicAWSCredentials(settings.AccessKey, settings.SecretKey);
                credentialSource = "explicit keys (-AccessKey/-SecretKey)";
            }
            else if (settings.ProfileName != null || Env("AWS_PROFILE") != null)
            {
                bool fromParameter = settings.ProfileName != null;
                string name = settings.ProfileName ?? Env("AWS_PROFILE")!;
                if (!profiles.TryGetProfile(name, out profile) || !profiles.TryGetAWSCredentials(name, out credentials))
                    throw new MlLayoutException("ProfileNotFound", ErrorKind.ObjectNotFound, name,
                        $"The AWS profile '{name}' (named by {(fromParameter ? "-ProfileName" : "AWS_PROFILE")}) was not found{(settings.ProfileLocation != null ? $" in '{settings.ProfileLocation}'" : " in the shared credentials and config files")}. " +
                        "Check the name with 'aws configure list-profiles', or pass -ProfileLocation.");
                credentialSource = $"profile '{name}' ({(fromParameter ? "-ProfileName" : "AWS_PROFILE")})";
            }
            else if (Env("AWS_ACCESS_KEY_ID") != null && Env("AWS_SECRET_ACCESS_KEY") != null)
            {
                credentials = Env("AWS_SESSION_TOKEN") != null
                    ? new SessionAWSCredentials(Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN"))
                    : (AWSCredentials)new BasicAWSCredentials(Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"));
                credentialSource = "environment variables (AWS_ACCESS_KEY_ID)";
            }
            else if (profiles.TryGetProfile("default", out profile) && profiles.TryGetAWSCredentials("default", out credentials))
            {
                credentialSource = "profile 'default'";
            }
            else if (Env("AWS_WEB_IDENTITY_TOKEN_FILE") != null && Env("AWS_ROLE_ARN") != null)
            {
                profile = null;
                credentials = AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables();
                credentialSource = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)";
            }
            else if (Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null || Env("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null)
            {
                profile = null;
                credentials = new GenericContainerCredentials();
                credentialSource = "container role";
            }
            else
            {
                profile = null;
                credentials = new InstanceProfileAWSCredentials();
                credentialSource = "instance role (EC2 instance metadata)";
            }
            debug($"Credentials: {credentialSource}.");

            string? endpoint = settings.EndpointUrl;
            string endpointSource = endpoint != null ? "-EndpointUrl" : "none";
            if (endpoint == null && Env("AWS_ENDPOINT_URL_S3") is string s3Endpoint) { endpoint = s3Endpoint; endpointSource = "AWS_ENDPOINT_URL_S3"; }
            if (endpoint == null && Env("AWS_ENDPOINT_URL") is string anyEndpoint) { endpoint = anyEndpoint; endpointSource = "AWS_ENDPOINT_URL"; }
            if (endpoint != null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) && (parsed.Scheme == "http" || parsed.Scheme == "https")))
                throw new MlLayoutException("EndpointUrlInvalid", ErrorKind.InvalidArgument, endpoint,
                    $"The endpoint '{endpoint}' (from {endpointSource}) is not an absolute http:// or https:// URL, e.g. http://127.0.0.1:9000.");
            debug(endpoint != null ? $"Endpoint: {endpoint} ({endpointSource})." : "Endpoint: Amazon S3.");

            string? region = settings.Region;
            string regionSource = "-Region";
            if (region == null && profile?.Region != null) { region = profile.Region.SystemName; regionSource = $"profile '{profile.Name}'"; }
            if (region == null && Env("AWS_REGION") is string awsRegion) { region = awsRegion; regionSource = "AWS_REGION"; }
            if (region == null && Env("AWS_DEFAULT_REGION") is string defaultRegion) { region = defaultRegion; regionSource = "AWS_DEFAULT_REGION"; }
            if (region == null && endpoint != null) { region = "us-east-1"; regionSource = "default for a custom endpoint"; }
            if (region == null)
                throw new MlLayoutException("RegionNotSet", ErrorKind.InvalidArgument, "Region",
                    "No AWS region was given: pass -Region, set it in the profile, or set AWS_REGION.");
            debug($"Region: {region} ({regionSource}).");

            if (settings.SkipCertificateCheck && endpoint == null)
                throw new MlLayoutException("SkipCertificateCheckWithoutEndpoint", ErrorKind.InvalidArgument, "SkipCertificateCheck",
                    "-SkipCertificateCheck is for S3-compatible endpoints with their own certificates (-EndpointUrl https://...); Amazon S3's certificates are always checked.");
            if (settings.TimeoutSec is int t && (t < 1 || t > 3600))
                throw new MlLayoutException("TimeoutInvalid", ErrorKind.InvalidArgument, "TimeoutSec",
                    $"-TimeoutSec {t} is out of range: give the seconds one request may take, retries included, from 1 to 3600 (default {S3Connection.DefaultTimeoutSec}).");
            return new S3Connection(region, regionSource, endpoint?.TrimEnd('/'), endpointSource, settings.ForcePathStyle, credentials, credentialSource,
                settings.ExpectedBucketOwner, settings.SkipCertificateCheck, settings.TimeoutSec ?? S3Connection.DefaultTimeoutSec) { ProfileName = profile?.Name };
        }
    }
}
