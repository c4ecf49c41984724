using System.Management.Automation;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Builds {company_prefix}-{environment}-{tenant_id}-{region}, or checks an override, against every S3 rule.</summary>
    [Cmdlet(VerbsCommon.Get, "MlBucketName", DefaultParameterSetName = OverrideSet)]
    [OutputType(typeof(string))]
    public sealed class GetMlBucketNameCommand : BucketNameCommandBase
    {
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
