using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>
    /// Loads tenant files (docs/tenants.md) and expands each into one <see cref="MlBucketSpec"/> per environment and
    /// region. Everything is checked here, before any request: names and their 63-character budget, the template and
    /// its optional bucket folders, settings, and bucket names that two specs would share. Errors are
    /// <see cref="TemplateException"/>s located at file:line:column.
    /// </summary>
    public static class TenantCatalog
    {
        public static readonly IReadOnlyList<string> DefaultEnvironments = BucketNamingOptions.DefaultEnvironments;

        /// <summary>Loads tenant files; the specs of all of them, or the first error (then none).</summary>
        public static IReadOnlyList<MlBucketSpec> Load(IEnumerable<string> paths)
        {
            var specs = new List<MlBucketSpec>();
            foreach (var path in paths) specs.AddRange(LoadFile(path));
            CheckUnique(specs);
            return specs;
        }

        public static IReadOnlyList<MlBucketSpec> LoadFile(string path)
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new MlLayoutException("TenantFileNotFound", ErrorKind.ObjectNotFound, full, $"The tenant file '{full}' does not exist; check the path.");
            string text;
            try
            {
                // Only a regular file, read no further than the limit, as templates are.
                text = BoundedFile.ReadAllText(full, TenantLimits.MaxFileBytes, length => TenantLimits.TooLarge(full, length), "a tenant file");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("TenantFileUnreadable", ErrorKind.ReadError, full, $"The tenant file '{full}' cannot be read: {e.Message}", e);
            }
            return Parse(text, full);
        }

        /// <summary>Parses tenant YAML; relative template paths resolve from the directory of <paramref name="file"/>.</summary>
        public static IReadOnlyList<MlBucketSpec> Parse(string yaml, string file)
        {
            var doc = EngineComponents.TenantParser.Parse(yaml, file);
            var specs = Expand(doc);
            CheckUnique(specs);
            return specs;
        }

        private static List<MlBucketSpec> Expand(TenantDocument doc)
        {
            CheckPart(doc.CompanyPrefix, "companyPrefix");
            CheckPart(doc.TenantId, "tenantId");
            var (layout, templateValue) = ResolveTemplate(doc);

            var environments = doc.Environments ?? DefaultEnvironments.Select(e => new TenantEnvironment { Name = new Located<string>(e, doc.Root) }).ToList();
            var seenEnvironments = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var env in environments)
            {
                if (seenEnvironments.TryGetValue(env.Name.Value, out var first))
                    throw At("TenantDuplicateEntry", env.Name.Location, $"environment '{env.Name.Value}' is declared twice (first at line {first.Line}); merge the two.");
                seenEnvironments.Add(env.Name.Value, env.Name.Location);
                CheckPart(env.Name, "environment");
            }
            var allowed = environments.Select(e => e.Name.Value).ToArray();

            var specs = new List<MlBucketSpec>();
            foreach (var env in environments)
            {
                var o = env.Overrides;
                var d = doc.Defaults;
                var regions = o.Regions ?? d.Regions!;
                var connection = Merge(d.Connection, o.Connection);
                var solutions = (o.Solutions ?? d.Solutions ?? new List<Located<string>>());
                foreach (var solution in solutions) CheckSolution(solution);
                var dates = o.Dates ?? d.Dates ?? new List<Located<DateTime>>();
                var include = (o.BucketFolders ?? d.BucketFolders ?? new List<Located<string>>()).Select(f => CheckBucketFolder(f, layout)).ToArray();
                var settings = MergeSettings(d.Settings, o.Settings);

                if (env.BucketName is Located<string> overrideName && regions.Count > 1)
                    throw At("TenantBucketNameConflict", overrideName.Location,
                        $"environment '{env.Name.Value}' gives one bucketName for {regions.Count} regions ({string.Join(", ", regions.Select(r => r.Value))}); bucket names are global, so give this environment one region ('regions: [{regions[0].Value}]') or drop bucketName.");

                foreach (var region in regions)
                {
                    CheckRegion(region, connection.CustomRegion == true);
                    string name = env.BucketName is Located<string> over ? CheckOverride(over) : BuildName(doc, env, region);
                    var inventory = settings.Inventory;
                    if (inventory != null) CheckInventory(inventory, name, layout);
                    specs.Add(new MlBucketSpec
                    {
                        Name = name,
                        CompanyPrefix = doc.CompanyPrefix.Value, Environment = env.Name.Value, TenantId = doc.TenantId.Value, Region = region.Value,
                        BucketName = env.BucketName?.Value,
                        ProfileName = connection.Profile, EndpointUrl = connection.Endpoint, ForcePathStyle = connection.ForcePathStyle == true,
                        CustomRegion = connection.CustomRegion == true, AllowedEnvironment = allowed,
                        KmsKeyId = settings.KmsKeyId, Tag = settings.Tags, SkipDefault = settings.Skip, AbortIncompleteUploadDays = settings.AbortDays,
                        LifecycleRule = settings.Rules,
                        Inventory = inventory != null, InventoryFrequency = inventory?.Frequency?.Value, InventoryFormat = inventory?.Format?.Value,
                        InventoryField = inventory?.Fields?.Select(f => f.Value).ToArray() ?? new string[0], InventoryDestination = inventory?.Destination?.Value,
                        InventoryId = inventory?.Id?.Value, InventoryVersions = inventory?.Versions?.Value,
                        Template = templateValue, Layout = layout,
                        Solution = solutions.Select(s => s.Value).ToArray(),
                        Include = include,
                        Date = dates.Select(x => x.Value).ToArray(),
                        TenantFile = doc.File,
                    });
                }
            }
            return specs;
        }

        /// <summary>
        /// Command-line connection parameters over the file's connection defaults. A local path selects the local
        /// target, where the S3 connection does not apply, so it clears the file's connection.
        /// </summary>
        public static void OverrideConnection(MlBucketSpec spec, string? profileName, string? endpointUrl, bool? forcePathStyle, string? localPath, string? profileLocation = null)
        {
            if (localPath != null)
            {
                spec.LocalPath = localPath;
                spec.ProfileName = null;
                spec.ProfileLocation = null;
                spec.EndpointUrl = null;
                spec.ForcePathStyle = false;
                return;
            }
            if (profileName != null) spec.ProfileName = profileName;
            if (profileLocation != null) spec.ProfileLocation = profileLocation;
            EndpointUrls.Check(endpointUrl, "-EndpointUrl"); // the spec is output as is (Import-MlTenant): no secret may ride on it
            if (endpointUrl != null) spec.EndpointUrl = endpointUrl;
            if (forcePathStyle != null) spec.ForcePathStyle = forcePathStyle.Value;
        }

        /// <summary>Bucket names are global: two specs of the loaded files may not name the same bucket (TenantBucketNameConflict).</summary>
        public static void CheckUnique(IEnumerable<MlBucketSpec> specs)
        {
            var byName = new Dictionary<string, MlBucketSpec>(StringComparer.Ordinal);
            foreach (var spec in specs)
            {
                if (byName.TryGetValue(spec.Name, out var other))
                    throw new MlLayoutException("TenantBucketNameConflict", ErrorKind.InvalidData, spec.TenantFile,
                        $"{spec.TenantFile}: the bucket '{spec.Name}' ({spec.Environment}, {spec.Region}) is also the bucket of {other.TenantFile} ({other.Environment}, {other.Region}); " +
                        "bucket names are global, so give one of them another tenantId or a bucketName of its own.");
                byName.Add(spec.Name, spec);
            }
        }

        // ---- template ------------------------------------------------------------------------------------------------

        private static (LayoutTemplate Layout, object Value) ResolveTemplate(TenantDocument doc)
        {
            var reference = doc.Template!;
            switch (reference.Kind)
            {
                case TenantTemplateKind.Inline:
                    var inline = TemplateCatalog.Resolve(reference.Inline!, TenantFolder(doc));
                    return (inline, inline);
                case TenantTemplateKind.BuiltIn:
                    var builtIn = TemplateCatalog.BuiltIns.FirstOrDefault(t => t.Name == reference.Value)
                        ?? throw At("TenantTemplateNotFound", reference.Location,
                            $"'{reference.Value}' is not a built-in template ({string.Join(", ", TemplateCatalog.BuiltIns.Select(t => t.Name))}); for a template file give its path (ending in .yaml), relative to this file.");
                    return (builtIn, builtIn.Name);
                default:
                    string directory = Path.GetDirectoryName(doc.File) ?? ".";
                    string full = Path.GetFullPath(Path.Combine(directory, reference.Value!));
                    string folder = TenantFolder(doc);
                    TemplateCatalog.CheckConfined(reference.Value!, full, folder, reference.Location, "template");
                    if (!File.Exists(full))
                        throw At("TenantTemplateNotFound", reference.Location, $"the template file '{full}' does not exist; paths are relative to the tenant file.");
                    return (TemplateCatalog.LoadConfinedFile(full, folder), full);
            }
        }

        /// <summary>The real path of the folder that holds the tenant file: the template files it names must lie below it.</summary>
        private static string TenantFolder(TenantDocument doc) => RealPath.Resolve(Path.GetDirectoryName(Path.GetFullPath(doc.File)) ?? ".");

        private static string CheckBucketFolder(Located<string> folder, LayoutTemplate layout)
        {
            string name = folder.Value.Trim('/');
            var optional = layout.BucketFolders.Where(f => f.Optional).Select(f => f.Name).ToArray();
            if (!optional.Contains(name, StringComparer.Ordinal))
                throw At("TenantBucketFolderUnknown", folder.Location,
                    optional.Length == 0
                        ? $"bucket folder '{folder.Value}': the template '{layout.Name}' has no optional bucket folders; remove 'bucketFolders' or use a template that has them (master-solution: shared, client_config)."
                        : $"bucket folder '{folder.Value}' is not an optional bucket folder of the template '{layout.Name}'; choose from: {string.Join(", ", optional)}.");
            return "/" + name;
        }

        /// <summary>
        /// The inventory of one bucket, now that its name is known: reports landing in the bucket itself must stay out of
        /// solutions/, .s3mllayout/ and the template's bucket folders, where the layout's checks would meet them.
        /// </summary>
        private static void CheckInventory(TenantInventory inventory, string bucket, LayoutTemplate layout)
        {
            var at = inventory.Destination?.Location ?? inventory.Location;
            InventorySpec spec;
            try
            {
                spec = InventorySpec.Create(bucket, inventory.Frequency?.Value, inventory.Format?.Value, inventory.Fields?.Select(f => f.Value), inventory.Destination?.Value,
                    inventory.Id?.Value, inventory.Versions?.Value);
            }
            catch (MlLayoutException e) { throw At("TenantInvalidValue", at, e.Message); }
            string top = spec.DestinationPrefix.Split('/')[0];
            if (spec.LandsIn(bucket) && layout.BucketFolders.Any(f => f.Name == top))
                throw At("TenantInvalidValue", at,
                    $"inventory destination prefix '{spec.DestinationPrefix}' lies in the template's bucket folder '{top}/' of '{bucket}', where reports would mix with the layout; choose another top-level prefix such as '{InventorySpec.DefaultPrefix}', or (recommended) another bucket.");
        }

        // ---- names -----------------------------------------------------------------------------------------------------

        /// <summary>The rules of one part of a generated name (BucketNaming's), located where the part was written.</summary>
        private static void CheckPart(Located<string> part, string key)
        {
            string value = part.Value;
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') continue;
                string hint = char.IsUpper(c) ? $"use '{char.ToLowerInvariant(c)}' instead" : "use only lowercase letters, digits and '-'";
                throw At("TenantNamePartInvalid", part.Location, $"{key} '{value}' contains '{c}' at position {i + 1}, which cannot be part of a bucket name; {hint}.");
            }
            if (value[0] == '-' || value[value.Length - 1] == '-' || value.Contains("--"))
                throw At("TenantNamePartInvalid", part.Location, $"{key} '{value}' starts or ends with a hyphen or has two in a row; the parts of a bucket name are joined by single hyphens.");
        }

        private static void CheckRegion(Located<string> region, bool customRegion)
        {
            CheckPart(region, "region");
            if (!customRegion && !BucketNaming.IsKnownRegion(region.Value))
            {
                throw At("TenantRegionUnknown", region.Location,
                    $"region '{region.Value}' is not an AWS region known to this module{BucketNaming.DidYouMeanRegion(region.Value)}; for an S3-compatible store with its own region names set 'connection: {{ customRegion: true }}'.");
            }
        }

        private static void CheckSolution(Located<string> solution)
        {
            string? problem = S3KeyRules.CheckSegment(solution.Value);
            if (problem == null && !NamingStyles.Matches(solution.Value, NamingStyle.KebabCase))
                problem = $"solution '{solution.Value}' is not kebab-case; call it '{NamingStyles.Correct(solution.Value, NamingStyle.KebabCase)}'";
            if (problem != null) throw At("TenantSolutionInvalid", solution.Location, problem + ".");
        }

        private static string BuildName(TenantDocument doc, TenantEnvironment env, Located<string> region)
        {
            var c = doc.CompanyPrefix.Value; var e = env.Name.Value; var t = doc.TenantId.Value; var r = region.Value;
            int length = c.Length + e.Length + t.Length + r.Length + 3;
            string name = $"{c}-{e}-{t}-{r}";
            if (length > BucketNaming.MaxLength)
            {
                int over = length - BucketNaming.MaxLength;
                throw At("TenantBucketNameTooLong", region.Location,
                    $"the bucket name '{name}' (environment '{e}', region '{r}') is {length} characters, {over} over S3's {BucketNaming.MaxLength}: " +
                    $"company {c.Length} + environment {e.Length} + tenant {t.Length} + region {r.Length} + separators 3. " +
                    $"Shorten companyPrefix or tenantId by {over}, or give environment '{e}' a bucketName.");
            }
            try
            {
                return BucketNaming.Validate(name).Name;
            }
            catch (MlLayoutException x)
            {
                throw At("TenantBucketNameInvalid", doc.CompanyPrefix.Location, $"the bucket name '{name}' breaks an S3 rule ({x.ErrorId}): {x.Message}");
            }
        }

        private static string CheckOverride(Located<string> name)
        {
            try
            {
                return BucketNaming.Validate(name.Value).Name;
            }
            catch (MlLayoutException x)
            {
                throw At("TenantBucketNameInvalid", name.Location, $"bucketName '{name.Value}' breaks an S3 rule ({x.ErrorId}): {x.Message}");
            }
        }

        // ---- merging ---------------------------------------------------------------------------------------------------

        private static TenantConnection Merge(TenantConnection? tenant, TenantConnection? env) => new TenantConnection
        {
            Profile = env?.Profile ?? tenant?.Profile,
            Endpoint = env?.Endpoint ?? tenant?.Endpoint,
            ForcePathStyle = env?.ForcePathStyle ?? tenant?.ForcePathStyle,
            CustomRegion = env?.CustomRegion ?? tenant?.CustomRegion,
        };

        private sealed class EffectiveSettings
        {
            public string? KmsKeyId;
            public Hashtable Tags = new Hashtable();
            public string[] Skip = new string[0];
            public int AbortDays = 7;
            public Hashtable[] Rules = new Hashtable[0];
            public TenantInventory? Inventory;
        }

        /// <summary>An environment's settings replace the tenant's key by key; tags merge, the environment's value winning.</summary>
        private static EffectiveSettings MergeSettings(TenantSettings? tenant, TenantSettings? env)
        {
            var result = new EffectiveSettings();
            var kms = env?.KmsKeyId ?? tenant?.KmsKeyId;
            result.KmsKeyId = kms?.Value;
            bool? versioning = env?.Versioning ?? tenant?.Versioning;
            var skip = env?.SkipDefaults ?? tenant?.SkipDefaults ?? new List<Located<BucketDefault>>();
            var skipped = skip.Select(s => s.Value).ToList();
            var settingsLocation = (env ?? tenant)?.Location ?? default;
            if (versioning == true && skipped.Contains(BucketDefault.Versioning))
                throw At("TenantInvalidValue", skip.First(s => s.Value == BucketDefault.Versioning).Location, "'versioning: true' and skipDefaults 'Versioning' contradict each other; keep one.");
            if (versioning == false && !skipped.Contains(BucketDefault.Versioning)) skipped.Add(BucketDefault.Versioning);
            if (kms != null && skipped.Contains(BucketDefault.Encryption))
                throw At("TenantInvalidValue", kms.Value.Location, "'kmsKeyId' encrypts the bucket with SSE-KMS, but skipDefaults skips Encryption; keep one.");
            result.Skip = skipped.Select(s => s.ToString()).ToArray();
            result.AbortDays = env?.AbortIncompleteUploadDays ?? tenant?.AbortIncompleteUploadDays ?? 7;

            var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in (tenant?.Tags ?? new List<Located<KeyValuePair<string, string>>>()).Concat(env?.Tags ?? new List<Located<KeyValuePair<string, string>>>()))
            {
                if (NewMlBucketTags.Contains(tag.Value.Key, StringComparer.Ordinal))
                    throw At("TenantInvalidValue", tag.Location, $"tag '{tag.Value.Key}' is set by New-MlBucket itself (company, environment, tenant, managed-by, template); choose another key.");
                tags[tag.Value.Key] = tag.Value.Value;
            }
            if (tags.Count + NewMlBucketTags.Length > 50)
                throw At("TenantInvalidValue", settingsLocation, $"{tags.Count} tags and the {NewMlBucketTags.Length} New-MlBucket adds are more than S3's 50 per bucket; drop some.");
            foreach (var tag in tags) result.Tags[tag.Key] = tag.Value;

            // Replaced whole by an environment's (inventory: false turns the tenant's off there).
            var inventory = env?.Inventory ?? tenant?.Inventory;
            result.Inventory = inventory != null && inventory.Enabled ? inventory : null;

            var rules = env?.Lifecycle ?? tenant?.Lifecycle ?? new List<Located<LifecycleRuleSpec>>();
            var prefixes = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            foreach (var rule in rules)
            {
                string prefix = rule.Value.Prefix;
                if (prefix.StartsWith("/", StringComparison.Ordinal))
                    throw At("TenantInvalidValue", rule.Location, $"lifecycle prefix '{prefix}' must be a key prefix in the bucket, without a leading '/'.");
                var reach = LifecycleCoverage.Reach(prefix);
                if (reach == LifecycleReach.ModuleRecords)
                    throw At("TenantInvalidValue", rule.Location, LifecycleCoverage.ModuleRecordsMessage(prefix));
                if (LifecycleCoverage.CheckPrefixText(prefix) is string reason)
                    throw At("TenantInvalidValue", rule.Location, $"lifecycle prefix: {reason}.");
                bool acknowledged = rule.Value.Acknowledge == LifecycleCoverage.WholeSolutionsAcknowledgement;
                if (reach == LifecycleReach.WholeSolutions && !acknowledged)
                    throw At("TenantLifecycleNotAcknowledged", rule.Location,
                        LifecycleCoverage.WholeSolutionsMessage(prefix, $"add 'acknowledge: {LifecycleCoverage.WholeSolutionsAcknowledgement}' to the rule"));
                if (reach == LifecycleReach.Narrow && acknowledged)
                    throw At("TenantInvalidValue", rule.Location, $"the lifecycle rule for '{prefix}' covers no whole solution, so it needs no 'acknowledge'; drop it (an acknowledgement stays meaningful only where it is needed).");
                if (prefixes.TryGetValue(prefix, out var first))
                    throw At("TenantDuplicateEntry", rule.Location, $"two lifecycle rules for '{prefix}' (first at line {first.Line}); merge them.");
                prefixes.Add(prefix, rule.Location);
            }
            result.Rules = rules.Select(r =>
            {
                var table = new Hashtable { ["Prefix"] = r.Value.Prefix };
                if (r.Value.TransitionDays != null) { table["TransitionDays"] = r.Value.TransitionDays; table["StorageClass"] = r.Value.StorageClass; }
                if (r.Value.ExpirationDays != null) table["ExpirationDays"] = r.Value.ExpirationDays;
                if (r.Value.Acknowledge != null) table["Acknowledge"] = r.Value.Acknowledge;
                return table;
            }).ToArray();
            return result;
        }

        private static readonly string[] NewMlBucketTags = { "company", "environment", "tenant", "managed-by", "template" };

        private static TemplateException At(string errorId, SourceLocation location, string message) =>
            new TemplateException(errorId, location.File, location.Line, location.Column, message);
    }
}
