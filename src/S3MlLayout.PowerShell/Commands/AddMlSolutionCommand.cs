using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Provisions solutions/{solution}/ from a template in the bucket piped in; idempotent.</summary>
    [Cmdlet(VerbsCommon.Add, "MlSolution", DefaultParameterSetName = BucketSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlSolutionCommand : SolutionCommandBase
    {
        private const string DefaultTemplate = "master-solution";

        /// <summary>Binds the piped bucket's Template too; none there (null or empty) is the default.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        [EmptyAsNull]
        public object? Template { get; set; } = DefaultTemplate;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public string[] Include { get; set; } = new string[0];

        protected override object? TemplateArgument => Template ?? DefaultTemplate;

        protected override void ProcessRecord()
        {
            try
            {
                var bucket = BucketOf(Bucket);
                if (!CheckSolutionsGiven(bucket)) return;
                var request = new AddSolutionRequest(TemplateFor(TemplateArgument), Solution) { Dates = Date, Include = Include, Force = Force };
                request.Check();
                using var target = OpenExistingBucket(bucket);
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
