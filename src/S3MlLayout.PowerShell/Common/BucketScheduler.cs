using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// Runs the buckets piped into one cmdlet concurrently, as the fleet runs its buckets: each bucket's work starts
    /// as soon as the bucket arrives (ProcessRecord starts it and returns), a bounded number of buckets read at once
    /// (<see cref="FleetPlan.BucketsAtOnce"/>) and the marker writes of all of them share one pool (-ThrottleLimit,
    /// the fleet's shared gate). Whatever must happen on the pipeline thread (ShouldProcess, WriteObject, errors,
    /// progress) is queued by the bucket and done when the cmdlet pumps: in each ProcessRecord, and until every bucket
    /// is done in EndProcessing. Approvals are asked as soon as a bucket's plan is ready; output goes out bucket by
    /// bucket in arrival order, each bucket's in its own order.
    /// </summary>
    internal sealed class BucketScheduler
    {
        private readonly MlCmdlet _cmdlet;
        private readonly CancellationTokenSource _stopping;
        /// <summary>Buckets not yet done, in arrival order (pipeline thread only).</summary>
        private readonly List<BucketJob> _jobs = new List<BucketJob>();
        /// <summary>
        /// Buckets whose output is all out (<see cref="BucketJob.HandOn"/>) but whose work goes on (its audit record),
        /// pipeline thread only: they no longer hold up the next bucket's output, and are still awaited and finished.
        /// </summary>
        private readonly List<BucketJob> _finishing = new List<BucketJob>();
        /// <summary>Every bucket's task, for a stop from another thread to wait on.</summary>
        private readonly List<Task> _running = new List<Task>();
        /// <summary>Set whenever a bucket queues something; waited on without spinning (a spinning pipeline thread takes a core from the requests).</summary>
        private readonly ManualResetEventSlim _wake = new ManualResetEventSlim(false, spinCount: 0);

        public BucketScheduler(MlCmdlet cmdlet, CancellationTokenSource stopping, int requestsAtOnce)
        {
            _cmdlet = cmdlet; _stopping = stopping;
            Requests = new SemaphoreSlim(Math.Max(1, requestsAtOnce));
        }

        /// <summary>The pool of requests every bucket of this pipeline shares (OperationContext.SharedGate).</summary>
        public SemaphoreSlim Requests { get; }

        /// <summary>Buckets reading their state at once, as a fleet plans them.</summary>
        internal SemaphoreSlim Reading { get; } = new SemaphoreSlim(FleetPlan.BucketsAtOnce);

        internal void Wake() => _wake.Set();

        /// <summary>
        /// Starts one bucket's work on worker threads and returns at once. <paramref name="onFailure"/> gets its error
        /// on the pipeline thread, in the bucket's turn (Fail to stop the command, Report to go on with the others).
        /// </summary>
        public void Start(Func<BucketJob, CancellationToken, Task> work, Action<MlLayoutException> onFailure)
        {
            var job = new BucketJob(this, _cmdlet, onFailure);
            var token = _stopping.Token;
            job.Task = Task.Run(() => work(job, token), CancellationToken.None);
            _ = job.Task.ContinueWith(_ => Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _jobs.Add(job);
            lock (_running) _running.Add(job.Task);
            Pump(untilDone: false);
        }

        /// <summary>
        /// Does what the buckets queued for the pipeline thread; with <paramref name="untilDone"/>, waits until every
        /// bucket is done. If anything stops the command (a terminating error, a stopped pipeline), the other buckets
        /// are stopped and awaited first, so each has written its audit record by the time the command ends.
        /// </summary>
        public void Pump(bool untilDone)
        {
            try
            {
                while (true)
                {
                    _wake.Reset();
                    bool progressed = false;
                    // Approvals are asked as soon as a plan is ready, whichever bucket it is: a bucket waiting for
                    // its turn to write output still applies what was approved.
                    foreach (var job in _jobs.ToList())
                        while (job.Asks.TryDequeue(out var ask)) { ask(); progressed = true; }
                    foreach (var job in _finishing.ToList())
                    {
                        if (!WriteOutput(job, ref progressed)) continue;
                        _finishing.Remove(job);
                        Finish(job);
                    }
                    while (_jobs.Count > 0)
                    {
                        var head = _jobs[0];
                        bool done = WriteOutput(head, ref progressed);
                        if (!done && !head.HandedOn) break;
                        _jobs.RemoveAt(0);
                        if (done) Finish(head);
                        // Its output is out: what it still does (its audit record) does not hold up the next bucket's.
                        else { _finishing.Add(head); progressed = true; }
                    }
                    if ((_jobs.Count == 0 && _finishing.Count == 0) || !untilDone) return;
                    if (!progressed) _wake.Wait();
                }
            }
            catch
            {
                StopAll();
                throw;
            }
        }

        /// <summary>Writes what the bucket queued; once its task is done, the rest too (true: it is to be finished).</summary>
        private static bool WriteOutput(BucketJob job, ref bool progressed)
        {
            while (job.Output.TryDequeue(out var item)) { item(); progressed = true; }
            if (!job.Task!.IsCompleted) return false;
            while (job.Output.TryDequeue(out var item)) item();
            progressed = true;
            return true;
        }

        private void Finish(BucketJob job)
        {
            var error = job.Task!.Exception?.GetBaseException();
            if (job.Task.Status == TaskStatus.RanToCompletion) return;
            // Whatever a stopped bucket ended with (cancelled, or a request cut off), the command was stopped.
            if (_stopping.IsCancellationRequested) throw new PipelineStoppedException();
            error ??= new OperationCanceledException();
            if (error is PipelineStoppedException) throw error;
            job.OnFailure(error as MlLayoutException ?? MlCmdlet.Unexpected(error));
        }

        /// <summary>Stops every bucket's work and waits for it to wind down (each writes its audit record); safe from any thread.</summary>
        public void StopAll()
        {
            if (!_stopping.IsCancellationRequested) _stopping.Cancel();
            Task[] running;
            lock (_running) running = _running.ToArray();
            try { Task.WaitAll(running, TimeSpan.FromSeconds(30)); }
            catch (AggregateException) { }
        }
    }

    /// <summary>One piped bucket's work: what it queues for the pipeline thread, and the steps every bucket takes.</summary>
    internal sealed class BucketJob
    {
        private readonly BucketScheduler _scheduler;
        private readonly MlCmdlet _cmdlet;

        internal BucketJob(BucketScheduler scheduler, MlCmdlet cmdlet, Action<MlLayoutException> onFailure)
        {
            _scheduler = scheduler; _cmdlet = cmdlet; OnFailure = onFailure;
        }

        internal Task? Task { get; set; }
        internal Action<MlLayoutException> OnFailure { get; }
        /// <summary>Output, errors, warnings and progress, written in order when it is this bucket's turn.</summary>
        internal ConcurrentQueue<Action> Output { get; } = new ConcurrentQueue<Action>();
        /// <summary>Questions for the user (ShouldProcess), asked at the next pump.</summary>
        internal ConcurrentQueue<Action> Asks { get; } = new ConcurrentQueue<Action>();

        /// <summary>The pool of requests shared by every bucket of the pipeline.</summary>
        public SemaphoreSlim Requests => _scheduler.Requests;

        /// <summary>Queues something to write on the pipeline thread, after what this bucket queued before.</summary>
        public void Post(Action write)
        {
            Output.Enqueue(write);
            _scheduler.Wake();
        }

        /// <summary>Set on the pipeline thread once the bucket's last output object is written (<see cref="HandOn"/>).</summary>
        internal bool HandedOn { get; private set; }

        /// <summary>
        /// Says the bucket will write no more output objects: once what it queued so far is written, the next bucket's
        /// output may go out while this one finishes (its audit record; a verbose line or a warning about it may then
        /// come after the next bucket's output).
        /// </summary>
        public void HandOn() => Post(() => HandedOn = true);

        /// <summary>A sink that hands the bucket on (<see cref="HandOn"/>) right after its one output object.</summary>
        public IOperationSink HandingOnAfterOutput(IOperationSink sink) => new HandOnSink(sink, this);

        private sealed class HandOnSink : IOperationSink
        {
            private readonly IOperationSink _inner;
            private readonly BucketJob _job;

            public HandOnSink(IOperationSink inner, BucketJob job) { _inner = inner; _job = job; }

            public void Output(object item) { _inner.Output(item); _job.HandOn(); }
            public void Error(MlLayoutException error) => _inner.Error(error);
            public void Warning(string message) => _inner.Warning(message);
            public void Verbose(string message) => _inner.Verbose(message);
            public void FolderWritten(Engine.Provisioning.FolderResult result, int done, int total) => _inner.FolderWritten(result, done, total);
        }

        /// <summary>Runs <paramref name="ask"/> on the pipeline thread (ShouldProcess may only be called there) and returns its answer.</summary>
        public async Task<T> AskAsync<T>(Func<T> ask, CancellationToken cancellation)
        {
            var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Asks.Enqueue(() =>
            {
                if (answer.Task.IsCompleted) return; // stopped before its turn: nothing to ask
                try { answer.TrySetResult(ask()); }
                catch (Exception e) { answer.TrySetException(e); throw; }
            });
            _scheduler.Wake();
            // A stop releases a bucket waiting for its answer: the pipeline thread may be the one waiting for the bucket.
            using (cancellation.Register(() => answer.TrySetCanceled()))
                return await answer.Task.ConfigureAwait(false);
        }

        /// <summary>A bucket's reads (existence, state, plan), a bounded number of buckets at once.</summary>
        public async Task<T> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellation)
        {
            await _scheduler.Reading.WaitAsync(cancellation).ConfigureAwait(false);
            try { return await read().ConfigureAwait(false); }
            finally { _scheduler.Reading.Release(); }
        }

        /// <summary>BucketNotFound unless the bucket exists (the async side of MlCmdlet.OpenExistingBucket).</summary>
        public static async Task RequireExistsAsync(IStorageTarget target, CancellationToken cancellation)
        {
            if (!await target.BucketExistsAsync(cancellation).ConfigureAwait(false))
                throw BucketErrors.NotFound(target.Bucket);
        }

        /// <summary>
        /// <paramref name="read"/> sent beside the existence check instead of after it (one round trip, not two): the
        /// reads only read, so a missing bucket still ends in BucketNotFound (or the check's own error), whatever the
        /// reads met, having written nothing. The reads are stopped and awaited before the check's error is thrown.
        /// </summary>
        public static async Task<T> ReadExistingAsync<T>(IStorageTarget target, Func<CancellationToken, Task<T>> read, CancellationToken cancellation)
        {
            using var readsStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var exists = RequireExistsAsync(target, cancellation);
            Task<T> reads;
            try { reads = read(readsStop.Token); }
            catch (Exception e) { reads = System.Threading.Tasks.Task.FromException<T>(e); }
            try
            {
                await exists.ConfigureAwait(false);
            }
            catch
            {
                readsStop.Cancel();
                try { await reads.ConfigureAwait(false); }
                catch { /* what a missing bucket's reads met is the check's error, thrown below */ }
                throw;
            }
            return await reads.ConfigureAwait(false);
        }

        /// <summary>As the static one, in this bucket's turn to read.</summary>
        public Task CheckExistsAsync(IStorageTarget target, CancellationToken cancellation) =>
            ReadAsync(async () => { await RequireExistsAsync(target, cancellation).ConfigureAwait(false); return true; }, cancellation);

        /// <summary>
        /// MlCmdlet.Execute for a piped bucket: the plan's notes, warnings and problems queued in order, ShouldProcess
        /// asked once per planned change on the pipeline thread, then the approved changes applied here, their
        /// output and progress queued as they happen.
        /// </summary>
        /// <param name="approved">The changes already approved on the pipeline thread (a plan made there); null: asked now.</param>
        public Task ExecuteAsync(ChangePlan plan, Func<IReadOnlyCollection<PlannedChange>, IOperationSink, CancellationToken, Task> apply, CancellationToken cancellation,
            IReadOnlyCollection<PlannedChange>? approved = null)
        {
            foreach (var note in plan.Notes) Post(() => _cmdlet.WriteVerbose(TerminalText.Of(note)));
            foreach (var warning in plan.Warnings) Post(() => _cmdlet.WritePlanWarning(warning));
            foreach (var problem in plan.Problems) Post(() => _cmdlet.Report(problem));
            return ExecuteAsync(plan.Changes, $"Changing {plan.Context.Target.Bucket.Uri}", apply, cancellation, approved);
        }

        public async Task ExecuteAsync(IReadOnlyList<PlannedChange> changes, string title, Func<IReadOnlyCollection<PlannedChange>, IOperationSink, CancellationToken, Task> apply,
            CancellationToken cancellation, IReadOnlyCollection<PlannedChange>? approvedAlready = null)
        {
            var approved = approvedAlready ?? (changes.Any(c => c.NeedsApproval)
                ? await AskAsync(() => _cmdlet.ApprovedOf(changes), cancellation).ConfigureAwait(false)
                : changes.ToList());
            int activity = MlCmdlet.NewActivityId();
            bool progressShown = false;
            try
            {
                await apply(approved, new PipelineSink(Post, _cmdlet, activity, title, () => progressShown = true), cancellation).ConfigureAwait(false);
            }
            finally
            {
                // Queued after the progress it completes, so read on the pipeline thread once that has been written.
                Post(() => { if (progressShown) _cmdlet.WriteProgress(new ProgressRecord(activity, title, "done") { RecordType = ProgressRecordType.Completed }); });
            }
        }
    }
}
