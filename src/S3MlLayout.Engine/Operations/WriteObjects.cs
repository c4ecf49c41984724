using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>What Write-MlObject asks for: local files into one folder of a declared solution.</summary>
    public sealed class WriteObjectsRequest
    {
        public string Solution { get; set; } = "";
        /// <summary>The folder's template path (data/raw; /shared for a bucket-level folder).</summary>
        public string Folder { get; set; } = "";
        /// <summary>The day whose partition receives the files, for a date-partitioned folder; null: today (UTC).</summary>
        public DateTime? Date { get; set; }
        /// <summary>Absolute paths of the local files.</summary>
        public IReadOnlyList<string> Files { get; set; } = Array.Empty<string>();
        /// <summary>Replace objects that exist at the keys (otherwise they are kept and the file is skipped).</summary>
        public bool Force { get; set; }
    }

    /// <summary>What writing one file did.</summary>
    public enum ObjectWriteOutcome
    {
        /// <summary>The object was created; nothing was at its key.</summary>
        Written,
        /// <summary>An object was at the key and -Force replaced it.</summary>
        Overwritten,
        /// <summary>An object was at the key (found by the listing, or by the conditional write); it was kept and the file not sent.</summary>
        Skipped,
    }

    /// <summary>One file written (or kept out) by Write-MlObject.</summary>
    public sealed class ObjectWriteResult
    {
        public string Key { get; set; } = "";
        /// <summary>s3://bucket/key, or the file's path on the local target.</summary>
        public string Uri { get; set; } = "";
        public long Size { get; set; }
        /// <summary>The object's entity tag (null when skipped).</summary>
        public string? ETag { get; set; }
        /// <summary>The format of the folder's contract the file matched (".csv", ".csv.gz"), or "any".</summary>
        public string Format { get; set; } = "";
        public ObjectWriteOutcome Outcome { get; set; }
        /// <summary>How many parts it was sent in (1: a single PUT; 0: not sent).</summary>
        public int Parts { get; set; }
        public string Solution { get; set; } = "";
        public string Folder { get; set; } = "";
        public string LocalPath { get; set; } = "";
        public override string ToString() => $"{Outcome} {Uri}";
    }

    /// <summary>
    /// A sink that also shows the bytes of a transfer (the cmdlet's progress bar). Optional: an operation that gets a
    /// sink without it just does not report bytes.
    /// </summary>
    public interface ITransferSink
    {
        /// <summary><paramref name="sent"/> of <paramref name="total"/> bytes are sent; <paramref name="current"/> is the object last advanced.</summary>
        void BytesSent(long sent, long total, int filesDone, int filesTotal, string current);
    }

    /// <summary>
    /// Write-MlObject: local files into one folder of a declared solution. The plan reads the solution's declaration
    /// and checks every file against the folder's contract before anything is sent (a refused file is a problem, the
    /// others go on); the keys come from the folder and, for a date-partitioned folder, the date. One delimited
    /// listing of the destination says which keys hold objects: those are kept (Skipped) unless Force.
    /// </summary>
    public sealed class WriteObjectsPlan : ChangePlan
    {
        private WriteObjectsPlan(OperationContext context) : base(context) { }

        private readonly List<ObjectWriteResult> _kept = new List<ObjectWriteResult>();
        private string _solution = "", _template = "", _templateVersion = "";

        /// <summary>The folder's key prefix the files go under (its date leaf for a date-partitioned folder).</summary>
        public string Prefix { get; private set; } = "";
        /// <summary>The destination folder as the declaration expands it.</summary>
        public FolderNode? Folder { get; private set; }

        private sealed class PlannedFile
        {
            public PlannedFile(ObjectWriteResult result, bool overwrite) { Result = result; Overwrite = overwrite; }
            public ObjectWriteResult Result { get; }
            public bool Overwrite { get; }
        }

        public static async Task<WriteObjectsPlan> CreateAsync(OperationContext context, WriteObjectsRequest request, CancellationToken cancellation)
        {
            var plan = new WriteObjectsPlan(context);
            var target = context.Target;
            string solution = LayoutExpander.CheckSolutionName(request.Solution);
            string path = CheckFolderArgument(request.Folder);

            var declared = await DeclaredLayout.ReadAsync(target, solution, cancellation).ConfigureAwait(false)
                ?? throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"{LayoutExpander.SolutionsFolder}/{solution}/"),
                    $"Solution '{solution}' is not declared in '{target.Bucket.Uri}', so no folder of it has a contract to write by. Provision it first (Add-MlSolution {solution} -Template ...), or check the name (Get-MlSolution lists the declared ones).");
            plan._solution = solution;
            plan._template = declared.Template;
            plan._templateVersion = declared.TemplateVersion;
            var nodes = LayoutExpander.Expand(new LayoutRequest(declared.ToTemplate()) { Solution = solution });
            var folders = nodes.Where(n => n.Kind == FolderKind.Folder).ToList();
            var node = folders.FirstOrDefault(n => string.Equals(n.TemplatePath, path, StringComparison.Ordinal))
                ?? throw new MlLayoutException("FolderNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"{LayoutExpander.SolutionsFolder}/{solution}/{path.TrimStart('/')}/"),
                    $"'{path}' is not a folder of solution '{solution}' ({declared.Template} {declared.TemplateVersion}). Folders that take files: {string.Join(", ", folders.Where(AcceptsFiles).Select(n => n.TemplatePath).DefaultIfEmpty("none"))}.");
            var contract = node.Contract ?? new FolderContract();
            if (!AcceptsFiles(node))
                throw new MlLayoutException("FolderHoldsFoldersOnly", ErrorKind.InvalidArgument, target.Describe(node.Key),
                    $"'{path}' of solution '{solution}' keeps sub-folders only; files go into one of them: {string.Join(", ", folders.Where(n => n.ParentKey == node.Key && AcceptsFiles(n)).Select(n => n.TemplatePath).DefaultIfEmpty("none that takes files"))}.");

            plan.Folder = node;
            plan.Prefix = PrefixFor(node, request.Date, solution);

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var accepted = new List<ObjectWriteResult>();
            foreach (var file in request.Files)
            {
                string name = Path.GetFileName(file);
                string key = plan.Prefix + name;
                string uri = target.Describe(key);
                string? problem = S3KeyRules.CheckSegment(name) ?? S3KeyRules.CheckKey(key);
                if (problem != null)
                {
                    plan.Problems.Add(new MlLayoutException("ObjectKeyInvalid", ErrorKind.InvalidArgument, uri, $"'{file}' cannot be written as '{uri}': {problem}. Rename the file, then run again."));
                    continue;
                }
                var format = contract.MatchFormat(name);
                if (format == null)
                {
                    plan.Problems.Add(new MlLayoutException("FormatNotAllowed", ErrorKind.InvalidArgument, uri,
                        $"'{name}' is not a format '{path}' of solution '{solution}' accepts ({string.Join(", ", contract.Formats!)}), so nothing was sent. Convert the file, or write it to the folder its format belongs in."));
                    continue;
                }
                if (!seen.Add(key))
                {
                    plan.Problems.Add(new MlLayoutException("ObjectKeyDuplicate", ErrorKind.InvalidArgument, uri,
                        $"Two of the files given are named '{name}' and would both be '{uri}'; the first is written, '{file}' is not. Write it in a separate run or rename it."));
                    continue;
                }
                // A device or FIFO would be sent without end: refused like every file the module reads.
                try { BoundedFile.RequireRegular(file, "a file to upload"); }
                catch (MlLayoutException notRegular)
                {
                    plan.Problems.Add(notRegular);
                    continue;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { } // reported below
                var info = new FileInfo(file);
                if (!info.Exists)
                {
                    plan.Problems.Add(new MlLayoutException("FileNotFound", ErrorKind.ObjectNotFound, file, $"'{file}' is not a file (it does not exist, or is a directory); nothing was sent for it."));
                    continue;
                }
                if (info.Length > FileUpload.MaxObjectSize)
                {
                    plan.Problems.Add(new MlLayoutException("ObjectTooLarge", ErrorKind.LimitsExceeded, uri, $"'{file}' is {info.Length} bytes; an S3 object holds at most 5 TiB. Split the file."));
                    continue;
                }
                accepted.Add(new ObjectWriteResult
                {
                    Key = key, Uri = uri, Size = info.Length, Format = format, Solution = solution, Folder = path, LocalPath = file,
                });
            }
            // Nothing to send, nothing more to ask: a refused file costs no request beyond the declaration's read.
            if (accepted.Count == 0) return plan;

            var listing = await target.ListAsync(plan.Prefix, delimited: true, cancellation).ConfigureAwait(false);
            var existing = new HashSet<string>(listing.Objects.Select(o => o.Key).Concat(listing.CommonPrefixes.Select(p => p.TrimEnd('/'))), StringComparer.Ordinal);
            foreach (var result in accepted)
            {
                bool exists = existing.Contains(result.Key);
                if (exists && !request.Force)
                {
                    result.Outcome = ObjectWriteOutcome.Skipped;
                    plan._kept.Add(result);
                    continue;
                }
                string action = $"{(exists ? "Overwrite object" : "Write object")} ({Size(result.Size)}, {result.Format})";
                plan.Changes.Add(new PlannedChange(ChangeKind.WriteObject, result.Uri, action, result.Key, solution) { Detail = new PlannedFile(result, exists) });
            }
            plan.Notes.Add($"{accepted.Count} files for {target.Describe(plan.Prefix)} (accepts {contract}): {plan._kept.Count} already there, {plan.Changes.Count} to send ({target.Requests}).");
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>Whether files may lie in the folder itself (its date leaves, when partitioned).</summary>
        private static bool AcceptsFiles(FolderNode node) => node.Contract?.Files ?? true;

        /// <summary>"data/raw", "data/raw/", "data\raw" all name data/raw; "/shared" a bucket-level folder.</summary>
        public static string CheckFolderArgument(string folder)
        {
            string path = (folder ?? "").Replace('\\', '/').Trim();
            bool bucketLevel = path.StartsWith("/", StringComparison.Ordinal);
            path = string.Join("/", path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries));
            if (path.Length == 0)
                throw new MlLayoutException("FolderArgumentInvalid", ErrorKind.InvalidArgument, folder, "-Folder names a folder of the solution's template, such as data/raw (Get-MlLayout lists them).");
            return bucketLevel ? "/" + path : path;
        }

        /// <summary>The key prefix files go under: the folder, and for a date-partitioned folder its date leaf (built, never typed).</summary>
        private static string PrefixFor(FolderNode node, DateTime? date, string solution)
        {
            if (node.Partition == PartitionGranularity.None)
            {
                if (date != null)
                    throw new MlLayoutException("DateNotPartitioned", ErrorKind.InvalidArgument, node.Key,
                        $"'{node.TemplatePath}' of solution '{solution}' is not date-partitioned, so a date has no place in its keys; drop -Date.");
                return node.Key;
            }
            var day = (date ?? DateTime.UtcNow).Date;
            return node.Key + string.Join("/", DatePartitions.Levels(day, node.Partition, node.PartitionStyle)) + "/";
        }

        private static string Size(long bytes) =>
            bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.#} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.#} KiB" : $"{bytes} bytes";

        /// <summary>
        /// Sends the approved files, several at once (each large one in parallel parts), and emits one result per file
        /// as it lands; kept files first. Each write is conditional (If-None-Match: * unless overwriting), so an object
        /// that appeared since the listing is kept too. Audited.
        /// </summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            var audit = new AuditRecord { Template = _template, TemplateVersion = _templateVersion };
            audit.Solutions.Add(_solution);
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                foreach (var kept in _kept) sink.Output(kept);
                if (_kept.Count > 0)
                    sink.Warning($"{_kept.Count} of the files are already in {Target.Describe(Prefix)} and were kept, not sent; add -Force to overwrite them.");
                var files = approved.Where(c => c.Kind == ChangeKind.WriteObject).Select(c => (PlannedFile)c.Detail!).ToList();
                if (files.Count == 0) return;
                var transfer = sink as ITransferSink;
                long total = files.Sum(f => f.Result.Size), sent = 0;
                int done = 0, failed = 0;
                // The files of every bucket of a pipeline share one pool when the command gives one.
                var gate = Context.SharedGate ?? new SemaphoreSlim(Context.Concurrency ?? Target.DefaultConcurrency);
                var writes = files.Select(async file =>
                {
                    var result = file.Result;
                    try { await gate.WaitAsync(cancellation).ConfigureAwait(false); }
                    catch (OperationCanceledException) { lock (audit) audit.KeysNotAttempted.Add(result.Key); throw; }
                    try
                    {
                        var progress = new Relay(bytes =>
                        {
                            long now = Interlocked.Add(ref sent, bytes);
                            transfer?.BytesSent(now, total, Volatile.Read(ref done), files.Count, result.Uri);
                        });
                        var written = await Target.PutFileAsync(result.Key, result.LocalPath, file.Overwrite ? WriteCondition.None : WriteCondition.Absent, progress, cancellation).ConfigureAwait(false);
                        result.ETag = written.ETag;
                        result.Parts = written.Parts;
                        result.Outcome = file.Overwrite ? ObjectWriteOutcome.Overwritten : ObjectWriteOutcome.Written;
                        lock (audit) audit.KeysCreated.Add(result.Key);
                        sink.Output(result);
                    }
                    catch (ObjectChangedException)
                    {
                        // Written by someone else since the listing: theirs is kept, as with any existing object.
                        result.Outcome = ObjectWriteOutcome.Skipped;
                        sink.Output(result);
                        sink.Warning($"'{result.Uri}' was written by someone else while this run was sending it; theirs was kept. Add -Force to overwrite it.");
                    }
                    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                    {
                        lock (audit) audit.KeysInterrupted.Add(result.Key);
                        throw;
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref failed);
                        lock (audit) audit.KeysFailed.Add(result.Key);
                        sink.Error(e as MlLayoutException ?? new MlLayoutException("ObjectWriteFailed", ErrorKind.WriteError, result.Uri,
                            $"Writing '{result.LocalPath}' to '{result.Uri}' failed: {e.GetType().Name}: {e.Message} Run the command again; the files written are kept and skipped.", e));
                    }
                    finally
                    {
                        Interlocked.Increment(ref done);
                        gate.Release();
                    }
                }).ToList();
                try { await Task.WhenAll(writes).ConfigureAwait(false); }
                finally { transfer?.BytesSent(Interlocked.Read(ref sent), total, files.Count, files.Count, ""); }
                if (failed > 0)
                    sink.Warning($"{failed} of {files.Count} files failed; run the command again to send them (the ones written are kept and skipped).");
            }, cancellation, approved);
        }

        /// <summary>Bytes sent, reported on the sending thread (Progress&lt;T&gt; would post them to a context that may not run).</summary>
        private sealed class Relay : IProgress<long>
        {
            private readonly Action<long> _report;
            public Relay(Action<long> report) { _report = report; }
            public void Report(long value) => _report(value);
        }
    }
}
