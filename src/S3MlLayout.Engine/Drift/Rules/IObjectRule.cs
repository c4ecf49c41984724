using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>
    /// One check of one object against its folder's contract (-Scope Objects). A rule is one class in this folder
    /// with its own tests; add it to <see cref="ObjectRules.All"/>. It sees one object at a time and keeps no state,
    /// so it works the same whatever the source (a listing, an inventory report) and however many objects there are.
    /// </summary>
    internal interface IObjectRule
    {
        DriftCategory Category { get; }
        /// <summary>The finding for this object, or null when the rule has nothing to say.</summary>
        DriftFinding? Check(ObjectPlacement placement, FindingFactory findings);
    }

    internal static class ObjectRules
    {
        /// <summary>The rules every object goes through, in this order.</summary>
        public static IReadOnlyList<IObjectRule> All { get; } = new IObjectRule[] { new UnplacedObjectRule(), new PartitionViolationRule(), new FormatViolationRule() };
    }

    /// <summary>Where an object lies in the declared layout: what the object rules judge.</summary>
    internal sealed class ObjectPlacement
    {
        private IReadOnlyList<string>? _datePath;
        private string? _fileName;
        private int _nameStart;

        public ObjectPlacement(ObjectRecord record, string solution, FolderNode folder, IReadOnlyList<string> datePath, string fileName, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder; _datePath = datePath; _fileName = fileName; Folders = folders;
            _nameStart = record.Key.Length - fileName.Length;
        }

        /// <summary>
        /// A placement whose date path and file name are cut out of the key only when a rule asks (a finding, or a
        /// date path the quick check cannot vouch for): most objects never need them.
        /// </summary>
        internal ObjectPlacement(ObjectRecord record, string solution, PlacedFolder folder, int nameStart, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder.Node; Folders = folders; _nameStart = nameStart; _facts = folder;
        }

        /// <summary>
        /// Makes this placement that of another object: the check places millions of objects one after another on a
        /// thread and the rules keep nothing of a placement, so one object serves them all (not when content is read
        /// later, which holds on to its placement).
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        internal ObjectPlacement Reuse(ObjectRecord record, string solution, PlacedFolder folder, int nameStart, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder.Node; Folders = folders; _nameStart = nameStart; _facts = folder;
            _datePath = null; _fileName = null;
            return this;
        }

        // What the rules ask of the folder for every object, worked out once per folder (null for the public constructor).
        private PlacedFolder? _facts;

        public ObjectRecord Object { get; private set; }
        public string Solution { get; private set; }
        /// <summary>The deepest declared folder the object lies in (the solution root when none deeper).</summary>
        public FolderNode Folder { get; private set; }
        /// <summary>For a date-partitioned folder, the levels between the folder and the file name (may be empty); else empty.</summary>
        public IReadOnlyList<string> DatePath => _datePath ??= CutDatePath();
        /// <summary>The last segment of the key.</summary>
        public string FileName => _fileName ??= Object.Key.Substring(_nameStart);
        /// <summary>Where the date path begins in the key (the folder's key length); the file name begins at <see cref="NameStart"/>.</summary>
        internal int DateStart => Folder.Key.Length;
        internal int NameStart => _nameStart;
        /// <summary>The folder's census stage ("data/raw").</summary>
        internal string Stage => _facts?.Stage ?? Folders.StageOf(Folder);
        /// <summary>The solution's declared folders, for fixes that name where the object could go.</summary>
        public SolutionFolders Folders { get; private set; }

        /// <summary>Whether the folder's contract lets files lie in it (in its date leaves when partitioned).</summary>
        public bool FolderTakesFiles => _facts?.TakesFiles ?? Folder.Contract?.Files == true;

        /// <summary>Whether <paramref name="contract"/> accepts the file name's format (as FolderContract.Accepts), read from the key in place.</summary>
        [MethodImpl(HotPath.Optimized)]
        public bool NameAccepted(FolderContract contract)
        {
            if (_facts != null && ReferenceEquals(contract, _facts.Node.Contract)) return _facts.Accepts(Object.KeySpan, _nameStart);
            if (contract.AcceptsAnyFormat) return true;
            string key = Object.Key;
            int nameLength = key.Length - _nameStart;
            var formats = contract.Formats!;
            for (int i = 0; i < formats.Count; i++)
                if (nameLength > formats[i].Length && key.EndsWith(formats[i], StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        private IReadOnlyList<string> CutDatePath()
        {
            string key = Object.Key;
            int start = DateStart;
            if (_nameStart <= start) return Array.Empty<string>();
            var path = new List<string>(3);
            for (int from = start, slash = key.IndexOf('/', start); slash >= 0 && slash < _nameStart; from = slash + 1, slash = key.IndexOf('/', slash + 1))
                path.Add(key.Substring(from, slash - from));
            return path;
        }
    }

    /// <summary>The declared folders of one solution, by key and by parent (date levels left out: they are paths, not folders).</summary>
    internal sealed class SolutionFolders
    {
        private readonly Dictionary<string, FolderNode> _byKey;
        private readonly ILookup<string, FolderNode> _byParent;
        // The same folders found from a key's leading part without cutting it out: placing an object allocates nothing.
        private readonly PrefixMap<PlacedFolder> _locator = new PrefixMap<PlacedFolder>();
        private readonly int _rootHash;
        private readonly PlacedFolder _root;
        private readonly Dictionary<FolderNode, PlacedFolder> _placed = new Dictionary<FolderNode, PlacedFolder>();

        public SolutionFolders(string solution, IEnumerable<FolderNode> nodes)
        {
            Solution = solution;
            var folders = nodes.Where(n => n.Solution == solution && (n.Kind == FolderKind.Folder || n.Kind == FolderKind.Solution)).ToList();
            _byKey = folders.ToDictionary(n => n.Key, StringComparer.Ordinal);
            _byParent = folders.ToLookup(n => n.ParentKey, StringComparer.Ordinal);
            Root = folders.Single(n => n.Kind == FolderKind.Solution);
            foreach (var folder in folders)
            {
                var placed = new PlacedFolder(folder, folder.Key.Length > Root.Key.Length ? folder.Key.Substring(Root.Key.Length).TrimEnd('/') : "");
                _locator.Add(folder.Key, placed);
                _placed[folder] = placed;
            }
            _root = _placed[Root];
            _rootHash = PrefixMap.Extend(PrefixMap.Seed, Root.Key, 0, Root.Key.Length);
        }

        public string Solution { get; }
        public FolderNode Root { get; }
        public IEnumerable<FolderNode> All => _byKey.Values;
        public IEnumerable<FolderNode> Children(FolderNode folder) => _byParent[folder.Key];

        /// <summary>The census stage of a declared folder: its path below the solution root ("data/raw"), "" for the root.</summary>
        public string StageOf(FolderNode folder) => _placed.TryGetValue(folder, out var placed) ? placed.Stage : "";

        /// <summary>The deepest declared folder above a key under the solution root (the root itself when none deeper).</summary>
        public FolderNode Deepest(string key) => DeepestPlaced(key.AsSpan()).Node;

        [MethodImpl(HotPath.Optimized)]
        internal PlacedFolder DeepestPlaced(ReadOnlySpan<char> key)
        {
            var folder = _root;
            int hash = _rootHash, done = Root.Key.Length;
            for (int slash = PrefixMap.IndexOfSlash(key, done); slash >= 0; slash = PrefixMap.IndexOfSlash(key, slash + 1))
            {
                hash = PrefixMap.Extend(hash, key, done, slash + 1);
                done = slash + 1;
                var deeper = _locator.Find(key, done, hash);
                if (deeper == null) break;
                folder = deeper;
            }
            return folder;
        }

        /// <summary>
        /// Places a key: the deepest declared folder above it. Null when the key lies in an undeclared prefix below a
        /// folder that is not date-partitioned (the folder rules report that prefix once: Unexpected, NamingViolation).
        /// </summary>
        public ObjectPlacement? Place(ObjectRecord record) => Place(record, null);

        /// <summary>As <see cref="Place(ObjectRecord)"/>, into <paramref name="reuse"/> when given (see <see cref="ObjectPlacement.Reuse"/>).</summary>
        [MethodImpl(HotPath.Optimized)]
        internal ObjectPlacement? Place(ObjectRecord record, ObjectPlacement? reuse)
        {
            var key = record.KeySpan;
            if (!key.StartsWith(Root.Key.AsSpan())) return null;
            var folder = DeepestPlaced(key);
            int start = folder.Node.Key.Length;
            int last = key.LastIndexOf('/');
            if (last >= start && folder.Node.Partition == PartitionGranularity.None) return null;
            // The date path and the name stay in the key until a rule needs them as strings.
            int nameStart = last < start ? start : last + 1;
            return reuse != null ? reuse.Reuse(record, Solution, folder, nameStart, this) : new ObjectPlacement(record, Solution, folder, nameStart, this);
        }
    }

    /// <summary>
    /// A declared folder with what the object rules ask of it for every object worked out once: whether it takes
    /// files, the formats it accepts as lower-case suffixes, its census stage.
    /// </summary>
    internal sealed class PlacedFolder
    {
        private readonly string[]? _formats; // null: any format

        public PlacedFolder(FolderNode node, string stage)
        {
            Node = node; Stage = stage;
            var contract = node.Contract;
            TakesFiles = contract?.Files == true;
            if (contract != null && !contract.AcceptsAnyFormat)
                _formats = contract.Formats!.Select(f => f.ToLowerInvariant()).ToArray();
            // A format outside ASCII is compared as FolderContract does (culture-free, any case), not by the quick path.
            _ascii = _formats == null || _formats.All(f => f.All(c => c < 128));
        }

        private readonly bool _ascii;
        public FolderNode Node { get; }
        public string Stage { get; }
        public bool TakesFiles { get; }

        /// <summary>Whether the name that begins at <paramref name="nameStart"/> in the key ends in an accepted format (any case), read in place.</summary>
        [MethodImpl(HotPath.Optimized)]
        public bool Accepts(ReadOnlySpan<char> key, int nameStart)
        {
            if (_formats == null) return true;
            int nameLength = key.Length - nameStart;
            for (int i = 0; i < _formats.Length; i++)
            {
                string format = _formats[i];
                if (nameLength <= format.Length) continue;
                if (_ascii ? EndsWithAsciiIgnoreCase(key, format) : key.EndsWith(format.AsSpan(), StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        [MethodImpl(HotPath.Optimized)]
        private static bool EndsWithAsciiIgnoreCase(ReadOnlySpan<char> key, string lowerSuffix)
        {
            int start = key.Length - lowerSuffix.Length;
            for (int i = 0; i < lowerSuffix.Length; i++)
            {
                char c = key[start + i];
                if (c >= 128) return key.EndsWith(lowerSuffix.AsSpan(), StringComparison.OrdinalIgnoreCase); // case rules beyond ASCII
                if (c >= 'A' && c <= 'Z') c = (char)(c | 0x20);
                if (c != lowerSuffix[i]) return false;
            }
            return true;
        }
    }
}
