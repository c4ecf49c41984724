using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using System.Linq;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;
using System.Collections.Generic;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// What every S3MlLayout cmdlet shares: engine errors turned into ErrorRecords, cancellation wired to Ctrl+C,
    /// user paths resolved through the PowerShell provider, and work done on worker threads streamed back to the
    /// pipeline thread (the only thread allowed to write).
    /// </summary>
    public abstract class MlCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();

        protected CancellationToken Cancellation => _stopping.Token;

        /// <summary>Ctrl+C: cancels every request in flight, and waits for the piped buckets to write their audit records.</summary>
        protected override void StopProcessing()
        {
            _stopping.Cancel();
            _scheduler?.StopAll();
        }

        private BucketScheduler? _scheduler;

        /// <summary>Marker writes in flight at once across all buckets of the pipeline when no -ThrottleLimit is given (as the fleet's).</summary>
        internal const int DefaultRequestsInFlight = 64;

        /// <summary>The piped buckets of this command, run concurrently with one pool of requests (<see cref="BucketScheduler"/>).</summary>
        internal BucketScheduler Buckets => _scheduler ??= new BucketScheduler(this, _stopping, RequestsInFlight > 0 ? RequestsInFlight : DefaultRequestsInFlight);

        /// <summary>
        /// Starts one bucket's work and returns: reads begin now, while the next bucket is bound. What the work writes,
        /// asks or fails with reaches the pipeline thread through <see cref="BucketJob"/>; a failure goes to
        /// <paramref name="onFailure"/> (default: Fail, which stops the command as a synchronous ProcessRecord would).
        /// </summary>
        internal void StartBucket(Func<BucketJob, CancellationToken, Task> work, Action<MlLayoutException>? onFailure = null) =>
            Buckets.Start(work, onFailure ?? Fail);

        /// <summary>
        /// Starts one bucket's plan and apply (owning <paramref name="target"/>): the plan is read while the bucket's
        /// existence is checked (a plan only reads), then, the bucket found, its changes are approved on the pipeline
        /// thread and applied, in the bucket's turn.
        /// </summary>
        /// <param name="planUnread">The bucket's plan with the bucket taken as empty, made without a request: every
        /// change the plan may hold. Approved up front when approvals are silent (<see cref="ApprovesSilently"/>).</param>
        /// <param name="justCreated">The bucket was created by this process moments ago (MlBucket.TakeFresh): the plan
        /// without reads is its plan, made and approved here, on the pipeline thread, and the bucket's writes start
        /// once its existence is confirmed.</param>
        internal void StartPlanned<TPlan>(IStorageTarget target, Func<OperationContext, CancellationToken, Task<TPlan>> createPlan,
            Func<TPlan, Func<IReadOnlyCollection<PlannedChange>, IOperationSink, CancellationToken, Task>> apply, Action<MlLayoutException>? onFailure = null,
            Func<OperationContext, CancellationToken, Task<TPlan>>? planUnread = null, bool justCreated = false)
            where TPlan : ChangePlan
        {
            if (justCreated && planUnread == null) throw new ArgumentNullException(nameof(planUnread), "A bucket just created is planned without reads.");
            var context = ContextFor(target);
            // Planned here, on the pipeline thread, where ShouldProcess must be asked: for a bucket just created (its
            // plan), or when approvals are silent (no -WhatIf, no prompt, no -Verbose), so that the bucket's writes start
            // as soon as its plan is read, not when this command next has the pipeline thread.
            TPlan? unread = null;
            if (planUnread != null && (justCreated || ApprovesSilently()))
            {
                var planning = planUnread(context, Cancellation);
                if (!planning.IsCompleted) throw new InvalidOperationException("A plan of a bucket taken as empty must not send a request.");
                unread = planning.GetAwaiter().GetResult();
            }
            var approvedUnread = unread == null ? null : ApprovedOf(unread.Changes);
            if (justCreated)
            {
                StartBucket(async (job, ct) =>
                {
                    using (target)
                    {
                        // Still there? (Deleted since, it gets BucketNotFound and nothing written, not a bucket made anew.)
                        await job.CheckExistsAsync(target, ct).ConfigureAwait(false);
                        await job.ExecuteAsync(unread!, apply(unread!), ct, approvedUnread).ConfigureAwait(false);
                    }
                }, onFailure);
                return;
            }
            var approvedEarly = approvedUnread == null ? null : new HashSet<string>(approvedUnread.Select(IdentityOf), StringComparer.Ordinal);
            StartBucket(async (job, ct) =>
            {
                using (target)
                {
                    var plan = await job.ReadAsync(() => BucketJob.ReadExistingAsync(target, reads => createPlan(context, reads), ct), ct).ConfigureAwait(false);
                    // A change the early approvals did not cover (one only the reads revealed) is asked for as usual.
                    var approved = approvedEarly != null && plan.Changes.All(c => !c.NeedsApproval || approvedEarly.Contains(IdentityOf(c))) ? plan.Changes.ToList() : null;
                    await job.ExecuteAsync(plan, apply(plan), ct, approved).ConfigureAwait(false);
                }
            }, onFailure);
        }

        /// <summary>Writes what the piped buckets produce until all are done; the cmdlets that override EndProcessing call it last.</summary>
        protected override void EndProcessing() => _scheduler?.Pump(untilDone: true);

        /// <summary>A pipeline ended by someone else's error: this command's buckets stop and write their audit records.</summary>
        public void Dispose()
        {
            if (_scheduler != null) _scheduler.StopAll();
        }

        /// <summary>The changes the user approves, each asked through ShouldProcess (pipeline thread only); those that need no approval pass.</summary>
        internal List<PlannedChange> ApprovedOf(IEnumerable<PlannedChange> changes) => changes.Where(c => !c.NeedsApproval || Approve(c)).ToList();

        private static string IdentityOf(PlannedChange change) => $"{change.Kind}\n{change.Key ?? change.Target}";

        /// <summary>
        /// Whether ShouldProcess says yes here without a word to anyone: no -WhatIf (nor $WhatIfPreference), nothing to
        /// confirm at this cmdlet's ConfirmImpact (-Confirm:$false, or below $ConfirmPreference), no -Verbose or -Debug
        /// (nor their preferences), which would show each approval. Only then may a change be approved before the
        /// reads show it is needed: asked early or late, the answer is yes and nothing is shown.
        /// </summary>
        internal bool ApprovesSilently()
        {
            var bound = MyInvocation.BoundParameters;
            object? Preference(string name) => SessionState.PSVariable.GetValue(name);
            bool Shows(string parameter, string preference)
            {
                if (bound.TryGetValue(parameter, out var given)) return LanguagePrimitives.IsTrue(given);
                return !LanguagePrimitives.TryConvertTo<ActionPreference>(Preference(preference), out var action)
                       || (action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore);
            }
            if (bound.TryGetValue("WhatIf", out var whatIf) ? LanguagePrimitives.IsTrue(whatIf) : LanguagePrimitives.IsTrue(Preference("WhatIfPreference"))) return false;
            if (Shows("Verbose", "VerbosePreference") || Shows("Debug", "DebugPreference")) return false;
            if (bound.TryGetValue("Confirm", out var confirm)) return !LanguagePrimitives.IsTrue(confirm);
            var impact = ((CmdletAttribute)Attribute.GetCustomAttribute(GetType(), typeof(CmdletAttribute))!).ConfirmImpact;
            if (!LanguagePrimitives.TryConvertTo<ConfirmImpact>(Preference("ConfirmPreference"), out var threshold)) return false;
            return impact == ConfirmImpact.None || threshold == ConfirmImpact.None || impact < threshold;
        }

        internal static int NewActivityId() => NextActivityId();

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
        protected internal void Report(MlLayoutException e) => WriteError(ToErrorRecord(e));

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

        private static readonly string[] SecretParameters = { "SecretKey", "SessionToken", "AccessKey", "Credential" };

        /// <summary>The bound parameters as plain data for the audit record: never a secret.</summary>
        private IReadOnlyDictionary<string, object?> AuditParameters()
        {
            var parameters = new Dictionary<string, object?>();
            foreach (var pair in MyInvocation.BoundParameters)
                if (!SecretParameters.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
                    parameters[pair.Key] = AuditRecord.Plain(pair.Value is PSObject wrapped ? wrapped.BaseObject : pair.Value is SwitchParameter sw ? sw.IsPresent : pair.Value);
            return parameters;
        }

        /// <summary>The target of a bucket that must exist (BucketNotFound otherwise).</summary>
        protected IStorageTarget OpenExistingBucket(MlBucket bucket)
        {
            var target = OpenBucket(bucket);
            if (!Run(ct => target.BucketExistsAsync(ct)))
            {
                target.Dispose();
                throw BucketErrors.NotFound(bucket);
            }
            return target;
        }

        /// <summary>The target of a bucket, nothing sent yet: a piped bucket's work checks it exists (BucketJob.RequireExistsAsync).</summary>
        protected IStorageTarget OpenBucket(MlBucket bucket)
        {
            // A bucket rebuilt from another process (BucketTransformationAttribute) carries its settings, not its
            // credentials: they are resolved afresh here, the usual way, with -Debug saying from where.
            if (bucket.Kind == StorageKind.S3 && bucket.Connection != null && S3Buckets.ConnectionOrNull(bucket) == null)
                Reconnect(bucket, bucket.Connection);
            return StorageTargets.Open(bucket);
        }

        private void Reconnect(MlBucket bucket, BucketConnection described)
        {
            var connection = S3ConnectionCache.Resolve(WithSessionDefaults(new S3ConnectionSettings
            {
                Region = described.Region.Length == 0 ? null : described.Region, ProfileName = described.ProfileName,
                EndpointUrl = described.EndpointUrl, ForcePathStyle = described.ForcePathStyle, ExpectedBucketOwner = described.ExpectedBucketOwner,
                SkipCertificateCheck = described.SkipCertificateCheck,
                TimeoutSec = described.Timeout > TimeSpan.Zero ? (int)Math.Ceiling(described.Timeout.TotalSeconds) : (int?)null,
            }), RequestsInFlight, debug: WriteConnectionLine);
            S3Buckets.Attach(bucket, connection);
            bucket.Region = connection.Region;
        }

        /// <summary>
        /// A line of how the connection was resolved, to -Verbose (not -Debug: -Debug prompts per line in pwsh 7 and
        /// fails under -NonInteractive). Escaped: it carries profile names and sources from other people's files.
        /// </summary>
        private void WriteConnectionLine(string line) => WriteVerbose(TerminalText.Of(line));

        private readonly Dictionary<string, S3Connection> _connections = new Dictionary<string, S3Connection>(StringComparer.Ordinal);

        /// <summary>The most requests this command keeps in flight on one connection (a fleet's -ThrottleLimit).</summary>
        protected virtual int RequestsInFlight => 0;

        /// <summary>The bucket object for a name on the target the connection settings name (nothing is sent yet).</summary>
        internal MlBucket DescribeBucket(BucketLocation location)
        {
            var bucket = new MlBucket
            {
                Name = location.Name, CompanyPrefix = location.CompanyPrefix, Environment = location.Environment,
                TenantId = location.TenantId, Region = location.Region,
            };
            if (location.LocalPath != null)
            {
                if (location.AnyConnectionParameter)
                    throw new MlLayoutException("LocalPathWithConnection", ErrorKind.InvalidArgument, location.LocalPath,
                        "-LocalPath selects the local target; the S3 connection parameters (-EndpointUrl, -ProfileName, -AccessKey ...) do not apply to it. Give one or the other.");
                bucket.Kind = StorageKind.Local;
                bucket.LocalPath = System.IO.Path.Combine(ResolveDirectory(location.LocalPath), location.Name);
                bucket.Uri = bucket.LocalPath + System.IO.Path.DirectorySeparatorChar;
                return bucket;
            }
            bucket.Kind = StorageKind.S3;
            bucket.Uri = $"s3://{location.Name}/";
            var settings = new S3ConnectionSettings
            {
                Region = location.Region, ProfileName = location.ProfileName, ProfileLocation = location.ProfileLocation == null ? null : ResolvePath(location.ProfileLocation),
                AccessKey = location.AccessKey, SecretKey = location.SecretKey, SessionToken = location.SessionToken, EndpointUrl = location.EndpointUrl,
                ForcePathStyle = location.ForcePathStyle, ExpectedBucketOwner = location.ExpectedBucketOwner, SkipCertificateCheck = location.SkipCertificateCheck,
                TimeoutSec = location.TimeoutSec ?? S3Connection.DefaultTimeoutSec, KeySource = location.KeySource,
            };
            WithSessionDefaults(settings);
            // One connection (one client, one caller lookup) per distinct setting, shared by every bucket of a run and
            // by the commands after it in this session while the environment and profile files are unchanged; looked
            // up once per distinct setting in a command, not once per bucket of a fleet.
            string key = settings.Identity();
            if (!_connections.TryGetValue(key, out var connection))
                _connections[key] = connection = S3ConnectionCache.Resolve(settings, RequestsInFlight, debug: WriteConnectionLine);
            S3Buckets.Attach(bucket, connection);
            bucket.Region = connection.Region;
            return bucket;
        }

        /// <summary>
        /// AWS Tools' session defaults, as Set-DefaultAWSRegion and Set-AWSCredential leave them: $StoredAWSRegion (a
        /// region name) and $StoredAWSCredentials (a profile name, or an object holding keys). Read from the session
        /// without loading AWS Tools: see <see cref="SessionCredentials"/>. The resolver ranks them below the parameters.
        /// </summary>
        internal S3ConnectionSettings WithSessionDefaults(S3ConnectionSettings settings)
        {
            var region = SessionState.PSVariable.GetValue("StoredAWSRegion");
            string? regionText = (region is PSObject wrapped ? wrapped.BaseObject : region)?.ToString();
            settings.SessionRegion = string.IsNullOrWhiteSpace(regionText) ? null : regionText!.Trim();
            var stored = SessionCredentials.Read(SessionState.PSVariable.GetValue("StoredAWSCredentials"));
            settings.SessionProfileName = stored.ProfileName;
            settings.SessionAccessKey = stored.AccessKey;
            settings.SessionSecretKey = stored.SecretKey;
            settings.SessionSessionToken = stored.SessionToken;
            return settings;
        }

        private string ResolveDirectory(string path)
        {
            ProviderInfo provider;
            string resolved;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException || e is ItemNotFoundException)
            {
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is not a file-system path: {e.Message}");
            }
            if (provider.Name != "FileSystem")
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is on the {provider.Name} provider; give a directory on the file system.");
            if (System.IO.File.Exists(resolved))
                throw new MlLayoutException("LocalPathIsFile", ErrorKind.InvalidArgument, resolved, $"-LocalPath '{resolved}' is a file; give the directory that will hold the bucket directory.");
            if (!System.IO.Directory.Exists(resolved))
                throw new MlLayoutException("LocalPathNotFound", ErrorKind.ObjectNotFound, resolved, $"-LocalPath '{resolved}' does not exist; create the directory first (New-Item -ItemType Directory) or check the path.");
            return resolved;
        }

        /// <summary>
        /// What an engine operation needs to know of this run against <paramref name="target"/>. On a target that
        /// sends requests concurrently, every bucket of the pipeline draws on one pool of requests; the local target
        /// writes one file at a time (its results in the order of the plan), each bucket as before.
        /// </summary>
        protected OperationContext ContextFor(IStorageTarget target, int? concurrency = null) =>
            new OperationContext(target, MyInvocation.MyCommand.Name, AuditParameters(), concurrency, target.DefaultConcurrency > 1 ? Buckets.Requests : null);

        /// <summary>
        /// Writes a plan's warning unless this command already has: a warning that holds for the whole command (the
        /// plain-HTTP endpoint) comes with each bucket's plan, and once is enough. Pipeline thread only.
        /// </summary>
        internal void WritePlanWarning(string warning)
        {
            if (_planWarnings.Add(warning)) WriteWarning(TerminalText.Of(warning));
        }

        /// <summary>The plan warnings this command has written, each once.</summary>
        private readonly HashSet<string> _planWarnings = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// The shape of every change: the plan's notes, warnings and problems go to their streams, ShouldProcess is
        /// asked once per planned change (so -WhatIf prints the exact plan), and the approved changes go back to the
        /// engine, whose output, errors and progress stream to the pipeline as they happen.
        /// </summary>
        protected void Execute(ChangePlan plan, Func<IReadOnlyCollection<PlannedChange>, IOperationSink, CancellationToken, Task> apply)
        {
            // Notes and warnings quote keys and names read from the bucket: shown with their control characters escaped.
            foreach (var note in plan.Notes) WriteVerbose(TerminalText.Of(note));
            // A warning that holds for the whole command (the plain-HTTP endpoint) comes with each bucket's plan: once is enough.
            foreach (var warning in plan.Warnings) WritePlanWarning(warning);
            foreach (var problem in plan.Problems) Report(problem);
            Execute(plan.Changes, $"Changing {plan.Context.Target.Bucket.Uri}", apply);
        }

        /// <summary>Approves each change (ShouldProcess) and hands the approved ones to the engine, streaming what it produces.</summary>
        protected void Execute(IReadOnlyList<PlannedChange> changes, string title, Func<IReadOnlyCollection<PlannedChange>, IOperationSink, CancellationToken, Task> apply)
        {
            var approved = ApprovedOf(changes);
            int activity = NextActivityId();
            bool progressShown = false;
            RunStreaming<Action>((emit, ct) => apply(approved, new PipelineSink(emit, this, activity, title, () => progressShown = true), ct), action => action());
            if (progressShown) WriteProgress(new ProgressRecord(activity, title, "done") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>Whether the user approves one planned change: ShouldProcess, unless a cmdlet's -Force says otherwise.</summary>
        protected virtual bool Approve(PlannedChange change) => ShouldProcess(TerminalText.Of(change.Target), TerminalText.Of(change.Action));

        private static int s_nextActivityId = 1000;

        /// <summary>A progress activity id of its own, so two bars of one pipeline never overwrite each other.</summary>
        protected static int NextActivityId() => System.Threading.Interlocked.Increment(ref s_nextActivityId);

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
        internal static MlLayoutException Unexpected(Exception e)
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
            bool drained = false;
            try
            {
                foreach (var item in queue.GetConsumingEnumerable()) onItem(item);
                drained = true;
            }
            finally
            {
                // If writing to the pipeline threw (it was stopped), let the work wind down before returning, so
                // whatever it counts is complete when the caller writes its audit record. Not when the queue simply
                // drained: the work is then finishing its last step, and cancelling would stop this cmdlet's next
                // piece of work (the next piped bucket) as if the user had pressed Ctrl+C.
                if (!drained && !task.IsCompleted)
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

    /// <summary>Relays what the engine produces on worker threads to the pipeline thread, in order.</summary>
    internal sealed class PipelineSink : IOperationSink, ITransferSink
    {
        private readonly Action<Action> _post;
        private readonly MlCmdlet _cmdlet;
        private readonly int _activity;
        private readonly string _title;
        private readonly Action _onProgress;

        public PipelineSink(Action<Action> post, MlCmdlet cmdlet, int activity, string title, Action onProgress)
        {
            _post = post; _cmdlet = cmdlet; _activity = activity; _title = title; _onProgress = onProgress;
        }

        public void Output(object item) => _post(() => _cmdlet.WriteObject(item));
        public void Error(MlLayoutException error) => _post(() => _cmdlet.Report(error));
        public void Warning(string message) => _post(() => _cmdlet.WriteWarning(TerminalText.Of(message)));
        public void Verbose(string message) => _post(() => _cmdlet.WriteVerbose(TerminalText.Of(message)));

        private long _lastProgress = -ProgressInterval;
        private static readonly System.Diagnostics.Stopwatch s_clock = System.Diagnostics.Stopwatch.StartNew();
        /// <summary>At most one progress update this often (and the last): a record per marker would cost the pipeline thread more than the writes.</summary>
        private const long ProgressInterval = 100;

        public void FolderWritten(Engine.Provisioning.FolderResult result, int done, int total)
        {
            long now = s_clock.ElapsedMilliseconds, last = System.Threading.Interlocked.Read(ref _lastProgress);
            if (done < total && (now - last < ProgressInterval || System.Threading.Interlocked.CompareExchange(ref _lastProgress, now, last) != last)) return;
            PostProgress(result, done, total);
        }

        /// <summary>Bytes of a transfer (Write-MlObject), at most one update per interval, and the last.</summary>
        public void BytesSent(long sent, long total, int filesDone, int filesTotal, string current)
        {
            long now = s_clock.ElapsedMilliseconds, last = System.Threading.Interlocked.Read(ref _lastProgress);
            if (filesDone < filesTotal && (now - last < ProgressInterval || System.Threading.Interlocked.CompareExchange(ref _lastProgress, now, last) != last)) return;
            _post(() =>
            {
                _onProgress();
                _cmdlet.WriteProgress(new ProgressRecord(_activity, _title, $"{filesDone} of {filesTotal} files, {sent / 1048576.0:0.0} of {total / 1048576.0:0.0} MiB")
                {
                    PercentComplete = (int)(100L * sent / Math.Max(1, total)),
                    CurrentOperation = current,
                });
            });
        }

        private void PostProgress(Engine.Provisioning.FolderResult result, int done, int total) => _post(() =>
        {
            _onProgress();
            // A fresh record per update: hosts may keep the object they were given.
            _cmdlet.WriteProgress(new ProgressRecord(_activity, _title, $"{done} of {total} folders")
            {
                PercentComplete = (int)(100L * done / Math.Max(1, total)),
                CurrentOperation = result.Uri,
            });
        });
    }
}
