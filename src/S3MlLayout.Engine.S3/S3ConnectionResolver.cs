using System;
using System.Collections.Generic;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// Resolves a connection in the order AWS Tools for PowerShell uses. Credentials: explicit keys (-AccessKey or
    /// -Credential), -ProfileName (a missing profile is an error), the session's $StoredAWSCredentials (a profile
    /// name or keys), AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, the default profile,
    /// web identity (OIDC), container and instance roles. Region: -Region, the -ProfileName profile's region, the
    /// session's $StoredAWSRegion, the region of the profile the credentials came from, AWS_REGION/AWS_DEFAULT_REGION.
    /// Endpoint: -EndpointUrl, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL.
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
                credentialSource = $"explicit keys ({settings.KeySource ?? "-AccessKey/-SecretKey"})";
            }
            else if (settings.ProfileName == null && settings.SessionAccessKey != null && settings.SessionSecretKey != null)
            {
                credentials = settings.SessionSessionToken != null
                    ? new SessionAWSCredentials(settings.SessionAccessKey, settings.SessionSecretKey, settings.SessionSessionToken)
                    : (AWSCredentials)new BasicAWSCredentials(settings.SessionAccessKey, settings.SessionSecretKey);
                credentialSource = "keys in $StoredAWSCredentials (Set-AWSCredential)";
            }
            else if (settings.ProfileName != null || settings.SessionProfileName != null || Env("AWS_PROFILE") != null)
            {
                string from = settings.ProfileName != null ? "-ProfileName" : settings.SessionProfileName != null ? "$StoredAWSCredentials" : "AWS_PROFILE";
                string name = settings.ProfileName ?? settings.SessionProfileName ?? Env("AWS_PROFILE")!;
                if (!TryProfile(profiles, name, settings.ProfileLocation, out profile, out credentials))
                    throw new MlLayoutException("ProfileNotFound", ErrorKind.ObjectNotFound, name,
                        $"The AWS profile '{name}' (named by {from}) was not found{(settings.ProfileLocation != null ? $" in '{settings.ProfileLocation}'" : " in the shared credentials and config files")}. " +
                        "Check the name with 'aws configure list-profiles', or pass -ProfileLocation.");
                credentialSource = $"profile '{name}' ({from})";
            }
            else if (Env("AWS_ACCESS_KEY_ID") != null && Env("AWS_SECRET_ACCESS_KEY") != null)
            {
                credentials = Env("AWS_SESSION_TOKEN") != null
                    ? new SessionAWSCredentials(Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN"))
                    : (AWSCredentials)new BasicAWSCredentials(Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"));
                credentialSource = "environment variables (AWS_ACCESS_KEY_ID)";
            }
            else if (TryProfile(profiles, "default", settings.ProfileLocation, out profile, out credentials))
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
            EndpointUrls.Check(endpoint, endpointSource); // before any line or object can carry it
            if (endpoint != null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var parsed) && (parsed.Scheme == "http" || parsed.Scheme == "https")))
                throw new MlLayoutException("EndpointUrlInvalid", ErrorKind.InvalidArgument, endpoint,
                    $"The endpoint '{endpoint}' (from {endpointSource}) is not an absolute http:// or https:// URL, e.g. http://127.0.0.1:9000.");
            debug(endpoint != null ? $"Endpoint: {endpoint} ({endpointSource})." : "Endpoint: Amazon S3.");

            string? region = settings.Region;
            string regionSource = "-Region";
            // A profile named on the command line (or by the piped spec) is as explicit as -Region; the session
            // default comes next, then the profile the credentials merely fell back to.
            if (region == null && settings.ProfileName != null && profile?.Region != null) { region = profile.Region.SystemName; regionSource = $"profile '{profile.Name}'"; }
            if (region == null && settings.SessionRegion != null) { region = settings.SessionRegion; regionSource = "$StoredAWSRegion (Set-DefaultAWSRegion)"; }
            if (region == null && profile?.Region != null) { region = profile.Region.SystemName; regionSource = $"profile '{profile.Name}'"; }
            if (region == null && Env("AWS_REGION") is string awsRegion) { region = awsRegion; regionSource = "AWS_REGION"; }
            if (region == null && Env("AWS_DEFAULT_REGION") is string defaultRegion) { region = defaultRegion; regionSource = "AWS_DEFAULT_REGION"; }
            if (region == null && endpoint != null) { region = "us-east-1"; regionSource = "default for a custom endpoint"; }
            if (region == null)
                throw new MlLayoutException("RegionNotSet", ErrorKind.InvalidArgument, "Region",
                    "No AWS region was given: pass -Region, set it in the profile, or set AWS_REGION.");
            // A region goes into every request's host name and signature: one that is not a host label (a typo'd or
            // hostile AWS_REGION, a profile file from someone else) is refused here, naming where it came from, not by
            // the SDK at the first request.
            if (!IsHostLabel(region))
                throw new MlLayoutException("RegionInvalid", ErrorKind.InvalidArgument, regionSource,
                    $"The region '{region}' (from {regionSource}) is not a region code{Naming.BucketNaming.DidYouMeanRegion(region)}: give letters, digits and hyphens only, e.g. us-west-2.");
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

        /// <summary>
        /// A profile and its credentials, or false when there is none of that name. A profile the SDK cannot read (a
        /// region that is not a host name, a broken SSO or role entry: a file from someone else) is ProfileUnreadable,
        /// naming the profile, not an AmazonClientException from inside the SDK.
        /// </summary>
        private static bool TryProfile(CredentialProfileStoreChain profiles, string name, string? location, out CredentialProfile? profile, out AWSCredentials credentials)
        {
            credentials = null!;
            try
            {
                return profiles.TryGetProfile(name, out profile) && profiles.TryGetAWSCredentials(name, out credentials);
            }
            catch (AmazonClientException e)
            {
                throw new MlLayoutException("ProfileUnreadable", ErrorKind.InvalidArgument, location ?? name,
                    $"The AWS profile '{name}'{(location != null ? $" in '{location}'" : " in the shared credentials and config files")} cannot be used: {e.Message} " +
                    "Correct that profile's entry (see 'aws configure list'), or name another one with -ProfileName.");
            }
        }

        /// <summary>1 to 63 ASCII letters, digits and hyphens, not starting or ending with a hyphen: what a region must be to sit in a host name.</summary>
        private static bool IsHostLabel(string text)
        {
            if (text.Length == 0 || text.Length > 63 || text[0] == '-' || text[text.Length - 1] == '-') return false;
            foreach (char c in text)
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
            return true;
        }
    }
}
