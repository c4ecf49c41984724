using System.Management.Automation;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Where a bucket lives: -LocalPath for the local target, otherwise Amazon S3 or an S3-compatible endpoint,
    /// reached with the same connection parameters (names and aliases) as AWS Tools for PowerShell. The non-secret
    /// ones bind by property name (a CSV column, a tenant file's bucket spec); an empty value is "not given".
    /// </summary>
    public abstract class BucketTargetCommandBase : BucketNameCommandBase
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? LocalPath { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfileName")]
        [EmptyAsNull]
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

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? EndpointUrl { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SwitchText]
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

        /// <summary>The bucket object for <paramref name="name"/> on the target the parameters name.</summary>
        protected MlBucket DescribeBucket(string name) => DescribeBucket(new BucketLocation
        {
            Name = name, CompanyPrefix = NullIfEmpty(CompanyPrefix), Environment = NullIfEmpty(Environment),
            TenantId = NullIfEmpty(TenantId), Region = NullIfEmpty(Region),
            LocalPath = LocalPath, ProfileName = ProfileName, ProfileLocation = ProfileLocation, AccessKey = AccessKey, SecretKey = SecretKey,
            SessionToken = SessionToken, EndpointUrl = EndpointUrl, ForcePathStyle = ForcePathStyle, SkipCertificateCheck = SkipCertificateCheck,
            ExpectedBucketOwner = ExpectedBucketOwner, TimeoutSec = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : (int?)null,
        });

        protected static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
