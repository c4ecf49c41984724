using System.Management.Automation;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Builds {company_prefix}-{environment}-{tenant_id}-{region}, or checks an override, against every S3 rule.</summary>
    [Cmdlet(VerbsCommon.Get, "MlBucketName", DefaultParameterSetName = OverrideSet)]
    [OutputType(typeof(string))]
    public sealed class GetMlBucketNameCommand : BucketNameCommandBase
    {
        // The one cmdlet of the name parts that connects nowhere: -Region is only the last part of the name (required
        // when the name is built), and the connection parameters are hidden (a property without [Parameter] hides the
        // inherited parameter from PowerShell's binder).
        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(Completers.RegionCompleter))]
        [AllowNull]
        [Common.EmptyAsNull]
        public new string? Region { get => base.Region; set => base.Region = value; }

        public new string? LocalPath => null;
        public new string? ProfileName => null;
        public new string? ProfileLocation => null;
        public new PSCredential? Credential => null;
        public new string? AccessKey => null;
        public new string? SecretKey => null;
        public new string? SessionToken => null;
        public new string? EndpointUrl => null;
        public new SwitchParameter ForcePathStyle => default;
        public new SwitchParameter SkipCertificateCheck => default;
        public new string? ExpectedBucketOwner => null;
        public new int TimeoutSec => 0;

        protected override void ProcessRecord()
        {
            try
            {
                WriteObject(ResolveBucketName());
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
