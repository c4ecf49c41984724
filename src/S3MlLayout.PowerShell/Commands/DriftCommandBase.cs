using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What Get-MlLayoutDrift and Test-MlLayout share: the bucket, the solutions and the walk itself.</summary>
    public abstract class DriftCommandBase : BucketInputCommandBase
    {
        /// <summary>Progress updates closer together than this are dropped: a check lists hundreds of folders a second.</summary>
        private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[]? Solution { get; set; }

        /// <summary>
        /// Folders (default): the declared tree and settings, a cost independent of the data. Objects: also every
        /// object under the declared solutions against its folder's contract (one LIST per 1,000 objects more).
        /// </summary>
        [Parameter]
        public DriftScope Scope { get; set; } = DriftScope.Folders;

        /// <summary>
        /// With -Scope Objects: also reads the first bytes of each object whose format has a signature (one ranged GET,
        /// two for Parquet) and reports ContentMismatch when they are not what its extension claims.
        /// </summary>
        [Parameter]
        public SwitchParameter VerifyContent { get; set; }

        /// <summary>Listings in flight at once (16 when not given).</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        /// <summary>Listings in flight at once across every bucket piped in (16 when not given).</summary>
        protected override int RequestsInFlight => ThrottleLimit > 0 ? ThrottleLimit : 16;

        /// <summary>
        /// Starts checking the bucket and returns (the next piped bucket's check starts at once, all sharing one pool of
        /// listings); each finding goes to <paramref name="onFinding"/> on the pipeline thread, in the bucket's turn,
        /// then the summary rows (one per solution checked, and one for the bucket as a whole when it was checked) go
        /// to <paramref name="onRows"/>.
        /// </summary>
        protected void CheckDrift(bool detailed, Action<DriftFinding> onFinding, Action<IReadOnlyList<DriftSummary>> onRows)
        {
            if (VerifyContent && Scope != DriftScope.Objects)
                Fail("VerifyContentNeedsObjects", Engine.Errors.ErrorKind.InvalidArgument, "VerifyContent",
                    "-VerifyContent reads the objects that -Scope Objects lists; add -Scope Objects, or leave -VerifyContent out.");
            var bucket = BucketOf(Bucket);
            var target = OpenBucket(bucket);
            var findings = new List<DriftFinding>();
            int activity = NextActivityId();
            string title = $"Checking {bucket.Uri} for drift";
            var sinceLast = Stopwatch.StartNew();
            bool first = true;
            var options = new DriftOptions
            {
                Solutions = Solution, Detailed = detailed, Scope = Scope, VerifyContent = VerifyContent, Concurrency = RequestsInFlight, SharedGate = Buckets.Requests,
            };
            StartBucket(async (job, ct) =>
            {
                using (target)
                {
                    await job.CheckExistsAsync(target, ct).ConfigureAwait(false);
                    // Findings and progress share the bucket's queue, so both reach the pipeline thread in order.
                    options.Progress = p => job.Post(() => Progress(activity, title, p, ref first, sinceLast));
                    var checker = new DriftDetector(target, options, finding => job.Post(() =>
                    {
                        findings.Add(finding);
                        onFinding(finding);
                    }));
                    var solutions = await checker.RunAsync(ct).ConfigureAwait(false);
                    long requests = checker.Requests;
                    string counted = target.Requests.ToString()!;
                    job.Post(() =>
                    {
                        var rows = DriftSummary.Rows(bucket.Name, solutions, options.Solutions == null, findings, requests);
                        if (!first)
                            WriteProgress(new ProgressRecord(activity, title, $"{solutions.Count} solutions checked, {findings.Count} findings")
                                { RecordType = ProgressRecordType.Completed, PercentComplete = 100 });
                        WriteVerbose($"{bucket.Uri}: {findings.Count} findings in {solutions.Count} solutions; {requests} requests ({counted}).");
                        onRows(rows);
                    });
                }
            });
        }

        private void Progress(int activity, string title, DriftProgress progress, ref bool first, Stopwatch sinceLast)
        {
            if (!first && sinceLast.Elapsed < ProgressInterval) return;
            first = false;
            sinceLast.Restart();
            // A fresh record per update: hosts may keep the object they were given.
            var record = new ProgressRecord(activity, title, progress.ToString());
            if (progress.SolutionsTotal > 0) record.PercentComplete = Math.Min(99, 100 * progress.SolutionsChecked / progress.SolutionsTotal);
            WriteProgress(record);
        }
    }
}
