using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// What every cmdlet that works in an existing bucket shares: besides its -Bucket object (each cmdlet declares
    /// that parameter, with its own pipeline rules), the bucket can be named with -BucketName and the connection
    /// parameters of Get-MlBucket, as AWS Tools' -BucketName. They form the parameter set BucketName.
    /// </summary>
    public abstract class BucketInputCommandBase : MlCmdlet
    {
        protected const string BucketSet = "Bucket";
        protected const string BucketNameSet = "BucketName";

        [Parameter(ParameterSetName = BucketNameSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string BucketName { get; set; } = "";

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string? LocalPath { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [Alias("AWSProfileName")]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string? ProfileLocation { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [Alias("AK")]
        [ValidateNotNullOrEmpty]
        public string? AccessKey { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [Alias("SK")]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [Alias("ST")]
        [ValidateNotNullOrEmpty]
        public string? SessionToken { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        public SwitchParameter ForcePathStyle { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        public SwitchParameter SkipCertificateCheck { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidatePattern(@"^\d{12}$")]
        public string? ExpectedBucketOwner { get; set; }

        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = S3Connection.DefaultTimeoutSec;

        /// <summary>
        /// The bucket to work in: the one -BucketName names (described once per command: the connection and its
        /// client are reused for every record), else <paramref name="bucket"/>, the -Bucket argument.
        /// </summary>
        protected MlBucket BucketOf(MlBucket? bucket)
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(BucketName)))
                return bucket ?? throw new MlLayoutException("BucketMissing", ErrorKind.InvalidArgument, MyInvocation.MyCommand.Name,
                    $"{MyInvocation.MyCommand.Name} needs a bucket: pipe one from New-MlBucket or Get-MlBucket, or name it with -BucketName (and -LocalPath, or the S3 connection parameters).");
            if (_named == null)
            {
                Engine.Naming.BucketNaming.Validate(BucketName);
                _named = DescribeBucket(new BucketLocation
                {
                    Name = BucketName, Region = Region, LocalPath = LocalPath, ProfileName = ProfileName, ProfileLocation = ProfileLocation,
                    AccessKey = AccessKey, SecretKey = SecretKey, SessionToken = SessionToken, EndpointUrl = EndpointUrl,
                    ForcePathStyle = ForcePathStyle, SkipCertificateCheck = SkipCertificateCheck, ExpectedBucketOwner = ExpectedBucketOwner,
                    TimeoutSec = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : (int?)null,
                });
            }
            return _named;
        }

        private MlBucket? _named;
    }
}
