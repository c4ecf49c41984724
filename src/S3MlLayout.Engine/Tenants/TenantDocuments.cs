using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>
    /// What a bucket with <c>client_config/</c> says about itself: the tenant's non-secret configuration for the
    /// bucket's environment and the resolved layout, as YAML files under client_config/. The fleet step writes them
    /// (docs/tenants.md, "client_config"); this only renders them. The text depends on the spec alone: no time, no
    /// machine path, no profile or local path, and never a secret (a spec holds none), so applying twice writes the
    /// same bytes.
    /// </summary>
    public static class TenantDocuments
    {
        public const string EnvironmentsFolder = "client_config/environments/";
        public const string LayoutKey = "client_config/layout.yaml";

        /// <summary>Key (relative to the bucket root) to UTF-8 content, in key order; empty unless the spec includes /client_config.</summary>
        public static IReadOnlyDictionary<string, byte[]> Render(MlBucketSpec spec) => Render(spec, spec.ToBucketSettings());

        /// <summary>As <see cref="Render(MlBucketSpec)"/>, with the settings the bucket was declared with (New-MlBucket's, its parameters applied).</summary>
        public static IReadOnlyDictionary<string, byte[]> Render(MlBucketSpec spec, S3.BucketSettings settings)
        {
            var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            if (!spec.DocumentsItself) return files;
            files[EnvironmentsFolder + spec.Environment + ".yaml"] = Encoding.UTF8.GetBytes(RenderEnvironment(spec, settings));
            files[LayoutKey] = Encoding.UTF8.GetBytes(RenderLayout(spec.Layout));
            return files;
        }

        /// <summary>client_config/environments/{env}.yaml: the bucket's name parts, template, solutions and settings.</summary>
        public static string RenderEnvironment(MlBucketSpec spec) => RenderEnvironment(spec, spec.ToBucketSettings());

        /// <summary>As <see cref="RenderEnvironment(MlBucketSpec)"/>, with the settings the bucket was declared with.</summary>
        public static string RenderEnvironment(MlBucketSpec spec, S3.BucketSettings settings)
        {
            var w = new YamlWriter();
            w.Comment("Written by S3MlLayout from the tenant file; edit the tenant file and apply again rather than this file.");
            w.Pair(0, "bucket", spec.Name);
            w.Pair(0, "companyPrefix", spec.CompanyPrefix);
            w.Pair(0, "tenantId", spec.TenantId);
            w.Pair(0, "environment", spec.Environment);
            w.Pair(0, "region", spec.Region);
            w.Key(0, "template");
            w.Pair(1, "name", spec.Layout.Name);
            w.Pair(1, "version", spec.Layout.Version);
            // Where it came from, without this machine's paths: a file is named by its file name only.
            w.Pair(1, "source", spec.Template is string s ? (spec.Layout.IsBuiltIn ? "built-in" : System.IO.Path.GetFileName(s)) : "inline");
            w.List(0, "solutions", spec.Solution);
            w.List(0, "include", spec.Include);
            w.List(0, "dates", spec.Date.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            w.Key(0, "settings");
            w.Pair(1, "blockPublicAccess", settings.BlockPublicAccess);
            w.Pair(1, "objectOwnership", settings.ObjectOwnership);
            w.Pair(1, "encryption", settings.Encryption);
            w.Pair(1, "kmsKeyId", settings.KmsKeyId);
            w.Pair(1, "versioning", settings.Versioning);
            w.Pair(1, "tlsOnlyPolicy", settings.TlsOnlyPolicy);
            w.Pair(1, "abortIncompleteUploadDays", settings.AbortIncompleteMultipartUploadDays);
            if (settings.Tags != null)
            {
                w.Key(1, "tags");
                foreach (var tag in settings.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)) w.Pair(2, YamlWriter.Quote(tag.Key), tag.Value);
            }
            if (settings.LifecycleRules != null)
            {
                w.Key(1, "lifecycle");
                foreach (var rule in settings.LifecycleRules)
                {
                    w.Pair(2, "- prefix", rule.Prefix);
                    w.Pair(3, "transitionDays", rule.TransitionDays);
                    w.Pair(3, "storageClass", rule.StorageClass);
                    w.Pair(3, "expirationDays", rule.ExpirationDays);
                }
            }
            if (settings.Inventory is S3.InventorySpec inventory)
            {
                w.Key(1, "inventory");
                w.Pair(2, "id", inventory.Id);
                w.Pair(2, "frequency", inventory.Frequency);
                w.Pair(2, "format", inventory.Format);
                w.Pair(2, "versions", inventory.IncludedVersions);
                w.Pair(2, "destination", $"s3://{inventory.DestinationBucket}/{inventory.DestinationPrefix}");
                w.List(2, "fields", inventory.OptionalFields);
            }
            return w.ToString();
        }

        /// <summary>client_config/layout.yaml: the resolved layout as a standalone template file (Get-MlLayoutTemplate -Path reads it back).</summary>
        public static string RenderLayout(LayoutTemplate layout)
        {
            var w = new YamlWriter();
            w.Comment($"The resolved layout of this bucket (template {layout.Name} {layout.Version}, extends and customisations applied).");
            w.Pair(0, "name", layout.Name);
            w.Pair(0, "version", layout.Version);
            w.Pair(0, "description", layout.Description);
            w.Pair(0, "style", NamingStyles.ToYaml(layout.DefaultStyle));
            w.Pair(0, "partitionStyle", PartitionStyles.ToText(layout.PartitionStyle));
            w.Key(0, "folders");
            Folders(w, layout.SolutionFolders, 1);
            if (layout.BucketFolders.Count > 0)
            {
                w.Key(0, "bucketFolders");
                Folders(w, layout.BucketFolders, 1);
            }
            w.List(0, "include", layout.Includes);
            return w.ToString();
        }

        private static void Folders(YamlWriter w, IEnumerable<FolderSpec> folders, int level)
        {
            foreach (var folder in folders)
            {
                w.Pair(level, "- name", folder.Name);
                int inner = level + 1;
                w.Pair(inner, "description", folder.Description);
                if (folder.Style is NamingStyle style) w.Pair(inner, "style", NamingStyles.ToYaml(style));
                if (folder.Partition != PartitionGranularity.None) w.Pair(inner, "partition", folder.Partition == PartitionGranularity.Daily ? "daily" : "monthly");
                if (folder.PartitionStyle is PartitionStyle ps) w.Pair(inner, "partitionStyle", PartitionStyles.ToText(ps));
                if (folder.Optional) w.Pair(inner, "optional", true);
                if (folder.Folders.Count > 0)
                {
                    w.Key(inner, "folders");
                    Folders(w, folder.Folders, inner + 1);
                }
            }
        }

        /// <summary>Block-style YAML, two spaces a level ("- " counts as a level); text is quoted unless it is plainly safe.</summary>
        private sealed class YamlWriter
        {
            private static readonly Regex Plain = new Regex(@"^[A-Za-z_/][A-Za-z0-9_./@-]*$", RegexOptions.CultureInvariant);
            private static readonly string[] Special = { "true", "false", "yes", "no", "on", "off", "null", "y", "n" };
            private readonly StringBuilder _text = new StringBuilder();

            public void Comment(string text) => _text.Append("# ").Append(text).Append('\n');

            public void Key(int level, string key) => Line(level, key + ":");

            public void Pair(int level, string key, string? value)
            {
                if (value != null) Line(level, key + ": " + Quote(value));
            }

            public void Pair(int level, string key, bool? value)
            {
                if (value != null) Line(level, key + ": " + (value.Value ? "true" : "false"));
            }

            public void Pair(int level, string key, int? value)
            {
                if (value != null) Line(level, key + ": " + value.Value.ToString(CultureInfo.InvariantCulture));
            }

            public void List(int level, string key, IEnumerable<string> values)
            {
                var items = values.ToList();
                if (items.Count == 0) { Line(level, key + ": []"); return; }
                Key(level, key);
                foreach (var item in items) Line(level + 1, "- " + Quote(item));
            }

            private void Line(int level, string text) => _text.Append(' ', level * 2).Append(text).Append('\n');

            public static string Quote(string value)
            {
                if (Plain.IsMatch(value) && !Special.Contains(value.ToLowerInvariant())) return value;
                var quoted = new StringBuilder("\"");
                foreach (char c in value)
                {
                    switch (c)
                    {
                        case '"': quoted.Append("\\\""); break;
                        case '\\': quoted.Append("\\\\"); break;
                        case '\n': quoted.Append("\\n"); break;
                        case '\t': quoted.Append("\\t"); break;
                        default:
                            if (c < 0x20 || c == 0x7f) quoted.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                            else quoted.Append(c);
                            break;
                    }
                }
                return quoted.Append('"').ToString();
            }

            public override string ToString() => _text.ToString();
        }
    }
}
