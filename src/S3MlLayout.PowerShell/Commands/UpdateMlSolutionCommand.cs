using System;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Moves solutions to a newer version of their template: applies its declared renames where the old prefix holds
    /// only folder markers, adds the new folders, records the new version. Data is never deleted or moved.
    /// </summary>
    [Cmdlet(VerbsData.Update, "MlSolution", DefaultParameterSetName = BucketSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SolutionUpdateResult))]
    public sealed class UpdateMlSolutionCommand : SolutionCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        [EmptyAsNull]
        public object? Template { get; set; }

        protected override object? TemplateArgument => Template;

        protected override void ProcessRecord()
        {
            try
            {
                ApplyFormerName();
                var bucket = BucketOf(Bucket);
                if (!CheckSolutionsGiven(bucket)) return;
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var template = TemplateFor(Template);
                var target = OpenBucket(bucket);
                var context = ContextFor(target);
                var solutions = Solution;
                var dates = Date;
                bool force = Force;
                StartBucket(async (job, ct) =>
                {
                    using (target)
                    {
                        await job.CheckExistsAsync(target, ct).ConfigureAwait(false);
                        foreach (var solution in solutions)
                        {
                            // One solution's refusal (not declared, another template, not newer) leaves the others to go on.
                            try
                            {
                                var plan = await job.ReadAsync(() => UpdateSolutionPlan.CreateAsync(context, template, solution, dates, force, ct), ct).ConfigureAwait(false);
                                await job.ExecuteAsync(plan, plan.ApplyAsync, ct).ConfigureAwait(false);
                            }
                            catch (MlLayoutException e) { job.Post(() => Report(e)); }
                        }
                    }
                });
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
