using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Plans every change a fleet of tenant files needs, without changing anything: as an object, as JSON
    /// (-OutFile, what Invoke-MlFleetPlan checks a reviewed plan by) and as Markdown (-MarkdownFile).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MlFleetPlan")]
    [OutputType(typeof(FleetPlan))]
    public sealed class GetMlFleetPlanCommand : FleetCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutFile { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MarkdownFile { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var plan = PlanFleet();
                foreach (var problem in plan.Problems) Report(problem);
                if (OutFile != null) WriteTextFile(OutFile, plan.ToJson(TenantFiles));
                if (MarkdownFile != null) WriteTextFile(MarkdownFile, plan.ToMarkdown());
                WriteVerbose($"{plan.Pending} changes pending in {plan.Buckets.Count} buckets; exit code {plan.ExitCode}.");
                WriteObject(plan);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
