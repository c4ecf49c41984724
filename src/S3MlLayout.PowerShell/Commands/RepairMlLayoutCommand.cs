using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Fixes what is safe in drift findings piped to it: writes missing and implicit folder markers and re-applies
    /// declared bucket settings. Never deletes, moves or overwrites data.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Repair, "MlLayout", DefaultParameterSetName = BucketSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RepairResult))]
    public sealed class RepairMlLayoutCommand : ProvisioningCommandBase
    {
        private readonly List<DriftFinding> _findings = new List<DriftFinding>();

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public DriftFinding[] InputObject { get; set; } = new DriftFinding[0];

        /// <summary>For findings that no longer carry their bucket (read back from JSON, say).</summary>
        [Parameter(ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        public MlBucket? Bucket { get; set; }

        protected override void ProcessRecord() => _findings.AddRange(InputObject.Where(f => f != null));

        protected override void EndProcessing()
        {
            foreach (var group in _findings.GroupBy(f => f.Bucket))
            {
                try
                {
                    var given = ParameterSetName == BucketNameSet ? BucketOf(null) : Bucket;
                    var source = group.First().Source;
                    var bucket = (source != null ? Connected(source) : null) ?? (given != null && given.Name == group.Key ? (ParameterSetName == BucketNameSet ? given : Connected(given)) : null)
                        ?? throw new MlLayoutException("RepairBucketUnknown", ErrorKind.InvalidArgument, group.Key,
                            $"The findings for bucket '{group.Key}' do not carry their bucket (they were not piped from Get-MlLayoutDrift); pass it with -Bucket or -BucketName.");
                    Repair(bucket, group.ToList());
                }
                catch (MlLayoutException e)
                {
                    Report(e);
                }
            }
            base.EndProcessing();
        }

        /// <summary>Starts one bucket's repair: the buckets of the findings are repaired concurrently, their results in order.</summary>
        private void Repair(MlBucket bucket, List<DriftFinding> findings)
        {
            var target = OpenBucket(bucket);
            StartPlanned(target, (context, ct) => RepairPlan.CreateAsync(context, findings, ct), plan => plan.ApplyAsync, Report);
        }
    }
}
