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
        public ObjectPlacement(ObjectRecord record, string solution, FolderNode folder, IReadOnlyList<string> datePath, string fileName, SolutionFolders folders)
        {
            Object = record; Solution = solution; Folder = folder; DatePath = datePath; FileName = fileName; Folders = folders;
        }

        public ObjectRecord Object { get; }
        public string Solution { get; }
        /// <summary>The deepest declared folder the object lies in (the solution root when none deeper).</summary>
        public FolderNode Folder { get; }
        /// <summary>For a date-partitioned folder, the levels between the folder and the file name (may be empty); else empty.</summary>
        public IReadOnlyList<string> DatePath { get; }
        /// <summary>The last segment of the key.</summary>
        public string FileName { get; }
        /// <summary>The solution's declared folders, for fixes that name where the object could go.</summary>
        public SolutionFolders Folders { get; }

        /// <summary>Whether the folder's contract lets files lie in it (in its date leaves when partitioned).</summary>
        public bool FolderTakesFiles => Folder.Contract?.Files == true;
    }

    /// <summary>The declared folders of one solution, by key and by parent (date levels left out: they are paths, not folders).</summary>
    internal sealed class SolutionFolders
    {
        private readonly Dictionary<string, FolderNode> _byKey;
        private readonly ILookup<string, FolderNode> _byParent;

        public SolutionFolders(string solution, IEnumerable<FolderNode> nodes)
        {
            Solution = solution;
            var folders = nodes.Where(n => n.Solution == solution && (n.Kind == FolderKind.Folder || n.Kind == FolderKind.Solution)).ToList();
            _byKey = folders.ToDictionary(n => n.Key, StringComparer.Ordinal);
            _byParent = folders.ToLookup(n => n.ParentKey, StringComparer.Ordinal);
            Root = folders.Single(n => n.Kind == FolderKind.Solution);
        }

        public string Solution { get; }
        public FolderNode Root { get; }
        public IEnumerable<FolderNode> All => _byKey.Values;
        public IEnumerable<FolderNode> Children(FolderNode folder) => _byParent[folder.Key];

        /// <summary>The deepest declared folder above a key under the solution root (the root itself when none deeper).</summary>
        public FolderNode Deepest(string key)
        {
            var folder = Root;
            for (int slash = key.IndexOf('/', Root.Key.Length); slash >= 0; slash = key.IndexOf('/', slash + 1))
            {
                if (!_byKey.TryGetValue(key.Substring(0, slash + 1), out var deeper)) break;
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
            var rest = key.Substring(folder.Key.Length).Split('/');
            string name = rest[rest.Length - 1];
            if (rest.Length == 1) return new ObjectPlacement(record, Solution, folder, Array.Empty<string>(), name, this);
            if (folder.Partition == PartitionGranularity.None) return null;
            return new ObjectPlacement(record, Solution, folder, rest.Take(rest.Length - 1).ToList(), name, this);
        }
    }
}
