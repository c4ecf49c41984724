using System.Collections.Generic;
using System.Linq;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>
    /// Draws folder keys as the reference draws them (seed 000): a root line, then one line per folder with
    /// "├── ", "└── ", "│   " and "    ". Children keep the order in which their keys first appear.
    /// </summary>
    public static class TreeRenderer
    {
        public static IReadOnlyList<string> Render(string rootLabel, IEnumerable<string> folderKeys)
        {
            var root = new TreeNode("");
            foreach (var key in folderKeys)
            {
                var current = root;
                foreach (var segment in key.Split('/').Where(s => s.Length > 0))
                    current = current.Child(segment);
            }
            var lines = new List<string> { rootLabel };
            Draw(root, "", lines);
            return lines;
        }

        private static void Draw(TreeNode node, string indent, List<string> lines)
        {
            for (int i = 0; i < node.Children.Count; i++)
            {
                bool last = i == node.Children.Count - 1;
                var child = node.Children[i];
                lines.Add(indent + (last ? "└── " : "├── ") + child.Name + "/");
                Draw(child, indent + (last ? "    " : "│   "), lines);
            }
        }

        private sealed class TreeNode
        {
            private readonly Dictionary<string, TreeNode> _byName = new Dictionary<string, TreeNode>();
            public TreeNode(string name) { Name = name; }
            public string Name { get; }
            public List<TreeNode> Children { get; } = new List<TreeNode>();

            public TreeNode Child(string name)
            {
                if (!_byName.TryGetValue(name, out var child))
                {
                    child = new TreeNode(name);
                    _byName[name] = child;
                    Children.Add(child);
                }
                return child;
            }
        }
    }
}
