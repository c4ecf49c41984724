using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift.Sources
{
    /// <summary>
    /// A source that can also answer the folder walk's listings from the objects it read (an inventory report): with
    /// it, -Scope Objects -Inventory sends no listing at all, so its cost no longer follows the declared folders (one
    /// LIST per folder) but the report's size.
    /// </summary>
    public interface IFolderSnapshotSource
    {
        /// <summary>Called before <see cref="IObjectSource.ReadAsync"/>: every current object read is also recorded in <paramref name="folders"/>.</summary>
        void CollectFolders(ReportFolders folders);
    }

    /// <summary>
    /// The bucket's folders as an inventory report shows them, kept to what the folder walk lists: the bucket root,
    /// solutions/, every declared folder, the date levels above a partition's leaves and the way to the reports'
    /// own folder. For each of those it keeps the marker, whether objects lie directly in it and its child prefixes;
    /// for each child, how many objects and bytes lie under it (what -Detailed says of an undeclared prefix). Data
    /// objects below a leaf are counted in their leaf and never kept, so memory follows the layout and the dates,
    /// never the rows. Built from one part per data file (no lock per row), merged as each file checks out.
    /// </summary>
    public sealed class ReportFolders
    {
        private readonly Dictionary<string, PartitionGranularity> _listable = new Dictionary<string, PartitionGranularity>(StringComparer.Ordinal);
        private readonly Dictionary<string, Node> _nodes = new Dictionary<string, Node>(StringComparer.Ordinal);

        /// <param name="declared">The declared folders of every solution checked (and the bucket's own).</param>
        /// <param name="reportsFolder">Where the bucket's own inventory reports land, when in this bucket (e.g. "inventory/"); the way there is listed too.</param>
        public ReportFolders(IEnumerable<FolderNode> declared, string? reportsFolder = null)
        {
            _listable[""] = PartitionGranularity.None;
            _listable[LayoutExpander.SolutionsFolder + "/"] = PartitionGranularity.None;
            foreach (var node in declared)
                if (node.Kind != FolderKind.Partition && node.Key.EndsWith("/", StringComparison.Ordinal))
                    _listable[node.Key] = node.Partition;
            if (!string.IsNullOrEmpty(reportsFolder))
                for (int slash = reportsFolder!.IndexOf('/'); slash >= 0; slash = reportsFolder.IndexOf('/', slash + 1))
                {
                    string way = reportsFolder.Substring(0, slash + 1);
                    if (!_listable.ContainsKey(way)) _listable[way] = PartitionGranularity.None;
                }
        }

        /// <summary>A recorder for one data file's rows (one thread); hand it to <see cref="Merge"/> once the file has checked out.</summary>
        public Part NewPart() => new Part(this);

        /// <summary>Adds what one data file showed.</summary>
        public void Merge(Part part)
        {
            lock (_nodes)
                foreach (var entry in part.Nodes)
                {
                    if (!_nodes.TryGetValue(entry.Key, out var merged)) _nodes[entry.Key] = merged = new Node(entry.Value.Listable, entry.Value.Partition, entry.Value.Level);
                    merged.Add(entry.Value);
                }
        }

        /// <summary>
        /// A delimited listing of <paramref name="prefix"/> as the report shows it: its child prefixes, its marker and at
        /// most one other object directly in it (the walk asks only whether there is a marker and whether it is empty).
        /// </summary>
        public PrefixListing List(string prefix)
        {
            lock (_nodes)
            {
                if (!_nodes.TryGetValue(prefix, out var node)) return new PrefixListing(prefix, Array.Empty<StoredObject>(), Array.Empty<string>());
                var objects = new List<StoredObject>(2);
                if (node.Marker) objects.Add(new StoredObject(prefix, 0));
                if (node.FirstDirect != null) objects.Add(new StoredObject(node.FirstDirect, node.FirstDirectSize));
                var children = node.Children == null ? new List<string>() : node.Children.OrderBy(c => c, StringComparer.Ordinal).ToList();
                return new PrefixListing(prefix, objects, children);
            }
        }

        /// <summary>How many objects (the marker left out) and bytes the report holds under <paramref name="prefix"/>; zeros when it was not recorded.</summary>
        public (long Objects, long Bytes) Measure(string prefix)
        {
            lock (_nodes)
                return _nodes.TryGetValue(prefix, out var node) ? (node.Objects, node.Bytes) : (0L, 0L);
        }

        private const int NotADateLevel = -1;

        private static int LastDateLevel(PartitionGranularity partition) => partition == PartitionGranularity.Daily ? 2 : partition == PartitionGranularity.Monthly ? 1 : 0;

        internal sealed class Node
        {
            public Node(bool listable, PartitionGranularity partition, int level) { Listable = listable; Partition = partition; Level = level; }

            /// <summary>Whether the walk lists this prefix (so its children are kept); else only its counts are.</summary>
            public readonly bool Listable;
            /// <summary>The partition of the declared folder this prefix is, or lies in as a date level.</summary>
            public readonly PartitionGranularity Partition;
            /// <summary>Its date level below a partitioned folder (0 for the year); <see cref="NotADateLevel"/> for a declared folder or another prefix.</summary>
            public readonly int Level;
            public bool Marker;
            public string? FirstDirect;
            public long FirstDirectSize;
            public long Objects;
            public long Bytes;
            public HashSet<string>? Children;

            public void Add(Node other)
            {
                Marker |= other.Marker;
                if (FirstDirect == null && other.FirstDirect != null) { FirstDirect = other.FirstDirect; FirstDirectSize = other.FirstDirectSize; }
                Objects += other.Objects;
                Bytes += other.Bytes;
                if (other.Children != null)
                {
                    Children ??= new HashSet<string>(StringComparer.Ordinal);
                    Children.UnionWith(other.Children);
                }
            }
        }

        /// <summary>
        /// One data file's share. Each key is walked once, '/' by '/', its prefixes found by a hash extended as it goes
        /// (no substring per level, per row); a prefix is cut out of the key once, when first seen.
        /// </summary>
        public sealed class Part
        {
            private readonly ReportFolders _owner;
            private readonly PrefixMap<Node> _map = new PrefixMap<Node>();
            private readonly Node _root;

            internal Part(ReportFolders owner)
            {
                _owner = owner;
                _root = new Node(true, PartitionGranularity.None, NotADateLevel);
                Nodes[""] = _root;
            }

            internal Dictionary<string, Node> Nodes { get; } = new Dictionary<string, Node>(StringComparer.Ordinal);

            /// <summary>Records one current object of the report.</summary>
            public void Add(string key, long size)
            {
                var parent = _root;
                _root.Objects++;
                _root.Bytes += size;
                int hash = PrefixMap<Node>.Seed, done = 0;
                for (int slash = key.IndexOf('/'); slash >= 0; slash = key.IndexOf('/', slash + 1))
                {
                    hash = PrefixMap<Node>.Extend(hash, key, done, slash + 1);
                    done = slash + 1;
                    var node = _map.Find(key, done, hash);
                    if (node == null)
                    {
                        string prefix = key.Substring(0, done);
                        node = NodeFor(prefix, parent);
                        _map.Add(prefix, node);
                        Nodes[prefix] = node;
                        (parent.Children ??= new HashSet<string>(StringComparer.Ordinal)).Add(prefix);
                    }
                    bool itself = done == key.Length;
                    if (itself) node.Marker = true; // a key that ends in '/' is the prefix's marker, listed in it
                    else node.Objects++;
                    node.Bytes += size;
                    if (!node.Listable) return; // nothing below is listed: only this prefix's counts matter
                    if (itself) return;
                    parent = node;
                }
                if (parent.FirstDirect == null) { parent.FirstDirect = key; parent.FirstDirectSize = size; }
            }

            private Node NodeFor(string prefix, Node parent)
            {
                if (_owner._listable.TryGetValue(prefix, out var partition)) return new Node(true, partition, NotADateLevel);
                // A date level below a partitioned folder: listed down to the level above the leaves.
                int level = parent.Level == NotADateLevel ? (parent.Partition != PartitionGranularity.None ? 0 : NotADateLevel) : parent.Level + 1;
                if (level == NotADateLevel) return new Node(false, PartitionGranularity.None, NotADateLevel);
                return new Node(level < LastDateLevel(parent.Partition), parent.Partition, level);
            }
        }
    }
}
