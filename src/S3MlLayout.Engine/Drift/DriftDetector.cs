using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift
{
    public sealed class DriftOptions
    {
        /// <summary>The solutions to check; null checks every declared solution and the bucket root.</summary>
        public IReadOnlyList<string>? Solutions { get; set; }
        /// <summary>Count the objects and bytes under each Unexpected prefix (pages through them).</summary>
        public bool Detailed { get; set; }
        /// <summary>Compare the bucket settings with the declared ones (S3 only).</summary>
        public bool BucketSettings { get; set; } = true;
        /// <summary>Folders (the default) checks the declared tree only; Objects also judges every object under the solutions.</summary>
        public DriftScope Scope { get; set; } = DriftScope.Folders;
        /// <summary>-VerifyContent (with Scope Objects): reads the first bytes of each object (and Parquet's last) to report ContentMismatch.</summary>
        public bool VerifyContent { get; set; }
        /// <summary>Where -Scope Objects reads the objects from; null lists the target (<see cref="ListingSource"/>).</summary>
        public IObjectSource? ObjectSource { get; set; }
        /// <summary>With Scope Objects: counts objects and bytes per solution, stage and storage class (<see cref="Census"/>).</summary>
        public bool TakeCensus { get; set; }
        public int Concurrency { get; set; } = 16;
        /// <summary>A pool of requests shared with other checks (the buckets of one pipeline); null: this check bounds its own to Concurrency.</summary>
        public SemaphoreSlim? SharedGate { get; set; }
        /// <summary>Called (from worker threads) after each listing and each finished solution, for a progress bar.</summary>
        public Action<DriftProgress>? Progress { get; set; }
    }

    /// <summary>How far a drift check has come: a snapshot, never updated after it is handed out.</summary>
    public sealed class DriftProgress
    {
        public DriftProgress(int solutionsChecked, int solutionsTotal, int foldersChecked, long objectsChecked = 0)
        {
            SolutionsChecked = solutionsChecked; SolutionsTotal = solutionsTotal; FoldersChecked = foldersChecked; ObjectsChecked = objectsChecked;
        }

        public int SolutionsChecked { get; }
        public int SolutionsTotal { get; }
        /// <summary>Listings done so far (one per declared folder that exists, plus the bucket root and solutions/).</summary>
        public int FoldersChecked { get; }

        /// <summary>-Scope Objects: objects judged so far.</summary>
        public long ObjectsChecked { get; }

        public override string ToString() => $"{SolutionsChecked} of {SolutionsTotal} solutions, {FoldersChecked} folders" + (ObjectsChecked > 0 ? $", {ObjectsChecked:N0} objects" : "") + " checked";
    }

    /// <summary>
    /// Compares a bucket with what was declared for it. It walks only the declared tree, one Delimiter='/' listing
    /// per existing declared folder (in parallel), goes down a date partition only as far as its date levels, and
    /// never pages through data objects unless asked to size an Unexpected prefix: the cost follows the layout, not
    /// the data. What each difference means is decided by the folder rules in Rules/. With -Scope Objects it also
    /// streams every object under each solution from an <see cref="IObjectSource"/> through the object rules
    /// (<see cref="ObjectDriftCheck"/>).
    /// </summary>
    public sealed class DriftDetector
    {
        private readonly IStorageTarget _target;
        private readonly DriftOptions _options;
        private readonly SemaphoreSlim _gate;
        private readonly Action<DriftFinding> _emit;
        private readonly FindingFactory _findings;
        /// <summary>The solutions checked; null for the whole bucket. Links outside are reported only within them.</summary>
        private HashSet<string>? _checked;
        private int _foldersChecked;
        /// <summary>With -Inventory, once the report is read: the folders as it shows them, which the walk lists instead of the bucket.</summary>
        private ReportFolders? _report;
        private ObjectDriftCheck? _objects;
        private int _solutionsChecked;
        private int _solutionsTotal;

        public DriftDetector(IStorageTarget target, DriftOptions options, Action<DriftFinding> emit)
        {
            _target = target;
            _options = options;
            _gate = options.SharedGate ?? new SemaphoreSlim(Math.Max(1, options.Concurrency));
            _emit = emit;
            _findings = new FindingFactory(target);
            if (options.TakeCensus && options.Scope == DriftScope.Objects) _census = new CensusCounter();
        }

        /// <summary>With <see cref="DriftOptions.TakeCensus"/>: the census of the objects checked, once <see cref="RunAsync"/> has completed.</summary>
        public IReadOnlyList<ObjectCensus> Census =>
            _census?.Rows(_target.Bucket.Name, _options.ObjectSource?.Description ?? "listing", _options.ObjectSource?.AsOf) ?? new List<ObjectCensus>();
        private readonly CensusCounter? _census;

        /// <summary>Requests sent so far (listings, declaration reads, setting reads).</summary>
        public long Requests => _target.Requests.Total;

        /// <summary>Runs the check; findings go to the callback as they are found (from worker threads).</summary>
        public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellation)
        {
            var solutions = _options.Solutions ?? await DeclaredSolutionsAsync(cancellation).ConfigureAwait(false);
            var declarations = await Task.WhenAll(solutions.Select(s => DeclaredLayout.ReadAsync(_target, s, cancellation))).ConfigureAwait(false);
            for (int i = 0; i < solutions.Count; i++)
                if (declarations[i] == null)
                    throw new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, _target.Describe($"solutions/{solutions[i]}/"),
                        $"Solution '{solutions[i]}' has no declared layout in this bucket, so there is nothing to compare it with; provision it with Add-MlSolution first.");

            var checks = new List<Task>();
            _solutionsTotal = solutions.Count;
            bool wholeBucket = _options.Solutions == null;
            _checked = wholeBucket ? null : new HashSet<string>(solutions, StringComparer.Ordinal);
            var expanded = declarations.Select(declared => LayoutExpander.Expand(new LayoutRequest(declared!.ToTemplate()) { Solution = declared.Solution, Include = declared.Include })).ToList();
            var objects = _objects = _options.Scope == DriftScope.Objects
                ? new ObjectDriftCheck(_options.ObjectSource ?? new ListingSource(_target), _findings, ObjectRules.All, _emit, ReportProgress,
                    _options.VerifyContent ? new ContentMismatchRule((key, offset, length, fromEnd, ct) => Guarded(() => _target.ReadRangeAsync(key, offset, length, fromEnd, ct), ct)) : null,
                    _census)
                : null;
            // The bucket declaration is read beside the first listing: it says where inventory reports land.
            // (Only where there are settings: a directory has no inventory.)
            var declaredBucket = wholeBucket && _target.HasSettings ? DeclaredBucket.ReadAsync(_target, cancellation) : Task.FromResult<DeclaredBucket?>(null);
            if (objects != null && _options.ObjectSource is IFolderSnapshotSource snapshot)
            {
                // An inventory report answers the folder walk too: it is read first, once, for every solution, and the
                // walk then lists nothing (its findings come from the report, as the objects' do).
                var folders = new ReportFolders(expanded.SelectMany(n => n), await InventoryFolderHere(declaredBucket).ConfigureAwait(false));
                snapshot.CollectFolders(folders);
                await objects.CheckAsync(declarations.Select((d, i) => (d!.Solution, (IEnumerable<FolderNode>)expanded[i])).ToList(), cancellation).ConfigureAwait(false);
                _report = folders;
            }
            PrefixListing solutionsListing;
            try
            {
                solutionsListing = await List(LayoutExpander.SolutionsFolder + "/", cancellation).ConfigureAwait(false);
            }
            catch (MlLayoutException e) when (e.ErrorId == "PathOutsideBucket")
            {
                // solutions/ itself is a link out of the bucket: that is the finding, and nothing behind it is checked.
                LinkOutside(LayoutExpander.SolutionsFolder + "/");
                return solutions;
            }
            var bucketFolders = new List<FolderNode>();
            // The solutions whose objects are checked by listing, read in one go.
            var objectSolutions = new List<(string, IEnumerable<FolderNode>)>();
            for (int i = 0; i < solutions.Count; i++)
            {
                var declared = declarations[i]!;
                var nodes = expanded[i];
                var tree = new DeclaredTree(nodes.Where(n => n.Solution.Length > 0), declared.ToTemplate().DefaultStyle);
                bucketFolders.AddRange(nodes.Where(n => n.Solution.Length == 0 && bucketFolders.All(b => b.Key != n.Key)));
                string root = $"{LayoutExpander.SolutionsFolder}/{declared.Solution}/";
                if (solutionsListing.LinksOutside.Contains(root)) continue; // reported as LinkOutsideBucket by List
                // One non-delimited paged listing of the whole solution, beside the folder walk (none if nothing is there).
                if (objects != null && _report == null && solutionsListing.CommonPrefixes.Contains(root))
                    objectSolutions.Add((declared.Solution, nodes));
                if (!solutionsListing.CommonPrefixes.Contains(root))
                {
                    MissingSubtree(tree, tree.Node(root), declared.Solution);
                    SolutionDone();
                }
                else
                    checks.Add(CountSolution(Folder(tree, tree.Node(root), declared.Solution, cancellation)));
            }
            if (objects != null && _report == null) checks.Add(objects.CheckAsync(objectSolutions, cancellation));
            bool solutionsMarker = solutionsListing.Objects.Any(o => o.Key == LayoutExpander.SolutionsFolder + "/");
            bool solutionsAnything = solutionsListing.Objects.Count + solutionsListing.CommonPrefixes.Count > 0;
            if (!solutionsMarker && solutions.Count > 0)
                Emit(solutionsAnything ? ImplicitFolderRule.Check(_findings, "", LayoutExpander.SolutionsFolder + "/", marker: false)!
                                       : MissingFolderRule.Check(_findings, "", LayoutExpander.SolutionsFolder + "/"));

            if (wholeBucket)
            {
                // Undeclared solutions, and undeclared or missing folders at the bucket root.
                foreach (var prefix in solutionsListing.CommonPrefixes.Where(p => !solutions.Contains(p.Substring(LayoutExpander.SolutionsFolder.Length + 1).TrimEnd('/'))))
                    checks.Add(Undeclared(prefix, NamingStyle.KebabCase, "", cancellation));
                var rootTree = new DeclaredTree(bucketFolders, NamingStyle.KebabCase);
                var top = await List("", cancellation).ConfigureAwait(false);
                string? reports = await InventoryFolderHere(declaredBucket).ConfigureAwait(false);
                foreach (var prefix in top.CommonPrefixes)
                {
                    if (prefix == LayoutExpander.SolutionsFolder + "/" || prefix == DeclaredLayout.MetadataPrefix) continue;
                    if (reports != null && reports.StartsWith(prefix, StringComparison.Ordinal)) checks.Add(BesideReports(prefix, reports, cancellation));
                    else if (rootTree.Contains(prefix)) checks.Add(Folder(rootTree, rootTree.Node(prefix), "", cancellation));
                    else checks.Add(Undeclared(prefix, NamingStyle.KebabCase, "", cancellation));
                }
                foreach (var node in rootTree.Roots.Where(n => !top.CommonPrefixes.Contains(n.Key) && !top.LinksOutside.Contains(n.Key)))
                    MissingSubtree(rootTree, node, "");
                if (_options.BucketSettings && _target.HasSettings)
                    checks.Add(Settings(declaredBucket, cancellation));
            }
            await Task.WhenAll(checks).ConfigureAwait(false);
            return solutions;
        }

        private Task<IReadOnlyList<string>> DeclaredSolutionsAsync(CancellationToken cancellation) => DeclaredSolutionsAsync(_target, cancellation);

        private async Task CountSolution(Task check)
        {
            try { await check.ConfigureAwait(false); }
            finally { SolutionDone(); }
        }

        private void SolutionDone()
        {
            Interlocked.Increment(ref _solutionsChecked);
            ReportProgress();
        }

        private void ReportProgress() =>
            _options.Progress?.Invoke(new DriftProgress(Volatile.Read(ref _solutionsChecked), _solutionsTotal, Volatile.Read(ref _foldersChecked), _objects?.ObjectsChecked ?? 0));

        /// <summary>The solutions declared in the bucket (.s3mllayout/declared/solutions/*.json): one listing, no reads.</summary>
        internal static async Task<IReadOnlyList<string>> DeclaredSolutionsAsync(IStorageTarget target, CancellationToken cancellation)
        {
            string prefix = DeclaredLayout.MetadataPrefix + "declared/solutions/";
            var listing = await target.ListAsync(prefix, delimited: true, cancellation).ConfigureAwait(false);
            return listing.Objects.Where(o => o.Key.EndsWith(".json", StringComparison.Ordinal))
                .Select(o => o.Key.Substring(prefix.Length, o.Key.Length - prefix.Length - ".json".Length)).ToList();
        }

        private async Task Folder(DeclaredTree tree, FolderNode node, string solution, CancellationToken cancellation)
        {
            var listing = await List(node.Key, cancellation).ConfigureAwait(false);
            bool marker = listing.Objects.Any(o => o.Key == node.Key);
            if (!marker && listing.Objects.Count + listing.CommonPrefixes.Count == 0)
            {
                MissingSubtree(tree, node, solution);
                return;
            }
            Emit(ImplicitFolderRule.Check(_findings, solution, node.Key, marker));

            var children = tree.Children(node.Key);
            var work = new List<Task>();
            foreach (var prefix in listing.CommonPrefixes)
            {
                var declaredChild = children.FirstOrDefault(c => c.Key == prefix);
                if (declaredChild != null) work.Add(Folder(tree, declaredChild, solution, cancellation));
                else if (node.Partition != PartitionGranularity.None) work.Add(PartitionLevel(node, prefix, 0, 0, 0, solution, cancellation));
                else work.Add(Undeclared(prefix, node.Kind == FolderKind.Solution ? tree.DefaultStyle : node.Style, solution, cancellation));
            }
            foreach (var child in children.Where(c => !listing.CommonPrefixes.Contains(c.Key) && !listing.LinksOutside.Contains(c.Key)))
                MissingSubtree(tree, child, solution);
            await Task.WhenAll(work).ConfigureAwait(false);
        }

        /// <summary>Checks one date level and goes down to the next, never below the last (day, or month).</summary>
        private async Task PartitionLevel(FolderNode folder, string prefix, int level, int year, int month, string solution, CancellationToken cancellation)
        {
            string name = prefix.Substring(prefix.TrimEnd('/').LastIndexOf('/') + 1).TrimEnd('/');
            if (Emit(InvalidPartitionRule.Check(_findings, solution, folder, prefix, name, level, year, month))) return;
            int value = PartitionLevels.Value(name);
            int last = folder.Partition == PartitionGranularity.Daily ? 2 : 1;
            if (level == last) return; // a leaf date level: what is inside is data, never listed
            var listing = await List(prefix, cancellation).ConfigureAwait(false);
            await Task.WhenAll(listing.CommonPrefixes.Select(child =>
                PartitionLevel(folder, child, level + 1, level == 0 ? value : year, level == 1 ? value : month, solution, cancellation))).ConfigureAwait(false);
        }

        private async Task Undeclared(string prefix, NamingStyle style, string solution, CancellationToken cancellation)
        {
            string name = prefix.TrimEnd('/').Substring(prefix.TrimEnd('/').LastIndexOf('/') + 1);
            long? count = null, size = null;
            if (_options.Detailed && _report != null)
                (count, size) = _report.Measure(prefix);
            else if (_options.Detailed)
            {
                var everything = await Guarded(() => _target.ListAsync(prefix, delimited: false, cancellation), cancellation).ConfigureAwait(false);
                count = everything.Objects.LongCount(o => o.Key != prefix);
                size = everything.Objects.Sum(o => o.Size);
                // A prefix exists only while an object lies under it; some S3-compatible stores still list prefixes
                // whose objects were deleted (versioned buckets), which the count reveals.
                if (everything.Objects.Count == 0) return;
            }
            if (Emit(NamingViolationRule.Check(_findings, solution, prefix, name, style, count, size))) return;
            Emit(UnexpectedPrefixRule.Check(_findings, solution, prefix, count, size));
        }

        /// <summary>The folder the declared inventory reports land in when that is this bucket (e.g. 'inventory/'); else null.</summary>
        private async Task<string?> InventoryFolderHere(Task<DeclaredBucket?> declaredBucket)
        {
            DeclaredBucket? declared;
            try { declared = await declaredBucket.ConfigureAwait(false); }
            catch (MlLayoutException) { return null; } // a bad declaration is reported by the settings check
            var inventory = declared?.Settings?.Inventory;
            return inventory != null && inventory.LandsIn(_target.Bucket.Name) ? inventory.DestinationFolder : null;
        }

        /// <summary>
        /// A top-level prefix on the way to the inventory reports: the reports' folder is S3's, not the layout's, so it is
        /// not judged; anything beside it on the way down is judged as undeclared.
        /// </summary>
        private async Task BesideReports(string prefix, string reports, CancellationToken cancellation)
        {
            if (prefix == reports) return;
            var listing = await List(prefix, cancellation).ConfigureAwait(false);
            await Task.WhenAll(listing.CommonPrefixes.Select(child => reports.StartsWith(child, StringComparison.Ordinal)
                ? BesideReports(child, reports, cancellation)
                : Undeclared(child, NamingStyle.KebabCase, "", cancellation))).ConfigureAwait(false);
        }

        private async Task Settings(Task<DeclaredBucket?> declaredBucket, CancellationToken cancellation)
        {
            var declared = await declaredBucket.ConfigureAwait(false);
            if (declared?.Settings == null) return;
            var actual = await Guarded(async () => (await _target.ReadSettingsAsync(cancellation, declared.Settings).ConfigureAwait(false))!, cancellation).ConfigureAwait(false);
            foreach (var finding in BucketSettingRule.Check(_findings, declared.Settings, actual)) Emit(finding);
        }

        private void MissingSubtree(DeclaredTree tree, FolderNode node, string solution)
        {
            Emit(MissingFolderRule.Check(_findings, solution, node));
            foreach (var child in tree.Children(node.Key)) MissingSubtree(tree, child, solution);
        }

        /// <summary>Hands a rule's finding on; false when the rule had nothing to say.</summary>
        private bool Emit(DriftFinding? finding)
        {
            if (finding == null) return false;
            // Folders seen in a report are as of the report, as its objects are; settings are always read live.
            if (_report != null && finding.Kind != DriftCategory.BucketSetting)
            {
                finding.ReportDate = _options.ObjectSource!.AsOf;
                finding.Report = _options.ObjectSource.Report;
            }
            _emit(finding);
            return true;
        }

        private async Task<PrefixListing> List(string prefix, CancellationToken cancellation)
        {
            var listing = _report != null ? _report.List(prefix) : await Guarded(() => _target.ListAsync(prefix, delimited: true, cancellation), cancellation).ConfigureAwait(false);
            foreach (var link in listing.LinksOutside) LinkOutside(link);
            Interlocked.Increment(ref _foldersChecked);
            ReportProgress();
            return listing;
        }

        /// <summary>A link out of the bucket (local target), reported wherever a listing meets it, within the solutions checked.</summary>
        private void LinkOutside(string key)
        {
            var parts = key.Split('/');
            string solution = parts.Length > 2 && parts[0] == LayoutExpander.SolutionsFolder ? parts[1] : "";
            if (_checked != null && !_checked.Contains(solution)) return;
            Emit(LinkOutsideBucketRule.Check(_findings, solution, key));
        }

        private async Task<T> Guarded<T>(Func<Task<T>> work, CancellationToken cancellation)
        {
            await _gate.WaitAsync(cancellation).ConfigureAwait(false);
            try { return await work().ConfigureAwait(false); }
            finally { _gate.Release(); }
        }

        /// <summary>The declared folders by key and by parent.</summary>
        private sealed class DeclaredTree
        {
            private readonly Dictionary<string, FolderNode> _byKey;
            private readonly ILookup<string, FolderNode> _byParent;

            public DeclaredTree(IEnumerable<FolderNode> nodes, NamingStyle defaultStyle)
            {
                DefaultStyle = defaultStyle;
                var list = nodes.Where(n => n.Kind != FolderKind.Partition && n.Kind != FolderKind.SolutionsRoot).ToList();
                _byKey = list.ToDictionary(n => n.Key, StringComparer.Ordinal);
                _byParent = list.ToLookup(n => n.ParentKey, StringComparer.Ordinal);
                Roots = list.Where(n => !_byKey.ContainsKey(n.ParentKey)).ToList();
            }

            public IReadOnlyList<FolderNode> Roots { get; }
            /// <summary>The style of undeclared folders directly under the solution root.</summary>
            public NamingStyle DefaultStyle { get; }
            public bool Contains(string key) => _byKey.ContainsKey(key);
            public FolderNode Node(string key) => _byKey[key];
            public IEnumerable<FolderNode> Children(string key) => _byParent[key];
        }
    }
}
