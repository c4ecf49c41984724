using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// The folder-provisioning loop that Add-MlSolution, Add-MlDatePartition and New-MlFolder share: find what
    /// exists by listing, ask ShouldProcess once per missing folder (so -WhatIf prints the exact plan), write
    /// the approved ones concurrently, stream results, report failures per folder and keep a progress bar.
    /// </summary>
    public abstract class ProvisioningCommandBase : Common.MlCmdlet
    {
        private static int s_nextActivityId = 1000;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref s_nextActivityId);

        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        protected IStorageTarget OpenExistingBucket(MlBucket bucket)
        {
            var target = StorageTargets.Open(bucket);
            if (!Run(ct => target.BucketExistsAsync(ct)))
            {
                target.Dispose();
                throw new MlLayoutException("BucketNotFound", ErrorKind.ObjectNotFound, bucket.Uri,
                    $"The bucket '{bucket.Uri}' does not exist; create it with New-MlBucket first.");
            }
            return target;
        }

        protected sealed class ProvisionTally
        {
            public List<string> Created { get; } = new List<string>();
            public List<string> Failed { get; } = new List<string>();
            /// <summary>Left out by -WhatIf or a declined confirmation.</summary>
            public List<string> Skipped { get; } = new List<string>();
            /// <summary>Approved but never sent: the run was stopped first.</summary>
            public List<string> NotAttempted { get; } = new List<string>();
            /// <summary>In flight when the run was stopped.</summary>
            public List<string> Interrupted { get; } = new List<string>();
            public int AlreadyPresent { get; set; }

            /// <summary>Counted on the worker thread as each result lands, so the tally is whole even if the pipeline stops.</summary>
            internal void Add(FolderResult result, AuditRecord? audit)
            {
                lock (this)
                {
                    switch (result.Outcome)
                    {
                        case FolderOutcome.Created: Created.Add(result.Key); break;
                        case FolderOutcome.AlreadyExists: AlreadyPresent++; break;
                        case FolderOutcome.Skipped: NotAttempted.Add(result.Key); break;
                        case FolderOutcome.Interrupted: Interrupted.Add(result.Key); break;
                        case FolderOutcome.Failed: Failed.Add(result.Key); break;
                    }
                }
                if (audit == null) return;
                lock (audit)
                {
                    switch (result.Outcome)
                    {
                        case FolderOutcome.Created: audit.KeysCreated.Add(result.Key); break;
                        case FolderOutcome.Skipped: audit.KeysNotAttempted.Add(result.Key); break;
                        case FolderOutcome.Interrupted: audit.KeysInterrupted.Add(result.Key); break;
                        case FolderOutcome.Failed: audit.KeysFailed.Add(result.Key); break;
                    }
                }
            }
        }

        /// <summary>
        /// Plans, approves (ShouldProcess per missing folder) and writes folders. Each result is counted into the
        /// tally and <paramref name="audit"/> as it lands, before anything is written to the pipeline.
        /// </summary>
        protected ProvisionTally ProvisionFolders(IStorageTarget target, IReadOnlyCollection<string> keys, string label, AuditRecord? audit, Action<FolderResult>? onResult = null) =>
            ProvisionFolders(target, PlanFolders(target, keys), label, audit, onResult);

        /// <summary>Which folders exist (by listing): read-only, so a key the target refuses stops the run before any write.</summary>
        protected FolderPlan PlanFolders(IStorageTarget target, IReadOnlyCollection<string> keys) =>
            Run(ct => new FolderProvisioner(target).PlanAsync(keys, ct));

        protected ProvisionTally ProvisionFolders(IStorageTarget target, FolderPlan plan, string label, AuditRecord? audit, Action<FolderResult>? onResult = null)
        {
            var tally = new ProvisionTally();
            var provisioner = new FolderProvisioner(target, ThrottleLimit > 0 ? ThrottleLimit : (int?)null);
            tally.AlreadyPresent = plan.Present.Count;
            WriteVerbose($"{label}: {plan.Present.Count} of {plan.Missing.Count + plan.Present.Count} folders already present ({target.Requests}).");
            if (onResult != null)
                foreach (var key in plan.Present) onResult(new FolderResult(key, target.Describe(key), FolderOutcome.AlreadyExists));

            var approved = new List<string>();
            foreach (var key in plan.Missing)
            {
                if (ShouldProcess(target.Describe(key), "Create folder")) approved.Add(key);
                else tally.Skipped.Add(key);
            }
            if (approved.Count == 0) return tally;

            int done = 0;
            RunStreaming<FolderResult>((emit, ct) => provisioner.ExecuteAsync(approved, result => { tally.Add(result, audit); emit(result); }, ct), result =>
            {
                done++;
                if (result.Outcome == FolderOutcome.Failed) Report(result.Error!);
                onResult?.Invoke(result);
                // A fresh record per update: hosts may keep the object they were given.
                WriteProgress(new ProgressRecord(_activityId, $"Creating folders in {target.Bucket.Uri}", $"{label}: {done} of {approved.Count} folders")
                {
                    PercentComplete = (int)(100L * done / approved.Count),
                    CurrentOperation = result.Uri,
                });
            });
            WriteProgress(new ProgressRecord(_activityId, $"Creating folders in {target.Bucket.Uri}", label) { RecordType = ProgressRecordType.Completed });
            return tally;
        }
    }
}
