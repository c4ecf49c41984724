using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>The summary of Remove-MlSolution for one solution.</summary>
    public sealed class SolutionRemoveResult
    {
        public string Bucket { get; set; } = "";
        public string Solution { get; set; } = "";
        public string Uri { get; set; } = "";
        /// <summary>Folder markers removed.</summary>
        public int Removed { get; set; }
        /// <summary>Whether the declaration was removed (only once every marker under the solution is gone).</summary>
        public bool DeclarationRemoved { get; set; }
        /// <summary>Markers left in place: not approved, changed since the listing, above data that appeared, or not removable on a condition by this store.</summary>
        public IReadOnlyList<string> MarkersLeft { get; set; } = Array.Empty<string>();
        /// <summary>Data keys found under the solution during the run (written after the plan): never touched.</summary>
        public IReadOnlyList<string> DataFound { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Solution}: {Removed} folder markers removed, declaration {(DeclarationRemoved ? "removed" : "kept")}, {MarkersLeft.Count} left";
    }

    /// <summary>
    /// Removes a solution that holds no data: its zero-byte folder markers under solutions/{solution}/ (deepest first,
    /// each only as the exact object listed) and then its declaration (on the ETag it was read at). When anything but
    /// folder markers lies under the prefix, the plan refuses (SolutionHoldsData) and lists it; data that appears
    /// between the plan and the apply keeps the markers above it and the declaration. Data is never deleted.
    /// </summary>
    public sealed class RemoveSolutionPlan : ChangePlan
    {
        /// <summary>How many entries under a solution are looked at before the removal is refused as too large to check.</summary>
        public const int MaxEntries = 100000;
        /// <summary>How many data keys the refusal names.</summary>
        public const int DataKeysShown = 10;

        private RemoveSolutionPlan(OperationContext context, string solution, DeclaredLayout declared, StoredContent read, IReadOnlyList<StoredObject> markers) : base(context)
        {
            Solution = solution; Declared = declared; _read = read; _markers = markers;
        }

        public string Solution { get; }
        public DeclaredLayout Declared { get; }
        private readonly StoredContent _read;
        private readonly IReadOnlyList<StoredObject> _markers;

        private static string Prefix(string solution) => $"{LayoutExpander.SolutionsFolder}/{solution}/";

        /// <summary>
        /// Lists everything under the solution and plans one DeleteMarker per folder marker (deepest first) and the
        /// DeleteDeclaration; writes nothing. Throws SolutionNotDeclared, SolutionHoldsData or SolutionTooLarge.
        /// </summary>
        public static async Task<RemoveSolutionPlan> CreateAsync(OperationContext context, string solution, CancellationToken cancellation)
        {
            LayoutExpander.CheckSolutionName(solution);
            var target = context.Target;
            string prefix = Prefix(solution);
            string uri = target.Describe(prefix);
            var (declared, read) = await DeclaredLayout.ReadStoredAsync(target, solution, cancellation).ConfigureAwait(false);
            if (declared == null || read == null)
                throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, uri,
                    $"Solution '{solution}' has no declared layout in this bucket, so there is nothing Remove-MlSolution may remove. List the declared solutions with Get-MlSolution.");
            var listing = await target.ListAsync(prefix, delimited: false, cancellation, MaxEntries).ConfigureAwait(false);
            if (listing.Objects.Count >= MaxEntries)
                throw new MlLayoutException("SolutionTooLarge", ErrorKind.LimitsExceeded, uri,
                    $"Solution '{solution}' has {MaxEntries} or more entries under {uri}; a removal checks every entry and stops there. Remove the folders yourself, or in parts.");
            var data = Data(listing);
            if (data.Count > 0)
                throw HoldsData(target, solution, data);
            var markers = listing.Objects.Where(o => o.IsFolderMarker).OrderByDescending(o => Depth(o.Key)).ThenByDescending(o => o.Key, StringComparer.Ordinal).ToList();
            var plan = new RemoveSolutionPlan(context, solution, declared, read, markers);
            plan.Notes.Add($"{solution}: {markers.Count} folder markers and no data under {uri} ({target.Requests}).");
            foreach (var marker in markers)
                plan.Changes.Add(new PlannedChange(ChangeKind.DeleteMarker, target.Describe(marker.Key), "Remove folder marker", marker.Key, solution) { Detail = marker });
            plan.Changes.Add(new PlannedChange(ChangeKind.DeleteDeclaration, target.Describe(DeclaredLayout.KeyFor(solution)),
                $"Remove declared layout {declared.Template} {declared.TemplateVersion}", DeclaredLayout.KeyFor(solution), solution));
            plan.AddAuditChange();
            return plan;
        }

        private static int Depth(string key) => key.Count(c => c == '/');

        /// <summary>What under the prefix is not a zero-byte folder marker (links out of a local bucket count: what is behind them is unknown).</summary>
        private static List<string> Data(PrefixListing listing) =>
            listing.Objects.Where(o => !o.IsFolderMarker).Select(o => o.Key).Concat(listing.LinksOutside).ToList();

        private static MlLayoutException HoldsData(IStorageTarget target, string solution, IReadOnlyList<string> data)
        {
            string uri = target.Describe(Prefix(solution));
            var shown = data.Take(DataKeysShown).Select(target.Describe).ToList();
            return new MlLayoutException("SolutionHoldsData", ErrorKind.ResourceExists, uri,
                $"Solution '{solution}' was not removed: {data.Count} data object{(data.Count == 1 ? "" : "s")} lie under {uri} and data is never deleted: " +
                string.Join(", ", shown) + (data.Count > shown.Count ? $" and {data.Count - shown.Count} more" : "") +
                ". Move or delete the data yourself (aws s3 rm, Remove-Item), then run Remove-MlSolution again.");
        }

        /// <summary>
        /// Lists the prefix again, removes the approved markers deepest first (a marker with data or a kept marker
        /// below it stays), then the declaration when nothing is left under the prefix. Audited.
        /// </summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            // -WhatIf, or every removal declined: nothing to do and nothing to report.
            if (!approved.Any(c => c.Kind == ChangeKind.DeleteMarker || c.Kind == ChangeKind.DeleteDeclaration)) return Task.CompletedTask;
            var audit = new AuditRecord { Template = Declared.Template, TemplateVersion = Declared.TemplateVersion, Solutions = { Solution } };
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                string prefix = Prefix(Solution);
                var approvedKeys = new HashSet<string>(approved.Where(c => c.Kind == ChangeKind.DeleteMarker).Select(c => c.Key!), StringComparer.Ordinal);
                // What is there now: data written since the plan keeps every marker above it.
                var now = await Target.ListAsync(prefix, delimited: false, cancellation, MaxEntries).ConfigureAwait(false);
                var dataFound = Data(now);
                var kept = new List<string>(dataFound);
                kept.AddRange(_markers.Where(m => !approvedKeys.Contains(m.Key)).Select(m => m.Key));
                // Markers written since the plan were not approved: they stay, and so do their parents.
                kept.AddRange(now.Objects.Where(o => o.IsFolderMarker && _markers.All(m => m.Key != o.Key)).Select(o => o.Key));
                var removed = new List<string>();
                var left = new List<string>();
                bool unconditional = false;
                foreach (var marker in _markers.Where(m => approvedKeys.Contains(m.Key)))
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (kept.Any(k => k != marker.Key && k.StartsWith(marker.Key, StringComparison.Ordinal))) { left.Add(marker.Key); kept.Add(marker.Key); continue; }
                    var outcome = await Target.DeleteFolderMarkerAsync(marker, cancellation).ConfigureAwait(false);
                    if (outcome == MarkerDeleteOutcome.Deleted)
                    {
                        removed.Add(marker.Key);
                        lock (audit) audit.KeysDeleted.Add(marker.Key);
                        continue;
                    }
                    unconditional |= outcome == MarkerDeleteOutcome.LeftUnconditional;
                    left.Add(marker.Key);
                    kept.Add(marker.Key);
                }

                bool declarationRemoved = false;
                if (approved.Any(c => c.Kind == ChangeKind.DeleteDeclaration))
                {
                    // Only a solution with nothing left under it loses its declaration, so a re-run can finish the removal.
                    var after = await Target.ListAsync(prefix, delimited: false, cancellation, 1).ConfigureAwait(false);
                    if (after.Objects.Count + after.LinksOutside.Count > 0)
                    {
                        // Everything approved went, yet something is there: written during the removal (never touched).
                        if (left.Count == 0 && dataFound.Count == 0)
                            dataFound.AddRange(after.Objects.Where(o => !o.IsFolderMarker).Select(o => o.Key).Concat(after.LinksOutside));
                        sink.Warning($"The declaration of '{Solution}' was kept: {Target.Describe(prefix)} is not empty after the removal. Run Remove-MlSolution again once only folder markers lie there.");
                    }
                    else
                    {
                        var outcome = await Target.DeleteRecordAsync(DeclaredLayout.KeyFor(Solution), _read, cancellation).ConfigureAwait(false);
                        declarationRemoved = outcome == MarkerDeleteOutcome.Deleted;
                        if (declarationRemoved)
                        {
                            lock (audit)
                            {
                                audit.KeysDeleted.Add(DeclaredLayout.KeyFor(Solution));
                                audit.SettingsChanged.Add($"removed declared layout of {Solution}: {Declared.Template} {Declared.TemplateVersion}");
                            }
                        }
                        else if (outcome == MarkerDeleteOutcome.Changed)
                            sink.Warning($"The declaration {Target.Describe(DeclaredLayout.KeyFor(Solution))} was kept: another run changed it since it was read. Check it with Get-MlSolution, then run Remove-MlSolution again.");
                        else
                            sink.Warning($"The declaration {Target.Describe(DeclaredLayout.KeyFor(Solution))} was kept: this store can neither delete on a condition nor by version (versioning is off), and an unconditional delete could remove a newer declaration. Remove it yourself once no other run uses the solution.");
                    }
                }

                if (dataFound.Count > 0)
                    sink.Error(HoldsData(Target, Solution, dataFound));
                if (left.Count > 0)
                    sink.Warning(unconditional
                        ? $"{left.Count} folder markers of '{Solution}' were left in place, because this store can neither delete by version (versioning is off) nor on a condition, and an unconditional delete could remove data written there meanwhile: {string.Join(", ", left.Take(DataKeysShown).Select(Target.Describe))}{(left.Count > DataKeysShown ? " ..." : "")}."
                        : $"{left.Count} folder markers of '{Solution}' were left in place (not approved, above data, or changed since they were listed): {string.Join(", ", left.Take(DataKeysShown).Select(Target.Describe))}{(left.Count > DataKeysShown ? " ..." : "")}.");
                sink.Output(new SolutionRemoveResult
                {
                    Bucket = Target.Bucket.Name, Solution = Solution, Uri = Target.Describe(prefix), Removed = removed.Count,
                    DeclarationRemoved = declarationRemoved, MarkersLeft = left, DataFound = dataFound,
                });
            }, cancellation, approved);
        }
    }
}
