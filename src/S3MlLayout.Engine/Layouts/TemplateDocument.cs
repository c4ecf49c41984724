using System.Collections.Generic;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>What one YAML template file says, before what it extends is merged in.</summary>
    internal sealed class TemplateDocument
    {
        public string File = "";
        public string Yaml = "";
        public string Name = "";
        public string Version = "";
        public string? Description;
        public string? Extends;
        public SourceLocation ExtendsLocation;
        public NamingStyle? Style;
        public PartitionStyle? PartitionStyle;
        public List<FolderSpec>? Folders;
        public List<FolderSpec>? BucketFolders;
        public List<(string Under, List<FolderSpec> Folders, SourceLocation Location)> Add = new List<(string, List<FolderSpec>, SourceLocation)>();
        public List<(string Path, SourceLocation Location)> Remove = new List<(string, SourceLocation)>();
        public List<(RenameMigration Rename, SourceLocation Location)> Rename = new List<(RenameMigration, SourceLocation)>();
        /// <summary>'contracts:': contract keys laid over the folder at each path once the tree is resolved.</summary>
        public List<(string Path, FolderContract Contract, SourceLocation Location)> Contracts = new List<(string, FolderContract, SourceLocation)>();
        public List<(string Path, SourceLocation Location)> Include = new List<(string, SourceLocation)>();
    }
}
