using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>The summary of provisioning one solution (Add-MlSolution, Add-MlDatePartition).</summary>
    public sealed class SolutionProvisionResult
    {
        public string Bucket { get; set; } = "";
        public string Solution { get; set; } = "";
        public string Template { get; set; } = "";
        public string TemplateVersion { get; set; } = "";
        /// <summary>s3://bucket/solutions/{solution}/ or the local directory.</summary>
        public string Uri { get; set; } = "";
        public int Created { get; set; }
        public int AlreadyPresent { get; set; }
        public int Failed { get; set; }
        /// <summary>Folders that -WhatIf or a declined confirmation left out.</summary>
        public int Skipped { get; set; }
        public IReadOnlyList<string> CreatedKeys { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string> FailedKeys { get; set; } = Array.Empty<string>();
        public override string ToString() => $"{Solution}: {Created} created, {AlreadyPresent} already present, {Failed} failed";
    }

    /// <summary>What Add-MlSolution asks for: solutions from one template, with their date partitions and optional folders.</summary>
    public sealed class AddSolutionRequest
    {
        public AddSolutionRequest(LayoutTemplate template, IReadOnlyList<string> solutions) { Template = template; Solutions = solutions; }
        public LayoutTemplate Template { get; }
        public IReadOnlyList<string> Solutions { get; }
        public IReadOnlyList<DateTime> Dates { get; set; } = Array.Empty<DateTime>();
        public IReadOnlyList<string> Include { get; set; } = Array.Empty<string>();
        /// <summary>Declare the template even over a solution declared with another one (existing folders are kept).</summary>
        public bool Force { get; set; }
        /// <summary>The client_config documents of a bucket made from a tenant spec (TenantDocuments.Render), written after the folders.</summary>
        public IReadOnlyDictionary<string, byte[]> Documents { get; set; } = new Dictionary<string, byte[]>();

        /// <summary>Expands every solution once: a bad name or option throws before any request is sent.</summary>
        public void Check()
        {
            foreach (var solution in Solutions)
                LayoutExpander.Expand(new LayoutRequest(Template) { Solution = solution, Dates = Dates, Include = Include });
        }
    }

    /// <summary>
    /// Provisions solutions/{solution}/ from a template: per solution, a declaration (compare-and-swap, written before
    /// any folder) and a marker per missing folder, all solutions in one concurrent batch.
    /// </summary>
    public sealed class AddSolutionPlan : ChangePlan
    {
        internal AddSolutionPlan(OperationContext context, AddSolutionRequest request) : base(context) { Request = request; }

        public AddSolutionRequest Request { get; }
        internal List<SolutionWork> Solutions { get; } = new List<SolutionWork>();
        internal FolderPlan Folders { get; set; } = new FolderPlan(Array.Empty<string>(), Array.Empty<string>());
        /// <summary>Which solution a key belongs to: a key two solutions share (solutions/) belongs to the first.</summary>
        internal Dictionary<string, string> Owner { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>The tenant documents that differ from what the bucket holds (none unless the request has documents).</summary>
        internal IReadOnlyList<PlannedChange> DocumentChanges { get; private set; } = Array.Empty<PlannedChange>();
        /// <summary>Each solution's contract document (.s3mllayout/contracts/{solution}.md) where it differs from the bucket's.</summary>
        internal IReadOnlyList<PlannedChange> ContractChanges { get; private set; } = Array.Empty<PlannedChange>();

        internal sealed class SolutionWork
        {
            public SolutionWork(string solution, DeclaredLayout declaration, StoredContent? read, IReadOnlyList<string> keys)
            {
                Solution = solution; Declaration = declaration; Read = read; Keys = keys;
            }
            public string Solution { get; }
            public DeclaredLayout Declaration { get; }
            public StoredContent? Read { get; }
            public IReadOnlyList<string> Keys { get; }
        }

        /// <summary>Reads what is declared and which folders exist; writes nothing. A bad name or option throws before any request.</summary>
        /// <param name="bucketExists">False for a bucket another change of the same run creates first: nothing is read, every folder is missing.</param>
        public static async Task<AddSolutionPlan> CreateAsync(OperationContext context, AddSolutionRequest request, CancellationToken cancellation, bool bucketExists = true)
        {
            var template = request.Template;
            request.Check();
            var plan = new AddSolutionPlan(context, request);
            var target = context.Target;
            // The folders as requested are listed while the records are read (one round trip, not two); optional
            // folders that only a declaration includes are listed after, when there are any.
            var listing = bucketExists
                ? FolderWrites.PlanAsync(target, request.Solutions.SelectMany(s => ExpandKeys(request, s, request.Include)).ToList(), cancellation)
                : Task.FromResult(FolderWrites.AllMissing(Array.Empty<string>()));
            // The declarations, the documents this run may write (the spec's client_config/, each solution's contract
            // document) are read in the same round trip, a folder of them with one listing.
            var recordKeys = request.Solutions.Select(DeclaredLayout.KeyFor).Concat(request.Documents.Keys).Concat(request.Solutions.Select(ContractDocument.KeyOf));
            var recordReads = TenantDocumentWrites.ReadAsync(target, recordKeys, bucketExists, cancellation);
            await Task.WhenAll(listing, recordReads).ConfigureAwait(false);
            var declarations = request.Solutions.Select(s => DeclaredLayout.FromStored(target, s, recordReads.Result[DeclaredLayout.KeyFor(s)])).ToArray();
            for (int i = 0; i < request.Solutions.Count; i++)
            {
                string solution = request.Solutions[i];
                var (declared, read) = declarations[i];
                // Optional folders included earlier stay included.
                var include = request.Include.Union(declared?.Include ?? Enumerable.Empty<string>(), StringComparer.Ordinal).ToArray();
                var declaration = DeclaredLayout.From(template, solution, include);
                if (declared != null && (declared.Template != template.Name || declared.TemplateVersion != template.Version) && !request.Force)
                {
                    plan.Problems.Add(declaration.Mismatch(target, declared));
                    continue;
                }
                var keys = ExpandKeys(request, solution, include);
                plan.Solutions.Add(new SolutionWork(solution, declaration, read, keys));
                foreach (var key in keys)
                    if (!plan.Owner.ContainsKey(key)) plan.Owner[key] = solution;
                if (request.Force || !declaration.SameAs(declared))
                    plan.Changes.Add(new PlannedChange(ChangeKind.RecordDeclaration, target.Describe(DeclaredLayout.KeyFor(solution)), "Record declared layout", DeclaredLayout.KeyFor(solution), solution));
            }
            // Read-only: a folder the target refuses (a link out of a local bucket) stops the run here, before any write.
            plan.Folders = bucketExists ? await ListedAsync(target, plan.Owner.Keys, listing.Result, cancellation).ConfigureAwait(false) : FolderWrites.AllMissing(plan.Owner.Keys);
            plan.Notes.Add($"{string.Join(", ", plan.Solutions.Select(s => s.Solution))}: {plan.Folders.Present.Count} of {plan.Folders.Missing.Count + plan.Folders.Present.Count} folders already present ({target.Requests}).");
            plan.Changes.AddRange(FolderWrites.Changes(target, plan.Folders, key => plan.Owner[key]));
            plan.DocumentChanges = TenantDocumentWrites.Plan(target, request.Documents, recordReads.Result);
            plan.Changes.AddRange(plan.DocumentChanges);
            // The bucket documents itself: each solution's contracts as Markdown, under .s3mllayout/ where no reader of
            // a data prefix meets it; written after the declaration it describes.
            var contracts = plan.Solutions.ToDictionary(w => ContractDocument.KeyOf(w.Solution), w => ContractDocument.Bytes(template, w.Solution, w.Declaration.Include), StringComparer.Ordinal);
            plan.ContractChanges = TenantDocumentWrites.Plan(target, contracts, recordReads.Result, "Write contract document", ContractDocument.SolutionOf);
            plan.Changes.AddRange(plan.ContractChanges);
            plan.AddAuditChange();
            return plan;
        }

        private static List<string> ExpandKeys(AddSolutionRequest request, string solution, IReadOnlyList<string> include) =>
            LayoutExpander.Expand(new LayoutRequest(request.Template) { Solution = solution, Dates = request.Dates, Include = include }).Select(n => n.Key).ToList();

        /// <summary>The folder plan for these keys from a listing made earlier, listing only the keys it did not cover.</summary>
        private static async Task<FolderPlan> ListedAsync(IStorageTarget target, IEnumerable<string> keys, FolderPlan listed, CancellationToken cancellation)
        {
            var all = FolderPlan.ParentsFirst(keys);
            var covered = new HashSet<string>(listed.Missing.Concat(listed.Present), StringComparer.Ordinal);
            var present = new HashSet<string>(listed.Present, StringComparer.Ordinal);
            var rest = all.Where(k => !covered.Contains(k)).ToList();
            if (rest.Count > 0) present.UnionWith((await FolderWrites.PlanAsync(target, rest, cancellation).ConfigureAwait(false)).Present);
            return FolderPlan.Split(all, present);
        }

        /// <summary>
        /// Declares the approved declarations first (compare-and-swap: of two runs declaring different templates at
        /// once exactly one wins, and the other's solution gets SolutionTemplateMismatch before any folder is
        /// written), then writes the approved markers and contract documents together, then the tenant documents, then
        /// emits one summary per solution. Audited.
        /// </summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation) =>
            ApplyAsync(approved, sink, cancellation, null);

        /// <summary>As ApplyAsync, with the folders waiting after the declarations until the bucket is ready for them.</summary>
        /// <param name="foldersMayStart">True once the bucket's settings are in place; false: they did not land (that
        /// failure is reported with the bucket), so the folders are left for the next run.</param>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation, Task<bool>? foldersMayStart)
        {
            var template = Request.Template;
            var audit = new AuditRecord { Template = template.Name, TemplateVersion = template.Version };
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                var declare = FolderWrites.KeysOf(approved, ChangeKind.RecordDeclaration);
                var refused = new HashSet<string>(StringComparer.Ordinal);
                audit.Solutions.AddRange(Solutions.Select(w => w.Solution));
                // The solutions' declarations are independent of each other: written at once, one round trip for all.
                await Task.WhenAll(Solutions.Where(w => declare.Contains(DeclaredLayout.KeyFor(w.Solution))).Select(async work =>
                {
                    try
                    {
                        if (await AuditedRun.DocumentAsync(audit, DeclaredLayout.KeyFor(work.Solution),
                                () => work.Declaration.DeclareAsync(Target, work.Read, Request.Force, cancellation), cancellation).ConfigureAwait(false))
                            lock (audit) audit.SettingsChanged.Add($"declared layout of {work.Solution}: {template.Name} {template.Version}");
                    }
                    catch (MlLayoutException e) when (e.ErrorId == "SolutionTemplateMismatch")
                    {
                        sink.Error(e);
                        lock (refused) refused.Add(work.Solution);
                    }
                })).ConfigureAwait(false);
                audit.Solutions.RemoveAll(refused.Contains);
                var solutions = Solutions.Where(s => !refused.Contains(s.Solution)).ToList();
                // Another run that won a declaration widened the includes: those keys were not planned and are left to a re-run.
                var markers = FolderWrites.KeysOf(approved, ChangeKind.WriteMarker);
                markers.RemoveWhere(k => refused.Contains(Owner[k]));
                if (foldersMayStart != null && !await foldersMayStart.ConfigureAwait(false))
                {
                    lock (audit) audit.KeysNotAttempted.AddRange(Folders.Missing.Where(markers.Contains));
                    return;
                }
                var folders = new FolderPlan(Folders.Missing.Where(k => !refused.Contains(Owner[k])).ToList(), Folders.Present.Where(k => !refused.Contains(Owner[k])).ToList());
                // A contract document describes its declared solution, not its folders: written beside the markers, not after them.
                var contractWrites = TenantDocumentWrites.WriteAsync(Target, ContractChanges.Where(c => approved.Contains(c) && !refused.Contains(c.Solution!)).ToList(), audit, cancellation);
                var markerWrites = FolderWrites.ApplyAsync(Context, folders, markers, audit, sink, cancellation);
                await Task.WhenAll(markerWrites, contractWrites).ConfigureAwait(false);
                var tally = markerWrites.Result;
                // The tenant documents describe the solutions: written once they are declared, in this run's audit record.
                if (refused.Count == 0)
                    await TenantDocumentWrites.WriteAsync(Target, DocumentChanges.Where(approved.Contains).ToList(), audit, cancellation).ConfigureAwait(false);

                var created = new HashSet<string>(tally.Created, StringComparer.Ordinal);
                var failed = new HashSet<string>(tally.Failed, StringComparer.Ordinal);
                var skipped = new HashSet<string>(tally.Skipped, StringComparer.Ordinal);
                foreach (var work in solutions)
                {
                    var own = work.Keys.Where(k => Owner[k] == work.Solution).ToList();
                    var shared = work.Keys.Where(k => Owner[k] != work.Solution).ToList();
                    sink.Output(new SolutionProvisionResult
                    {
                        Bucket = Target.Bucket.Name, Solution = work.Solution, Template = template.Name, TemplateVersion = template.Version,
                        Uri = Target.Describe($"{LayoutExpander.SolutionsFolder}/{work.Solution}/"),
                        Created = own.Count(created.Contains),
                        AlreadyPresent = own.Count(k => !created.Contains(k) && !failed.Contains(k) && !skipped.Contains(k)) + shared.Count(k => !failed.Contains(k) && !skipped.Contains(k)),
                        Failed = work.Keys.Count(failed.Contains), Skipped = work.Keys.Count(skipped.Contains),
                        CreatedKeys = own.Where(created.Contains).ToList(), FailedKeys = work.Keys.Where(failed.Contains).ToList(),
                    });
                }
            }, cancellation, approved);
        }
    }
}
