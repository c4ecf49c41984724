using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// Applies a plan's changes and then writes the run's audit record exactly once, whether the run completed, was
    /// stopped (its cancellation fired) or failed: the record says what was created, failed, interrupted and never
    /// attempted, and how the run ended.
    /// </summary>
    internal static class AuditedRun
    {
        /// <param name="approved">The changes the run applies: when any needs approval (something is about to be written),
        /// the caller for the record is asked now, beside the first writes, instead of after the last one (once per
        /// connection: the target caches it). Under -WhatIf, or with nothing approved, nobody is asked.</param>
        public static async Task RunAsync(OperationContext context, AuditRecord record, IOperationSink sink, Func<Task> body, CancellationToken cancellation,
            IReadOnlyCollection<PlannedChange>? approved = null)
        {
            if (approved != null && approved.Any(c => c.NeedsApproval) && !cancellation.IsCancellationRequested)
                _ = context.Target.DescribeCallerAsync(CancellationToken.None); // never fails; awaited by WriteAsync
            record.Outcome = "Failed";
            try
            {
                await body().ConfigureAwait(false);
                record.Outcome = "Completed";
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { record.Outcome = "Stopped"; throw; }
            catch (MlLayoutException e) { record.Error = e.ErrorId; throw; }
            catch (Exception e) { record.Error = e.GetType().Name; throw; }
            finally
            {
                if (cancellation.IsCancellationRequested) record.Outcome = "Stopped";
                await WriteAsync(context, record, sink, stopped: cancellation.IsCancellationRequested).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Runs one declaration or document write and names its key in <paramref name="record"/> by how it ended:
        /// written (<paramref name="write"/> returned true: false means an equal one was already there, written by
        /// someone else), failed, or interrupted (in flight when the run was stopped). A compare-and-swap refusal
        /// (another run changed the object) wrote nothing and is not named.
        /// </summary>
        public static async Task<bool> DocumentAsync(AuditRecord record, string key, Func<Task<bool>> write, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested(); // never sent: nothing to name
            try
            {
                bool wrote = await write().ConfigureAwait(false);
                if (wrote) lock (record) record.DocumentsWritten.Add(key);
                return wrote;
            }
            catch (Exception) when (cancellation.IsCancellationRequested)
            {
                lock (record) record.DocumentsInterrupted.Add(key);
                throw;
            }
            catch (MlLayoutException e) when (e is ObjectChangedException || e.ErrorId == "SolutionTemplateMismatch" || e.ErrorId == "BucketDeclarationChanged")
            {
                throw;
            }
            catch (Exception)
            {
                lock (record) record.DocumentsFailed.Add(key);
                throw;
            }
        }

        /// <summary>
        /// Writes the record into the bucket it is about, when something changed or failed. A stopped run writes it on
        /// its own short deadline (the run's cancellation has fired) and does not ask STS who it is.
        /// </summary>
        private static async Task WriteAsync(OperationContext context, AuditRecord record, IOperationSink sink, bool stopped)
        {
            if (!record.IsWorthWriting) return;
            var target = context.Target;
            record.Cmdlet = context.Command;
            foreach (var pair in context.Parameters) record.Parameters[pair.Key] = pair.Value;
            record.Bucket = target.Bucket.Name;
            record.Target = target.Bucket.Target.ToString();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                record.Caller = stopped ? target.CallerWithoutRequest : await target.DescribeCallerAsync(deadline.Token).ConfigureAwait(false);
                await record.WriteAsync(target, deadline.Token).ConfigureAwait(false);
                if (!stopped) sink.Verbose($"Audit record: {target.Describe(record.Key)}");
            }
            catch (Exception e)
            {
                // The changes are made; a lost audit record is reported, not fatal.
                if (!stopped) sink.Warning($"The audit record could not be written to {target.Describe(record.Key)}: {e.Message}");
            }
        }
    }
}
