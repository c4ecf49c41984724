using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
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
    /// for each child the walk does not list, how many objects and bytes lie under it (what -Detailed says of an
    /// undeclared prefix). Nothing below is kept, so memory follows the layout and the dates, never the rows.
    /// Each prefix is one node, shared by the threads reading data files: found without a lock and without cutting
    /// the key (a hash extended '/' by '/'), created under a lock the first time it is seen. Counts go to one array
    /// per data file, added up as each file checks out, so a file that fails adds nothing.
    /// </summary>
    public sealed class ReportFolders
    {
        private readonly Dictionary<string, (PartitionGranularity Partition, PartitionStyle Style)> _listable = new Dictionary<string, (PartitionGranularity, PartitionStyle)>(StringComparer.Ordinal);
        private readonly object _lock = new object();
        private readonly List<Node> _all = new List<Node>();
        private readonly Node _root;
        // Open addressing, read without a lock: a slot, once set, never changes; growing publishes a new array.
        private Node?[] _slots = new Node?[1024];

        /// <param name="declared">The declared folders of every solution checked (and the bucket's own).</param>
        /// <param name="reportsFolder">Where the bucket's own inventory reports land, when in this bucket (e.g. "inventory/"); the way there is listed too.</param>
        public ReportFolders(IEnumerable<FolderNode> declared, string? reportsFolder = null)
        {
            _listable[LayoutExpander.SolutionsFolder + "/"] = (PartitionGranularity.None, PartitionStyle.Ymd);
            foreach (var node in declared)
                if (node.Kind != FolderKind.Partition && node.Key.EndsWith("/", StringComparison.Ordinal))
                    _listable[node.Key] = (node.Partition, node.PartitionStyle);
            if (!string.IsNullOrEmpty(reportsFolder))
                for (int slash = reportsFolder!.IndexOf('/'); slash >= 0; slash = reportsFolder.IndexOf('/', slash + 1))
                {
                    string way = reportsFolder.Substring(0, slash + 1);
                    if (!_listable.ContainsKey(way)) _listable[way] = (PartitionGranularity.None, PartitionStyle.Ymd);
                }
            _root = new Node("", 0, 0, null, true, PartitionGranularity.None, PartitionStyle.Ymd, NotADateLevel);
            _all.Add(_root);
        }

        /// <summary>Prefixes kept as nodes (a partition's leaves are bits of their parents, not counted here).</summary>
        internal int NodeCount { get { lock (_lock) return _all.Count; } }

        /// <summary>A recorder for one data file's rows (one thread); hand it to <see cref="Merge"/> once the file has checked out.</summary>
        public Part NewPart()
        {
            var part = new Part(this);
            lock (_lock)
            {
                // A merged file's counters serve the next one (sized to the folders seen so far, not grown from scratch
                // for every file: they outlive a young collection and would pile up until a full one).
                if (_spare.Count > 0)
                {
                    var (objects, bytes) = _spare.Pop();
                    part.Objects = objects; part.Bytes = bytes;
                }
                else if (_all.Count > part.Objects.Length)
                {
                    part.Objects = new long[_all.Count * 2];
                    part.Bytes = new long[_all.Count * 2];
                }
            }
            return part;
        }

        private readonly Stack<(long[], long[])> _spare = new Stack<(long[], long[])>();

        /// <summary>Adds what one data file showed.</summary>
        public void Merge(Part part)
        {
            lock (_lock)
            {
                for (int id = 0; id < part.Objects.Length && id < _all.Count; id++)
                {
                    _all[id].Objects += part.Objects[id];
                    _all[id].Bytes += part.Bytes[id];
                }
                Array.Clear(part.Objects, 0, part.Objects.Length);
                Array.Clear(part.Bytes, 0, part.Bytes.Length);
                _spare.Push((part.Objects, part.Bytes));
            }
        }

        /// <summary>
        /// A delimited listing of <paramref name="prefix"/> as the report shows it: its child prefixes, its marker and at
        /// most one other object directly in it (the walk asks only whether there is a marker and whether it is empty).
        /// </summary>
        public PrefixListing List(string prefix)
        {
            var node = prefix.Length == 0 ? _root : Find(prefix.AsSpan(), prefix.Length, HashOf(prefix.AsSpan(), prefix.Length));
            if (node == null) return new PrefixListing(prefix, Array.Empty<StoredObject>(), Array.Empty<string>());
            lock (_lock)
            {
                var objects = new List<StoredObject>(2);
                if (node.Marker) objects.Add(new StoredObject(prefix, 0));
                if (node.FirstDirect != null) objects.Add(new StoredObject(node.FirstDirect, node.FirstDirectSize));
                var children = (node.Children == null ? Enumerable.Empty<string>() : node.Children.Select(c => c.Key))
                    .Concat(LeafNames(node).Select(name => prefix + name + "/")).OrderBy(c => c, StringComparer.Ordinal).ToList();
                return new PrefixListing(prefix, objects, children);
            }
        }

        /// <summary>How many objects (the marker left out) and bytes the report holds under <paramref name="prefix"/>, a prefix the walk does not list; zeros when the report has none.</summary>
        public (long Objects, long Bytes) Measure(string prefix)
        {
            var node = prefix.Length == 0 ? null : Find(prefix.AsSpan(), prefix.Length, HashOf(prefix.AsSpan(), prefix.Length));
            lock (_lock)
                return node != null ? (node.Objects, node.Bytes) : (0L, 0L);
        }

        private const int NotADateLevel = -1;

        private static int LastDateLevel(PartitionGranularity partition) => partition == PartitionGranularity.Daily ? 2 : partition == PartitionGranularity.Monthly ? 1 : 0;

        /// <summary>
        /// The hash of key[0..length): four characters a step (a folder path is hashed once per object, so its cost
        /// counts at millions of rows).
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static int HashOf(ReadOnlySpan<char> key, int length)
        {
            var words = MemoryMarshal.Cast<char, ulong>(key.Slice(0, length & ~3));
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < words.Length; i++) hash = (hash ^ words[i]) * 1099511628211UL;
            for (int i = length & ~3; i < length; i++) hash = (hash ^ key[i]) * 1099511628211UL;
            return (int)(hash ^ (hash >> 29));
        }

        /// <summary>The node of key[0..length), given its hash; null when not seen yet. No lock.</summary>
        [MethodImpl(HotPath.Optimized)]
        private Node? Find(ReadOnlySpan<char> key, int length, int hash)
        {
            var slots = Volatile.Read(ref _slots);
            int mask = slots.Length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                var node = Volatile.Read(ref slots[i]);
                if (node == null) return null;
                if (node.Hash == hash && node.Key.Length == length && node.Key.AsSpan().SequenceEqual(key.Slice(0, length))) return node;
            }
        }

        /// <summary>The node of key[0..length) under <paramref name="parent"/>, made the first time it is seen.</summary>
        private Node GetOrAdd(ReadOnlySpan<char> key, int length, int hash, Node parent)
        {
            lock (_lock)
            {
                var found = Find(key, length, hash);
                if (found != null) return found;
                string prefix = key.Slice(0, length).ToString();
                Node node;
                if (_listable.TryGetValue(prefix, out var declared)) node = new Node(prefix, hash, _all.Count, parent, true, declared.Partition, declared.Style, NotADateLevel);
                else
                {
                    // A date level below a partitioned folder: listed down to the level above the leaves.
                    int level = parent.Level == NotADateLevel ? (parent.Partition != PartitionGranularity.None ? 0 : NotADateLevel) : parent.Level + 1;
                    node = level == NotADateLevel
                        ? new Node(prefix, hash, _all.Count, parent, false, PartitionGranularity.None, PartitionStyle.Ymd, NotADateLevel)
                        : new Node(prefix, hash, _all.Count, parent, level < LastDateLevel(parent.Partition), parent.Partition, parent.Style, level);
                }
                _all.Add(node);
                (parent.Children ??= new List<Node>()).Add(node);
                var slots = _slots;
                if ((_all.Count - 1) * 2 >= slots.Length)
                {
                    var grown = new Node?[slots.Length * 2];
                    foreach (var existing in _all.Skip(1)) Insert(grown, existing);
                    Volatile.Write(ref _slots, grown);
                }
                else Insert(slots, node);
                return node;
            }
        }

        private static void Insert(Node?[] slots, Node node)
        {
            int mask = slots.Length - 1;
            int i = node.Hash & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            Volatile.Write(ref slots[i], node);
        }

        /// <summary>The leaves kept as bits, as names ("05", or "day=05" in Hive style).</summary>
        private static IEnumerable<string> LeafNames(Node node)
        {
            int bits = Volatile.Read(ref node.LeafBits);
            string label = node.Style == PartitionStyle.Hive ? (node.Partition == PartitionGranularity.Daily ? "day=" : "month=") : "";
            for (int n = 1; n <= 31; n++)
                if ((bits & (1 << n)) != 0) yield return label + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// The leaf key[start..end) as a bit of <paramref name="parent"/> when it is written as the partition writes its
        /// leaves ("05" or "day=05", 01 to 31; months 01 to 12); 0 for any other name, which gets a node of its own
        /// (and, being no date, a finding).
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static int LeafBit(Node parent, ReadOnlySpan<char> key, int start, int end)
        {
            if (parent.Style == PartitionStyle.Hive)
            {
                string label = parent.Partition == PartitionGranularity.Daily ? "day=" : "month=";
                if (end - start != label.Length + 2 || !key.Slice(start, label.Length).SequenceEqual(label.AsSpan())) return 0;
                start += label.Length;
            }
            if (end - start != 2) return 0;
            int tens = key[start] - '0', ones = key[start + 1] - '0';
            if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return 0;
            int value = tens * 10 + ones;
            int most = parent.Partition == PartitionGranularity.Daily ? 31 : 12;
            return value >= 1 && value <= most ? 1 << value : 0;
        }

        [MethodImpl(HotPath.Optimized)]
        private void SetLeaf(Node node, int bit)
        {
            if ((Volatile.Read(ref node.LeafBits) & bit) != 0) return;
            lock (_lock) node.LeafBits |= bit;
        }

        private void Direct(Node node, ReadOnlySpan<char> key, long size)
        {
            lock (_lock)
                if (node.FirstDirect == null) { node.FirstDirect = key.ToString(); node.FirstDirectSize = size; }
        }

        private sealed class Node
        {
            public Node(string key, int hash, int id, Node? parent, bool listable, PartitionGranularity partition, PartitionStyle style, int level)
            {
                Key = key; Hash = hash; Id = id; Listable = listable; Partition = partition; Style = style; Level = level;
                // The level above the leaves (a month of a daily partition, a year of a monthly one) keeps its leaves as bits.
                LeafParent = listable && level != NotADateLevel && level == LastDateLevel(partition) - 1;
            }

            public readonly PartitionStyle Style;
            /// <summary>Its children are a partition's leaves (days, or months): their well-formed names are kept as <see cref="LeafBits"/>.</summary>
            public readonly bool LeafParent;
            /// <summary>Bit n set: the leaf n (01 to 31) is there. Leaves are most of a report's folders, so they are bits, not nodes.</summary>
            public int LeafBits;

            public readonly string Key;
            public readonly int Hash;
            public readonly int Id;
            /// <summary>Whether the walk lists this prefix (so its children are kept); else only its counts are.</summary>
            public readonly bool Listable;
            /// <summary>The partition of the declared folder this prefix is, or lies in as a date level.</summary>
            public readonly PartitionGranularity Partition;
            /// <summary>Its date level below a partitioned folder (0 for the year); <see cref="NotADateLevel"/> for a declared folder or another prefix.</summary>
            public readonly int Level;
            public volatile bool Marker;
            public volatile string? FirstDirect;
            public long FirstDirectSize;
            public long Objects;
            public long Bytes;
            public List<Node>? Children;
        }

        /// <summary>One data file's counts, by node.</summary>
        public sealed class Part
        {
            private readonly ReportFolders _owner;

            internal Part(ReportFolders owner) { _owner = owner; }

            internal long[] Objects = new long[256];
            internal long[] Bytes = new long[256];

            /// <summary>
            /// Records one current object of the report. The usual object lies directly in a prefix already seen: one
            /// hash of its folder part and one lookup. Anything else walks the key from the root.
            /// </summary>
            public void Add(string key, long size) => Add(key.AsSpan(), size);

            /// <summary>As <see cref="Add(string, long)"/>, for a key that is not a string (a reused record's chars).</summary>
            [MethodImpl(HotPath.Optimized)]
            internal void Add(ReadOnlySpan<char> key, long size)
            {
                int last = key.LastIndexOf('/');
                if (last < 0) { Direct(_owner._root, key, size); return; }
                if (last < key.Length - 1 && last > 0)
                {
                    // Most objects lie in a partition's leaf (a day): its parent is found and the leaf is a bit there.
                    int before = key.Slice(0, last).LastIndexOf('/');
                    if (before >= 0 && last - before <= 9)
                    {
                        var parent = _owner.Find(key, before + 1, HashOf(key, before + 1));
                        int bit = parent != null && parent.LeafParent ? LeafBit(parent, key, before + 1, last) : 0;
                        if (bit != 0) { _owner.SetLeaf(parent!, bit); return; }
                    }
                }
                if (last < key.Length - 1)
                {
                    var folder = _owner.Find(key, last + 1, HashOf(key, last + 1));
                    if (folder != null)
                    {
                        // A listed prefix has the object directly in it; one the walk does not list counts what lies under it.
                        if (folder.Listable) Direct(folder, key, size);
                        else Count(folder, 1, size);
                        return;
                    }
                }
                Walk(key, size);
            }

            [MethodImpl(HotPath.Optimized)]
            private void Walk(ReadOnlySpan<char> key, long size)
            {
                var parent = _owner._root;
                for (int slash = key.IndexOf('/'), from = 0; slash >= 0; from = slash + 1, slash = PrefixMap.IndexOfSlash(key, slash + 1))
                {
                    int done = slash + 1;
                    if (parent.LeafParent)
                    {
                        // A leaf written as the partition writes it is a bit of its parent, and nothing below it is kept.
                        int bit = LeafBit(parent, key, from, slash);
                        if (bit != 0) { _owner.SetLeaf(parent, bit); return; }
                    }
                    int hash = HashOf(key, done);
                    var node = _owner.Find(key, done, hash) ?? _owner.GetOrAdd(key, done, hash, parent);
                    bool itself = done == key.Length;
                    if (itself) node.Marker = true; // a key that ends in '/' is the prefix's marker, listed in it
                    if (!node.Listable)
                    {
                        Count(node, itself ? 0 : 1, size); // nothing below is listed: only this prefix's counts matter
                        return;
                    }
                    if (itself) return;
                    parent = node;
                }
                Direct(parent, key, size);
            }

            [MethodImpl(HotPath.Optimized)]
            private void Direct(Node node, ReadOnlySpan<char> key, long size)
            {
                if (node.FirstDirect == null) _owner.Direct(node, key, size);
            }

            [MethodImpl(HotPath.Optimized)]
            private void Count(Node node, long objects, long size)
            {
                if (node.Id >= Objects.Length)
                {
                    int length = Math.Max(Objects.Length * 2, node.Id + 1);
                    Array.Resize(ref Objects, length);
                    Array.Resize(ref Bytes, length);
                }
                Objects[node.Id] += objects;
                Bytes[node.Id] += size;
            }
        }
    }
}
