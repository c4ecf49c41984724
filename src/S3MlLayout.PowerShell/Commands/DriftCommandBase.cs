using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Sources;
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
        /// Where -Scope Objects reads the objects from; null (the default) lists the bucket. Runs on a worker thread
        /// before the check; <paramref name="post"/> hands work (a warning) to the pipeline thread.
        /// </summary>
        protected virtual Task<IObjectSource?> ObjectSourceAsync(IStorageTarget target, Action<Action> post, CancellationToken cancellation) =>
            Task.FromResult<IObjectSource?>(null);

        /// <summary>Whether the check counts objects and bytes per solution, stage and storage class (-Census).</summary>
        protected virtual bool TakeCensus => false;

        /// <summary>
        /// Starts checking the bucket and returns (the next piped bucket's check starts at once, all sharing one pool of
        /// listings); each finding goes to <paramref name="onFinding"/> on the pipeline thread, in the bucket's turn,
        /// then the summary rows (one per solution checked, and one for the bucket as a whole when it was checked) go
        /// to <paramref name="onRows"/>, and with <see cref="TakeCensus"/> the census to <paramref name="onCensus"/>. A
        /// failure of the bucket goes to <paramref name="onFailure"/> (default: stop the command).
        /// </summary>
        protected void CheckDrift(bool detailed, Action<DriftFinding> onFinding, Action<IReadOnlyList<DriftSummary>> onRows,
            Action<IReadOnlyList<ObjectCensus>>? onCensus = null, Action<Engine.Errors.MlLayoutException>? onFailure = null)
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
                TakeCensus = TakeCensus,
            };
            StartBucket(async (job, ct) =>
            {
                using (target)
                {
                    await job.CheckExistsAsync(target, ct).ConfigureAwait(false);
                    if (Scope == DriftScope.Objects) options.ObjectSource = await ObjectSourceAsync(target, job.Post, ct).ConfigureAwait(false);
                    // Findings and progress share the bucket's queue, so both reach the pipeline thread in order.
                    options.Progress = p => job.Post(() => Progress(activity, title, p, ref first, sinceLast));
                    var checker = new DriftDetector(target, options, finding => job.Post(() =>
                    {
                        findings.Add(finding);
                        onFinding(finding);
                    }));
                    var solutions = await checker.RunAsync(ct).ConfigureAwait(false);
                    long requests = checker.Requests;
                    var census = checker.Census;
                    foreach (var finding in NotDeclared(bucket, target, solutions)) job.Post(() => { findings.Add(finding); onFinding(finding); });
                    string counted = target.Requests.ToString()!;
                    job.Post(() =>
                    {
                        var rows = DriftSummary.Rows(bucket.Name, solutions, options.Solutions == null, findings, requests);
                        if (!first)
                            WriteProgress(new ProgressRecord(activity, title, $"{solutions.Count} solutions checked, {findings.Count} findings")
                                { RecordType = ProgressRecordType.Completed, PercentComplete = 100 });
                        WriteVerbose($"{bucket.Uri}: {findings.Count} findings in {solutions.Count} solutions; {requests} requests ({counted}).");
                        onRows(rows);
                        if (onCensus != null && census != null) onCensus(census);
                    });
                }
            }, onFailure);
        }

        /// <summary>
        /// The solutions the bucket declares that its tenant spec no longer names: known only for a bucket that comes from
        /// a tenant spec (it carries the spec's solutions), and only when the whole bucket was checked (no -Solution).
        /// </summary>
        private IEnumerable<DriftFinding> NotDeclared(MlBucket bucket, IStorageTarget target, IReadOnlyList<string> checkedSolutions)
        {
            var origin = Engine.Tenants.TenantOrigin.Of(bucket);
            return origin == null || Solution != null
                ? Array.Empty<DriftFinding>()
                : Engine.Drift.Rules.NotDeclaredRule.Check(bucket, target, checkedSolutions, bucket.Solution, origin.Spec.TenantFile);
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
