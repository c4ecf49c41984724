using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>
    /// -Scope Objects: streams every object under the solutions' prefixes from a source (one read for all of them),
    /// places each in its solution's declared tree and runs it through the object rules. Holds one page at a time,
    /// never the keys. Findings carry the source's report and date; a source that vouches for its objects only at
    /// its end (an inventory report) has its findings held until then, so a report that fails reports nothing.
    /// </summary>
    internal sealed class ObjectDriftCheck
    {
        private readonly IObjectSource _source;
        private readonly FindingFactory _findings;
        // An array, not the IReadOnlyList it came as: an array behind that interface costs a slow call per Count and per
        // item, three rules an object, millions of objects.
        private readonly IObjectRule[] _rules;
        private readonly Action<DriftFinding> _emit;
        private readonly Action? _pageDone;
        private readonly ContentMismatchRule? _content;
        private readonly CensusCounter? _census;
        private readonly ConcurrentQueue<DriftFinding>? _held;

        /// <param name="content">-VerifyContent: reads the bytes of each object the rules found nothing wrong with the format of; null reads nothing.</param>
        /// <param name="census">Counts objects and bytes per solution, stage and storage class; null counts nothing.</param>
        public ObjectDriftCheck(IObjectSource source, FindingFactory findings, IReadOnlyList<IObjectRule> rules, Action<DriftFinding> emit, Action? pageDone = null,
            ContentMismatchRule? content = null, CensusCounter? census = null)
        {
            _source = source; _findings = findings; _rules = rules.ToArray(); _emit = emit; _pageDone = pageDone; _content = content; _census = census;
            if (source.VouchesAtEnd) _held = new ConcurrentQueue<DriftFinding>();
        }

        /// <summary>Objects judged so far (folder markers left out).</summary>
        public long ObjectsChecked => Interlocked.Read(ref _objects);
        private long _objects;

        public Task CheckAsync(string solution, IEnumerable<FolderNode> nodes, CancellationToken cancellation) =>
            CheckAsync(new[] { (solution, nodes) }, cancellation);

        public async Task CheckAsync(IReadOnlyList<(string Solution, IEnumerable<FolderNode> Nodes)> solutions, CancellationToken cancellation)
        {
            // A report is read even for no solution: it answers the folder walk too.
            if (solutions.Count == 0 && !(_source is IFolderSnapshotSource)) return;
            var byRoot = new PrefixMap<SolutionFolders>();
            var roots = new List<string>();
            var byIndex = new List<SolutionFolders>();
            foreach (var s in solutions)
            {
                var folders = new SolutionFolders(s.Solution, s.Nodes);
                byRoot.Add(folders.Root.Key, folders);
                roots.Add(folders.Root.Key);
                byIndex.Add(folders);
            }
            await _source.ReadAsync(roots, async page =>
            {
                var reads = Judge(page, byIndex, byRoot, cancellation);
                // The page's reads run at once (each through the drift's gate) and end before the next page is read: memory stays one page.
                if (reads != null) await Task.WhenAll(reads).ConfigureAwait(false);
                _pageDone?.Invoke();
            }, cancellation).ConfigureAwait(false);
            // The source has vouched for everything it handed over: what was held goes out, in the order it was found.
            if (_held != null)
                while (_held.TryDequeue(out var finding)) _emit(finding);
        }

        /// <summary>Places and judges one page of objects; returns the content reads it started (-VerifyContent), or null.</summary>
        private List<Task>? Judge(IReadOnlyList<ObjectRecord> page, List<SolutionFolders> byIndex, PrefixMap<SolutionFolders> byRoot, CancellationToken cancellation)
        {
            List<Task>? reads = null;
            long judged = 0;
            // One placement for the page's objects unless content is read (a read holds on to its placement).
            ObjectPlacement? reused = null;
            for (int i = 0; i < page.Count; i++)
            {
                var record = page[i];
                cancellation.ThrowIfCancellationRequested();
                if (record.IsFolderMarker) continue;
                // The source says which prefix it read the object for; else it is looked up.
                int prefix = record.PrefixIndex;
                var folders = prefix >= 0 && prefix < byIndex.Count ? byIndex[prefix] : byRoot.FindFirst(record.KeySpan);
                if (folders == null) continue;
                judged++;
                var placement = folders.Place(record, reused);
                if (_content == null) reused = placement ?? reused;
                _census?.Add(folders.Solution, placement != null ? placement.Stage : folders.DeepestPlaced(record.KeySpan).Stage, record.StorageClass, record.Size);
                if (placement == null) continue;
                bool formatWrong = false;
                for (int r = 0; r < _rules.Length; r++)
                {
                    var finding = _rules[r].Check(placement, _findings);
                    if (finding == null) continue;
                    formatWrong |= finding.Kind == DriftCategory.FormatViolation;
                    Emit(finding);
                }
                // A file of the wrong format is already reported; its bytes would only say so again.
                if (_content != null && !formatWrong && ContentMismatchRule.Applies(placement))
                    (reads ??= new List<Task>()).Add(Verify(placement, cancellation));
            }
            // Counted once per page: pages from several data files arrive at once, and a shared counter per object would have them queue on it.
            Interlocked.Add(ref _objects, judged);
            return reads;
        }

        private void Emit(DriftFinding finding)
        {
            finding.ReportDate = _source.AsOf;
            finding.Report = _source.Report;
            if (_held != null) _held.Enqueue(finding);
            else _emit(finding);
        }

        private async Task Verify(ObjectPlacement placement, CancellationToken cancellation)
        {
            var finding = await _content!.CheckAsync(placement, _findings, cancellation).ConfigureAwait(false);
            if (finding != null) Emit(finding);
        }
    }
}
