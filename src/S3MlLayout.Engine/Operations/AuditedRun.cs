using System;
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
        public static async Task RunAsync(OperationContext context, AuditRecord record, IOperationSink sink, Func<Task> body, CancellationToken cancellation)
        {
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
