using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>
    /// Reads a tenant file (docs/tenants.md) through the same bounded YAML reader as templates, so every error names
    /// file:line:column. It checks structure and value formats; names, lengths, templates and conflicts are checked by
    /// the core (TenantCatalog), which knows the naming rules and the template catalog.
    /// </summary>
    internal static class TenantParser
    {
        internal static readonly string[] TopKeys = { "companyPrefix", "tenantId", "regions", "environments", "template", "solutions", "dates", "settings", "bucketFolders", "connection" };
        internal static readonly string[] EnvironmentKeys = { "bucketName", "regions", "solutions", "dates", "settings", "bucketFolders", "connection" };
        internal static readonly string[] SettingsKeys = { "kmsKeyId", "versioning", "abortIncompleteUploadDays", "lifecycle", "tags", "skipDefaults", "inventory" };
        internal static readonly string[] InventoryKeys = { "frequency", "format", "fields", "destination", "id", "versions" };
        internal static readonly string[] LifecycleKeys = { "prefix", "transitionDays", "storageClass", "expirationDays", "acknowledge" };
        internal static readonly string[] ConnectionKeys = { "profile", "endpoint", "forcePathStyle", "customRegion" };
        internal static readonly string[] DateRangeKeys = { "from", "to" };
        internal static readonly string[] StorageClasses = { "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE" };

        public static TenantDocument Parse(string yaml, string file)
        {
            // Characters never outnumber UTF-8 bytes, so the byte count is needed only near the limit.
            if (yaml.Length > TemplateLimits.MaxFileBytes || Encoding.UTF8.GetByteCount(yaml) > TemplateLimits.MaxFileBytes)
                throw TenantLimits.TooLarge(file, Encoding.UTF8.GetByteCount(yaml));

            var stream = new YamlStream();
            var parser = new BoundedYamlParser(yaml, file, "Tenant");
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
                throw new TemplateException("TenantYamlInvalid", file, 1, 1, "a tenant file holds one YAML mapping (companyPrefix:, tenantId:, regions:, template: ...); see docs/tenants.md.");

            var reader = new Reader(file, yaml);
            return reader.Document(root);
        }

        private sealed class Reader
        {
            private readonly string _file;
            private readonly string _yaml;

            public Reader(string file, string yaml) { _file = file; _yaml = yaml; }

            public TenantDocument Document(YamlMappingNode root)
            {
                if (ContentFreeErrors.HasNoKnownKey(root, TopKeys))
                    throw Error("TenantFileUnrecognized", root,
                        $"this is not a tenant file: none of its top-level keys is a tenant key ({string.Join(", ", TopKeys)}). Nothing of its content is shown; " +
                        "check that the path names a tenant file (docs/tenants.md).");
                CheckKeys(root, TopKeys, "the tenant file");
                var doc = new TenantDocument { File = _file, Yaml = _yaml, Root = Loc(root) };
                doc.CompanyPrefix = Text(Require(root, "companyPrefix"), "companyPrefix");
                doc.TenantId = Text(Require(root, "tenantId"), "tenantId");
                if (Get(root, "template") is YamlNode template) doc.Template = Template(template);
                else throw Error("TenantMissingKey", root, "'template:' is required: a built-in template name (master-solution, data-lifecycle, simple-ml, databricks), the path of a template file relative to this file, or an inline template.");
                doc.Defaults = Overrides(root, TopLevel);
                if (doc.Defaults.Regions == null)
                    throw Error("TenantMissingKey", root, "'regions:' is required: the AWS regions of the tenant's buckets, e.g. 'regions: [us-west-2]'.");
                if (Get(root, "environments") is YamlNode environments) doc.Environments = Environments(environments);
                return doc;
            }

            /// <summary>The mapping that holds an Overrides block: its keys and how to name it, for the mis-indentation hint.</summary>
            private static readonly (string[] Keys, string Name) TopLevel = (TopKeys, "the tenant file");
            private static readonly (string[] Keys, string Name) InEnvironment = (EnvironmentKeys, "an environment");

            private TenantOverrides Overrides(YamlMappingNode map, (string[] Keys, string Name) level)
            {
                var result = new TenantOverrides();
                if (Get(map, "regions") is YamlNode regions)
                {
                    result.Regions = Texts(regions, "regions", allowEmpty: false);
                    result.RegionsLocation = Loc(regions);
                }
                if (Get(map, "solutions") is YamlNode solutions) result.Solutions = Texts(solutions, "solutions", allowEmpty: true);
                if (Get(map, "dates") is YamlNode dates)
                {
                    result.Dates = Dates(dates, level);
                    result.DatesLocation = Loc(dates);
                }
                if (Get(map, "settings") is YamlNode settings) result.Settings = Settings(settings, level);
                if (Get(map, "bucketFolders") is YamlNode folders) result.BucketFolders = Texts(folders, "bucketFolders", allowEmpty: true);
                if (Get(map, "connection") is YamlNode connection) result.Connection = Connection(connection, level);
                return result;
            }

            private List<TenantEnvironment> Environments(YamlNode node)
            {
                var result = new List<TenantEnvironment>();
                if (node is YamlSequenceNode list)
                {
                    // A plain list names the environments; a mapping also gives each its overrides.
                    foreach (var entry in list.Children)
                        result.Add(new TenantEnvironment { Name = Text(entry, "environments") });
                }
                else if (node is YamlMappingNode map)
                {
                    foreach (var pair in map.Children)
                    {
                        var env = new TenantEnvironment { Name = Text(pair.Key, "environments") };
                        CheckNotMisplacedKey(env.Name.Value, pair.Key, pair.Value);
                        if (pair.Value is YamlMappingNode body)
                        {
                            CheckKeys(body, EnvironmentKeys, $"environment '{env.Name.Value}'", TopLevel);
                            if (Get(body, "bucketName") is YamlNode bucketName) env.BucketName = Text(bucketName, "bucketName");
                            env.Overrides = Overrides(body, InEnvironment);
                        }
                        else if (!IsNull(pair.Value))
                        {
                            throw Error("TenantInvalidValue", pair.Value, $"environment '{env.Name.Value}' takes a mapping of overrides ({string.Join(", ", EnvironmentKeys)}) or nothing.");
                        }
                        result.Add(env);
                    }
                }
                else
                {
                    throw Error("TenantInvalidValue", node, "'environments' is a list of names ([dev, staging, prod]) or a mapping of names to their overrides.");
                }
                if (result.Count == 0)
                    throw Error("TenantInvalidValue", node, "'environments' is empty; name at least one, or leave the key out for dev, staging and prod.");
                return result;
            }

            private TenantTemplateRef Template(YamlNode node)
            {
                if (node is YamlMappingNode map)
                {
                    // The inline template is read by the template parser itself: same keys, same errors, positions in this file.
                    string text = _yaml.Substring((int)map.Start.Index, (int)Math.Max(0, map.End.Index - map.Start.Index));
                    return new TenantTemplateRef { Kind = TenantTemplateKind.Inline, Inline = TemplateParser.ParseMapping(map, _file, text), Location = Loc(node) };
                }
                var value = Text(node, "template");
                bool isPath = value.Value.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || value.Value.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                              || value.Value.IndexOfAny(new[] { '/', '\\', ':' }) >= 0;
                return new TenantTemplateRef { Kind = isPath ? TenantTemplateKind.File : TenantTemplateKind.BuiltIn, Value = value.Value, Location = value.Location };
            }

            private List<Located<DateTime>> Dates(YamlNode node, (string[] Keys, string Name) level)
            {
                var result = new List<Located<DateTime>>();
                if (node is YamlMappingNode range)
                {
                    CheckKeys(range, DateRangeKeys, "a date range", level);
                    var from = Date(Require(range, "from"));
                    var to = Date(Require(range, "to"));
                    if (to.Value < from.Value)
                        throw Error("TenantInvalidValue", Get(range, "to")!, $"the date range ends ({to.Value:yyyy-MM-dd}) before it starts ({from.Value:yyyy-MM-dd}); swap 'from' and 'to'.");
                    double days = (to.Value - from.Value).TotalDays + 1;
                    if (days > TenantLimits.MaxDates)
                        throw new TemplateException("TenantDateLimit", ErrorKind.LimitsExceeded, _file, (int)node.Start.Line, (int)node.Start.Column,
                            $"the date range has {days:0} days; a tenant file may declare at most {TenantLimits.MaxDates} dates. Shorten the range, or add partitions later with Add-MlDatePartition.");
                    for (var d = from.Value; d <= to.Value; d = d.AddDays(1)) result.Add(new Located<DateTime>(d, from.Location));
                    return result;
                }
                if (!(node is YamlSequenceNode list))
                    throw Error("TenantInvalidValue", node, "'dates' is a list of dates (- 2024-01-31) or a range ({ from: 2024-01-01, to: 2024-01-31 }).");
                var seen = new Dictionary<DateTime, SourceLocation>();
                foreach (var entry in list.Children)
                {
                    var date = Date(entry);
                    if (seen.TryGetValue(date.Value, out var first))
                        throw Error("TenantDuplicateEntry", entry, $"the date {date.Value:yyyy-MM-dd} is listed twice (first at line {first.Line}); remove one.");
                    seen.Add(date.Value, date.Location);
                    if (result.Count >= TenantLimits.MaxDates)
                        throw new TemplateException("TenantDateLimit", ErrorKind.LimitsExceeded, _file, (int)entry.Start.Line, (int)entry.Start.Column,
                            $"a tenant file may declare at most {TenantLimits.MaxDates} dates; add partitions later with Add-MlDatePartition.");
                    result.Add(date);
                }
                return result;
            }

            private Located<DateTime> Date(YamlNode node)
            {
                var text = Text(node, "date");
                if (!DateTime.TryParseExact(text.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    throw Error("TenantInvalidValue", node, $"'{text.Value}' is not a date written YYYY-MM-DD (e.g. 2024-01-31).");
                return new Located<DateTime>(DateTime.SpecifyKind(date, DateTimeKind.Unspecified), text.Location);
            }

            private TenantSettings Settings(YamlNode node, (string[] Keys, string Name) level)
            {
                var map = Mapping(node, "settings", SettingsKeys, "the settings", level);
                var settings = new TenantSettings { Location = Loc(node) };
                if (Get(map, "kmsKeyId") is YamlNode kms) settings.KmsKeyId = Text(kms, "kmsKeyId");
                if (Get(map, "versioning") is YamlNode versioning) settings.Versioning = Bool(versioning, "versioning");
                if (Get(map, "abortIncompleteUploadDays") is YamlNode abort) settings.AbortIncompleteUploadDays = Int(abort, "abortIncompleteUploadDays", 0, 3650);
                if (Get(map, "tags") is YamlNode tags)
                {
                    if (!(tags is YamlMappingNode tagMap))
                        throw Error("TenantInvalidValue", tags, "'tags' is a mapping of tag keys to values, e.g. 'tags: { cost-center: ml-42 }'.");
                    settings.Tags = new List<Located<KeyValuePair<string, string>>>();
                    foreach (var pair in tagMap.Children)
                    {
                        var key = Text(pair.Key, "tag key");
                        var value = pair.Value is YamlScalarNode s ? (s.Value ?? "").Trim() : throw Error("TenantInvalidValue", pair.Value, $"tag '{key.Value}' needs a text value.");
                        if (key.Value.Length > 128 || value.Length > 256)
                            throw Error("TenantInvalidValue", pair.Key, $"tag '{key.Value}': S3 allows keys of at most 128 and values of at most 256 characters; shorten it.");
                        if (key.Value.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                            throw Error("TenantInvalidValue", pair.Key, $"tag '{key.Value}': keys starting with 'aws:' are reserved by AWS; choose another key.");
                        settings.Tags.Add(new Located<KeyValuePair<string, string>>(new KeyValuePair<string, string>(key.Value, value), key.Location));
                    }
                }
                if (Get(map, "skipDefaults") is YamlNode skip)
                {
                    settings.SkipDefaults = new List<Located<BucketDefault>>();
                    foreach (var entry in Sequence(skip, "skipDefaults"))
                    {
                        var text = Text(entry, "skipDefaults");
                        var names = Enum.GetNames(typeof(BucketDefault));
                        if (!names.Contains(text.Value, StringComparer.Ordinal))
                        {
                            var close = names.FirstOrDefault(n => string.Equals(n, text.Value, StringComparison.OrdinalIgnoreCase));
                            throw Error("TenantInvalidValue", entry, $"'{text.Value}' is not a bucket default{(close != null ? $" (did you mean '{close}'?)" : "")}; skipDefaults takes: {string.Join(", ", names)}.");
                        }
                        settings.SkipDefaults.Add(new Located<BucketDefault>((BucketDefault)Enum.Parse(typeof(BucketDefault), text.Value), text.Location));
                    }
                }
                if (Get(map, "lifecycle") is YamlNode lifecycle)
                {
                    settings.Lifecycle = new List<Located<LifecycleRuleSpec>>();
                    foreach (var entry in Sequence(lifecycle, "lifecycle"))
                    {
                        var rule = Mapping(entry, "lifecycle rule", LifecycleKeys, "a lifecycle rule", (SettingsKeys, "the settings"));
                        var prefix = Text(Require(rule, "prefix"), "prefix");
                        var spec = new LifecycleRuleSpec { Prefix = prefix.Value };
                        if (Get(rule, "transitionDays") is YamlNode transition) spec.TransitionDays = Int(transition, "transitionDays", 0, 36500);
                        if (Get(rule, "storageClass") is YamlNode storageClass)
                        {
                            var text = Text(storageClass, "storageClass");
                            if (!StorageClasses.Contains(text.Value, StringComparer.Ordinal))
                                throw Error("TenantInvalidValue", storageClass, $"storageClass '{text.Value}' is not one of: {string.Join(", ", StorageClasses)}.");
                            if (spec.TransitionDays == null)
                                throw Error("TenantInvalidValue", storageClass, "'storageClass' is where objects move after 'transitionDays'; give transitionDays too.");
                            spec.StorageClass = text.Value;
                        }
                        if (Get(rule, "expirationDays") is YamlNode expiration) spec.ExpirationDays = Int(expiration, "expirationDays", 1, 36500);
                        if (spec.TransitionDays == null && spec.ExpirationDays == null)
                            throw Error("TenantInvalidValue", entry, $"the lifecycle rule for '{prefix.Value}' needs 'transitionDays' (with 'storageClass') and/or 'expirationDays'.");
                        if (spec.TransitionDays != null && spec.ExpirationDays != null && spec.ExpirationDays <= spec.TransitionDays)
                            throw Error("TenantInvalidValue", Get(rule, "expirationDays")!, $"the lifecycle rule for '{prefix.Value}' expires objects ({spec.ExpirationDays}d) before or when they move ({spec.TransitionDays}d); expire later or drop the transition.");
                        spec.StorageClass ??= spec.TransitionDays != null ? "STANDARD_IA" : null;
                        if (Get(rule, "acknowledge") is YamlNode acknowledge)
                        {
                            var text = Text(acknowledge, "acknowledge");
                            if (text.Value != LifecycleCoverage.WholeSolutionsAcknowledgement)
                                throw Error("TenantInvalidValue", acknowledge, $"'acknowledge' takes only '{LifecycleCoverage.WholeSolutionsAcknowledgement}', for a rule whose prefix covers whole solutions.");
                            spec.Acknowledge = text.Value;
                        }
                        settings.Lifecycle.Add(new Located<LifecycleRuleSpec>(spec, Loc(entry)));
                    }
                }
                if (Get(map, "inventory") is YamlNode inventory) settings.Inventory = Inventory(inventory);
                return settings;
            }

            /// <summary>settings: inventory: a mapping (every key optional), true for the defaults, or false to turn off the tenant's in an environment.</summary>
            private TenantInventory Inventory(YamlNode node)
            {
                var result = new TenantInventory { Location = Loc(node) };
                if (node is YamlScalarNode)
                {
                    result.Enabled = Bool(node, "inventory");
                    return result;
                }
                var map = Mapping(node, "inventory", InventoryKeys, "the inventory", (SettingsKeys, "the settings"));
                // Each value checked where it was written, with the same rules New-MlBucket's parameters follow.
                Located<string>? Checked(string key, Func<string, string> check)
                {
                    if (!(Get(map, key) is YamlNode value)) return null;
                    var text = Text(value, key);
                    try { return new Located<string>(check(text.Value), text.Location); }
                    catch (MlLayoutException e) { throw Error("TenantInvalidValue", value, e.Message); }
                }
                result.Frequency = Checked("frequency", v => InventorySpec.Choose(v, InventorySpec.Frequencies, "frequency"));
                result.Format = Checked("format", v => InventorySpec.Choose(v, InventorySpec.Formats, "format"));
                result.Versions = Checked("versions", v => InventorySpec.Choose(v, InventorySpec.VersionChoices, "versions"));
                result.Id = Checked("id", InventorySpec.CheckId);
                // The bucket it lands in is checked here; whether a prefix in the bucket itself is allowed, once the bucket is known.
                result.Destination = Checked("destination", v => { InventorySpec.ParseDestination(v, ""); return v; });
                if (Get(map, "fields") is YamlNode fields)
                {
                    result.Fields = new List<Located<string>>();
                    foreach (var entry in Texts(fields, "fields", allowEmpty: true))
                    {
                        try { result.Fields.Add(new Located<string>(InventorySpec.Choose(entry.Value, InventorySpec.KnownFields, "field"), entry.Location)); }
                        catch (MlLayoutException e) { throw new TemplateException("TenantInvalidValue", _file, entry.Location.Line, entry.Location.Column, e.Message); }
                    }
                }
                return result;
            }

            private TenantConnection Connection(YamlNode node, (string[] Keys, string Name) level)
            {
                var map = Mapping(node, "connection", ConnectionKeys, "the connection", level);
                var connection = new TenantConnection();
                if (Get(map, "profile") is YamlNode profile) connection.Profile = Text(profile, "profile").Value;
                if (Get(map, "endpoint") is YamlNode endpoint)
                {
                    var text = Text(endpoint, "endpoint");
                    // The same check as -EndpointUrl and AWS_ENDPOINT_URL*; the message quotes nothing of the URL.
                    if (Storage.EndpointUrls.SecretPart(text.Value) is string secret)
                        throw Error("TenantInvalidValue", endpoint, $"the endpoint URL carries {secret}; tenant files hold no secrets. Give only scheme://host[:port] and use a profile (connection: profile:) for credentials.");
                    if (!Uri.TryCreate(text.Value, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                        throw Error("TenantInvalidValue", endpoint, $"endpoint '{text.Value}' is not an absolute http:// or https:// URL, e.g. https://s3.example.com:9000.");
                    connection.Endpoint = text.Value;
                }
                if (Get(map, "forcePathStyle") is YamlNode pathStyle) connection.ForcePathStyle = Bool(pathStyle, "forcePathStyle");
                if (Get(map, "customRegion") is YamlNode customRegion) connection.CustomRegion = Bool(customRegion, "customRegion");
                return connection;
            }

            // ---- helpers -----------------------------------------------------------------------------------------

            private YamlMappingNode Mapping(YamlNode node, string what, string[] keys, string where, (string[] Keys, string Name) outer)
            {
                if (!(node is YamlMappingNode map))
                    throw Error("TenantInvalidValue", node, $"'{what}' is a mapping with the keys {string.Join(", ", keys)}.");
                CheckKeys(map, keys, where, outer);
                return map;
            }

            private List<Located<string>> Texts(YamlNode node, string key, bool allowEmpty)
            {
                var result = Sequence(node, key).Select(n => Text(n, key)).ToList();
                if (result.Count == 0 && !allowEmpty)
                    throw Error("TenantInvalidValue", node, $"'{key}' is empty; give at least one.");
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var item in result)
                {
                    if (seen.TryGetValue(item.Value, out var line))
                        throw new TemplateException("TenantDuplicateEntry", _file, item.Location.Line, item.Location.Column, $"'{item.Value}' is listed twice in '{key}' (first at line {line}); remove one.");
                    seen.Add(item.Value, item.Location.Line);
                }
                return result;
            }

            private bool Bool(YamlNode node, string key)
            {
                var text = Text(node, key).Value;
                if (text != "true" && text != "false")
                    throw Error("TenantInvalidValue", node, $"'{key}' must be true or false (exactly these words); got '{text}'.");
                return text == "true";
            }

            private int Int(YamlNode node, string key, int min, int max)
            {
                var text = Text(node, key).Value;
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
                    throw Error("TenantInvalidValue", node, $"'{key}' must be a whole number from {min} to {max}; got '{text}'.");
                return value;
            }

            /// <param name="where">how the mapping is named in the message: "the settings", "environment 'prod'" ...</param>
            /// <param name="outer">the keys of the mapping one level up and its name, for the mis-indentation hint.</param>
            private void CheckKeys(YamlMappingNode map, string[] allowed, string where, (string[] Keys, string Name)? outer = null)
            {
                foreach (var key in map.Children.Keys)
                {
                    string name = (key as YamlScalarNode)?.Value ?? "";
                    if (!allowed.Contains(name, StringComparer.Ordinal))
                        throw Error("TenantUnknownKey", key, ContentFreeErrors.UnknownKey(name, allowed, where, outer?.Keys, outer?.Name));
                }
            }

            /// <summary>
            /// An environment named like a key of an environment or of the file ('settings:' indented under
            /// 'environments:' instead of under an environment name), when its body does not read as an environment:
            /// said as such, instead of an unknown key inside it.
            /// </summary>
            private void CheckNotMisplacedKey(string name, YamlNode nameNode, YamlNode body)
            {
                bool ofEnvironment = EnvironmentKeys.Contains(name, StringComparer.Ordinal), ofFile = TopKeys.Contains(name, StringComparer.Ordinal);
                bool isKey = ofEnvironment || ofFile;
                bool readsAsEnvironment = IsNull(body) || (body is YamlMappingNode map
                    && map.Children.Keys.All(k => k is YamlScalarNode s && EnvironmentKeys.Contains(s.Value, StringComparer.Ordinal)));
                if (isKey && !readsAsEnvironment)
                    throw Error("TenantUnknownKey", nameNode,
                        $"'{name}' stands where an environment name goes, under 'environments:', but it is a key of {(ofEnvironment && ofFile ? "an environment and of the tenant file" : ofEnvironment ? "an environment" : "the tenant file")}: " +
                        "it is likely indented at the wrong level; " +
                        (ofEnvironment ? $"write it under an environment name (environments: {{ prod: {{ {name}: ... }} }})" : "") +
                        (ofEnvironment && ofFile ? ", or " : "") + (ofFile ? "at the top level of the file, for every environment" : "") + ".");
            }

            private static YamlNode? Get(YamlMappingNode map, string key) =>
                map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

            private YamlNode Require(YamlMappingNode map, string key) =>
                Get(map, key) ?? throw Error("TenantMissingKey", map, $"'{key}:' is required here.");

            private Located<string> Text(YamlNode node, string key)
            {
                if (node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value)) return new Located<string>(scalar.Value!.Trim(), Loc(node));
                throw Error("TenantInvalidValue", node, $"'{key}' needs a non-empty text value.");
            }

            private IEnumerable<YamlNode> Sequence(YamlNode node, string key)
            {
                if (node is YamlSequenceNode sequence) return sequence.Children;
                throw Error("TenantInvalidValue", node, $"'{key}' must be a list (entries starting with '- ', or [a, b]).");
            }

            private static bool IsNull(YamlNode node) =>
                node is YamlScalarNode s && s.Style == YamlDotNet.Core.ScalarStyle.Plain && (string.IsNullOrEmpty(s.Value) || s.Value == "~" || s.Value == "null");

            private SourceLocation Loc(YamlNode node) => new SourceLocation(_file, (int)node.Start.Line, (int)node.Start.Column);

            private TemplateException Error(string errorId, YamlNode node, string message) =>
                new TemplateException(errorId, _file, (int)node.Start.Line, (int)node.Start.Column, message);
        }

        private static string Clean(string message) => ContentFreeErrors.Clean(message);
    }

    /// <summary>The core's tenant-parser seam (EngineComponents.TenantParser), implemented by TenantParser.</summary>
    internal sealed class YamlTenantParser : ITenantParser
    {
        public TenantDocument Parse(string yaml, string file) => TenantParser.Parse(yaml, file);
    }
}
