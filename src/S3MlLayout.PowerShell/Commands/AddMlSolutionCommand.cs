using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Provisions solutions/{solution}/ from a template in the bucket piped in; idempotent.</summary>
    [Cmdlet(VerbsCommon.Add, "MlSolution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlSolutionCommand : SolutionCommandBase
    {
        [Parameter]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        public object Template { get; set; } = "master-solution";

        [Parameter]
        public string[] Include { get; set; } = new string[0];

        protected override object? TemplateArgument => Template;

        protected override void ProcessRecord()
        {
            try
            {
                var request = new AddSolutionRequest(ResolvedTemplate, Name) { Dates = Date, Include = Include, Force = Force };
                request.Check();
                using var target = OpenExistingBucket(Bucket!);
                var plan = Run(ct => AddSolutionPlan.CreateAsync(ContextFor(target), request, ct));
                Execute(plan, plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
