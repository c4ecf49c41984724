using System;
using System.IO;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Where a bucket lives: -LocalPath for the local target, otherwise Amazon S3 or an S3-compatible endpoint,
    /// reached with the same connection parameters (names and aliases) as AWS Tools for PowerShell.
    /// </summary>
    public abstract class BucketTargetCommandBase : BucketNameCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LocalPath { get; set; }

        [Parameter]
        [Alias("AWSProfileName")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completers.ProfileNameCompleter))]
        public string? ProfileName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ProfileLocation { get; set; }

        [Parameter]
        [Alias("AK")]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        [Parameter]
        [Alias("SK")]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter]
        [Alias("ST")]
        [ValidateNotNullOrEmpty]
        public string? SessionToken { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        [Parameter]
        public SwitchParameter ForcePathStyle { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter]
        [ValidatePattern(@"^\d{12}$")]
        public string? ExpectedBucketOwner { get; set; }

        /// <summary>Seconds one S3 request may take, retries included; connect and per-attempt waits are capped below it.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = S3Connection.DefaultTimeoutSec;

        private bool AnyConnectionParameter =>
            ProfileName != null || ProfileLocation != null || AccessKey != null || SecretKey != null || SessionToken != null || EndpointUrl != null || ForcePathStyle || SkipCertificateCheck || ExpectedBucketOwner != null
            || MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec));

        /// <summary>The bucket object for <paramref name="name"/> on the target the parameters name.</summary>
        protected MlBucket DescribeBucket(string name)
        {
            var bucket = new MlBucket
            {
                Name = name,
                CompanyPrefix = NullIfEmpty(CompanyPrefix), Environment = NullIfEmpty(Environment),
                TenantId = NullIfEmpty(TenantId), Region = NullIfEmpty(Region),
            };
            if (LocalPath != null)
            {
                if (AnyConnectionParameter)
                    throw new MlLayoutException("LocalPathWithConnection", ErrorKind.InvalidArgument, LocalPath,
                        "-LocalPath selects the local target; the S3 connection parameters (-EndpointUrl, -ProfileName, -AccessKey ...) do not apply to it. Give one or the other.");
                bucket.Kind = StorageKind.Local;
                bucket.LocalPath = Path.Combine(ResolveDirectory(LocalPath), name);
                bucket.Uri = bucket.LocalPath + Path.DirectorySeparatorChar;
                return bucket;
            }
            bucket.Kind = StorageKind.S3;
            bucket.Uri = $"s3://{name}/";
            var connection = S3ConnectionResolver.Resolve(new S3ConnectionSettings
            {
                Region = NullIfEmpty(Region), ProfileName = ProfileName, ProfileLocation = ProfileLocation == null ? null : ResolvePath(ProfileLocation),
                AccessKey = AccessKey, SecretKey = SecretKey, SessionToken = SessionToken, EndpointUrl = EndpointUrl,
                ForcePathStyle = ForcePathStyle, ExpectedBucketOwner = ExpectedBucketOwner, SkipCertificateCheck = SkipCertificateCheck,
                TimeoutSec = TimeoutSec,
            }, debug: WriteVerbose); // -Verbose, not -Debug: -Debug prompts per line in pwsh 7 and fails under -NonInteractive
            S3Buckets.Attach(bucket, connection);
            bucket.Region = connection.Region;
            return bucket;
        }

        private string ResolveDirectory(string path)
        {
            ProviderInfo provider;
            string resolved;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException || e is ItemNotFoundException)
            {
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is not a file-system path: {e.Message}");
            }
            if (provider.Name != "FileSystem")
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is on the {provider.Name} provider; give a directory on the file system.");
            if (File.Exists(resolved))
                throw new MlLayoutException("LocalPathIsFile", ErrorKind.InvalidArgument, resolved, $"-LocalPath '{resolved}' is a file; give the directory that will hold the bucket directory.");
            if (!Directory.Exists(resolved))
                throw new MlLayoutException("LocalPathNotFound", ErrorKind.ObjectNotFound, resolved, $"-LocalPath '{resolved}' does not exist; create the directory first (New-Item -ItemType Directory) or check the path.");
            return resolved;
        }

        protected static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
    }
}
