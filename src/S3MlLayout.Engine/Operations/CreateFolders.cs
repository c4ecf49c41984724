using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Provisioning;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>Creates the folders of a list of keys (New-MlFolder): one result per folder, present ones included.</summary>
    public sealed class CreateFoldersPlan : ChangePlan
    {
        private CreateFoldersPlan(OperationContext context) : base(context) { }

        private FolderPlan _folders = new FolderPlan(Array.Empty<string>(), Array.Empty<string>());

        /// <param name="keys">Checked folder keys ending in '/'.</param>
        public static async Task<CreateFoldersPlan> CreateAsync(OperationContext context, IReadOnlyCollection<string> keys, CancellationToken cancellation)
        {
            var plan = new CreateFoldersPlan(context);
            plan._folders = await FolderWrites.PlanAsync(context.Target, keys, cancellation).ConfigureAwait(false);
            plan.Notes.Add($"{keys.Count} folders: {plan._folders.Present.Count} of {plan._folders.Missing.Count + plan._folders.Present.Count} folders already present ({context.Target.Requests}).");
            plan.Changes.AddRange(FolderWrites.Changes(context.Target, plan._folders));
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>Emits the present folders, then each written one as it lands. Audited.</summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            var audit = new AuditRecord();
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                foreach (var key in _folders.Present) sink.Output(new FolderResult(key, Target.Describe(key), FolderOutcome.AlreadyExists));
                var tally = await FolderWrites.ApplyAsync(Context, _folders, FolderWrites.KeysOf(approved, ChangeKind.WriteMarker), audit, sink, cancellation, sink.Output).ConfigureAwait(false);
                if (tally.Failed.Count > 0)
                    sink.Warning($"{tally.Failed.Count} of {_folders.Missing.Count + _folders.Present.Count} folders failed; run the command again to create them.");
            }, cancellation, approved);
        }
    }
}
