using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Compares a bucket with its declared layout and settings, and streams one object per difference.</summary>
    [Cmdlet(VerbsCommon.Get, "MlLayoutDrift", DefaultParameterSetName = BucketSet)]
    [OutputType(typeof(DriftFinding), typeof(DriftSummary))]
    public sealed class GetMlLayoutDriftCommand : DriftCommandBase
    {
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        [Parameter]
        public SwitchParameter Summary { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                bool summary = Summary;
                CheckDrift(Detailed, finding => { if (!summary) WriteObject(finding); }, rows => { if (summary) WriteObject(rows, enumerateCollection: true); });
            }
            catch (Engine.Errors.MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
