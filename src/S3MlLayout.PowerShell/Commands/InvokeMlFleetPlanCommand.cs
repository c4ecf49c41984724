using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Applies what a fleet of tenant files needs. With -PlanFile, only a saved plan that fits its schema
    /// (FleetPlanInvalid), was not edited since it was written (FleetPlanTampered) and still holds: the tenant files
    /// unchanged and planning again giving exactly the saved changes (FleetPlanStale, listing what moved). Each is
    /// refused before anything is written; the checks are the engine's (SavedFleetPlan). Without -PlanFile, nobody
    /// reviewed the changes: it shows the plan's summary and asks once (ConfirmImpact High), as terraform apply does;
    /// -Confirm:$false or a reviewed -PlanFile is how CI runs it. -WhatIf lists every change and writes nothing.
    /// Writes one row per bucket as it finishes, then the totals.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MlFleetPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FleetBucketResult), typeof(FleetApplySummary))]
    public sealed class InvokeMlFleetPlanCommand : FleetCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PlanFile { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                // The saved plan is checked (schema, then digest and staleness, in the engine) before anything is written.
                var saved = PlanFile == null ? null : ReadSavedPlan(ResolvePath(PlanFile));
                var plan = PlanFleet();
                CheckHolds(saved, plan);
                foreach (var problem in plan.Problems) Report(problem);
                string title = $"Applying the fleet plan ({plan.Buckets.Count} buckets)";
                if (WhatIfGiven)
                {
                    // Every change as "What if:", nothing written, no rows.
                    Execute(plan.Changes, title, (approved, sink, ct) => Task.CompletedTask);
                    return;
                }
                if (plan.Pending > 0 && !ApprovedAsWhole(plan, saved != null)) return;
                FleetApplyResults? results = null;
                Execute(plan.Changes, title, (approved, sink, ct) =>
                {
                    results = new FleetApplyResults(sink, plan, approved);
                    return plan.ApplyAsync(approved, results, ct, results.BucketDone);
                });
                if (results != null) WriteObject(results.Summary());
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private bool WhatIfGiven => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent
                                    || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && SessionState.PSVariable.GetValue("WhatIfPreference") is object p && LanguagePrimitives.IsTrue(p));

        /// <summary>Each change is then approved as part of the whole (no question per change).</summary>
        private bool _approvedAsWhole;

        protected override bool Approve(PlannedChange change) => _approvedAsWhole || base.Approve(change);

        /// <summary>
        /// One question for the whole plan, its summary in the prompt (ConfirmImpact High: asked unless -Confirm:$false
        /// or $ConfirmPreference says otherwise). A reviewed saved plan is the approval, unless -Confirm is given.
        /// A host that cannot ask (-NonInteractive) is refused clearly, before anything is written.
        /// </summary>
        private bool ApprovedAsWhole(FleetPlan plan, bool reviewed)
        {
            bool confirmGiven = MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && c is SwitchParameter s && s.IsPresent;
            if (reviewed && !confirmGiven) return _approvedAsWhole = true;
            string summary = plan.ToText();
            try
            {
                _approvedAsWhole = ShouldProcess($"Applying the fleet plan: {plan.Pending} changes in {plan.Buckets.Count(b => b.Pending > 0)} buckets.",
                    summary + System.Environment.NewLine + System.Environment.NewLine + "Apply these changes?", "Invoke-MlFleetPlan");
            }
            catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException)
            {
                throw new MlLayoutException("FleetApplyNotConfirmed", ErrorKind.OperationStopped, TenantFiles.FirstOrDefault(),
                    $"Invoke-MlFleetPlan asks before applying {plan.Pending} changes, and this session cannot ask ({e.Message.Trim()}). Nothing was written. " +
                    "In CI, apply a reviewed plan (Get-MlFleetPlan -OutFile, then Invoke-MlFleetPlan -PlanFile) or pass -Confirm:$false.", e);
            }
            if (!_approvedAsWhole) WriteVerbose("Not confirmed: nothing was applied.");
            return _approvedAsWhole;
        }

        /// <summary>A stale plan: the counts on the console, each difference under -Verbose.</summary>
        private void CheckHolds(SavedFleetPlan? saved, FleetPlan plan)
        {
            try { saved?.CheckHolds(plan, TenantFiles, FleetPlan.Sha256); }
            catch (MlLayoutException e) when (SavedFleetPlan.SummaryOf(e) is string summary)
            {
                foreach (var line in SavedFleetPlan.DetailsOf(e)) WriteVerbose(line);
                var record = ToErrorRecord(e);
                record.ErrorDetails = new ErrorDetails(summary);
                ThrowTerminatingError(record);
            }
        }

        private static SavedFleetPlan ReadSavedPlan(string path)
        {
            string text;
            // One bounded reader: a device file or a FIFO is refused, a file beyond the limit is not read past it.
            try { text = FleetPlan.ReadSavedPlanText(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("FleetPlanInvalid", ErrorKind.InvalidData, path,
                    $"Cannot read the saved plan '{path}': {e.Message} Write it again with Get-MlFleetPlan -OutFile.", e);
            }
            return SavedFleetPlan.Parse(text, path);
        }
    }
}
