using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>One bucket of a fleet, as a tenant file declares it: where it lives, its settings, its solutions and the documents it keeps about itself.</summary>
    public sealed class FleetMember
    {
        public FleetMember(IStorageTarget target, BucketSettings desired, LayoutTemplate template, IReadOnlyList<string> solutions)
        {
            Target = target; Desired = desired; Template = template; Solutions = solutions;
        }

        public IStorageTarget Target { get; }
        public BucketSettings Desired { get; }
        public LayoutTemplate Template { get; }
        public IReadOnlyList<string> Solutions { get; }
        public IReadOnlyList<DateTime> Dates { get; set; } = Array.Empty<DateTime>();
        public IReadOnlyList<string> Include { get; set; } = Array.Empty<string>();
        /// <summary>Keys (client_config/...) and contents of the documents the bucket keeps about itself.</summary>
        public IReadOnlyDictionary<string, byte[]> Documents { get; set; } = new Dictionary<string, byte[]>();
        /// <summary>Where the member was declared (the tenant file), for plans and errors.</summary>
        public string Source { get; set; } = "";
    }

    /// <summary>What a fleet plan holds for one bucket: its bucket plan, its solutions' plan and its documents.</summary>
    public sealed class FleetBucketPlan
    {
        internal FleetBucketPlan(FleetMember member, CreateBucketPlan bucket, AddSolutionPlan? solutions, IReadOnlyList<PlannedChange> documents,
            IReadOnlyList<NoLongerDeclared> notDeclared)
        {
            Member = member; BucketPlan = bucket; SolutionPlan = solutions; DocumentChanges = documents; NoLongerDeclared = notDeclared;
        }

        internal FleetMember Member { get; }
        public MlBucket Bucket => Member.Target.Bucket;
        public string Source => Member.Source;
        public CreateBucketPlan BucketPlan { get; }
        public AddSolutionPlan? SolutionPlan { get; }
        public IReadOnlyList<PlannedChange> DocumentChanges { get; }
        /// <summary>Solutions the bucket declares that its tenant file no longer names: shown, never removed by the plan.</summary>
        public IReadOnlyList<NoLongerDeclared> NoLongerDeclared { get; }

        public IEnumerable<PlannedChange> Changes => BucketPlan.Changes.Concat(SolutionPlan?.Changes ?? Enumerable.Empty<PlannedChange>()).Concat(DocumentChanges);
        public int Pending => Changes.Count(c => c.NeedsApproval);
        /// <summary>What a reviewer must look at before approving: lifecycle rules this plan sets that reach whole solutions.</summary>
        public IReadOnlyList<string> Warnings => BucketPlan.FlaggedRules.Select(r => LifecycleCoverage.Warning(Bucket.Uri, r)).ToList();

        // The row a reviewer reads (the console view, the Markdown table): counts of the changes by kind.
        public string BucketName => Bucket.Name;
        public bool Create => Count(ChangeKind.CreateBucket) > 0;
        public int Settings => Count(ChangeKind.SetBucketSetting);
        public int Declarations => Count(ChangeKind.RecordDeclaration);
        public int Folders => Count(ChangeKind.WriteMarker);
        public int Documents => Count(ChangeKind.WriteDocument);
        /// <summary>Solutions declared with another template, and other problems of the bucket's solutions.</summary>
        public int Problems => SolutionPlan?.Problems.Count ?? 0;
        /// <summary>The folders this plan creates, parents first (bucket-relative keys).</summary>
        public IReadOnlyList<string> FolderKeys => Changes.Where(c => c.Kind == ChangeKind.WriteMarker && c.NeedsApproval).Select(c => c.Key ?? c.Target).ToList();

        private int Count(ChangeKind kind) => Changes.Count(c => c.Kind == kind && c.NeedsApproval);

        public override string ToString() => $"{Bucket.Name}: {Pending} changes";
    }

    /// <summary>
    /// A whole fleet's changes, reviewable before anything is written (as `terraform plan`): every bucket's creation,
    /// settings, declarations, folders and documents, as objects, Markdown and JSON, and an exit code that tells
    /// "changes pending" (2) from "nothing to do" (0) and "errors" (1). Applying runs the buckets concurrently with one
    /// bounded pool of marker writes across all of them, and applies exactly the approved changes.
    /// </summary>
    public sealed class FleetPlan : IDisposable
    {
        /// <summary>Buckets planned (read) at once: each sends a dozen reads of its own at once, so 16 buckets keep the connections busy.</summary>
        public const int BucketsAtOnce = 16;

        private readonly SemaphoreSlim _gate;

        private FleetPlan(IReadOnlyList<FleetBucketPlan> buckets, IReadOnlyList<MlLayoutException> problems, IReadOnlyList<NoLongerDeclared> notDeclaredBuckets, SemaphoreSlim gate)
        {
            Buckets = buckets; Problems = problems; _gate = gate;
            NoLongerDeclared = buckets.SelectMany(b => b.NoLongerDeclared).Concat(notDeclaredBuckets).ToList();
        }

        public IReadOnlyList<FleetBucketPlan> Buckets { get; }
        /// <summary>What stops part of the fleet: a bucket that could not be planned, a solution declared with another template.</summary>
        public IReadOnlyList<MlLayoutException> Problems { get; }
        public IReadOnlyList<PlannedChange> Changes => Buckets.SelectMany(b => b.Changes).ToList();
        public int Pending => Buckets.Sum(b => b.Pending);
        /// <summary>Every bucket's warnings for the reviewer (also in the JSON and the Markdown).</summary>
        public IReadOnlyList<string> Warnings => Buckets.SelectMany(b => b.Warnings).ToList();
        /// <summary>
        /// Solutions and buckets provisioned but no longer declared in the tenant files (see <see cref="Operations.NoLongerDeclared"/>).
        /// They keep the plan from saying "nothing to do"; applying it never removes them (Remove-MlSolution does, when asked).
        /// </summary>
        public IReadOnlyList<NoLongerDeclared> NoLongerDeclared { get; }
        /// <summary>What the plan could not look at (the account's buckets could not be listed): for the warning stream.</summary>
        public IReadOnlyList<string> Notes { get; private set; } = Array.Empty<string>();
        /// <summary>True when the buckets differ from the tenant files: changes to apply, or solutions and buckets no longer declared.</summary>
        public bool HasChanges => Pending > 0 || NoLongerDeclared.Count > 0;
        /// <summary>0: nothing to do; 2: changes pending (or something no longer declared); 1: problems (as terraform plan -detailed-exitcode).</summary>
        public int ExitCode => Problems.Count > 0 ? 1 : HasChanges ? 2 : 0;

        /// <summary>Reads every bucket's state (a bounded number at once) and plans; writes nothing.</summary>
        /// <param name="notDeclaredBucketsInScope">
        /// Looks for buckets of the fleet's tenants that the tenant files no longer declare, among those this filter
        /// keeps (the command's -Environment, -Tenant and -Region); null does not look (a listing of the targets' buckets).
        /// </param>
        public static async Task<FleetPlan> CreateAsync(IReadOnlyList<FleetMember> members, string command, IReadOnlyDictionary<string, object?> parameters,
            int concurrency, CancellationToken cancellation, Func<MlBucket, bool>? notDeclaredBucketsInScope = null)
        {
            var gate = new SemaphoreSlim(Math.Max(1, concurrency));
            var planned = new FleetBucketPlan?[members.Count];
            var problems = new List<MlLayoutException>();
            using var atOnce = new SemaphoreSlim(BucketsAtOnce);
            // Buckets the tenant files no longer declare are looked for while the fleet's own buckets are read.
            var notes = new List<string>();
            // A role that may not list the account's buckets can still plan: it is told what it could not look for.
            void Unknown(MlLayoutException e) { lock (notes) notes.Add($"Buckets no longer declared were not looked for everywhere: {e.Message}"); }
            var notDeclaredBuckets = notDeclaredBucketsInScope == null ? Task.FromResult<IReadOnlyList<NoLongerDeclared>>(Array.Empty<NoLongerDeclared>())
                : Operations.NoLongerDeclared.BucketsAsync(members, notDeclaredBucketsInScope, Unknown, cancellation);
            await Task.WhenAll(members.Select(async (member, i) =>
            {
                await atOnce.WaitAsync(cancellation).ConfigureAwait(false);
                try
                {
                    var context = new OperationContext(member.Target, command, parameters, concurrency, gate);
                    // Asked first and once; then the bucket's, its solutions' and its documents' reads go at once.
                    bool exists = await member.Target.BucketExistsAsync(cancellation).ConfigureAwait(false);
                    var bucketPlan = CreateBucketPlan.CreateAsync(context, member.Desired, cancellation, exists);
                    var solutionPlan = member.Solutions.Count == 0 ? Task.FromResult<AddSolutionPlan?>(null)
                        : PlanSolutionsAsync(context, member, exists, cancellation);
                    var documentPlan = PlanDocumentsAsync(member, exists, cancellation);
                    // In the same round trip: the solutions the bucket declares, to show those its tenant file no longer names.
                    var notDeclared = exists ? Operations.NoLongerDeclared.SolutionsAsync(member, cancellation)
                        : Task.FromResult<IReadOnlyList<NoLongerDeclared>>(Array.Empty<NoLongerDeclared>());
                    await Task.WhenAll(bucketPlan, solutionPlan, documentPlan, notDeclared).ConfigureAwait(false);
                    var solutions = solutionPlan.Result;
                    planned[i] = new FleetBucketPlan(member, bucketPlan.Result, solutions, documentPlan.Result, notDeclared.Result);
                    if (solutions != null) lock (problems) problems.AddRange(solutions.Problems);
                }
                catch (MlLayoutException e)
                {
                    lock (problems) problems.Add(e);
                }
                finally { atOnce.Release(); }
            })).ConfigureAwait(false);
            IReadOnlyList<NoLongerDeclared> buckets = Array.Empty<NoLongerDeclared>();
            try { buckets = await notDeclaredBuckets.ConfigureAwait(false); }
            catch (MlLayoutException e) { Unknown(e); }
            return new FleetPlan(planned.Where(p => p != null).Select(p => p!).ToList(), problems, buckets, gate) { Notes = notes };
        }

        private static async Task<AddSolutionPlan?> PlanSolutionsAsync(OperationContext context, FleetMember member, bool exists, CancellationToken cancellation) =>
            await AddSolutionPlan.CreateAsync(context, new AddSolutionRequest(member.Template, member.Solutions) { Dates = member.Dates, Include = member.Include },
                cancellation, exists).ConfigureAwait(false);

        private static Task<IReadOnlyList<PlannedChange>> PlanDocumentsAsync(FleetMember member, bool exists, CancellationToken cancellation) =>
            TenantDocumentWrites.PlanAsync(member.Target, member.Documents, exists, cancellation);

        /// <summary>
        /// Applies the approved changes: every bucket concurrently (each bucket's own order kept: the bucket and its
        /// settings, then its solutions, then its documents), marker writes of all buckets sharing one bounded pool.
        /// A bucket that fails is reported; the others go on.
        /// </summary>
        /// <param name="bucketDone">Called once per bucket when its work is over (done, failed and reported, or left for the next run).</param>
        public async Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation, Action<FleetBucketPlan>? bucketDone = null)
        {
            var chosen = new HashSet<PlannedChange>(approved);
            // Who the caller is goes into every audit record: asked now (once per connection, cached), it is known by
            // the time the first bucket finishes, instead of adding a round trip at its end.
            if (chosen.Any(c => c.NeedsApproval))
                foreach (var bucket in Buckets) _ = bucket.Member.Target.DescribeCallerAsync(CancellationToken.None);
            await Task.WhenAll(Buckets.Select(async bucket =>
            {
                try { await ApplyBucketAsync(bucket, chosen, sink, cancellation).ConfigureAwait(false); }
                finally { bucketDone?.Invoke(bucket); }
            })).ConfigureAwait(false);
        }

        private static async Task ApplyBucketAsync(FleetBucketPlan bucket, HashSet<PlannedChange> chosen, IOperationSink sink, CancellationToken cancellation)
        {
            {
                var own = bucket.BucketPlan.Changes.Where(chosen.Contains).ToList();
                // What goes into the bucket starts as soon as it can, while the bucket's settings, read-back and audit
                // record are still on their way: declarations and documents once the bucket is declared (a new KMS
                // bucket's target names the key on them), folders once the settings (encryption, versioning) are in place.
                var declared = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var settled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var applyBucket = Reported(bucket.BucketPlan.ApplyAsync(own, sink, cancellation, () => declared.TrySetResult(true), () => settled.TrySetResult(true)), sink);
                // An apply that ends without the signals (not approved, failed and reported, or stopped) releases whoever waits on them.
                _ = applyBucket.ContinueWith(_ => { declared.TrySetResult(false); settled.TrySetResult(false); }, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                if (!await declared.Task.ConfigureAwait(false))
                {
                    await applyBucket.ConfigureAwait(false); // rethrows a stop; the contents wait for the next run
                    return;
                }
                var applyContents = Reported(ApplyContentsAsync(bucket, chosen, settled.Task, sink, cancellation), sink);
                await Task.WhenAll(applyBucket, applyContents).ConfigureAwait(false);
            }
        }

        private static async Task Reported(Task work, IOperationSink sink)
        {
            try { await work.ConfigureAwait(false); }
            catch (MlLayoutException e) { sink.Error(e); }
        }

        /// <summary>The solutions' declarations and folders (once settled), and the documents, of a declared bucket.</summary>
        private static async Task ApplyContentsAsync(FleetBucketPlan bucket, HashSet<PlannedChange> chosen, Task<bool> settled, IOperationSink sink, CancellationToken cancellation)
        {
            var documents = WriteDocumentsAsync(bucket, bucket.DocumentChanges.Where(chosen.Contains).ToList(), sink, cancellation);
            try
            {
                if (bucket.SolutionPlan != null)
                    await bucket.SolutionPlan.ApplyAsync(bucket.SolutionPlan.Changes.Where(chosen.Contains).ToList(), sink, cancellation, settled).ConfigureAwait(false);
            }
            finally { await Reported(documents, sink).ConfigureAwait(false); }
        }

        private static Task WriteDocumentsAsync(FleetBucketPlan bucket, IReadOnlyList<PlannedChange> documents, IOperationSink sink, CancellationToken cancellation)
        {
            if (documents.Count == 0) return Task.CompletedTask;
            var context = new OperationContext(bucket.Member.Target, "Invoke-MlFleetPlan");
            var audit = new AuditRecord();
            return AuditedRun.RunAsync(context, audit, sink,
                () => TenantDocumentWrites.WriteAsync(bucket.Member.Target, documents, audit, cancellation, uri => sink.Verbose($"Wrote {uri}")), cancellation);
        }

        /// <summary>Each change as one line: what a saved plan is compared by, to refuse applying a stale one.</summary>
        public IReadOnlyList<string> Fingerprints => Buckets.SelectMany(b => b.Changes.Where(c => c.NeedsApproval).Select(c => Fingerprint(b.Bucket.Name, c))).ToList();

        /// <summary>Every bucket (one line) followed by its changes (one line each): what a reviewer of the saved plan read, as lines to compare.</summary>
        internal IReadOnlyList<string> ReviewLines => Buckets.SelectMany(b => new[] { BucketLine(b.Bucket.Name, b.Bucket.Uri, b.Source) }
            .Concat(b.Changes.Where(c => c.NeedsApproval).Select(c => Fingerprint(b.Bucket.Name, c)))).ToList();

        internal const string BucketLinePrefix = "bucket ";

        internal static string BucketLine(string bucket, string uri, string tenantFile) => $"{BucketLinePrefix}{bucket} at {uri} from {tenantFile}";

        private static string Fingerprint(string bucket, PlannedChange change) =>
            Fingerprint(bucket, change.Kind.ToString(), change.Target, change.Action, change.Solution, ContentSha256(change));

        /// <summary>A change in one line: its bucket, kind, target and action, its solution and, for a document, the hash of the bytes it writes.</summary>
        internal static string Fingerprint(string bucket, string kind, string target, string action, string? solution, string? contentSha256) =>
            $"{bucket}: {kind} {target} {action}" + (solution == null ? "" : $" (solution {solution})") + (contentSha256 == null ? "" : $" (sha256 {contentSha256})");

        /// <summary>The hash of what a document change writes; null for other changes.</summary>
        private static string? ContentSha256(PlannedChange change) =>
            change.Kind == ChangeKind.WriteDocument && change.Detail is ValueTuple<byte[], StoredContent?> document ? Sha256(document.Item1) : null;

        /// <summary>Folders of one bucket the Markdown lists as they are; more are folded in a details block.</summary>
        public const int FoldersListedOpen = 10;

        /// <summary>
        /// The plan for a PR comment. Bucket names, tenant file names, keys and problem messages (which quote what a
        /// bucket declares, such as a template name) go through <see cref="MarkdownText"/>: nothing read from a file or
        /// a bucket can add a row, a line or markup to what the reviewer reads.
        /// </summary>
        public string ToMarkdown()
        {
            var text = new StringBuilder();
            text.AppendLine("## S3MlLayout fleet plan");
            text.AppendLine();
            text.AppendLine(!HasChanges && Problems.Count == 0
                ? $"No changes: all {Buckets.Count} buckets match their tenant files."
                : $"**{Pending} changes** in {Buckets.Count(b => b.Pending > 0)} of {Buckets.Count} buckets" +
                  (NoLongerDeclared.Count > 0 ? $"; **{NoLongerDeclared.Count} no longer declared**" : "") +
                  (Problems.Count > 0 ? $"; **{Problems.Count} problems**" : "") + ".");
            text.AppendLine();
            text.AppendLine("| bucket | tenant file | create | settings | declarations | folders | documents | no longer declared |");
            text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var bucket in Buckets)
                text.AppendLine($"| {MarkdownText.Code(bucket.Bucket.Name)} | {MarkdownText.Code(System.IO.Path.GetFileName(bucket.Source))} | {(bucket.Create ? "yes" : "")} | {bucket.Settings} | {bucket.Declarations} | {bucket.Folders} | {bucket.Documents} | {bucket.NoLongerDeclared.Count} |");
            if (NoLongerDeclared.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("### No longer declared");
                text.AppendLine();
                text.AppendLine("Provisioned, but no tenant file declares them any more. Applying this plan leaves them as they are: nothing is deleted. " +
                                "Declare them again, or, after review, remove a solution with `Remove-MlSolution`.");
                text.AppendLine();
                text.AppendLine("| kind | where | holds | tenant file |");
                text.AppendLine("| --- | --- | --- | --- |");
                foreach (var item in NoLongerDeclared)
                    text.AppendLine($"| {item.Kind.ToLowerInvariant()} | {MarkdownText.Code(item.Uri)} | {MarkdownText.Text(item.Holds)} | {MarkdownText.Code(System.IO.Path.GetFileName(item.TenantFile))} |");
            }
            foreach (var bucket in Buckets)
                foreach (var rule in bucket.BucketPlan.FlaggedRules)
                {
                    text.AppendLine();
                    text.AppendLine($"- **Warning** {MarkdownText.Code(bucket.Bucket.Name)}: lifecycle rule for {MarkdownText.Code(rule.Prefix)} {LifecycleCoverage.Effect(rule)} and covers whole solutions (acknowledged in {MarkdownText.Code(System.IO.Path.GetFileName(bucket.Source))}); review it before approving.");
                }
            foreach (var problem in Problems)
            {
                text.AppendLine();
                text.AppendLine($"- **{MarkdownText.Text(problem.ErrorId)}** {MarkdownText.Code(problem.Target, inTable: false)}: {MarkdownText.Text(problem.Message)}");
            }
            foreach (var bucket in Buckets.Where(b => b.Pending > 0))
            {
                text.AppendLine();
                text.AppendLine($"<details><summary>{MarkdownText.Html(bucket.Bucket.Name)}: {bucket.Pending} changes</summary>");
                text.AppendLine();
                foreach (var change in bucket.Changes.Where(c => c.NeedsApproval && c.Kind != ChangeKind.WriteMarker)) text.AppendLine($"- {MarkdownText.Text(change.Action)}: {MarkdownText.Code(change.Target, inTable: false)}");
                // Every folder by name; many of them folded, so the other changes stay in view.
                var folders = bucket.FolderKeys;
                if (folders.Count > 0 && folders.Count <= FoldersListedOpen)
                    foreach (var key in folders) text.AppendLine($"- Create folder: {MarkdownText.Code(key, inTable: false)}");
                else if (folders.Count > 0)
                {
                    text.AppendLine();
                    text.AppendLine($"<details><summary>Create {folders.Count} folders</summary>");
                    text.AppendLine();
                    foreach (var key in folders) text.AppendLine($"- {MarkdownText.Code(key, inTable: false)}");
                    text.AppendLine();
                    text.AppendLine("</details>");
                }
                text.AppendLine();
                text.AppendLine("</details>");
            }
            return text.ToString();
        }

        /// <summary>
        /// The plan for a console: one line of totals, one row per bucket (creates, settings, declarations, folders,
        /// documents, no longer declared, problems), then what is no longer declared, where it is and what it holds.
        /// Names and URIs come from files and buckets: shown with control characters escaped.
        /// </summary>
        public string ToText()
        {
            var text = new StringBuilder();
            text.AppendLine(!HasChanges && Problems.Count == 0
                ? $"No changes: all {Buckets.Count} buckets match their tenant files (exit code {ExitCode})."
                : $"{Pending} changes in {Buckets.Count(b => b.Pending > 0)} of {Buckets.Count} buckets; {NoLongerDeclared.Count} no longer declared; {Problems.Count} problems (exit code {ExitCode}).");
            if (Buckets.Count > 0)
            {
                var names = Buckets.Select(b => TerminalText.Of(b.Bucket.Name)).ToList();
                int width = Math.Max(6, names.Max(n => n.Length));
                string Row(string bucket, string create, string settings, string declarations, string folders, string documents, string notDeclared, string problems) =>
                    $"{bucket.PadRight(width)} {create,6} {settings,8} {declarations,12} {folders,7} {documents,9} {notDeclared,11} {problems,8}".TrimEnd();
                text.AppendLine();
                text.AppendLine(Row("Bucket", "Create", "Settings", "Declarations", "Folders", "Documents", "NotDeclared", "Problems"));
                text.AppendLine(Row("------", "------", "--------", "------------", "-------", "---------", "-----------", "--------"));
                for (int i = 0; i < Buckets.Count; i++)
                {
                    var b = Buckets[i];
                    text.AppendLine(Row(names[i], b.Create ? "yes" : "", b.Settings.ToString(), b.Declarations.ToString(), b.Folders.ToString(), b.Documents.ToString(),
                        b.NoLongerDeclared.Count.ToString(), b.Problems.ToString()));
                }
            }
            if (NoLongerDeclared.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("No longer declared (applying leaves them as they are; declare them again, or remove a solution with Remove-MlSolution):");
                foreach (var item in NoLongerDeclared)
                    text.AppendLine($"  {item.Kind} {TerminalText.Of(item.Uri)}: {TerminalText.Of(item.Holds)}");
            }
            return text.ToString().TrimEnd();
        }

        /// <summary>
        /// The plan as JSON (module/schemas/fleet-plan.schema.json): what to review and what Invoke-MlFleetPlan checks a
        /// saved plan by. Its digest covers every other key, so an edit to what a reviewer reads is noticed.
        /// </summary>
        public string ToJson(IEnumerable<string> tenantFiles)
        {
            var document = new Dictionary<string, object?>
            {
                ["schema"] = SavedFleetPlan.FormatVersion,
                ["tool"] = "S3MlLayout " + Provisioning.ToolInfo.Version,
                ["createdUtc"] = DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                ["exitCode"] = ExitCode,
                ["pending"] = Pending,
                ["tenantFiles"] = tenantFiles.Select(f => new Dictionary<string, string> { ["path"] = f, ["sha256"] = Sha256(f) }).ToList(),
                ["warnings"] = Buckets.SelectMany(b => b.BucketPlan.FlaggedRules.Select(r => new Dictionary<string, string?>
                {
                    ["kind"] = "LifecycleCoversWholeSolutions", ["bucket"] = b.Bucket.Name, ["prefix"] = r.Prefix, ["message"] = LifecycleCoverage.Warning(b.Bucket.Uri, r),
                })).ToList(),
                ["problems"] = Problems.Select(p => new Dictionary<string, string?> { ["errorId"] = p.ErrorId, ["target"] = p.Target, ["message"] = p.Message }).ToList(),
                ["buckets"] = Buckets.Select(b => new Dictionary<string, object?>
                {
                    ["bucket"] = b.Bucket.Name,
                    ["uri"] = b.Bucket.Uri,
                    ["tenantFile"] = b.Source,
                    ["changes"] = b.Changes.Where(c => c.NeedsApproval).Select(c =>
                    {
                        var change = new Dictionary<string, string?> { ["kind"] = c.Kind.ToString(), ["target"] = c.Target, ["action"] = c.Action, ["solution"] = c.Solution };
                        if (ContentSha256(c) is string sha) change["contentSha256"] = sha;
                        return change;
                    }).ToList(),
                }).ToList(),
                ["fingerprints"] = Fingerprints,
            };
            // Shown for review only: applying never acts on them, so they are not among the fingerprints.
            if (NoLongerDeclared.Count > 0)
                document["notDeclared"] = NoLongerDeclared.Select(n => new Dictionary<string, string?>
                {
                    ["kind"] = n.Kind, ["bucket"] = n.Bucket, ["uri"] = n.Uri, ["solution"] = n.Solution, ["tenantFile"] = n.TenantFile, ["holds"] = n.Holds,
                }).ToList();
            var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using (var written = JsonDocument.Parse(JsonSerializer.Serialize(document, options)))
                document["digest"] = SavedFleetPlan.Digest(written.RootElement);
            return JsonSerializer.Serialize(document, options);
        }

        private static string Sha256(byte[] content)
        {
            using var sha = SHA256.Create();
            return BitConverter.ToString(sha.ComputeHash(content)).Replace("-", "").ToLowerInvariant();
        }

        /// <summary>Largest saved plan -PlanFile reads, in bytes (64 MiB): a plan of tens of thousands of changes is a few MB.</summary>
        public const int MaxSavedPlanBytes = 64 * 1024 * 1024;

        /// <summary>
        /// The text of a saved plan: a regular file of at most <see cref="MaxSavedPlanBytes"/>, read no further
        /// (FileNotRegular, FleetPlanTooLarge), so a plan path pointing at a device or FIFO cannot exhaust memory or hang.
        /// </summary>
        public static string ReadSavedPlanText(string path) =>
            Storage.BoundedFile.ReadAllText(path, MaxSavedPlanBytes, length => new MlLayoutException("FleetPlanTooLarge", ErrorKind.LimitsExceeded, path,
                $"The saved plan '{path}' has at least {Storage.BoundedFile.Bytes(length)} bytes; saved plans may have at most {Storage.BoundedFile.Bytes(MaxSavedPlanBytes)} (64 MiB). " +
                "Pass the file Get-MlFleetPlan -OutFile wrote, or plan fewer tenant files at once."), "a plan saved by Get-MlFleetPlan -OutFile");

        /// <summary>A tenant file's content hash, so a saved plan knows when its sources changed.</summary>
        public static string Sha256(string path)
        {
            using var sha = SHA256.Create();
            var content = Storage.BoundedFile.ReadAllBytes(path, Tenants.TenantLimits.MaxFileBytes, length => Tenants.TenantLimits.TooLarge(path, length), "a tenant file");
            return BitConverter.ToString(sha.ComputeHash(content)).Replace("-", "").ToLowerInvariant();
        }

        public void Dispose()
        {
            foreach (var bucket in Buckets) bucket.Member.Target.Dispose();
            _gate.Dispose();
        }
    }
}
