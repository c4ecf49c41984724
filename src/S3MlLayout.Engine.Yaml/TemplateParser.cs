using System;
using System.Collections.Generic;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// Reads a template file through YamlDotNet's node model, so that every error can name its file, line and column.
    /// The format is documented in docs/templates.md.
    /// </summary>
    internal static class TemplateParser
    {
        private static readonly Regex VersionPattern = new Regex(@"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex TemplateNamePattern = new Regex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant);

        internal static readonly string[] TopKeys = { "name", "version", "description", "extends", "style", "partitionStyle", "folders", "bucketFolders", "add", "remove", "rename", "include", "contracts" };
        // A folder's contract keys (docs/contracts.md): on a folder entry, or under a path of 'contracts:'.
        internal static readonly string[] ContractKeys = { "formats", "files", "producers", "consumers", "triggeredBy", "triggers", "examples" };
        internal static readonly string[] FolderKeys = new[] { "name", "description", "style", "partition", "partitionStyle", "optional", "folders" }.Concat(ContractKeys).ToArray();
        private static readonly string[] AddKeys = { "under", "folders" };
        private static readonly string[] RenameKeys = { "from", "to" };

        public static TemplateDocument Parse(string yaml, string file)
        {
            // Characters never outnumber UTF-8 bytes, so the byte count is needed only below the limit.
            if (yaml.Length > TemplateLimits.MaxFileBytes || Encoding.UTF8.GetByteCount(yaml) > TemplateLimits.MaxFileBytes)
                throw TooLarge(file, Encoding.UTF8.GetByteCount(yaml));

            var stream = new YamlStream();
            var parser = new BoundedYamlParser(yaml, file);
            try
            {
                stream.Load(parser);
            }
            catch (Exception e) when (!(e is MlLayoutException) && !(e is OutOfMemoryException))
            {
                // YamlDotNet's own errors, and the plain exceptions its scanner throws for some malformed input (issue 7:
                // InvalidOperationException for 'folders: [raw' followed by a block item): YAML errors both.
                throw parser.SyntaxError(e);
            }
            if (stream.Documents.Count != 1 || !(stream.Documents[0].RootNode is YamlMappingNode root))
                throw new TemplateException("TemplateYamlInvalid", file, 1, 1, "a template file holds one YAML mapping (name:, version:, folders: ...); see docs/templates.md.");

            return ParseMapping(root, file, yaml);
        }

        /// <summary>
        /// A template given as a mapping node of some file: a template file's root, or an inline template of a tenant
        /// file (whose errors then point into the tenant file, and whose extends resolves beside it).
        /// </summary>
        internal static TemplateDocument ParseMapping(YamlMappingNode root, string file, string yaml)
        {
            var doc = new TemplateDocument { File = file, Yaml = yaml };
            var budget = new FolderBudget();
            if (ContentFreeErrors.HasNoKnownKey(root, TopKeys))
                throw new TemplateException("TemplateFileUnrecognized", file, (int)root.Start.Line, (int)root.Start.Column,
                    $"this is not a template: none of its top-level keys is a template key ({string.Join(", ", TopKeys)}). Nothing of its content is shown; " +
                    "check that the path names a template file (docs/templates.md).");
            CheckKeys(root, TopKeys, file, "template");

            var nameNode = Require(root, "name", file);
            doc.Name = Scalar(nameNode, file, "name");
            if (!TemplateNamePattern.IsMatch(doc.Name))
                throw Error("TemplateInvalidValue", file, nameNode, $"template name '{doc.Name}' must be kebab-case (lowercase letters and digits joined by hyphens), e.g. 'acme-churn'.");

            var versionNode = Require(root, "version", file);
            doc.Version = Scalar(versionNode, file, "version");
            if (!VersionPattern.IsMatch(doc.Version))
                throw Error("TemplateInvalidValue", file, versionNode, $"version '{doc.Version}' is not MAJOR.MINOR.PATCH (e.g. 1.2.0).");

            if (Get(root, "description") is YamlNode description) doc.Description = Scalar(description, file, "description");
            if (Get(root, "extends") is YamlNode extends)
            {
                doc.Extends = Scalar(extends, file, "extends");
                doc.ExtendsLocation = Loc(file, extends);
            }
            if (Get(root, "style") is YamlNode style) doc.Style = ParseStyle(style, file);
            if (Get(root, "partitionStyle") is YamlNode partitionStyle) doc.PartitionStyle = ParsePartitionStyle(partitionStyle, file);
            if (Get(root, "folders") is YamlNode folders) doc.Folders = ParseFolders(folders, file, budget, 1);
            if (Get(root, "bucketFolders") is YamlNode bucketFolders) doc.BucketFolders = ParseFolders(bucketFolders, file, budget, 1);

            if (Get(root, "add") is YamlNode add)
            {
                foreach (var entry in Sequence(add, file, "add"))
                {
                    if (!(entry is YamlMappingNode map))
                        throw Error("TemplateInvalidValue", file, entry, "each 'add' entry is a mapping with 'under:' (a path; '/' for the bucket root) and 'folders:'.");
                    CheckKeys(map, AddKeys, file, "add entry");
                    string under = Get(map, "under") is YamlNode u ? Scalar(u, file, "under") : "";
                    doc.Add.Add((under, ParseFolders(Require(map, "folders", file), file, budget, 1), Loc(file, entry)));
                }
            }
            if (Get(root, "remove") is YamlNode remove)
                foreach (var entry in Sequence(remove, file, "remove"))
                    doc.Remove.Add((Scalar(entry, file, "remove"), Loc(file, entry)));
            if (Get(root, "include") is YamlNode include)
                foreach (var entry in Sequence(include, file, "include"))
                    doc.Include.Add((Scalar(entry, file, "include"), Loc(file, entry)));
            if (Get(root, "rename") is YamlNode rename)
            {
                foreach (var entry in Sequence(rename, file, "rename"))
                {
                    if (!(entry is YamlMappingNode map))
                        throw Error("TemplateInvalidValue", file, entry, "each 'rename' entry is a mapping with 'from:' (the old path) and 'to:' (the new folder name).");
                    CheckKeys(map, RenameKeys, file, "rename entry");
                    var toNode = Require(map, "to", file);
                    string to = Scalar(toNode, file, "to");
                    if (to.Contains("/"))
                        throw Error("TemplateInvalidValue", file, toNode, $"'to: {to}' must be the new folder name only; a rename keeps the folder under its parent.");
                    doc.Rename.Add((new RenameMigration(Scalar(Require(map, "from", file), file, "from").TrimEnd('/'), to), Loc(file, entry)));
                }
            }
            if (Get(root, "contracts") is YamlNode contracts)
            {
                if (!(contracts is YamlMappingNode map))
                    throw Error("TemplateInvalidValue", file, contracts, "'contracts' must be a mapping from a folder path (relative to solutions/{solution}/, '/' for the bucket root) to that folder's contract keys, e.g. 'data/interim: { formats: [parquet, csv] }'.");
                foreach (var pair in map.Children)
                {
                    if (++budget.Folders > TemplateLimits.MaxFolders)
                        throw Limit("TemplateFolderLimit", file, pair.Key,
                            $"this file declares more than {TemplateLimits.MaxFolders.ToString("N0", CultureInfo.InvariantCulture)} folders and contracts (aliases expanded); split the layout into several templates.");
                    string path = Scalar(pair.Key, file, "contracts").TrimEnd('/');
                    if (path.Trim('/').Length == 0)
                        throw Error("TemplateInvalidValue", file, pair.Key, "a 'contracts' entry names a folder (such as data/raw, or /shared at the bucket root); the solution root itself holds folders only.");
                    if (!(pair.Value is YamlMappingNode body))
                        throw Error("TemplateInvalidValue", file, pair.Value, $"the contract of '{path}' is a mapping of {string.Join(", ", ContractKeys)}.");
                    CheckKeys(body, ContractKeys, file, "contract");
                    doc.Contracts.Add((path, ParseContract(body, file) ?? new FolderContract(), Loc(file, pair.Key)));
                }
            }
            if (doc.Extends == null && doc.Folders == null)
                throw new TemplateException("TemplateMissingKey", file, (int)root.Start.Line, (int)root.Start.Column,
                    "a template needs 'folders:' (its tree) or 'extends:' (the template it customises).");
            if (doc.Extends != null && (doc.Folders != null || doc.BucketFolders != null))
            {
                string key = doc.Folders != null ? "folders" : "bucketFolders";
                throw Error("TemplateInvalidValue", file, Get(root, key)!, $"a template that 'extends:' another customises it with 'add:' (under: '/' for the bucket root), 'remove:' and 'rename:'; it cannot also declare '{key}:'.");
            }
            return doc;
        }

        /// <summary>Folders read so far from one file, aliases expanded: the walk stops at the limit, not after it.</summary>
        private sealed class FolderBudget { public int Folders; }

        private static List<FolderSpec> ParseFolders(YamlNode node, string file, FolderBudget budget, int depth)
        {
            var result = new List<FolderSpec>();
            // By name: a linear search per folder made a wide tree quadratic (issue 7: 20 MB loaded in 76 s).
            var byName = new Dictionary<string, FolderSpec>(StringComparer.Ordinal);
            foreach (var entry in Sequence(node, file, "folders"))
            {
                if (depth > TemplateLimits.MaxDepth)
                    throw Limit("TemplateDepthLimit", file, entry, $"this folder is nested {depth} levels deep; folders may nest at most {TemplateLimits.MaxDepth} levels. Flatten the tree.");
                if (++budget.Folders > TemplateLimits.MaxFolders)
                    throw Limit("TemplateFolderLimit", file, entry,
                        $"this file declares more than {TemplateLimits.MaxFolders.ToString("N0", CultureInfo.InvariantCulture)} folders (aliases expanded); split the layout into several templates.");
                var spec = ParseFolder(entry, file, budget, depth);
                if (byName.TryGetValue(spec.Name, out var twin))
                    throw Error("TemplateDuplicateFolder", file, entry, $"folder '{spec.Name}' is declared twice under the same parent (first at line {twin.Location.Line}); merge the two entries.");
                byName.Add(spec.Name, spec);
                result.Add(spec);
            }
            return result;
        }

        private static FolderSpec ParseFolder(YamlNode node, string file, FolderBudget budget, int depth)
        {
            // A bare scalar is shorthand for a folder with only a name.
            if (node is YamlScalarNode scalar)
                return new FolderSpec { Name = CheckName(scalar, file), Location = Loc(file, node) };
            if (!(node is YamlMappingNode map))
                throw Error("TemplateInvalidValue", file, node, "a folder is a name or a mapping with 'name:' and optional 'description:', 'style:', 'partition:', 'optional:', 'folders:' and contract keys ('formats:', 'files:', ...).");
            CheckKeys(map, FolderKeys, file, "folder");
            var spec = new FolderSpec { Name = CheckName(Require(map, "name", file), file), Location = Loc(file, node) };
            if (Get(map, "description") is YamlNode description) spec.Description = Scalar(description, file, "description");
            if (Get(map, "style") is YamlNode style) spec.Style = ParseStyle(style, file);
            if (Get(map, "partitionStyle") is YamlNode partitionStyle) spec.PartitionStyle = ParsePartitionStyle(partitionStyle, file);
            if (Get(map, "partition") is YamlNode partition)
            {
                string value = Scalar(partition, file, "partition");
                spec.Partition = value switch
                {
                    "daily" => PartitionGranularity.Daily,
                    "monthly" => PartitionGranularity.Monthly,
                    "none" => PartitionGranularity.None,
                    _ => throw Error("TemplateInvalidValue", file, partition, $"partition '{value}' is not one of: daily, monthly, none."),
                };
            }
            if (Get(map, "optional") is YamlNode optional)
            {
                string value = Scalar(optional, file, "optional");
                if (value != "true" && value != "false")
                    throw Error("TemplateInvalidValue", file, optional, $"optional '{value}' must be true or false.");
                spec.Optional = value == "true";
            }
            if (Get(map, "folders") is YamlNode folders) spec.Folders = ParseFolders(folders, file, budget, depth + 1);
            spec.Contract = ParseContract(map, file);
            return spec;
        }

        /// <summary>The contract keys of a folder entry or of a 'contracts:' entry; null when it has none (all inherited).</summary>
        private static FolderContract? ParseContract(YamlMappingNode map, string file)
        {
            var contract = new FolderContract();
            if (Get(map, "formats") is YamlNode formats) contract.Formats = ParseFormats(formats, file);
            if (Get(map, "files") is YamlNode files)
            {
                string value = Scalar(files, file, "files");
                if (value != "true" && value != "false")
                    throw Error("TemplateInvalidValue", file, files, $"files '{value}' must be true (files may lie in this folder) or false (it holds sub-folders only).");
                contract.Files = value == "true";
            }
            contract.Producers = TextList(map, "producers", file);
            contract.Consumers = TextList(map, "consumers", file);
            contract.TriggeredBy = TextList(map, "triggeredBy", file);
            contract.Triggers = TextList(map, "triggers", file);
            contract.Examples = TextList(map, "examples", file);
            if (contract.Examples != null && Get(map, "examples") is YamlNode examplesNode)
                foreach (var example in contract.Examples)
                    if (example.IndexOf('/') >= 0 || example.IndexOf('\\') >= 0)
                        throw Error("TemplateInvalidValue", file, examplesNode, $"example '{example}' must be a file name in this folder, without a path; declare it on the folder it lies in.");
            return contract.IsEmpty ? null : contract;
        }

        /// <summary>'formats: any', or a list of file-name suffixes (csv, .csv, csv.gz), normalised to ".csv".</summary>
        private static List<string> ParseFormats(YamlNode node, string file)
        {
            if (node is YamlScalarNode)
            {
                string single = Scalar(node, file, "formats");
                if (FolderContract.NormaliseFormat(single) == FolderContract.AnyFormat) return new List<string> { FolderContract.AnyFormat };
                throw Error("TemplateInvalidValue", file, node, $"'formats' is 'any' or a list of file-name suffixes, e.g. 'formats: [{single.TrimStart('.')}]'.");
            }
            var result = new List<string>();
            var entries = Sequence(node, file, "formats").ToList();
            if (entries.Count == 0)
                throw Error("TemplateInvalidValue", file, node, "'formats' lists at least one format; to keep a folder for sub-folders only, write 'files: false'; to accept everything, 'formats: any'.");
            if (entries.Count > TemplateLimits.MaxContractEntries)
                throw Limit("TemplateContractLimit", file, node, $"'formats' lists {entries.Count} formats; a folder may list at most {TemplateLimits.MaxContractEntries}. Use 'formats: any' for a folder that takes everything.");
            foreach (var entry in entries)
            {
                string text = Scalar(entry, file, "formats");
                var problem = FolderContract.FormatProblem(text);
                if (problem != null) throw Error("TemplateInvalidValue", file, entry, problem + ".");
                var format = FolderContract.NormaliseFormat(text);
                if (format == FolderContract.AnyFormat && entries.Count > 1)
                    throw Error("TemplateInvalidValue", file, entry, "'any' accepts every format and stands alone: write 'formats: any', or list the formats without it.");
                if (!result.Contains(format, StringComparer.Ordinal)) result.Add(format);
            }
            return result;
        }

        /// <summary>A contract's list of texts (producers, consumers, ...): one text or a list of texts, bounded.</summary>
        private static List<string>? TextList(YamlMappingNode map, string key, string file)
        {
            if (!(Get(map, key) is YamlNode node)) return null;
            var entries = node is YamlScalarNode ? new List<YamlNode> { node } : Sequence(node, file, key).ToList();
            if (entries.Count > TemplateLimits.MaxContractEntries)
                throw Limit("TemplateContractLimit", file, node, $"'{key}' lists {entries.Count} entries; at most {TemplateLimits.MaxContractEntries} are allowed.");
            var result = new List<string>();
            foreach (var entry in entries)
            {
                string text = Scalar(entry, file, key);
                if (text.Length > TemplateLimits.MaxContractText)
                    throw Limit("TemplateContractLimit", file, entry, $"this '{key}' entry has {text.Length} characters; at most {TemplateLimits.MaxContractText} are allowed. Say more in the folder's description.");
                result.Add(text);
            }
            return result;
        }

        private static string CheckName(YamlNode node, string file)
        {
            string name = Scalar(node, file, "name");
            var problem = S3KeyRules.CheckSegment(name);
            if (problem != null) throw Error("TemplateFolderNameInvalid", file, node, problem + ".");
            return name;
        }

        private static NamingStyle ParseStyle(YamlNode node, string file)
        {
            string value = Scalar(node, file, "style");
            if (!NamingStyles.TryParse(value, out var style))
                throw Error("TemplateInvalidValue", file, node, $"style '{value}' is not one of: snake_case, kebab-case, any.");
            return style;
        }

        private static PartitionStyle ParsePartitionStyle(YamlNode node, string file)
        {
            string value = Scalar(node, file, "partitionStyle");
            return PartitionStyles.TryParse(value, out var style) ? style
                : throw Error("TemplateInvalidValue", file, node, $"partitionStyle '{value}' is not one of: YYYY/MM/DD (or ymd), hive.");
        }

        private static void CheckKeys(YamlMappingNode map, string[] allowed, string file, string what)
        {
            foreach (var key in map.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name, StringComparer.Ordinal))
                    throw Error("TemplateUnknownKey", file, key,
                        ContentFreeErrors.UnknownKey(name, allowed, (what.StartsWith("a", StringComparison.Ordinal) ? "an " : "a ") + what,
                            what == "template" || what == "folder" ? null : TopKeys, "the template"));
            }
        }

        private static YamlNode? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        private static YamlNode Require(YamlMappingNode map, string key, string file) =>
            Get(map, key) ?? throw new TemplateException("TemplateMissingKey", file, (int)map.Start.Line, (int)map.Start.Column, $"'{key}:' is required here.");

        private static string Scalar(YamlNode node, string file, string key)
        {
            if (node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value)) return scalar.Value!.Trim();
            throw Error("TemplateInvalidValue", file, node, $"'{key}' needs a non-empty text value.");
        }

        private static IEnumerable<YamlNode> Sequence(YamlNode node, string file, string key)
        {
            if (node is YamlSequenceNode sequence) return sequence.Children;
            throw Error("TemplateInvalidValue", file, node, $"'{key}' must be a list (entries starting with '- ').");
        }

        internal static SourceLocation Loc(string file, YamlNode node) => new SourceLocation(file, (int)node.Start.Line, (int)node.Start.Column);

        private static TemplateException Error(string errorId, string file, YamlNode node, string message) =>
            new TemplateException(errorId, file, (int)node.Start.Line, (int)node.Start.Column, message);

        private static TemplateException Limit(string errorId, string file, YamlNode node, string message) =>
            new TemplateException(errorId, ErrorKind.LimitsExceeded, file, (int)node.Start.Line, (int)node.Start.Column, message);

        /// <summary>TemplateTooLarge, at the start of the file: nothing of it has been read as YAML.</summary>
        internal static TemplateException TooLarge(string file, long bytes) => TemplateLimits.TooLarge(file, bytes);

        private static string Clean(string message) => ContentFreeErrors.Clean(message);
    }
}
