using System;
using System.IO;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Applies what a fleet of tenant files needs. With -PlanFile, only a saved plan that fits its schema
    /// (FleetPlanInvalid), was not edited since it was written (FleetPlanTampered) and still holds: the tenant files
    /// unchanged and planning again giving exactly the saved changes (FleetPlanStale, listing what moved). Each is
    /// refused before anything is written; the checks are the engine's (SavedFleetPlan).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MlFleetPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Engine.Storage.MlBucket), typeof(SolutionProvisionResult))]
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
                saved?.CheckHolds(plan, TenantFiles, FleetPlan.Sha256);
                foreach (var problem in plan.Problems) Report(problem);
                Execute(plan.Changes, $"Applying the fleet plan ({plan.Buckets.Count} buckets)", plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
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
