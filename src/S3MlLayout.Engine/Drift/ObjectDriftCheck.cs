using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>
    /// -Scope Objects for one solution: streams every object under the solution's prefix from a source, places each
    /// in the declared tree and runs it through the object rules. Holds one page at a time, never the keys.
    /// </summary>
    internal sealed class ObjectDriftCheck
    {
        private readonly IObjectSource _source;
        private readonly FindingFactory _findings;
        private readonly IReadOnlyList<IObjectRule> _rules;
        private readonly Action<DriftFinding> _emit;
        private readonly Action? _pageDone;
        private readonly ContentMismatchRule? _content;

        /// <param name="content">-VerifyContent: reads the bytes of each object the rules found nothing wrong with the format of; null reads nothing.</param>
        public ObjectDriftCheck(IObjectSource source, FindingFactory findings, IReadOnlyList<IObjectRule> rules, Action<DriftFinding> emit, Action? pageDone = null,
            ContentMismatchRule? content = null)
        {
            _source = source; _findings = findings; _rules = rules; _emit = emit; _pageDone = pageDone; _content = content;
        }

        /// <summary>Objects judged so far (folder markers left out).</summary>
        public long ObjectsChecked => Interlocked.Read(ref _objects);
        private long _objects;

        public Task CheckAsync(string solution, IEnumerable<FolderNode> nodes, CancellationToken cancellation)
        {
            var folders = new SolutionFolders(solution, nodes);
            return _source.ReadAsync(folders.Root.Key, async page =>
            {
                List<Task>? reads = null;
                foreach (var record in page)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (record.IsFolderMarker) continue;
                    Interlocked.Increment(ref _objects);
                    var placement = folders.Place(record);
                    if (placement == null) continue;
                    bool formatWrong = false;
                    foreach (var rule in _rules)
                    {
                        var finding = rule.Check(placement, _findings);
                        if (finding == null) continue;
                        formatWrong |= finding.Kind == DriftCategory.FormatViolation;
                        _emit(finding);
                    }
                    // A file of the wrong format is already reported; its bytes would only say so again.
                    if (_content != null && !formatWrong && ContentMismatchRule.Applies(placement))
                        (reads ??= new List<Task>()).Add(Verify(placement, cancellation));
                }
                // The page's reads run at once (each through the drift's gate) and end before the next page is read: memory stays one page.
                if (reads != null) await Task.WhenAll(reads).ConfigureAwait(false);
                _pageDone?.Invoke();
            }, cancellation);
        }

        private async Task Verify(ObjectPlacement placement, CancellationToken cancellation)
        {
            var finding = await _content!.CheckAsync(placement, _findings, cancellation).ConfigureAwait(false);
            if (finding != null) _emit(finding);
        }
    }
}
