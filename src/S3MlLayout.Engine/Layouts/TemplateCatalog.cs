using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// Finds templates (built in, or YAML files) and resolves them: what a template extends is loaded and its
    /// add / remove / rename / include entries applied, so callers only ever see finished trees.
    /// </summary>
    public static class TemplateCatalog
    {
        private const string ResourcePrefix = "S3MlLayout.Templates.";
        private static readonly Lazy<IReadOnlyList<LayoutTemplate>> s_builtIns = new Lazy<IReadOnlyList<LayoutTemplate>>(LoadBuiltIns);

        /// <summary>The templates that ship with the module: master-solution, data-lifecycle, simple-ml, databricks.</summary>
        public static IReadOnlyList<LayoutTemplate> BuiltIns => s_builtIns.Value;

        public static LayoutTemplate GetBuiltIn(string name) =>
            BuiltIns.FirstOrDefault(t => t.Name == name)
            ?? throw new MlLayoutException("TemplateNotFound", ErrorKind.ObjectNotFound, name,
                $"There is no built-in template named '{name}'. Built-in templates: {string.Join(", ", BuiltIns.Select(t => t.Name))}; " +
                "or pass the path of a YAML template file.");

        /// <summary>Loads a template file; what it extends is resolved relative to it, or among the built-ins.</summary>
        public static LayoutTemplate LoadFile(string path)
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new MlLayoutException("TemplateFileNotFound", ErrorKind.ObjectNotFound, full,
                    $"The template file '{full}' does not exist. Check the path, or use a built-in template name ({string.Join(", ", BuiltIns.Select(t => t.Name))}).");
            return Resolve(ReadFile(full), new List<string>());
        }

        /// <summary>Parses YAML text as a template (for tests and in-memory use); extends resolves among the built-ins.</summary>
        public static LayoutTemplate Parse(string yaml, string sourceName) =>
            Resolve(EngineComponents.TemplateParser.Parse(yaml, sourceName), new List<string>());

        /// <summary>
        /// Resolves a parsed template that is not a file of its own (inline in a tenant file); extends resolves beside
        /// its file, and must stay inside <paramref name="confinedTo"/> (a real directory path) when it is given.
        /// </summary>
        internal static LayoutTemplate Resolve(TemplateDocument doc, string? confinedTo = null) => Resolve(doc, new List<string>(), confinedTo);

        /// <summary>
        /// Loads a template file named by a tenant file: it and every file it extends must lie, links followed, inside
        /// <paramref name="confinedTo"/>, the real path of the folder that holds the tenant file (TenantTemplateOutsideFolder).
        /// </summary>
        internal static LayoutTemplate LoadConfinedFile(string fullPath, string confinedTo) => Resolve(ReadFile(fullPath), new List<string>(), confinedTo);

        private static IReadOnlyList<LayoutTemplate> LoadBuiltIns()
        {
            var assembly = typeof(TemplateCatalog).Assembly;
            var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal);
            return names.Select(n => Resolve(ReadBuiltIn(n.Substring(ResourcePrefix.Length)), new List<string>())).ToArray();
        }

        private static TemplateDocument ReadBuiltIn(string fileName)
        {
            using var stream = typeof(TemplateCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
                ?? throw new MlLayoutException("TemplateNotFound", ErrorKind.ObjectNotFound, fileName, $"The built-in template '{fileName}' is missing from the engine assembly; rebuild the module.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return EngineComponents.TemplateParser.Parse(reader.ReadToEnd(), "built-in:" + fileName);
        }

        private static TemplateDocument ReadFile(string fullPath)
        {
            string text;
            try
            {
                // Only a regular file, read no further than the limit: a device or FIFO reports 0 bytes (issue 14).
                text = BoundedFile.ReadAllText(fullPath, TemplateLimits.MaxFileBytes, length => TemplateLimits.TooLarge(fullPath, length), "a template file");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("TemplateFileUnreadable", ErrorKind.ReadError, fullPath, $"The template file '{fullPath}' cannot be read: {e.Message}", e);
            }
            return EngineComponents.TemplateParser.Parse(text, fullPath);
        }

        private static bool IsBuiltInSource(string file) => file.StartsWith("built-in:", StringComparison.Ordinal);

        private static LayoutTemplate Resolve(TemplateDocument doc, List<string> chain, string? confinedTo = null)
        {
            chain.Add(doc.File);
            LayoutTemplate? baseTemplate = doc.Extends != null ? LoadBase(doc, chain, confinedTo) : null;

            // A template that extends another keeps its default style unless it declares one.
            NamingStyle defaultStyle = doc.Style ?? baseTemplate?.DefaultStyle ?? NamingStyle.KebabCase;
            PartitionStyle partitionStyle = doc.PartitionStyle ?? baseTemplate?.PartitionStyle ?? PartitionStyle.Ymd;
            var solution = baseTemplate != null ? baseTemplate.SolutionFolders.Select(f => f.Clone()).ToList() : doc.Folders!;
            var bucket = baseTemplate != null ? baseTemplate.BucketFolders.Select(f => f.Clone()).ToList() : doc.BucketFolders ?? new List<FolderSpec>();
            if (baseTemplate == null) ApplyDefaultStyle(solution.Concat(bucket), defaultStyle);

            var renames = new List<RenameMigration>(baseTemplate?.Renames ?? Array.Empty<RenameMigration>());
            foreach (var (rename, location) in doc.Rename)
            {
                // A bucket-level rename must neither move the module's own records nor move folders into them.
                string from = rename.From.Trim('/');
                if (rename.From.StartsWith("/", StringComparison.Ordinal) && (S3KeyRules.IsReserved(from) || (from.IndexOf('/') < 0 && S3KeyRules.IsReserved(rename.To))))
                    throw Located("KeyReserved", location, $"rename: '{rename.From}' -> '{rename.To}' touches {S3KeyRules.ReservedPrefix}, which S3MlLayout reserves for its own records; choose another folder name.");
                var (siblings, spec) = Find(solution, bucket, rename.From);
                if (spec != null)
                {
                    if (siblings!.Any(s => s.Name == rename.To))
                        throw Located("TemplateDuplicateFolder", location, $"renaming '{rename.From}' to '{rename.To}' collides with an existing folder '{rename.To}'.");
                    spec.Name = rename.To;
                }
                else if (baseTemplate != null || Find(solution, bucket, FinalPath(ParentOf(rename.From) + rename.To, doc.Rename.Select(r => r.Rename))).Spec == null)
                {
                    // In a template that extends, a rename applies to the inherited tree; in a standalone template it
                    // records a migration from an earlier version, so where the folder ends up (after any later
                    // renames of the same folder: a -> b, b -> c) must be in this version's tree.
                    throw Located("TemplatePathNotFound", location, $"rename: neither '{rename.From}' nor its new name '{rename.To}' is a folder of this template; check the path (relative to solutions/{{solution}}/, '/' for the bucket root).");
                }
                renames.Add(rename);
            }
            foreach (var (path, location) in doc.Remove)
            {
                var (siblings, spec) = Find(solution, bucket, path);
                if (spec == null)
                    throw Located("TemplatePathNotFound", location, $"remove: '{path}' is not a folder of the template being extended; check the path (relative to solutions/{{solution}}/, '/' for the bucket root).");
                siblings!.Remove(spec);
            }
            // The resolved tree is bounded too: each file is within the limits, what extends adds to may not be.
            int total = doc.Add.Count > 0 ? CountFolders(solution) + CountFolders(bucket) : 0;
            foreach (var (under, folders, location) in doc.Add)
            {
                List<FolderSpec> siblings;
                NamingStyle inherited;
                if (under.Trim('/').Length == 0)
                {
                    siblings = under.StartsWith("/", StringComparison.Ordinal) ? bucket : solution;
                    inherited = defaultStyle;
                }
                else
                {
                    var parent = Find(solution, bucket, under).Spec
                        ?? throw Located("TemplatePathNotFound", location, $"add: 'under: {under}' is not a folder of this template; check the path (relative to solutions/{{solution}}/, '/' for the bucket root).");
                    siblings = parent.Folders;
                    inherited = EffectiveStyle(solution, bucket, under) ?? defaultStyle;
                }
                // A set of the names, not a search per added folder: adding many folders to one parent stays linear.
                var names = new HashSet<string>(siblings.Select(s => s.Name), StringComparer.Ordinal);
                int underDepth = under.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).Length;
                foreach (var folder in folders)
                {
                    if (!names.Add(folder.Name))
                        throw Located("TemplateDuplicateFolder", folder.Location, $"add: folder '{folder.Name}' already exists under '{(under.Length == 0 ? "the solution root" : under)}'; extend it with another 'add' entry whose 'under' is its path.");
                    total += CountFolders(new[] { folder });
                    if (total > TemplateLimits.MaxFolders)
                        throw LimitAt("TemplateFolderLimit", folder.Location,
                            $"add: with this folder the resolved template (with what it extends) has more than {TemplateLimits.MaxFolders.ToString("N0", CultureInfo.InvariantCulture)} folders; add fewer folders or split the layout into several templates.");
                    if (FirstBeyondMaxDepth(folder, underDepth + 1) is FolderSpec tooDeep)
                        throw LimitAt("TemplateDepthLimit", tooDeep.Location,
                            $"add: under '{under}' this folder is nested more than {TemplateLimits.MaxDepth} levels deep in the resolved template; folders may nest at most {TemplateLimits.MaxDepth} levels. Add it higher up.");
                    folder.Style ??= inherited;
                    siblings.Add(folder);
                }
            }
            var includes = new List<string>(baseTemplate?.Includes ?? Array.Empty<string>());
            foreach (var (path, location) in doc.Include)
            {
                var spec = Find(solution, bucket, path).Spec;
                if (spec == null || !spec.Optional)
                    throw Located("TemplatePathNotFound", location, $"include: '{path}' is not an optional folder of this template; only folders declared 'optional: true' can be included.");
                includes.Add(path);
            }

            // Contracts last, so they can name folders this file added or renamed; a later key replaces an earlier one.
            var overlaid = new Dictionary<FolderSpec, SourceLocation>();
            foreach (var (path, contract, location) in doc.Contracts)
            {
                var spec = Find(solution, bucket, path).Spec
                    ?? throw Located("TemplatePathNotFound", location, $"contracts: '{path}' is not a folder of this template; check the path (relative to solutions/{{solution}}/, '/' for the bucket root).");
                spec.Contract = spec.Contract == null ? contract.Clone() : spec.Contract.Overlay(contract);
                overlaid[spec] = location;
            }

            CheckTree(solution, NamingStyle.KebabCase);
            CheckTree(bucket, NamingStyle.KebabCase);
            CheckExamples(solution, null, "", overlaid);
            CheckExamples(bucket, null, "/", overlaid);
            foreach (var folder in bucket.Where(f => S3KeyRules.IsReserved(f.Name)))
                throw Located("KeyReserved", folder.Location, $"bucket folder '{folder.Name}' would be {S3KeyRules.ReservedPrefix}, which S3MlLayout reserves for its own records (declared layouts and the audit log); choose another name.");
            chain.RemoveAt(chain.Count - 1);
            return new LayoutTemplate(doc.Name, doc.Version, doc.Description ?? baseTemplate?.Description, doc.Extends,
                IsBuiltInSource(doc.File) ? "built-in" : doc.File, IsBuiltInSource(doc.File), partitionStyle,
                solution, bucket, renames, includes, doc.Yaml) { DefaultStyle = defaultStyle };
        }

        private static LayoutTemplate LoadBase(TemplateDocument doc, List<string> chain, string? confinedTo)
        {
            string extends = doc.Extends!;
            TemplateDocument baseDoc;
            bool isPath = extends.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || extends.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
            string? directory = IsBuiltInSource(doc.File) ? null : Path.GetDirectoryName(doc.File);
            string? sibling = directory == null ? null : Path.GetFullPath(Path.Combine(directory, isPath ? extends : extends + ".yaml"));

            if (confinedTo != null && sibling != null && (isPath || File.Exists(sibling)))
                CheckConfined(extends, sibling, confinedTo, doc.ExtendsLocation, "extends");
            if (sibling != null && File.Exists(sibling))
            {
                if (chain.Contains(sibling, StringComparer.Ordinal))
                    throw Located("TemplateExtendsCycle", doc.ExtendsLocation, $"extends '{extends}' makes a cycle: {string.Join(" -> ", chain.Select(Path.GetFileName))} -> {Path.GetFileName(sibling)}; one template in the chain must stop extending.");
                baseDoc = ReadFile(sibling);
            }
            else if (!isPath && ReadBuiltInOrNull(extends) is TemplateDocument builtIn)
            {
                if (chain.Contains(builtIn.File, StringComparer.Ordinal))
                    throw Located("TemplateExtendsCycle", doc.ExtendsLocation, $"extends '{extends}' makes a cycle: {string.Join(" -> ", chain)} -> {builtIn.File}.");
                baseDoc = builtIn;
            }
            else
            {
                throw Located("TemplateNotFound", doc.ExtendsLocation,
                    $"extends '{extends}' names neither a built-in template ({string.Join(", ", BuiltInFileNames())}) nor a file{(sibling != null ? $" ('{sibling}' does not exist)" : "")}.");
            }
            return Resolve(baseDoc, chain, confinedTo);
        }

        /// <summary>
        /// A template path written in a tenant file (template: or an extends: below it) may not leave the tenant files'
        /// folder: not absolute, no '..' out of it, no link out of it. Otherwise a tenant file from a pull request could
        /// make the runner read any file it can (issue 14).
        /// </summary>
        internal static void CheckConfined(string written, string full, string confinedTo, SourceLocation location, string key)
        {
            // The real path applies '..' after following links, as the system does when it opens the file.
            bool escapes = Path.IsPathRooted(written) || !RealPath.IsUnder(RealPath.Resolve(full), confinedTo);
            if (escapes)
                throw Located("TenantTemplateOutsideFolder", location,
                    $"{key} '{written}' leads out of '{confinedTo}', the folder that holds the tenant file (an absolute path, '..' or a symbolic link out of it). " +
                    "Template files named by a tenant file must lie in that folder or below it: move the template there and give its relative path.");
        }

        private static TemplateDocument? ReadBuiltInOrNull(string name) =>
            BuiltInFileNames().Contains(name, StringComparer.Ordinal) ? ReadBuiltIn(name + ".yaml") : null;

        private static IEnumerable<string> BuiltInFileNames() =>
            typeof(TemplateCatalog).Assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .Select(n => Path.GetFileNameWithoutExtension(n.Substring(ResourcePrefix.Length)));

        private static void ApplyDefaultStyle(IEnumerable<FolderSpec> topLevel, NamingStyle style)
        {
            foreach (var folder in topLevel) folder.Style ??= style;
        }

        /// <summary>Every name must follow its effective style; duplicates were refused by the parser and by add.</summary>
        private static void CheckTree(IEnumerable<FolderSpec> folders, NamingStyle inherited)
        {
            foreach (var folder in folders)
            {
                var style = folder.Style ?? inherited;
                if (!NamingStyles.Matches(folder.Name, style))
                    throw Located("TemplateFolderNameInvalid", folder.Location,
                        $"folder '{folder.Name}' breaks its style {NamingStyles.Describe(style)}; call it '{NamingStyles.Correct(folder.Name, style)}' or declare another 'style:' on it.");
                CheckTree(folder.Folders, style);
            }
        }

        /// <summary>
        /// A contract's examples must be files its folder accepts: a template that contradicts itself is refused where
        /// the example is declared (the folder, or the 'contracts:' entry that changed it).
        /// </summary>
        private static void CheckExamples(IEnumerable<FolderSpec> folders, IReadOnlyList<string>? parentFormats, string parentPath, Dictionary<FolderSpec, SourceLocation> overlaid)
        {
            foreach (var folder in folders)
            {
                var formats = folder.Contract?.Formats ?? parentFormats;
                string path = parentPath.Length == 0 || parentPath == "/" ? parentPath + folder.Name : parentPath + "/" + folder.Name;
                if (folder.Contract?.Examples is IReadOnlyList<string> examples)
                {
                    var effective = new FolderContract { Formats = formats };
                    foreach (var example in examples.Where(e => !effective.Accepts(e)))
                        throw Located("TemplateContractInvalid", overlaid.TryGetValue(folder, out var at) ? at : folder.Location,
                            $"example '{example}' of folder '{path}' is not of a format the folder accepts ({effective}); add its format to 'formats:' or remove the example.");
                    if (folder.Contract.Files == false && examples.Count > 0)
                        throw Located("TemplateContractInvalid", overlaid.TryGetValue(folder, out var at2) ? at2 : folder.Location,
                            $"folder '{path}' lists examples but says 'files: false'; files cannot lie there, so move the examples to the sub-folder they belong in.");
                }
                CheckExamples(folder.Folders, formats, path, overlaid);
            }
        }

        internal static (List<FolderSpec>? Siblings, FolderSpec? Spec) Find(List<FolderSpec> solution, List<FolderSpec> bucket, string path)
        {
            var list = path.StartsWith("/", StringComparison.Ordinal) ? bucket : solution;
            var parts = path.Trim('/').Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            FolderSpec? current = null;
            List<FolderSpec> siblings = list;
            foreach (var part in parts)
            {
                siblings = current?.Folders ?? list;
                current = siblings.FirstOrDefault(f => f.Name == part);
                if (current == null) return (null, null);
            }
            return current == null ? (null, null) : (siblings, current);
        }

        private static NamingStyle? EffectiveStyle(List<FolderSpec> solution, List<FolderSpec> bucket, string path)
        {
            var list = path.StartsWith("/", StringComparison.Ordinal) ? bucket : solution;
            NamingStyle? style = null;
            foreach (var part in path.Trim('/').Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var spec = list.FirstOrDefault(f => f.Name == part);
                if (spec == null) return style;
                style = spec.Style ?? style;
                list = spec.Folders;
            }
            return style;
        }

        /// <summary>Where a path ends up after the renames that follow it in declaration order.</summary>
        private static string FinalPath(string path, IEnumerable<RenameMigration> renames)
        {
            foreach (var later in renames)
                if (later.From == path) path = ParentOf(later.From) + later.To;
            return path;
        }

        private static string ParentOf(string path)
        {
            int slash = path.TrimEnd('/').LastIndexOf('/');
            return slash < 0 ? "" : path.Substring(0, slash + 1);
        }

        private static TemplateException Located(string errorId, SourceLocation location, string message) =>
            new TemplateException(errorId, location.File, location.Line, location.Column, message);

        private static TemplateException LimitAt(string errorId, SourceLocation location, string message) =>
            new TemplateException(errorId, ErrorKind.LimitsExceeded, location.File, location.Line, location.Column, message);

        private static int CountFolders(IEnumerable<FolderSpec> folders)
        {
            int count = 0;
            foreach (var folder in folders) count += 1 + CountFolders(folder.Folders);
            return count;
        }

        /// <summary>The first folder of the subtree deeper than <see cref="TemplateLimits.MaxDepth"/>, the subtree's root being at <paramref name="depth"/>.</summary>
        private static FolderSpec? FirstBeyondMaxDepth(FolderSpec folder, int depth)
        {
            if (depth > TemplateLimits.MaxDepth) return folder;
            foreach (var child in folder.Folders)
                if (FirstBeyondMaxDepth(child, depth + 1) is FolderSpec tooDeep) return tooDeep;
            return null;
        }
    }
}
