using System;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What Get-MlLayoutDrift and Test-MlLayout share: the bucket, the solutions and the walk itself.</summary>
    public abstract class DriftCommandBase : BucketInputCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[]? Solution { get; set; }

        /// <summary>Listings in flight at once (16 when not given).</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        /// <summary>Checks the bucket; each finding goes to <paramref name="onFinding"/> on the pipeline thread as it is found.</summary>
        protected DriftSummary CheckDrift(bool detailed, Action<DriftFinding> onFinding)
        {
            var bucket = BucketOf(Bucket);
            using var target = OpenExistingBucket(bucket);
            var summary = new DriftSummary { Bucket = bucket.Name };
            RunStreaming<DriftFinding>(async (emit, ct) =>
            {
                var checker = new DriftDetector(target, new DriftOptions
                {
                    Solutions = Solution, Detailed = detailed, Concurrency = ThrottleLimit > 0 ? ThrottleLimit : 16,
                }, emit);
                summary.Solutions = await checker.RunAsync(ct).ConfigureAwait(false);
                summary.Requests = checker.Requests;
            }, finding =>
            {
                summary.Count(finding.Category);
                onFinding(finding);
            });
            WriteVerbose($"{bucket.Uri}: {summary.Total} findings in {summary.Solutions.Count} solutions; {summary.Requests} requests ({target.Requests}).");
            return summary;
        }
    }
}
