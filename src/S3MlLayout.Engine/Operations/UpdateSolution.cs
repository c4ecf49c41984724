using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>The summary of Update-MlSolution for one solution.</summary>
    public sealed class SolutionUpdateResult
    {
        public string Bucket { get; set; } = "";
        public string Solution { get; set; } = "";
        public string Template { get; set; } = "";
        public string FromVersion { get; set; } = "";
        public string ToVersion { get; set; } = "";
        public string Uri { get; set; } = "";
        public int Created { get; set; }
        public IReadOnlyList<string> Renamed { get; set; } = Array.Empty<string>();
        /// <summary>Renames not applied, with the reason (the old prefix holds data).</summary>
        public IReadOnlyList<string> RenamesSkipped { get; set; } = Array.Empty<string>();
        /// <summary>Old rename markers left in place because they changed since they were listed, or the store cannot delete on a condition.</summary>
        public IReadOnlyList<string> MarkersLeft { get; set; } = Array.Empty<string>();
        public int Failed { get; set; }
        public override string ToString() => $"{Solution}: {Template} {FromVersion} -> {ToVersion}, {Created} created, {Renamed.Count} renamed, {RenamesSkipped.Count} renames left alone";
    }

    /// <summary>
    /// Moves one solution to a newer version of its template: the template's renames where the old prefix holds only
    /// folder markers (data is never moved or deleted), the new folders, and the new declaration (compare-and-swap on
    /// the one read, so a concurrent update to another version wins or loses whole).
    /// </summary>
    public sealed class UpdateSolutionPlan : ChangePlan
    {
        private UpdateSolutionPlan(OperationContext context, LayoutTemplate template, string solution, DeclaredLayout declared, StoredContent? read) : base(context)
        {
            Template = template; Solution = solution; Declared = declared; _read = read;
        }

        public LayoutTemplate Template { get; }
        public string Solution { get; }
        public DeclaredLayout Declared { get; }
        private readonly StoredContent? _read;
        private readonly List<string> _renamesSkipped = new List<string>();
        private FolderPlan _folders = new FolderPlan(Array.Empty<string>(), Array.Empty<string>());
        private IReadOnlyList<PlannedChange> _contract = Array.Empty<PlannedChange>();

        /// <summary>Checks the solution can move to <paramref name="template"/> (else throws) and plans the renames and new folders; writes nothing.</summary>
        public static async Task<UpdateSolutionPlan> CreateAsync(OperationContext context, LayoutTemplate template, string solution, IReadOnlyList<DateTime> dates, bool force, CancellationToken cancellation)
        {
            LayoutExpander.CheckSolutionName(solution);
            var target = context.Target;
            string uri = target.Describe($"{LayoutExpander.SolutionsFolder}/{solution}/");
            var (declared, read) = await DeclaredLayout.ReadStoredAsync(target, solution, cancellation).ConfigureAwait(false);
            if (declared == null)
                throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, uri,
                    $"Solution '{solution}' has no declared layout in this bucket; provision it with Add-MlSolution.");
            if (declared.Template != template.Name && !force)
                throw new MlLayoutException("SolutionTemplateMismatch", ErrorKind.InvalidArgument, uri,
                    $"Solution '{solution}' follows template {declared.Template}, not {template.Name}; give a newer version of {declared.Template}, or add -Force to switch templates.");
            if (SolutionMigrator.CompareVersions(template.Version, declared.TemplateVersion) <= 0 && !force)
                throw new MlLayoutException("TemplateVersionNotNewer", ErrorKind.InvalidArgument, uri,
                    $"Solution '{solution}' is at {declared.Template} {declared.TemplateVersion}; {template.Name} {template.Version} is not newer. Add -Force to apply it anyway.");

            var plan = new UpdateSolutionPlan(context, template, solution, declared, read);
            await plan.PlanRenamesAsync(cancellation).ConfigureAwait(false);
            var keys = LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = dates, Include = declared.Include }).Select(n => n.Key).ToArray();
            plan._folders = await FolderWrites.PlanAsync(target, keys, cancellation).ConfigureAwait(false);
            plan.Notes.Add($"{solution}: {plan._folders.Present.Count} of {keys.Length} folders already present ({target.Requests}).");
            plan.Changes.AddRange(FolderWrites.Changes(target, plan._folders, _ => solution));
            plan.Changes.Add(new PlannedChange(ChangeKind.RecordDeclaration, target.Describe(DeclaredLayout.KeyFor(solution)),
                $"Record declared layout {template.Name} {template.Version}", DeclaredLayout.KeyFor(solution), solution));
            // The contract document follows the declaration to the new template's contracts.
            plan._contract = await TenantDocumentWrites.PlanAsync(target,
                new Dictionary<string, byte[]> { [ContractDocument.KeyOf(solution)] = ContractDocument.Bytes(template, solution, declared.Include) },
                true, cancellation, "Write contract document", ContractDocument.SolutionOf).ConfigureAwait(false);
            plan.Changes.AddRange(plan._contract);
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>
        /// One RenameFolder change per rename whose old prefix holds only markers. Renames chain (a -> b, then b -> c
        /// when versions are skipped), so each is judged on the listing as the earlier ones will have left it.
        /// </summary>
        private async Task PlanRenamesAsync(CancellationToken cancellation)
        {
            var migrator = new SolutionMigrator(Target);
            var movedIn = new HashSet<string>(StringComparer.Ordinal);
            var movedOut = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rename in Template.Renames)
            {
                var listed = await migrator.PlanRenameAsync(rename, Solution, cancellation).ConfigureAwait(false);
                if (listed.Status == RenameStatus.HoldsData)
                {
                    _renamesSkipped.Add($"{listed.FromKey} -> {listed.ToKey}: the old prefix holds {(listed.DataObjects > 0 ? listed.DataObjects.ToString() : "many")} data objects; left in place");
                    Warnings.Add($"Rename {Target.Describe(listed.FromKey)} -> {Target.Describe(listed.ToKey)} not applied: the old prefix holds data, and data is never moved. Move it yourself, then run Update-MlSolution again with -Force (the new version is recorded now).");
                    continue;
                }
                var markers = listed.Markers.Where(k => !movedOut.Contains(k)).Concat(movedIn.Where(k => k.StartsWith(listed.FromKey, StringComparison.Ordinal))).Distinct().ToList();
                if (markers.Count == 0) continue;
                Changes.Add(new PlannedChange(ChangeKind.RenameFolder, Target.Describe(listed.FromKey),
                    $"Rename folder to {Target.Describe(listed.ToKey)} (moves {markers.Count} folder markers)", listed.FromKey, Solution) { Detail = rename });
                foreach (var marker in markers)
                {
                    movedOut.Add(marker);
                    movedIn.Remove(marker);
                    movedIn.Add(listed.ToKey + marker.Substring(listed.FromKey.Length));
                }
            }
        }

        /// <summary>Applies the approved renames in order (each listed again just before it moves), the new folders, then the declaration. Audited.</summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            var audit = new AuditRecord { Template = Template.Name, TemplateVersion = Template.Version, Solutions = { Solution } };
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                var migrator = new SolutionMigrator(Target);
                var renamed = new List<string>();
                var left = new List<string>();
                var skipped = new List<string>(_renamesSkipped);
                var createdByMoves = new HashSet<string>(StringComparer.Ordinal);
                foreach (var change in Changes.Where(c => c.Kind == ChangeKind.RenameFolder && approved.Contains(c)))
                {
                    var plan = await migrator.PlanRenameAsync((RenameMigration)change.Detail!, Solution, cancellation).ConfigureAwait(false);
                    if (plan.Status == RenameStatus.HoldsData)
                    {
                        skipped.Add($"{plan.FromKey} -> {plan.ToKey}: data was written under the old prefix during the run; left in place");
                        continue;
                    }
                    if (plan.Status == RenameStatus.NothingThere) continue;
                    var move = await migrator.MoveMarkersAsync(plan, cancellation).ConfigureAwait(false);
                    lock (audit)
                    {
                        audit.KeysCreated.AddRange(move.Created);
                        audit.KeysDeleted.AddRange(move.Deleted);
                        audit.SettingsChanged.Add($"renamed {plan.FromKey} -> {plan.ToKey}");
                    }
                    createdByMoves.UnionWith(move.Created);
                    renamed.Add($"{plan.FromKey} -> {plan.ToKey}");
                    if (move.Left.Count == 0) continue;
                    left.AddRange(move.Left);
                    sink.Warning(move.LeftBecause == MarkerDeleteOutcome.LeftUnconditional
                        ? $"Rename {Target.Describe(plan.FromKey)} -> {Target.Describe(plan.ToKey)}: {move.Left.Count} old folder markers were left in place, because this store can neither delete by version (versioning is off) nor on a condition, and an unconditional delete could remove data written there meanwhile. Remove them yourself once nothing is written there: {string.Join(", ", move.Left.Select(Target.Describe))}."
                        : $"Rename {Target.Describe(plan.FromKey)} -> {Target.Describe(plan.ToKey)}: {move.Left.Count} old folder markers were left in place, because something was written at them after they were listed: {string.Join(", ", move.Left.Select(Target.Describe))}.");
                }

                // Folders a move just wrote are there now; the rest of the plan goes as planned.
                var markers = FolderWrites.KeysOf(approved, ChangeKind.WriteMarker);
                markers.ExceptWith(createdByMoves);
                var folders = new FolderPlan(_folders.Missing.Where(k => !createdByMoves.Contains(k)).ToList(), _folders.Present.Concat(_folders.Missing.Where(createdByMoves.Contains)).ToList());
                var tally = await FolderWrites.ApplyAsync(Context, folders, markers, audit, sink, cancellation).ConfigureAwait(false);

                if (approved.Any(c => c.Kind == ChangeKind.RecordDeclaration))
                {
                    var declaration = DeclaredLayout.From(Template, Solution, Declared.Include);
                    await AuditedRun.DocumentAsync(audit, DeclaredLayout.KeyFor(Solution),
                        () => declaration.DeclareAsync(Target, _read, force: false, cancellation, replacing: true), cancellation).ConfigureAwait(false);
                    lock (audit) audit.SettingsChanged.Add($"declared layout of {Solution}: {Declared.Template} {Declared.TemplateVersion} -> {Template.Name} {Template.Version}");
                }
                await TenantDocumentWrites.WriteAsync(Target, _contract.Where(approved.Contains).ToList(), audit, cancellation).ConfigureAwait(false);
                sink.Output(new SolutionUpdateResult
                {
                    Bucket = Target.Bucket.Name, Solution = Solution, Template = Template.Name, FromVersion = Declared.TemplateVersion, ToVersion = Template.Version,
                    Uri = Target.Describe($"{LayoutExpander.SolutionsFolder}/{Solution}/"), Created = tally.Created.Count, Renamed = renamed,
                    RenamesSkipped = skipped, MarkersLeft = left, Failed = tally.Failed.Count,
                });
            }, cancellation, approved);
        }
    }
}
