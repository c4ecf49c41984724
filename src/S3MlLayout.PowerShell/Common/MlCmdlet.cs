using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using System.Linq;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// What every S3MlLayout cmdlet shares: engine errors turned into ErrorRecords, cancellation wired to Ctrl+C,
    /// user paths resolved through the PowerShell provider, and work done on worker threads streamed back to the
    /// pipeline thread (the only thread allowed to write).
    /// </summary>
    public abstract class MlCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        protected CancellationToken Cancellation => _stopping.Token;

        protected override void StopProcessing() => _stopping.Cancel();

        internal static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            ErrorKind.WriteError => ErrorCategory.WriteError,
            ErrorKind.ReadError => ErrorCategory.ReadError,
            ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            _ => ErrorCategory.NotSpecified,
        };

        internal static ErrorRecord ToErrorRecord(MlLayoutException e) =>
            new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), e.Target);

        /// <summary>Stops the command: bad configuration, template or input that nothing can go on from.</summary>
        protected void Fail(MlLayoutException e) => ThrowTerminatingError(ToErrorRecord(e));

        protected void Fail(string errorId, ErrorKind kind, string? target, string message) =>
            Fail(new MlLayoutException(errorId, kind, target, message));

        /// <summary>Reports one failed item; the command goes on with the others.</summary>
        protected void Report(MlLayoutException e) => WriteError(ToErrorRecord(e));

        /// <summary>A path as the user typed it (relative, ~, PS drive) made absolute for the file system provider.</summary>
        protected string ResolvePath(string path)
        {
            try
            {
                return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception e) when (e is ItemNotFoundException || e is DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is PSArgumentException)
            {
                throw new MlLayoutException("PathInvalid", ErrorKind.InvalidArgument, path, $"'{path}' is not a file-system path: {e.Message}", e);
            }
        }

        /// <summary>
        /// -Template takes a template object, a built-in template name (master-solution) or the path of a YAML
        /// template file (./acme.yaml, TestDrive:/t.yaml); resolved here so failures keep their stable ErrorId.
        /// </summary>
        protected LayoutTemplate ResolveTemplate(object? value)
        {
            value = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (value)
            {
                case LayoutTemplate template:
                    return template;
                case string text when text.Length > 0:
                    bool looksLikePath = text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                                         || text.IndexOfAny(new[] { '/', '\\', ':' }) >= 0;
                    return looksLikePath ? TemplateCatalog.LoadFile(ResolvePath(text)) : TemplateCatalog.GetBuiltIn(text);
                default:
                    throw new MlLayoutException("TemplateArgumentInvalid", ErrorKind.InvalidArgument, value?.ToString(),
                        $"-Template takes a template name ({string.Join(", ", TemplateCatalog.BuiltIns.Select(t => t.Name))}), the path of a YAML template file, or an object from Get-MlLayoutTemplate; got {(value == null ? "nothing" : value.GetType().Name)}.");
            }
        }

        private static readonly string[] SecretParameters = { "SecretKey", "SessionToken", "AccessKey" };

        /// <summary>
        /// Runs a mutating body and then writes the run's audit record exactly once, whether the body completed, was
        /// stopped (Ctrl+C) or failed: the record says what was created, failed, interrupted and never attempted.
        /// </summary>
        protected void Audited(IStorageTarget target, AuditRecord record, Action<AuditRecord> body) => Audited(target, record, () => body(record));

        protected void Audited(IStorageTarget target, AuditRecord record, Action body)
        {
            record.Outcome = "Failed";
            try
            {
                body();
                record.Outcome = "Completed";
            }
            catch (PipelineStoppedException) { record.Outcome = "Stopped"; throw; }
            catch (MlLayoutException e) { record.Error = e.ErrorId; throw; }
            catch (RuntimeException e) { record.Error = e.ErrorRecord?.FullyQualifiedErrorId?.Split(',')[0]; throw; }
            finally
            {
                if (Cancellation.IsCancellationRequested) record.Outcome = "Stopped";
                WriteAudit(target, record);
            }
        }

        /// <summary>
        /// Writes the run's audit record into the bucket it changed (only when something changed or failed, never
        /// under -WhatIf), with the bound parameters less every secret and the caller's identity where it can be had.
        /// A stopped run still writes it, on its own short deadline (the run's cancellation has fired by then).
        /// </summary>
        protected void WriteAudit(IStorageTarget target, AuditRecord record)
        {
            if (!record.IsWorthWriting) return;
            bool stopped = Cancellation.IsCancellationRequested;
            record.RunId = target.RunId;
            record.Cmdlet = MyInvocation.MyCommand.Name;
            foreach (var pair in MyInvocation.BoundParameters)
                if (!SecretParameters.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
                    record.Parameters[pair.Key] = AuditRecord.Plain(pair.Value is PSObject wrapped ? wrapped.BaseObject : pair.Value is SwitchParameter sw ? sw.IsPresent : pair.Value);
            record.Bucket = target.Bucket.Name;
            record.Target = target.Bucket.Target.ToString();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                var connection = S3Buckets.ConnectionOrNull(target.Bucket);
                record.Caller = connection == null ? CallerIdentity.Local()
                    : stopped ? $"unknown ({connection.CredentialSource}; run stopped)"
                    : Task.Run(() => CallerIdentity.DescribeAsync(connection, deadline.Token)).GetAwaiter().GetResult();
                Task.Run(() => record.WriteAsync(target, deadline.Token)).GetAwaiter().GetResult();
                if (!stopped) WriteVerbose($"Audit record: {target.Describe(record.Key)}");
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                // The changes are made; a lost audit record is reported, not fatal.
                if (!stopped) WriteWarning($"The audit record could not be written to {target.Describe(record.Key)}: {e.Message}");
            }
        }

        /// <summary>Runs engine work synchronously on the pipeline thread, turning cancellation into a clean stop.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return Task.Run(() => work(Cancellation)).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is MlLayoutException) && !(e is PipelineStoppedException) && !(e is OperationCanceledException))
            {
                throw Unexpected(e);
            }
        }

        /// <summary>
        /// An SDK or network failure outside the engine's own checks: most often no credentials could be found (the
        /// last resort, the instance metadata service, is absent off EC2) or the endpoint cannot be reached.
        /// </summary>
        private static MlLayoutException Unexpected(Exception e)
        {
            bool credentials = e.GetType().Name.Contains("Credential") || e.Message.IndexOf("credential", StringComparison.OrdinalIgnoreCase) >= 0
                               || e.Message.IndexOf("IMDS", StringComparison.Ordinal) >= 0 || e.Message.IndexOf("metadata", StringComparison.OrdinalIgnoreCase) >= 0;
            return credentials
                ? new MlLayoutException("CredentialsUnavailable", ErrorKind.PermissionDenied, null,
                    $"No AWS credentials could be used ({e.Message}). Pass -ProfileName or -AccessKey/-SecretKey, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available.", e)
                : new MlLayoutException("RequestFailed", ErrorKind.ConnectionError, null,
                    $"The request failed: {e.GetType().Name}: {e.Message} Check -EndpointUrl, -Region and the network, then run again.", e);
        }

        protected void Run(Func<CancellationToken, Task> work) =>
            Run<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Runs work that produces items on worker threads and hands each item to <paramref name="onItem"/> on the
        /// pipeline thread as soon as it arrives, so output streams while the work goes on.
        /// </summary>
        protected void RunStreaming<T>(Func<Action<T>, CancellationToken, Task> work, Action<T> onItem)
        {
            using var queue = new BlockingCollection<T>();
            var task = Task.Run(async () =>
            {
                try { await work(queue.Add, Cancellation).ConfigureAwait(false); }
                finally { queue.CompleteAdding(); }
            });
            try
            {
                foreach (var item in queue.GetConsumingEnumerable()) onItem(item);
            }
            finally
            {
                // If writing to the pipeline threw (it was stopped), let the work wind down before returning, so
                // whatever it counts is complete when the caller writes its audit record.
                if (!task.IsCompleted)
                {
                    if (!Cancellation.IsCancellationRequested) _stopping.Cancel();
                    foreach (var _ in queue.GetConsumingEnumerable()) { }
                    try { task.Wait(); } catch (AggregateException) { }
                }
            }
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            catch (Exception e) when (!(e is MlLayoutException) && !(e is PipelineStoppedException) && !(e is OperationCanceledException))
            {
                throw Unexpected(e);
            }
        }
    }
}
