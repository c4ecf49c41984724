using System;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>What a node of an expanded layout is.</summary>
    public enum FolderKind
    {
        /// <summary>The solutions/ folder at the bucket root.</summary>
        SolutionsRoot,
        /// <summary>solutions/{solution}/.</summary>
        Solution,
        /// <summary>A folder declared by the template.</summary>
        Folder,
        /// <summary>A date level (2024/, 2024/01/, 2024/01/31/) under a date-partitioned folder.</summary>
        Partition,
    }

    /// <summary>
    /// One folder of a layout, with its key relative to the bucket root. Produced by Get-MlLayout, consumed by
    /// New-MlFolder, Show-MlLayout and the drift check; plain data, so it serialises cleanly to JSON.
    /// </summary>
    public sealed class FolderNode
    {
        /// <summary>Key relative to the bucket root, ending in '/': solutions/customer-churn/data/raw/.</summary>
        public string Key { get; set; } = "";
        public string Name { get; set; } = "";
        /// <summary>Number of path segments: solutions/ is 1, solutions/{solution}/ is 2, its top folders 3.</summary>
        public int Depth { get; set; }
        /// <summary>Key of the parent folder; empty at the bucket root.</summary>
        public string ParentKey { get; set; } = "";
        public FolderKind Kind { get; set; }
        public NamingStyle Style { get; set; }
        /// <summary>For a date-partitioned folder, how often it is split; for a Partition node, the granularity it belongs to.</summary>
        public PartitionGranularity Partition { get; set; }
        public PartitionStyle PartitionStyle { get; set; }
        public string? Description { get; set; }
        public bool Optional { get; set; }
        /// <summary>The solution the node belongs to; empty for bucket-level folders.</summary>
        public string Solution { get; set; } = "";
        public string Template { get; set; } = "";
        public string TemplateVersion { get; set; } = "";
        /// <summary>Path within the template (data/raw, or /shared for bucket-level folders); empty for generated nodes.</summary>
        public string TemplatePath { get; set; } = "";
        /// <summary>For Partition nodes, the first day the level stands for.</summary>
        public DateTime? Date { get; set; }
        /// <summary>
        /// The folder's effective contract (what it accepts, who produces and consumes it), inheritance applied; date
        /// levels carry their folder's. Null for solutions/ and the solution root, which hold folders only.
        /// </summary>
        public FolderContract? Contract { get; set; }

        public override string ToString() => Key;
    }
}
