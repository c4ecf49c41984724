using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Moves solutions to a newer version of their template: applies its declared renames where the old prefix holds
    /// only folder markers, adds the new folders, records the new version. Data is never deleted or moved.
    /// </summary>
    [Cmdlet(VerbsData.Update, "MlSolution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SolutionUpdateResult))]
    public sealed class UpdateMlSolutionCommand : SolutionCommandBase
    {
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public object? Template { get; set; }

        protected override object? TemplateArgument => Template;

        protected override void ProcessRecord()
        {
            var template = ResolvedTemplate;
            try
            {
                foreach (var solution in Name) LayoutExpander.CheckSolutionName(solution);
                using var target = OpenExistingBucket(Bucket!);
                foreach (var solution in Name)
                {
                    try { Update(target, template, solution); }
                    catch (MlLayoutException e) { Report(e); }
                }
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private void Update(IStorageTarget target, LayoutTemplate template, string solution)
        {
            string uri = target.Describe($"solutions/{solution}/");
            var (declared, read) = Run(ct => DeclaredLayout.ReadStoredAsync(target, solution, ct));
            if (declared == null) throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, uri,
                    $"Solution '{solution}' has no declared layout in this bucket; provision it with Add-MlSolution.");
            if (declared.Template != template.Name && !Force)
                throw new MlLayoutException("SolutionTemplateMismatch", ErrorKind.InvalidArgument, uri,
                    $"Solution '{solution}' follows template {declared.Template}, not {template.Name}; give a newer version of {declared.Template}, or add -Force to switch templates.");
            if (SolutionMigrator.CompareVersions(template.Version, declared.TemplateVersion) <= 0 && !Force)
                throw new MlLayoutException("TemplateVersionNotNewer", ErrorKind.InvalidArgument, uri,
                    $"Solution '{solution}' is at {declared.Template} {declared.TemplateVersion}; {template.Name} {template.Version} is not newer. Add -Force to apply it anyway.");

            var migrator = new SolutionMigrator(target);
            var renamed = new List<string>();
            var skipped = new List<string>();
            var left = new List<string>();
            var audit = new AuditRecord { Template = template.Name, TemplateVersion = template.Version, Solutions = { solution } };
            Audited(target, audit, () =>
            {
            foreach (var rename in template.Renames)
            {
                var plan = Run(ct => migrator.PlanRenameAsync(rename, solution, ct));
                switch (plan.Status)
                {
                    case RenameStatus.NothingThere:
                        break;
                    case RenameStatus.HoldsData:
                        string reason = $"{plan.FromKey} -> {plan.ToKey}: the old prefix holds {(plan.DataObjects > 0 ? plan.DataObjects.ToString() : "many")} data objects; left in place";
                        skipped.Add(reason);
                        WriteWarning($"Rename {target.Describe(plan.FromKey)} -> {target.Describe(plan.ToKey)} not applied: the old prefix holds data, and data is never moved. Move it yourself, then run Update-MlSolution again with -Force (the new version is recorded now).");
                        break;
                    case RenameStatus.OnlyMarkers:
                        if (!ShouldProcess(target.Describe(plan.FromKey), $"Rename folder to {target.Describe(plan.ToKey)} (moves {plan.Markers.Count} folder markers)")) break;
                        var move = Run(ct => migrator.MoveMarkersAsync(plan, ct));
                        audit.KeysCreated.AddRange(move.Created);
                        audit.KeysDeleted.AddRange(move.Deleted);
                        audit.SettingsChanged.Add($"renamed {plan.FromKey} -> {plan.ToKey}");
                        renamed.Add($"{plan.FromKey} -> {plan.ToKey}");
                        if (move.Left.Count > 0)
                        {
                            left.AddRange(move.Left);
                            WriteWarning(move.LeftBecause == MarkerDeleteOutcome.LeftUnconditional
                                ? $"Rename {target.Describe(plan.FromKey)} -> {target.Describe(plan.ToKey)}: {move.Left.Count} old folder markers were left in place, because this store can neither delete by version (versioning is off) nor on a condition, and an unconditional delete could remove data written there meanwhile. Remove them yourself once nothing is written there: {string.Join(", ", move.Left.Select(target.Describe))}."
                                : $"Rename {target.Describe(plan.FromKey)} -> {target.Describe(plan.ToKey)}: {move.Left.Count} old folder markers were left in place, because something was written at them after they were listed: {string.Join(", ", move.Left.Select(target.Describe))}.");
                        }
                        break;
                }
            }

            var keys = LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = declared.Include }).Select(n => n.Key).ToArray();
            var tally = ProvisionFolders(target, keys, solution, audit);
            if (ShouldProcess(target.Describe(DeclaredLayout.KeyFor(solution)), $"Record declared layout {template.Name} {template.Version}"))
            {
                // Compare-and-swap on the declaration read at the start: a concurrent update to another version wins or loses whole.
                Run(ct => DeclaredLayout.From(template, solution, declared.Include).DeclareAsync(target, read, Force, ct, replacing: true));
                audit.SettingsChanged.Add($"declared layout of {solution}: {declared.Template} {declared.TemplateVersion} -> {template.Name} {template.Version}");
            }
            WriteObject(new SolutionUpdateResult
            {
                Bucket = target.Bucket.Name, Solution = solution, Template = template.Name, FromVersion = declared.TemplateVersion, ToVersion = template.Version,
                Uri = uri, Created = tally.Created.Count, Renamed = renamed, RenamesSkipped = skipped, MarkersLeft = left, Failed = tally.Failed.Count,
            });
            });
        }
    }
}
