using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>What writing a set of folder markers did, counted as each result landed.</summary>
    public sealed class FolderTally
    {
        public List<string> Created { get; } = new List<string>();
        public List<string> Failed { get; } = new List<string>();
        /// <summary>Planned but not approved: -WhatIf or a declined confirmation.</summary>
        public List<string> Skipped { get; } = new List<string>();
        /// <summary>Approved but never sent: the run was stopped first.</summary>
        public List<string> NotAttempted { get; } = new List<string>();
        /// <summary>In flight when the run was stopped.</summary>
        public List<string> Interrupted { get; } = new List<string>();
        public int AlreadyPresent { get; set; }
    }

    /// <summary>
    /// The marker work every provisioning operation shares: plan which folders are missing (by listing, read-only),
    /// one WriteMarker change per missing folder; apply the approved ones concurrently, counting each result into the
    /// tally and the audit record on the worker thread as it lands, so both are whole even if the run is stopped.
    /// </summary>
    internal static class FolderWrites
    {
        public static Task<FolderPlan> PlanAsync(IStorageTarget target, IEnumerable<string> keys, CancellationToken cancellation) =>
            new FolderProvisioner(target).PlanAsync(keys, cancellation);

        /// <summary>The plan for a bucket that does not exist yet: every folder missing, parents first, nothing read.</summary>
        public static FolderPlan AllMissing(IEnumerable<string> keys) =>
            new FolderPlan(FolderPlan.ParentsFirst(keys), Array.Empty<string>());

        public static IEnumerable<PlannedChange> Changes(IStorageTarget target, FolderPlan plan, Func<string, string?>? solutionOf = null) =>
            plan.Missing.Select(key => new PlannedChange(ChangeKind.WriteMarker, target.Describe(key), "Create folder", key, solutionOf?.Invoke(key)));

        /// <param name="approvedKeys">The keys whose WriteMarker change was approved, in plan order.</param>
        public static async Task<FolderTally> ApplyAsync(OperationContext context, FolderPlan plan, ICollection<string> approvedKeys, AuditRecord audit,
            IOperationSink sink, CancellationToken cancellation, Action<FolderResult>? onResult = null)
        {
            var tally = new FolderTally { AlreadyPresent = plan.Present.Count };
            var approved = plan.Missing.Where(approvedKeys.Contains).ToList();
            tally.Skipped.AddRange(plan.Missing.Where(k => !approvedKeys.Contains(k)));
            if (approved.Count == 0) return tally;
            int done = 0;
            var provisioner = new FolderProvisioner(context.Target, context.Concurrency, context.SharedGate);
            await provisioner.ExecuteAsync(approved, result =>
            {
                int count;
                lock (tally)
                {
                    Count(tally, result);
                    count = ++done;
                }
                lock (audit) Count(audit, result);
                if (result.Outcome == FolderOutcome.Failed) sink.Error(result.Error!);
                onResult?.Invoke(result);
                sink.FolderWritten(result, count, approved.Count);
            }, cancellation).ConfigureAwait(false);
            return tally;
        }

        private static void Count(FolderTally tally, FolderResult result)
        {
            switch (result.Outcome)
            {
                case FolderOutcome.Created: tally.Created.Add(result.Key); break;
                case FolderOutcome.AlreadyExists: tally.AlreadyPresent++; break;
                case FolderOutcome.Skipped: tally.NotAttempted.Add(result.Key); break;
                case FolderOutcome.Interrupted: tally.Interrupted.Add(result.Key); break;
                case FolderOutcome.Failed: tally.Failed.Add(result.Key); break;
            }
        }

        private static void Count(AuditRecord audit, FolderResult result)
        {
            switch (result.Outcome)
            {
                case FolderOutcome.Created: audit.KeysCreated.Add(result.Key); break;
                case FolderOutcome.Skipped: audit.KeysNotAttempted.Add(result.Key); break;
                case FolderOutcome.Interrupted: audit.KeysInterrupted.Add(result.Key); break;
                case FolderOutcome.Failed: audit.KeysFailed.Add(result.Key); break;
            }
        }

        /// <summary>The keys of the approved changes of one kind.</summary>
        public static HashSet<string> KeysOf(IEnumerable<PlannedChange> approved, ChangeKind kind) =>
            new HashSet<string>(approved.Where(c => c.Kind == kind && c.Key != null).Select(c => c.Key!), StringComparer.Ordinal);
    }
}
