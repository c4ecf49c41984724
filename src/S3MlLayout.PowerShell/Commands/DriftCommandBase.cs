using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What Get-MlLayoutDrift and Test-MlLayout share: the bucket, the solutions and the walk itself.</summary>
    public abstract class DriftCommandBase : Common.MlCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
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
        /// <returns>The check's summary rows: one per solution checked, and one for the bucket as a whole when it was checked.</returns>
        protected IReadOnlyList<DriftSummary> CheckDrift(bool detailed, Action<DriftFinding> onFinding)
        {
            using var target = OpenExistingBucket(Bucket!);
            var findings = new List<DriftFinding>();
            IReadOnlyList<string> solutions = new List<string>();
            long requests = 0;
            RunStreaming<DriftFinding>(async (emit, ct) =>
            {
                var checker = new DriftDetector(target, new DriftOptions
                {
                    Solutions = Solution, Detailed = detailed, Concurrency = ThrottleLimit > 0 ? ThrottleLimit : 16,
                }, emit);
                solutions = await checker.RunAsync(ct).ConfigureAwait(false);
                requests = checker.Requests;
            }, finding =>
            {
                findings.Add(finding);
                onFinding(finding);
            });
            var rows = DriftSummary.Rows(Bucket!.Name, solutions, Solution == null, findings, requests);
            WriteVerbose($"{Bucket!.Uri}: {findings.Count} findings in {solutions.Count} solutions; {requests} requests ({target.Requests}).");
            return rows;
        }
    }
}
