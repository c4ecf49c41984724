using System.Linq;
using System.Management.Automation;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>$true when the bucket matches its declared layout and settings, $false when it has drifted: for CI gates.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MlLayout", DefaultParameterSetName = BucketSet)]
    [OutputType(typeof(bool))]
    public sealed class TestMlLayoutCommand : DriftCommandBase
    {
        protected override void ProcessRecord()
        {
            try
            {
                CheckDrift(false, finding => WriteVerbose(finding.ToString()), rows => WriteObject(rows.All(r => r.InSync)));
            }
            catch (Engine.Errors.MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
