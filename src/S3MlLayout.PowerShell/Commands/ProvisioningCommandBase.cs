using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
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
            public List<string> Skipped { get; } = new List<string>();
            public int AlreadyPresent { get; set; }
        }

        protected ProvisionTally ProvisionFolders(IStorageTarget target, IReadOnlyCollection<string> keys, string label, Action<FolderResult>? onResult = null)
        {
            var tally = new ProvisionTally();
            var provisioner = new FolderProvisioner(target, ThrottleLimit > 0 ? ThrottleLimit : (int?)null);
            var plan = Run(ct => provisioner.PlanAsync(keys, ct));
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

            var progress = new ProgressRecord(_activityId, $"Creating folders in {target.Bucket.Uri}", label);
            int done = 0;
            RunStreaming<FolderResult>((emit, ct) => provisioner.ExecuteAsync(approved, emit, ct), result =>
            {
                done++;
                switch (result.Outcome)
                {
                    case FolderOutcome.Created: tally.Created.Add(result.Key); break;
                    case FolderOutcome.AlreadyExists: tally.AlreadyPresent++; break;
                    case FolderOutcome.Skipped: tally.Skipped.Add(result.Key); break;
                    case FolderOutcome.Failed:
                        tally.Failed.Add(result.Key);
                        Report(result.Error!);
                        break;
                }
                onResult?.Invoke(result);
                progress.PercentComplete = (int)(100L * done / approved.Count);
                progress.StatusDescription = $"{label}: {done} of {approved.Count} folders";
                progress.CurrentOperation = result.Uri;
                WriteProgress(progress);
            });
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            return tally;
        }
    }
}
