using System;
using System.Collections.Generic;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>Where an object lies in an expanded layout: the deepest declared folder holding it, and the rest of its key.</summary>
    public readonly struct FolderMatch
    {
        public FolderMatch(FolderNode folder, string rest) { Folder = folder; Rest = rest; }
        /// <summary>The deepest folder, solution root or solutions/ node whose key is a prefix of the object's key (never a date level).</summary>
        public FolderNode Folder { get; }
        /// <summary>The object's key after <see cref="Folder"/>'s key: the file name, or for a date-partitioned folder "2024/01/31/file.csv".</summary>
        public string Rest { get; }
        public override string ToString() => Folder.Key + " + " + Rest;
    }

    /// <summary>
    /// Finds, for a key relative to the bucket, the deepest declared folder it lies in, so a contract can be applied
    /// to it. Date levels are skipped on purpose: a date-partitioned folder answers for every date, expanded or not,
    /// and the date path is left in <see cref="FolderMatch.Rest"/> for the caller to check. A lookup costs one
    /// dictionary probe per '/' of the key, whatever the size of the layout.
    /// </summary>
    public sealed class FolderLocator
    {
        private readonly Dictionary<string, FolderNode> _byKey = new Dictionary<string, FolderNode>(StringComparer.Ordinal);

        public FolderLocator(IEnumerable<FolderNode> nodes)
        {
            foreach (var node in nodes)
                if (node.Kind != FolderKind.Partition && !_byKey.ContainsKey(node.Key)) _byKey.Add(node.Key, node);
        }

        /// <summary>The deepest declared folder holding <paramref name="key"/> (an object's key, or a folder key ending in '/'); null when none does.</summary>
        public FolderMatch? Locate(string key)
        {
            // A folder key ('a/b/') lies in its parent: the search starts before its own trailing slash.
            int end = key.EndsWith("/", StringComparison.Ordinal) ? key.Length - 2 : key.Length - 1;
            for (int slash = end < 0 ? -1 : key.LastIndexOf('/', end); slash >= 0; slash = slash == 0 ? -1 : key.LastIndexOf('/', slash - 1))
            {
                if (_byKey.TryGetValue(key.Substring(0, slash + 1), out var folder))
                    return new FolderMatch(folder, key.Substring(slash + 1));
            }
            return null;
        }
    }
}
