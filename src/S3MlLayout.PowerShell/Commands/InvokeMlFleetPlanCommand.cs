using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Applies what a fleet of tenant files needs. With -PlanFile, only a plan that still holds: the tenant files
    /// unchanged and planning again giving exactly the saved changes; otherwise it stops with FleetPlanStale and
    /// lists what moved, before anything is written.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MlFleetPlan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Engine.Storage.MlBucket), typeof(SolutionProvisionResult))]
    public sealed class InvokeMlFleetPlanCommand : FleetCommandBase
    {
        /// <summary>How many moved changes the FleetPlanStale message lists.</summary>
        private const int MovedShown = 20;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PlanFile { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var saved = PlanFile == null ? null : ReadSavedPlan(ResolvePath(PlanFile));
                var plan = PlanFleet();
                if (saved != null) CheckNotStale(saved.Value, plan);
                foreach (var problem in plan.Problems) Report(problem);
                Execute(plan.Changes, $"Applying the fleet plan ({plan.Buckets.Count} buckets)", plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private JsonElement? ReadSavedPlan(string path)
        {
            try { return JsonDocument.Parse(FleetPlan.ReadSavedPlanText(path)).RootElement.Clone(); }
            catch (JsonException e)
            {
                // The parser's message quotes the text it stopped at: a file that is not a plan is named, never quoted.
                throw new MlLayoutException("FleetPlanInvalid", ErrorKind.InvalidData, path,
                    $"The saved plan '{path}' is not a plan written by Get-MlFleetPlan -OutFile (not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}). Write it again with Get-MlFleetPlan -OutFile.", e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("FleetPlanInvalid", ErrorKind.InvalidData, path,
                    $"Cannot read the saved plan '{path}': {e.Message} Write it again with Get-MlFleetPlan -OutFile.", e);
            }
        }

        private void CheckNotStale(JsonElement saved, FleetPlan plan)
        {
            var moved = new List<string>();
            var files = saved.GetProperty("tenantFiles").EnumerateArray()
                .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!, StringComparer.Ordinal);
            foreach (var file in TenantFiles)
            {
                if (!files.TryGetValue(file, out var hash)) moved.Add($"tenant file not in the plan: {file}");
                else if (hash != FleetPlan.Sha256(file)) moved.Add($"tenant file changed since the plan: {file}");
            }
            moved.AddRange(files.Keys.Where(f => !TenantFiles.Contains(f)).Select(f => $"tenant file planned but not given: {f}"));
            moved.AddRange(plan.MovedSince(saved.GetProperty("fingerprints").EnumerateArray().Select(f => f.GetString()!)));
            if (moved.Count == 0) return;
            throw new MlLayoutException("FleetPlanStale", ErrorKind.ResourceExists, PlanFile,
                $"The saved plan '{PlanFile}' no longer holds, so nothing was applied. {moved.Count} differences:{System.Environment.NewLine}  " +
                string.Join(System.Environment.NewLine + "  ", moved.Take(MovedShown)) + (moved.Count > MovedShown ? $"{System.Environment.NewLine}  ... and {moved.Count - MovedShown} more" : "") +
                $"{System.Environment.NewLine}Plan again (Get-MlFleetPlan -OutFile), review, then apply the new plan.");
        }
    }
}
