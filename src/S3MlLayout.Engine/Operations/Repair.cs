using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;

namespace S3MlLayout.Engine.Operations
{
    public enum RepairAction
    {
        /// <summary>The missing or implicit folder's marker was written.</summary>
        Created,
        /// <summary>The marker was there already when the repair ran.</summary>
        AlreadyPresent,
        /// <summary>The declared bucket setting was applied again.</summary>
        SettingApplied,
        /// <summary>
        /// Not safe to fix automatically (Unexpected, NamingViolation, InvalidPartition, and the object findings
        /// FormatViolation, UnplacedObject, PartitionViolation, ContentMismatch): data is never moved or deleted; Detail says what a person must move.
        /// </summary>
        LeftAlone,
        /// <summary>-WhatIf, or a declined confirmation.</summary>
        Skipped,
        Failed,
    }

    /// <summary>What Repair-MlLayout did about one finding.</summary>
    public sealed class RepairResult
    {
        /// <summary>The finding's category by name (see <see cref="DriftFinding.Category"/>).</summary>
        public string Category { get => Kind.ToString(); set => Kind = DriftCategories.Parse(value); }
        internal DriftCategory Kind { get; set; }
        public string Uri { get; set; } = "";
        public string Key { get; set; } = "";
        public RepairAction Action { get; set; }
        public string Detail { get; set; } = "";
        public override string ToString() => $"{Action} {Category} {Uri}";
    }

    /// <summary>
    /// Fixes what is safe in a bucket's drift findings: writes the markers of missing and implicit folders and
    /// re-applies the declared bucket settings. Everything else is left alone and said so: never deletes, moves or
    /// overwrites data.
    /// </summary>
    public sealed class RepairPlan : ChangePlan
    {
        private RepairPlan(OperationContext context, IReadOnlyList<DriftFinding> findings) : base(context) { Findings = findings; }

        public IReadOnlyList<DriftFinding> Findings { get; }
        private FolderPlan _folders = new FolderPlan(Array.Empty<string>(), Array.Empty<string>());
        private Dictionary<string, DriftFinding> _byKey = new Dictionary<string, DriftFinding>(StringComparer.Ordinal);
        private BucketSettings? _declared;
        private BucketSettings? _actual;

        private static bool IsObjectFinding(DriftCategory kind) =>
            kind == DriftCategory.FormatViolation || kind == DriftCategory.UnplacedObject || kind == DriftCategory.PartitionViolation
            || kind == DriftCategory.ContentMismatch;

        private static bool FixesMarker(DriftFinding f) => f.Kind == DriftCategory.Missing || f.Kind == DriftCategory.Implicit;

        public static async Task<RepairPlan> CreateAsync(OperationContext context, IReadOnlyList<DriftFinding> findings, CancellationToken cancellation)
        {
            var plan = new RepairPlan(context, findings);
            var target = context.Target;
            // Read what to re-apply before changing anything, so a missing declaration stops the repair cleanly.
            if (findings.Any(f => f.Kind == DriftCategory.BucketSetting) && target.HasSettings)
            {
                plan._declared = (await DeclaredBucket.ReadAsync(target, cancellation).ConfigureAwait(false))?.Settings
                    ?? throw new MlLayoutException("DeclarationMissing", ErrorKind.ObjectNotFound, target.Describe(DeclaredBucket.Key),
                        "The bucket has no declared settings to re-apply; run New-MlBucket to declare them.");
            }
            var markers = findings.Where(FixesMarker).ToList();
            if (markers.Count > 0)
            {
                plan._byKey = markers.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                plan._folders = await FolderWrites.PlanAsync(target, plan._byKey.Keys, cancellation).ConfigureAwait(false);
                plan.Changes.AddRange(FolderWrites.Changes(target, plan._folders));
            }
            if (plan._declared != null)
            {
                plan._actual = await target.ReadSettingsAsync(cancellation, plan._declared).ConfigureAwait(false);
                foreach (var change in target.PlanSettings(plan._declared, plan._actual!))
                    plan.Changes.Add(new PlannedChange(ChangeKind.SetBucketSetting, target.Bucket.Uri, $"Set {change}", change.Setting) { Detail = change });
            }
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>One RepairResult per finding as it is dealt with. Audited.</summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            var audit = new AuditRecord();
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                if (_byKey.Count > 0)
                {
                    RepairResult Result(FolderResult r, RepairAction action, string? detail = null) =>
                        new RepairResult { Kind = _byKey[r.Key].Kind, Uri = r.Uri, Key = r.Key, Action = action, Detail = detail ?? r.Error?.Message ?? "folder marker" };
                    foreach (var key in _folders.Present) sink.Output(Result(new FolderResult(key, Target.Describe(key), FolderOutcome.AlreadyExists), RepairAction.AlreadyPresent));
                    var tally = await FolderWrites.ApplyAsync(Context, _folders, FolderWrites.KeysOf(approved, ChangeKind.WriteMarker), audit, sink, cancellation,
                        r => sink.Output(Result(r, r.Outcome switch
                        {
                            FolderOutcome.Created => RepairAction.Created,
                            FolderOutcome.AlreadyExists => RepairAction.AlreadyPresent,
                            FolderOutcome.Failed => RepairAction.Failed,
                            _ => RepairAction.Skipped,
                        }))).ConfigureAwait(false);
                    foreach (var key in tally.Skipped)
                        sink.Output(Result(new FolderResult(key, Target.Describe(key), FolderOutcome.Skipped), RepairAction.Skipped, "not confirmed"));
                }

                if (_declared != null)
                {
                    var planned = Changes.Where(c => c.Kind == ChangeKind.SetBucketSetting).Select(c => (BucketChange)c.Detail!).ToList();
                    var toApply = Changes.Where(c => c.Kind == ChangeKind.SetBucketSetting && approved.Contains(c)).Select(c => (BucketChange)c.Detail!).ToList();
                    var applied = toApply.Count == 0 ? toApply : await Target.ApplySettingsAsync(_declared, _actual!, toApply, cancellation).ConfigureAwait(false);
                    lock (audit) audit.SettingsChanged.AddRange(applied.Select(c => c.ToString()));
                    foreach (var finding in Findings.Where(f => f.Kind == DriftCategory.BucketSetting))
                    {
                        string group = BucketSettings.SettingOf(finding.Key);
                        var change = applied.FirstOrDefault(c => c.Setting == group);
                        sink.Output(new RepairResult
                        {
                            Kind = finding.Kind, Uri = finding.Uri, Key = finding.Key,
                            Action = change != null ? RepairAction.SettingApplied : planned.Any(p => p.Setting == group) ? RepairAction.Skipped : RepairAction.AlreadyPresent,
                            Detail = change?.ToString() ?? $"{finding.Key}: {finding.Expected}",
                        });
                    }
                }

                var leftAlone = Findings.Where(f => !FixesMarker(f) && f.Kind != DriftCategory.BucketSetting).ToList();
                foreach (var finding in leftAlone)
                    sink.Output(new RepairResult { Kind = finding.Kind, Uri = finding.Uri, Key = finding.Key, Action = RepairAction.LeftAlone, Detail = finding.SuggestedFix });
                // Objects that break their folder's contract: a person moves them; say which, one line each.
                foreach (var finding in leftAlone.Where(f => IsObjectFinding(f.Kind)))
                    sink.Verbose($"Move by hand: {finding.Uri} ({finding.Kind}: expected {finding.Expected}, actual {finding.Actual}). {finding.SuggestedFix}");
                if (leftAlone.Count > 0)
                    sink.Warning($"{leftAlone.Count} findings left alone ({string.Join(", ", leftAlone.Select(f => f.Kind).Distinct())}): Repair-MlLayout never moves, renames or deletes data. See each result's Detail.");
            }, cancellation, approved);
        }
    }
}
