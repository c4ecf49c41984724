using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Removes solutions that hold no data: their zero-byte folder markers and their declaration. A solution with
    /// anything else under solutions/{solution}/ is refused (SolutionHoldsData) and what lies there is listed.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "MlSolution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = BucketSet)]
    [OutputType(typeof(SolutionRemoveResult))]
    public sealed class RemoveMlSolutionCommand : BucketInputCommandBase
    {
        private const string InputObjectSet = "InputObject";

        [Parameter(ParameterSetName = BucketSet, Mandatory = true, ValueFromPipeline = true)]
        [Common.BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(ParameterSetName = BucketSet, Mandatory = true, Position = 0)]
        [Parameter(ParameterSetName = BucketNameSet, Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("Solution")]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[] Name { get; set; } = new string[0];

        /// <summary>Solutions from Get-MlSolution.</summary>
        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlSolution? InputObject { get; set; }

        /// <summary>Removes without asking for confirmation (unless -Confirm is given); -WhatIf still only shows the plan.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var names = InputObject != null ? new[] { InputObject.Solution } : Name;
            try
            {
                var bucket = InputObject != null ? Connected(InputObject.Bucket) : BucketOf(Bucket);
                foreach (var solution in names) LayoutExpander.CheckSolutionName(solution);
                var target = OpenBucket(bucket);
                var context = ContextFor(target);
                StartBucket(async (job, ct) =>
                {
                    using (target)
                    {
                        await job.CheckExistsAsync(target, ct).ConfigureAwait(false);
                        foreach (var solution in names)
                        {
                            // One solution's refusal (not declared, holds data) leaves the others to go on.
                            try
                            {
                                var plan = await job.ReadAsync(() => RemoveSolutionPlan.CreateAsync(context, solution, ct), ct).ConfigureAwait(false);
                                await job.ExecuteAsync(plan, plan.ApplyAsync, ct).ConfigureAwait(false);
                            }
                            catch (MlLayoutException e) { job.Post(() => Report(e)); }
                        }
                    }
                }, Report);
            }
            catch (MlLayoutException e)
            {
                Report(e);
            }
        }

        /// <summary>-Force skips the confirmation prompt of ConfirmImpact High; -WhatIf and an explicit -Confirm still go through ShouldProcess.</summary>
        protected override bool Approve(PlannedChange change)
        {
            if (Force && !WhatIfRequested && !ConfirmRequested)
            {
                WriteVerbose($"{change.Action}: {change.Target} (-Force)");
                return true;
            }
            return base.Approve(change);
        }

        private bool WhatIfRequested =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? w is SwitchParameter s && s.IsPresent
                : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

        private bool ConfirmRequested =>
            MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && c is SwitchParameter s && s.IsPresent;
    }
}
