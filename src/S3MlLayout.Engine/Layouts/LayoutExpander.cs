using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>What to expand: a template for one solution, optionally with dates and optional folders.</summary>
    public sealed class LayoutRequest
    {
        public LayoutRequest(LayoutTemplate template) { Template = template; }
        public LayoutTemplate Template { get; }
        /// <summary>The solution folder name; defaults to the template name (the reference shows solutions/master-solution/).</summary>
        public string? Solution { get; set; }
        /// <summary>Dates whose partitions are expanded under every date-partitioned folder.</summary>
        public IReadOnlyList<DateTime> Dates { get; set; } = Array.Empty<DateTime>();
        /// <summary>Optional folders to include, as template paths ('/shared'), in addition to the template's own includes.</summary>
        public IReadOnlyList<string> Include { get; set; } = Array.Empty<string>();
        /// <summary>Only the partitions of date-partitioned folders (for Add-MlDatePartition).</summary>
        public bool PartitionsOnly { get; set; }
    }

    /// <summary>Turns a template into folder nodes with keys, in tree order (the template's declared order).</summary>
    public static class LayoutExpander
    {
        public const string SolutionsFolder = Naming.S3KeyRules.SolutionsFolder;

        public static string CheckSolutionName(string solution)
        {
            var problem = S3KeyRules.CheckSegment(solution);
            if (problem != null)
                throw new MlLayoutException("SolutionNameInvalid", ErrorKind.InvalidArgument, solution, $"Solution name is not usable: {problem}.");
            if (!NamingStyles.Matches(solution, NamingStyle.KebabCase))
                throw new MlLayoutException("SolutionNameInvalid", ErrorKind.InvalidArgument, solution,
                    $"Solution name '{solution}' is not kebab-case (lowercase letters and digits joined by hyphens); use '{NamingStyles.Correct(solution, NamingStyle.KebabCase)}'.");
            return solution;
        }

        public static IReadOnlyList<FolderNode> Expand(LayoutRequest request)
        {
            var template = request.Template;
            string solution = CheckSolutionName(request.Solution ?? template.Name);
            var dates = DatePartitions.Normalise(request.Dates);
            // Template paths: '/shared' is at the bucket root, 'data/scratch' under solutions/{solution}/.
            var include = new HashSet<string>(template.Includes.Concat(request.Include).Select(p => p.TrimEnd('/')), StringComparer.Ordinal);
            foreach (var path in include)
            {
                var spec = TemplateCatalog.Find(template.SolutionFolders.ToList(), template.BucketFolders.ToList(), path).Spec;
                if (spec == null || !spec.Optional)
                    throw new MlLayoutException("IncludeUnknown", ErrorKind.InvalidArgument, path,
                        $"'{path}' is not an optional folder of template '{template.Name}'. Optional folders: {string.Join(", ", OptionalPaths(template).DefaultIfEmpty("none"))}.");
            }

            var nodes = new List<FolderNode>();
            var context = new Context(template, solution, dates, include, request.PartitionsOnly, nodes);
            if (!request.PartitionsOnly)
            {
                nodes.Add(new FolderNode { Key = SolutionsFolder + "/", Name = SolutionsFolder, Depth = 1, Kind = FolderKind.SolutionsRoot, Style = NamingStyle.KebabCase, Solution = solution, Template = template.Name, TemplateVersion = template.Version });
                nodes.Add(new FolderNode { Key = $"{SolutionsFolder}/{solution}/", Name = solution, Depth = 2, ParentKey = SolutionsFolder + "/", Kind = FolderKind.Solution, Style = NamingStyle.KebabCase, Solution = solution, Template = template.Name, TemplateVersion = template.Version, Description = template.Description });
            }
            context.AddFolders(template.SolutionFolders, $"{SolutionsFolder}/{solution}/", "", NamingStyle.KebabCase, 3, solution, null);
            context.AddFolders(template.BucketFolders, "", "/", NamingStyle.KebabCase, 1, "", null);
            // Templates from YAML are checked when loaded; this also covers template objects built or changed in a script.
            var reserved = nodes.FirstOrDefault(n => S3KeyRules.IsReserved(n.Key));
            if (reserved != null) throw S3KeyRules.Reserved(reserved.Key, ErrorKind.InvalidData, template.Name);
            return nodes;
        }

        public static IEnumerable<string> OptionalPaths(LayoutTemplate template) =>
            LayoutTemplate.Walk(template.BucketFolders, "").Where(p => p.Spec.Optional).Select(p => "/" + p.Path)
                .Concat(LayoutTemplate.Walk(template.SolutionFolders, "").Where(p => p.Spec.Optional).Select(p => p.Path));

        private sealed class Context
        {
            private readonly LayoutTemplate _template;
            private readonly string _solution;
            private readonly IReadOnlyList<DateTime> _dates;
            private readonly HashSet<string> _include;
            private readonly bool _partitionsOnly;
            private readonly List<FolderNode> _nodes;

            public Context(LayoutTemplate template, string solution, IReadOnlyList<DateTime> dates, HashSet<string> include, bool partitionsOnly, List<FolderNode> nodes)
            {
                _template = template; _solution = solution; _dates = dates; _include = include; _partitionsOnly = partitionsOnly; _nodes = nodes;
            }

            public void AddFolders(IEnumerable<FolderSpec> folders, string parentKey, string parentPath, NamingStyle inherited, int depth, string solution, FolderContract? parentContract)
            {
                foreach (var spec in folders)
                {
                    string path = parentPath.Length == 0 || parentPath == "/" ? parentPath + spec.Name : parentPath + "/" + spec.Name;
                    if (spec.Optional && !_include.Contains(path)) continue;
                    var style = spec.Style ?? inherited;
                    string key = parentKey + spec.Name + "/";
                    CheckKey(key);
                    var partitionStyle = spec.PartitionStyle ?? _template.PartitionStyle;
                    var contract = FolderContract.Resolve(spec.Contract, parentContract, spec.Folders.Count > 0, spec.Partition != PartitionGranularity.None);
                    if (!_partitionsOnly)
                        _nodes.Add(new FolderNode
                        {
                            Key = key, Name = spec.Name, Depth = depth, ParentKey = parentKey, Kind = FolderKind.Folder, Style = style,
                            Partition = spec.Partition, PartitionStyle = partitionStyle, Description = spec.Description, Optional = spec.Optional,
                            Solution = solution, Template = _template.Name, TemplateVersion = _template.Version, TemplatePath = path,
                            Contract = contract,
                        });
                    // The reference lists a folder's date levels before its other children (raw/2024/... then raw/archive/).
                    if (spec.Partition != PartitionGranularity.None) AddPartitions(spec, key, depth, style, partitionStyle, solution, path, contract);
                    AddFolders(spec.Folders, key, path, style, depth + 1, solution, contract);
                }
            }

            private void AddPartitions(FolderSpec spec, string key, int depth, NamingStyle style, PartitionStyle partitionStyle, string solution, string path, FolderContract contract)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var date in _dates)
                {
                    var levels = DatePartitions.Levels(date, spec.Partition, partitionStyle);
                    string parent = key;
                    for (int i = 0; i < levels.Count; i++)
                    {
                        string levelKey = parent + levels[i] + "/";
                        if (seen.Add(levelKey))
                        {
                            CheckKey(levelKey);
                            var first = i == 0 ? new DateTime(date.Year, 1, 1) : i == 1 ? new DateTime(date.Year, date.Month, 1) : date;
                            _nodes.Add(new FolderNode
                            {
                                Key = levelKey, Name = levels[i], Depth = depth + i + 1, ParentKey = parent, Kind = FolderKind.Partition, Style = style,
                                Partition = spec.Partition, PartitionStyle = partitionStyle, Solution = solution, Template = _template.Name,
                                TemplateVersion = _template.Version, TemplatePath = path, Date = first, Contract = contract,
                            });
                        }
                        parent = levelKey;
                    }
                }
            }

            private static void CheckKey(string key)
            {
                var problem = S3KeyRules.CheckKey(key);
                if (problem != null)
                    throw new MlLayoutException("KeyTooLong", ErrorKind.InvalidArgument, key, $"The folder key '{key}' cannot be stored: {problem}. Use a shorter solution name.");
            }
        }
    }
}
