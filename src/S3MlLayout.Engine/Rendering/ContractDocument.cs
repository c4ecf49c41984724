using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Rendering
{
    /// <summary>
    /// The human-readable document of a solution's folder contracts, which provisioning stores in the bucket: a
    /// Mermaid data-flow diagram (producers → stage → consumers, in the template's stage order; GitHub and Azure DevOps
    /// render it) and one table row per folder with its purpose, formats, producers and consumers.
    /// It is stored under <c>.s3mllayout/contracts/</c>, never under <c>solutions/</c>: a reader of a stage prefix (Athena,
    /// Spark, Hive, pyarrow, a pandas glob of *.parquet) lists only that prefix, so it never meets the document.
    /// </summary>
    public static class ContractDocument
    {
        private const string Prefix = ".s3mllayout/contracts/";

        /// <summary>Where the document of a solution is stored, relative to the bucket root.</summary>
        public static string KeyOf(string solution) => $"{Prefix}{solution}.md";

        /// <summary>The solution a contract document key belongs to; null for any other key.</summary>
        public static string? SolutionOf(string key) =>
            key.StartsWith(Prefix, StringComparison.Ordinal) && key.EndsWith(".md", StringComparison.Ordinal) ? key.Substring(Prefix.Length, key.Length - Prefix.Length - 3) : null;

        /// <summary>The document of a solution provisioned from <paramref name="template"/>, as stored (UTF-8).</summary>
        public static byte[] Bytes(LayoutTemplate template, string solution, IReadOnlyList<string> include) =>
            Encoding.UTF8.GetBytes(Render(solution, template.Name, template.Version,
                LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Include = include })));

        /// <summary>
        /// Renders the document from a solution's expanded nodes (date levels are skipped: they carry their folder's
        /// contract). Every text taken from the template is escaped for where it lands (table cell, Mermaid label).
        /// </summary>
        public static string Render(string solution, string template, string templateVersion, IEnumerable<FolderNode> nodes)
        {
            var folders = nodes.Where(n => n.Kind == FolderKind.Folder && n.Solution == solution && n.Contract != null).ToList();
            string root = $"{LayoutExpander.SolutionsFolder}/{solution}/";
            var text = new StringBuilder();
            text.Append("# Folder contracts of ").Append(CodeSpan(solution)).Append('\n').Append('\n');
            text.Append("Template ").Append(CodeSpan(template)).Append(' ').Append(CodeSpan(templateVersion))
                .Append(". Written by S3MlLayout when the solution was provisioned or updated; `Get-MlLayoutDrift -Scope Objects` checks every object under ")
                .Append(CodeSpan(root)).Append(" against these contracts. Regenerate it with `Update-MlSolution`; edits here change nothing.\n\n");

            var stages = folders.Where(f => HasFlow(f.Contract!)).ToList();
            if (stages.Count > 0)
            {
                text.Append("## Data flow\n\n```mermaid\n").Append(Mermaid(stages, root)).Append("```\n\n");
            }

            text.Append("## Folders\n\n");
            text.Append("| Folder | Purpose | Formats | Files here | Produced by | Consumed by | Triggered by | Triggers | Examples |\n");
            text.Append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            foreach (var folder in folders)
            {
                var contract = folder.Contract!;
                string relative = folder.Key.StartsWith(root, StringComparison.Ordinal) ? folder.Key.Substring(root.Length) : "/" + folder.Key;
                string files = contract.Files == false ? "no, sub-folders only"
                    : folder.Partition != PartitionGranularity.None ? $"yes, under {PartitionLevelsText(folder)}" : "yes";
                text.Append("| ").Append(CodeSpan(relative))
                    .Append(" | ").Append(Cell(folder.Description))
                    .Append(" | ").Append(contract.AcceptsAnyFormat ? "any" : string.Join(", ", contract.Formats!.Select(CodeSpan)))
                    .Append(" | ").Append(Cell(files))
                    .Append(" | ").Append(List(contract.Producers))
                    .Append(" | ").Append(List(contract.Consumers))
                    .Append(" | ").Append(List(contract.TriggeredBy))
                    .Append(" | ").Append(List(contract.Triggers))
                    .Append(" | ").Append(contract.Examples == null ? "" : string.Join(", ", contract.Examples.Select(CodeSpan)))
                    .Append(" |\n");
            }
            return text.ToString();
        }

        private static bool HasFlow(FolderContract contract) =>
            (contract.Producers?.Count ?? 0) + (contract.Consumers?.Count ?? 0) > 0;

        /// <summary>
        /// flowchart LR: each producer and consumer is one node (by name, shared between stages), each stage one
        /// node, in template order; producer --> stage --> consumer. A folder that inherits its parent's producers and
        /// consumers unchanged is not drawn again (the parent stands for it).
        /// </summary>
        private static string Mermaid(IReadOnlyList<FolderNode> stages, string root)
        {
            var text = new StringBuilder("flowchart LR\n");
            var actors = new Dictionary<string, string>(StringComparer.Ordinal);
            string Actor(string name)
            {
                if (!actors.TryGetValue(name, out var id))
                {
                    id = "a" + actors.Count;
                    actors[name] = id;
                    text.Append("  ").Append(id).Append("([\"").Append(MermaidLabel(name)).Append("\"])\n");
                }
                return id;
            }

            var byKey = stages.ToDictionary(s => s.Key, StringComparer.Ordinal);
            int index = 0;
            foreach (var stage in stages)
            {
                var contract = stage.Contract!;
                if (byKey.TryGetValue(stage.ParentKey, out var parent) && SameFlow(parent.Contract!, contract)) continue;
                string id = "s" + index++;
                string label = stage.Key.StartsWith(root, StringComparison.Ordinal) ? stage.Key.Substring(root.Length) : "/" + stage.Key;
                string formats = contract.AcceptsAnyFormat ? "" : "<br/>" + string.Join(" ", contract.Formats!.Select(MermaidLabel));
                text.Append("  ").Append(id).Append("[\"").Append(MermaidLabel(label)).Append(formats).Append("\"]\n");
                // An actor's node is declared on first use, on a line of its own, before its edge.
                foreach (var producer in contract.Producers ?? Array.Empty<string>())
                {
                    string from = Actor(producer);
                    text.Append("  ").Append(from).Append(" --> ").Append(id).Append('\n');
                }
                foreach (var consumer in contract.Consumers ?? Array.Empty<string>())
                {
                    string to = Actor(consumer);
                    text.Append("  ").Append(id).Append(" --> ").Append(to).Append('\n');
                }
            }
            return text.ToString();
        }

        private static bool SameFlow(FolderContract a, FolderContract b) =>
            Same(a.Producers, b.Producers) && Same(a.Consumers, b.Consumers);

        private static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
            (a ?? Array.Empty<string>()).SequenceEqual(b ?? Array.Empty<string>(), StringComparer.Ordinal);

        private static string PartitionLevelsText(FolderNode folder) =>
            folder.PartitionStyle == PartitionStyle.Hive
                ? folder.Partition == PartitionGranularity.Daily ? "year=YYYY/month=MM/day=DD/" : "year=YYYY/month=MM/"
                : folder.Partition == PartitionGranularity.Daily ? "YYYY/MM/DD/" : "YYYY/MM/";

        private static string List(IReadOnlyList<string>? items) => items == null ? "" : string.Join(", ", items.Select(Cell));

        /// <summary>
        /// A Mermaid label inside double quotes: quotes, angle brackets, backticks, '#', ';' and line breaks become
        /// Mermaid's entity codes, so a name can neither end the label nor the code fence, nor inject markup.
        /// </summary>
        internal static string MermaidLabel(string text)
        {
            var result = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"': result.Append("#quot;"); break;
                    case '<': result.Append("#lt;"); break;
                    case '>': result.Append("#gt;"); break;
                    case '#': result.Append("#35;"); break;
                    case '`': result.Append("#96;"); break;
                    case ';': result.Append("#59;"); break;
                    case '&': result.Append("#38;"); break;
                    case '|': result.Append("#124;"); break;
                    case '[': result.Append("#91;"); break;
                    case ']': result.Append("#93;"); break;
                    case '{': result.Append("#123;"); break;
                    case '}': result.Append("#125;"); break;
                    default:
                        if (char.IsControl(c)) result.Append(' ');
                        else result.Append(c);
                        break;
                }
            }
            return result.ToString();
        }

        /// <summary>Text in a Markdown table cell: no raw HTML, no column break, no line break.</summary>
        internal static string Cell(string? text) => MarkdownText.Text(text ?? "");

        /// <summary>Text in a Markdown code span inside a table cell.</summary>
        internal static string CodeSpan(string text) => MarkdownText.Code(text);
    }
}
