using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// Creates a bucket with secure defaults, or converges an existing one to them: the bucket, one change per
    /// setting that differs (S3 only: a local directory has no settings, and the plan says so), and the declaration
    /// of what the bucket should be (compare-and-swap, written before the settings are applied).
    /// </summary>
    public sealed class CreateBucketPlan : ChangePlan
    {
        private CreateBucketPlan(OperationContext context, BucketSettings desired) : base(context) { Desired = desired; }

        public BucketSettings Desired { get; }
        public bool Exists { get; private set; }
        /// <summary>Lifecycle rules this plan sets that reach whole solutions (acknowledged in the tenant file or -LifecycleRule): flagged for review.</summary>
        public IReadOnlyList<LifecycleRuleSpec> FlaggedRules { get; private set; } = Array.Empty<LifecycleRuleSpec>();
        private DeclaredBucket? _declared;
        private StoredContent? _read;
        private BucketSettings _actual = new BucketSettings();

        /// <param name="exists">Whether the bucket exists, when the caller already asked (a fleet plan asks once per bucket).</param>
        public static async Task<CreateBucketPlan> CreateAsync(OperationContext context, BucketSettings desired, CancellationToken cancellation, bool? exists = null)
        {
            var target = context.Target;
            var bucket = target.Bucket;
            var plan = new CreateBucketPlan(context, desired);
            if (target.Restrict(desired) is string restriction) plan.Warnings.Add(restriction);
            plan.Exists = exists ?? await target.BucketExistsAsync(cancellation).ConfigureAwait(false);
            if (!plan.Exists)
                plan.Changes.Add(new PlannedChange(ChangeKind.CreateBucket, bucket.Uri, target.HasSettings ? $"Create bucket in {bucket.Region}" : "Create bucket"));
            else
            {
                // The declaration and the settings are independent reads: one round trip for both.
                var declared = DeclaredBucket.ReadStoredAsync(target, cancellation);
                var actual = target.HasSettings ? target.ReadSettingsAsync(cancellation, desired) : Task.FromResult<BucketSettings?>(null);
                await Task.WhenAll(declared, actual).ConfigureAwait(false);
                (plan._declared, plan._read) = declared.Result;
                if (actual.Result != null) plan._actual = actual.Result;
            }

            int settings = 0;
            if (target.HasSettings)
            {
                foreach (var change in target.PlanSettings(desired, plan._actual))
                {
                    plan.Changes.Add(new PlannedChange(ChangeKind.SetBucketSetting, bucket.Uri, $"Set {change}", change.Setting) { Detail = change });
                    settings++;
                }
                // A rule reaching whole solutions passed only with its acknowledgement: the reviewer still hears of it.
                if (plan.Changes.Select(c => c.Detail).OfType<BucketChange>().Any(c => c.Setting == "Lifecycle"))
                    plan.FlaggedRules = LifecycleCoverage.Flagged(desired, BucketSettings.Compare(desired, plan._actual).Select(d => d.Setting));
                foreach (var rule in plan.FlaggedRules) plan.Warnings.Add(LifecycleCoverage.Warning(bucket.Uri, rule));
                if (!plan.Exists || settings > 0 || plan._declared == null)
                    plan.Changes.Add(new PlannedChange(ChangeKind.RecordDeclaration, target.Describe(DeclaredBucket.Key), "Record declared bucket settings", DeclaredBucket.Key));
            }
            else
            {
                plan.Notes.Add(plan.Exists ? $"Bucket '{bucket.Uri}' already exists; nothing to create." : $"{bucket.Uri} is a directory: it has no bucket settings, so the secure defaults apply on S3 only.");
                // Like every bucket setting, not applied here; said out loud since reports are something one waits for.
                if (desired.Inventory != null)
                    plan.Warnings.Add($"{bucket.Uri} is a directory: it has no S3 Inventory, so the inventory configuration '{desired.Inventory.Id}' applies on S3 only and is not recorded here.");
            }
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>Creates, declares, applies and reads back what was approved; emits the bucket object (none when it does not exist after all). Audited.</summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation) =>
            ApplyAsync(approved, sink, cancellation, null, null);

        /// <summary>As ApplyAsync, telling the caller when the bucket is ready for what goes into it.</summary>
        /// <param name="declared">Called once the bucket exists and is declared, while its settings are being applied:
        /// documents that name their own encryption (a fleet's solution declarations) can be written then.</param>
        /// <param name="settled">Called once its approved settings are in place too, before the read-back and the audit
        /// record: folders, which take the bucket's default encryption and versioning, can be written then.</param>
        public async Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation, Action? declared, Action? settled)
        {
            var target = Target;
            var bucket = target.Bucket;
            bool create = approved.Any(c => c.Kind == ChangeKind.CreateBucket);
            if (!Exists && !create) return; // -WhatIf (or a declined confirmation) for a bucket that does not exist yet
            var settings = Changes.Where(c => c.Kind == ChangeKind.SetBucketSetting && approved.Contains(c)).Select(c => (BucketChange)c.Detail!).ToList();
            var audit = new AuditRecord { Template = Desired.Tags != null && Desired.Tags.TryGetValue("template", out var t) ? t : null };
            await AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                if (create)
                {
                    // False: another run created it between the plan and now; it is ours all the same.
                    bucket.Created = await target.CreateBucketAsync(Desired, cancellation).ConfigureAwait(false);
                    audit.BucketCreated = bucket.Created;
                    bucket.CreatedUtc = DateTime.UtcNow;
                    if (bucket.Created) bucket.MarkFresh();
                }
                _declared?.ApplyTo(bucket);
                bool declare = !target.HasSettings ? create : approved.Any(c => c.Kind == ChangeKind.RecordDeclaration) && (bucket.Created || settings.Count > 0 || _declared == null);
                if (declare)
                {
                    // Declared first, then converged: if a setting fails, the declaration still says what the bucket should be.
                    bucket.CreatedUtc ??= DateTime.UtcNow;
                    var declaration = DeclaredBucket.From(bucket, target.HasSettings ? Desired : null);
                    await AuditedRun.DocumentAsync(audit, DeclaredBucket.Key, () => declaration.DeclareAsync(target, _read, cancellation), cancellation).ConfigureAwait(false);
                }
                declared?.Invoke();
                if (!target.HasSettings)
                {
                    settled?.Invoke();
                }
                else
                {
                    var applied = settings.Count == 0 ? settings : await target.ApplySettingsAsync(Desired, _actual, settings, cancellation).ConfigureAwait(false);
                    settled?.Invoke();
                    lock (audit) audit.SettingsChanged.AddRange(applied.Select(c => c.ToString()));
                    // As the target reports them, not as requested.
                    bucket.Settings = applied.Count > 0 || bucket.Created ? await target.ReadSettingsAsync(cancellation, Desired).ConfigureAwait(false) : _actual;
                    foreach (var change in applied) sink.Verbose($"{bucket.Uri}: {change}");
                }
                // Handed on once made and its settings read back: the next command (Add-MlSolution downstream) starts
                // on it while this run's audit record is written. The run, and the command, still end only after it.
                sink.Output(bucket);
            }, cancellation, approved).ConfigureAwait(false);
        }
    }
}
