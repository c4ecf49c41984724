using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>
    /// Draws folder keys as the reference draws them (seed 000): a root line, then one line per folder with
    /// "├── ", "└── ", "│   " and "    ". Children keep the order in which their keys first appear.
    /// </summary>
    public static class TreeRenderer
    {
        /// <summary>The widest tree column a note is aligned to; a deeper line gets its note two spaces after it.</summary>
        public const int MaxNoteColumn = 72;

        public static IReadOnlyList<string> Render(string rootLabel, IEnumerable<string> folderKeys) => Render(rootLabel, folderKeys, null);

        /// <summary>
        /// The tree with a note beside each folder that has one (Show-MlLayout -Formats: its accepted formats), the
        /// notes aligned in one column after the longest line (up to <see cref="MaxNoteColumn"/>).
        /// </summary>
        public static IReadOnlyList<string> Render(string rootLabel, IEnumerable<string> folderKeys, Func<string, string?>? noteOf)
        {
            var root = new TreeNode("", "");
            foreach (var key in folderKeys)
            {
                var current = root;
                foreach (var segment in key.Split('/').Where(s => s.Length > 0))
                    current = current.Child(segment);
            }
            var lines = new List<(string Line, string? Note)> { (rootLabel, null) };
            Draw(root, "", lines, noteOf);
            if (noteOf == null || lines.All(l => l.Note == null)) return lines.Select(l => l.Line).ToList();
            int column = Math.Min(MaxNoteColumn, lines.Where(l => l.Note != null).Max(l => l.Line.Length));
            return lines.Select(l => l.Note == null ? l.Line : l.Line.PadRight(column) + "  " + l.Note).ToList();
        }

        /// <summary>
        /// What Show-MlLayout -Formats writes beside a folder: its accepted formats (".csv .json", or "any"), or
        /// "folders only" when files may not lie in it; nothing for date levels and for nodes without a contract.
        /// </summary>
        public static string? FormatsNote(FolderNode node)
        {
            if (node.Kind != FolderKind.Folder || node.Contract == null) return null;
            return node.Contract.Files == false ? "folders only" : node.Contract.ToString();
        }

        private static void Draw(TreeNode node, string indent, List<(string, string?)> lines, Func<string, string?>? noteOf)
        {
            for (int i = 0; i < node.Children.Count; i++)
            {
                bool last = i == node.Children.Count - 1;
                var child = node.Children[i];
                lines.Add((indent + (last ? "└── " : "├── ") + child.Name + "/", noteOf?.Invoke(child.Key)));
                Draw(child, indent + (last ? "    " : "│   "), lines, noteOf);
            }
        }

        private sealed class TreeNode
        {
            private readonly Dictionary<string, TreeNode> _byName = new Dictionary<string, TreeNode>();
            public TreeNode(string name, string key) { Name = name; Key = key; }
            public string Name { get; }
            /// <summary>The folder's key as given (solutions/churn/data/), for its note.</summary>
            public string Key { get; }
            public List<TreeNode> Children { get; } = new List<TreeNode>();

            public TreeNode Child(string name)
            {
                if (!_byName.TryGetValue(name, out var child))
                {
                    child = new TreeNode(name, Key + name + "/");
                    _byName[name] = child;
                    Children.Add(child);
                }
                return child;
            }
        }
    }
}
