using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>How often a folder is split by date.</summary>
    public enum PartitionGranularity { None, Daily, Monthly }

    /// <summary>How the date levels are spelled: 2024/01/31 (seed 000) or year=2024/month=01/day=31 (Athena/Glue).</summary>
    public enum PartitionStyle { Ymd, Hive }

    /// <summary>How partition styles are written in templates and declarations: "YYYY/MM/DD" and "hive".</summary>
    public static class PartitionStyles
    {
        public static string ToText(PartitionStyle style) => style == PartitionStyle.Hive ? "hive" : "YYYY/MM/DD";

        /// <summary>A template's partitionStyle: YYYY/MM/DD (or ymd), or hive.</summary>
        public static bool TryParse(string? text, out PartitionStyle style)
        {
            style = text == "hive" ? PartitionStyle.Hive : PartitionStyle.Ymd;
            return text == "hive" || text == "YYYY/MM/DD" || text == "ymd";
        }

        /// <summary>The style a declaration names; anything but "hive" is YYYY/MM/DD.</summary>
        public static PartitionStyle Parse(string? text) => text == "hive" ? PartitionStyle.Hive : PartitionStyle.Ymd;
    }

    /// <summary>Where a template node came from, for error messages.</summary>
    public readonly struct SourceLocation
    {
        public SourceLocation(string file, int line, int column) { File = file; Line = line; Column = column; }
        public string File { get; }
        public int Line { get; }
        public int Column { get; }
        public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
    }

    /// <summary>One folder of a template's tree, as declared.</summary>
    public sealed class FolderSpec
    {
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        /// <summary>The style declared on this node; null means inherited from the parent.</summary>
        public NamingStyle? Style { get; set; }
        public PartitionGranularity Partition { get; set; }
        /// <summary>Declared partition spelling; null means the template's default.</summary>
        public PartitionStyle? PartitionStyle { get; set; }
        /// <summary>Optional folders are provisioned only when included (e.g. the bucket-level shared/).</summary>
        public bool Optional { get; set; }
        /// <summary>What the folder accepts and who uses it, as declared here; null inherits everything.</summary>
        public FolderContract? Contract { get; set; }
        public List<FolderSpec> Folders { get; set; } = new List<FolderSpec>();
        internal SourceLocation Location { get; set; }

        public FolderSpec Clone() => new FolderSpec
        {
            Name = Name, Description = Description, Style = Style, Partition = Partition, PartitionStyle = PartitionStyle,
            Optional = Optional, Contract = Contract?.Clone(), Location = Location, Folders = Folders.Select(f => f.Clone()).ToList(),
        };

        public override string ToString() => Name + "/";
    }

    /// <summary>A template's declared rename: the folder at <see cref="From"/> is now called <see cref="To"/>.</summary>
    public sealed class RenameMigration
    {
        public RenameMigration(string from, string to) { From = from; To = to; }
        /// <summary>Path of the old folder, relative to the solution root (a leading '/' means the bucket root).</summary>
        public string From { get; }
        /// <summary>The new name of that folder (same parent).</summary>
        public string To { get; }
        public override string ToString() => $"{From} -> {To}";
    }

    /// <summary>
    /// A named, versioned layout with every extends/add/remove/rename already applied: what provisioning uses.
    /// </summary>
    public sealed class LayoutTemplate
    {
        internal LayoutTemplate(string name, string version, string? description, string? extends, string source, bool isBuiltIn,
            PartitionStyle partitionStyle, IReadOnlyList<FolderSpec> solutionFolders, IReadOnlyList<FolderSpec> bucketFolders,
            IReadOnlyList<RenameMigration> renames, IReadOnlyList<string> includes, string yaml)
        {
            Name = name; Version = version; Description = description; Extends = extends; Source = source; IsBuiltIn = isBuiltIn;
            PartitionStyle = partitionStyle; SolutionFolders = solutionFolders; BucketFolders = bucketFolders;
            Renames = renames; Includes = includes; Yaml = yaml;
        }

        public string Name { get; }
        public string Version { get; }
        public string? Description { get; }
        /// <summary>The template this one extends, as written in its file.</summary>
        public string? Extends { get; }
        /// <summary>The file the template was read from, or 'built-in'.</summary>
        public string Source { get; }
        public bool IsBuiltIn { get; }
        public PartitionStyle PartitionStyle { get; }
        /// <summary>The style of top-level folders that declare none (and so of their sub-folders).</summary>
        public NamingStyle DefaultStyle { get; internal set; } = NamingStyle.KebabCase;
        /// <summary>Folders under solutions/{solution}/.</summary>
        public IReadOnlyList<FolderSpec> SolutionFolders { get; }
        /// <summary>Folders at the bucket root (such as the optional shared/ and client_config/).</summary>
        public IReadOnlyList<FolderSpec> BucketFolders { get; }
        public IReadOnlyList<RenameMigration> Renames { get; }
        /// <summary>Optional folders this template turns on by default (paths such as '/shared').</summary>
        public IReadOnlyList<string> Includes { get; }
        /// <summary>The YAML text the template was read from (of this file only, not of what it extends).</summary>
        public string Yaml { get; }

        public int FolderCount => Count(SolutionFolders);
        public IEnumerable<string> PartitionedFolders => Walk(SolutionFolders, "").Where(p => p.Spec.Partition != PartitionGranularity.None).Select(p => p.Path);

        internal static IEnumerable<(string Path, FolderSpec Spec)> Walk(IEnumerable<FolderSpec> folders, string parent)
        {
            foreach (var folder in folders)
            {
                string path = parent.Length == 0 ? folder.Name : parent + "/" + folder.Name;
                yield return (path, folder);
                foreach (var child in Walk(folder.Folders, path)) yield return child;
            }
        }

        private static int Count(IEnumerable<FolderSpec> folders) => folders.Sum(f => 1 + Count(f.Folders));

        public override string ToString() => $"{Name} {Version}";
    }
}
