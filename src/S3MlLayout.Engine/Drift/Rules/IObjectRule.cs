using System;
using System.Collections.Generic;
using System.Linq;
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
        private readonly int _nameStart;

        public ObjectPlacement(ObjectRecord record, string solution, FolderNode folder, IReadOnlyList<string> datePath, string fileName, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder; _datePath = datePath; _fileName = fileName; Folders = folders;
            _nameStart = record.Key.Length - fileName.Length;
        }

        /// <summary>
        /// A placement whose date path and file name are cut out of the key only when a rule asks (a finding, or a
        /// date path the quick check cannot vouch for): most objects never need them.
        /// </summary>
        internal ObjectPlacement(ObjectRecord record, string solution, FolderNode folder, int nameStart, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder; Folders = folders; _nameStart = nameStart;
        }

        public ObjectRecord Object { get; }
        public string Solution { get; }
        /// <summary>The deepest declared folder the object lies in (the solution root when none deeper).</summary>
        public FolderNode Folder { get; }
        /// <summary>For a date-partitioned folder, the levels between the folder and the file name (may be empty); else empty.</summary>
        public IReadOnlyList<string> DatePath => _datePath ??= CutDatePath();
        /// <summary>The last segment of the key.</summary>
        public string FileName => _fileName ??= Object.Key.Substring(_nameStart);
        /// <summary>Where the date path begins in the key (the folder's key length); the file name begins at <see cref="NameStart"/>.</summary>
        internal int DateStart => Folder.Key.Length;
        internal int NameStart => _nameStart;
        /// <summary>The solution's declared folders, for fixes that name where the object could go.</summary>
        public SolutionFolders Folders { get; }

        /// <summary>Whether the folder's contract lets files lie in it (in its date leaves when partitioned).</summary>
        public bool FolderTakesFiles => Folder.Contract?.Files == true;

        /// <summary>Whether <paramref name="contract"/> accepts the file name's format (as FolderContract.Accepts), read from the key in place.</summary>
        public bool NameAccepted(FolderContract contract)
        {
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
        private readonly PrefixMap<FolderNode> _locator = new PrefixMap<FolderNode>();
        private readonly int _rootHash;
        private readonly Dictionary<FolderNode, string> _stages = new Dictionary<FolderNode, string>();

        public SolutionFolders(string solution, IEnumerable<FolderNode> nodes)
        {
            Solution = solution;
            var folders = nodes.Where(n => n.Solution == solution && (n.Kind == FolderKind.Folder || n.Kind == FolderKind.Solution)).ToList();
            _byKey = folders.ToDictionary(n => n.Key, StringComparer.Ordinal);
            _byParent = folders.ToLookup(n => n.ParentKey, StringComparer.Ordinal);
            Root = folders.Single(n => n.Kind == FolderKind.Solution);
            foreach (var folder in folders)
            {
                _locator.Add(folder.Key, folder);
                _stages[folder] = folder.Key.Length > Root.Key.Length ? folder.Key.Substring(Root.Key.Length).TrimEnd('/') : "";
            }
            _rootHash = PrefixMap<FolderNode>.Extend(PrefixMap<FolderNode>.Seed, Root.Key, 0, Root.Key.Length);
        }

        public string Solution { get; }
        public FolderNode Root { get; }
        public IEnumerable<FolderNode> All => _byKey.Values;
        public IEnumerable<FolderNode> Children(FolderNode folder) => _byParent[folder.Key];

        /// <summary>The census stage of a declared folder: its path below the solution root ("data/raw"), "" for the root.</summary>
        public string StageOf(FolderNode folder) => _stages.TryGetValue(folder, out var stage) ? stage : "";

        /// <summary>The deepest declared folder above a key under the solution root (the root itself when none deeper).</summary>
        public FolderNode Deepest(string key)
        {
            var folder = Root;
            int hash = _rootHash, done = Root.Key.Length;
            for (int slash = key.IndexOf('/', Root.Key.Length); slash >= 0; slash = key.IndexOf('/', slash + 1))
            {
                hash = PrefixMap<FolderNode>.Extend(hash, key, done, slash + 1);
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
        public ObjectPlacement? Place(ObjectRecord record)
        {
            string key = record.Key;
            if (!key.StartsWith(Root.Key, StringComparison.Ordinal)) return null;
            var folder = Deepest(key);
            int start = folder.Key.Length;
            int last = key.LastIndexOf('/');
            if (last >= start && folder.Partition == PartitionGranularity.None) return null;
            // The date path and the name stay in the key until a rule needs them as strings.
            return new ObjectPlacement(record, Solution, folder, last < start ? start : last + 1, this);
        }
    }
}
