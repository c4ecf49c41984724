using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Provisioning
{
    /// <summary>
    /// What was declared for a solution, stored in the bucket at .s3mllayout/declared/solutions/{solution}.json:
    /// the fully resolved template tree (so later checks need neither the template file nor this module version),
    /// its name and version, the optional folders included and when it was recorded.
    /// </summary>
    public sealed class DeclaredLayout
    {
        public const string MetadataPrefix = Naming.S3KeyRules.ReservedPrefix;
        public static string KeyFor(string solution) => $"{MetadataPrefix}declared/solutions/{solution}.json";

        public int Schema { get; set; } = 1;
        public string Solution { get; set; } = "";
        public string Template { get; set; } = "";
        public string TemplateVersion { get; set; } = "";
        public string TemplateSource { get; set; } = "";
        public string PartitionStyle { get; set; } = "YYYY/MM/DD";
        /// <summary>The template's default naming style (of folders added at the solution root).</summary>
        public string Style { get; set; } = "kebab-case";
        public List<string> Include { get; set; } = new List<string>();
        public List<DeclaredFolder> Folders { get; set; } = new List<DeclaredFolder>();
        public List<DeclaredFolder> BucketFolders { get; set; } = new List<DeclaredFolder>();
        public List<DeclaredRename> Renames { get; set; } = new List<DeclaredRename>();
        public DateTime RecordedUtc { get; set; }
        public string ToolVersion { get; set; } = "";

        public static DeclaredLayout From(LayoutTemplate template, string solution, IEnumerable<string> include) => new DeclaredLayout
        {
            Solution = solution,
            Template = template.Name,
            TemplateVersion = template.Version,
            TemplateSource = template.Source,
            PartitionStyle = PartitionStyles.ToText(template.PartitionStyle),
            Style = NamingStyles.ToYaml(template.DefaultStyle),
            // The template's own includes and the caller's, so expanding the declaration again gives the same folders.
            Include = template.Includes.Concat(include).Select(p => p.TrimEnd('/')).Distinct().ToList(),
            Folders = template.SolutionFolders.Select(DeclaredFolder.From).ToList(),
            BucketFolders = template.BucketFolders.Select(DeclaredFolder.From).ToList(),
            Renames = template.Renames.Select(r => new DeclaredRename { From = r.From, To = r.To }).ToList(),
            RecordedUtc = DateTime.UtcNow,
            ToolVersion = ToolInfo.Version,
        };

        /// <summary>The declared tree as a template again, to expand with <see cref="LayoutExpander"/>.</summary>
        public LayoutTemplate ToTemplate() => new LayoutTemplate(Template, TemplateVersion, null, null, TemplateSource, false,
            PartitionStyles.Parse(PartitionStyle),
            Folders.Select(f => f.ToSpec()).ToList(), BucketFolders.Select(f => f.ToSpec()).ToList(),
            Renames.Select(r => new RenameMigration(r.From, r.To)).ToList(), Include, "")
        {
            DefaultStyle = NamingStyles.TryParse(Style, out var style) ? style : NamingStyle.KebabCase,
        };

        private static JsonSerializerOptions Json => RecordJson.Options;

        public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

        public static async Task<DeclaredLayout?> ReadAsync(IStorageTarget target, string solution, CancellationToken cancellation) =>
            (await ReadStoredAsync(target, solution, cancellation).ConfigureAwait(false)).Layout;

        /// <summary>The declaration and the ETag it was read at (both null when there is none), for a compare-and-swap write.</summary>
        public static async Task<(DeclaredLayout? Layout, StoredContent? Read)> ReadStoredAsync(IStorageTarget target, string solution, CancellationToken cancellation)
        {
            var read = await target.ReadObjectWithETagAsync(KeyFor(solution), cancellation).ConfigureAwait(false);
            return FromStored(target, solution, read);
        }

        /// <summary>The declaration in what was read at <see cref="KeyFor"/> (read with others, StoredReads), and that read.</summary>
        public static (DeclaredLayout? Layout, StoredContent? Read) FromStored(IStorageTarget target, string solution, StoredContent? read) =>
            read == null ? (null, null) : (Parse(target, read, solution), read);

        private DeclaredLayout? Parse(IStorageTarget target, StoredContent read) => Parse(target, read, Solution);

        private static DeclaredLayout? Parse(IStorageTarget target, StoredContent read, string solution)
        {
            try
            {
                return JsonSerializer.Deserialize<DeclaredLayout>(read.Content, Json);
            }
            catch (JsonException e)
            {
                string uri = target.Describe(KeyFor(solution));
                throw new MlLayoutException("DeclarationInvalid", ErrorKind.InvalidData, uri,
                    $"The declared layout '{uri}' is not valid JSON ({e.Message}); provision the solution again with Add-MlSolution to rewrite it.", e);
            }
        }

        public Task WriteAsync(IStorageTarget target, CancellationToken cancellation) =>
            target.WriteObjectAsync(KeyFor(Solution), ToJson(), "application/json", cancellation);

        /// <summary>Whether two declarations declare the same thing (the time and tool that recorded them aside).</summary>
        public bool SameAs(DeclaredLayout? other) =>
            other != null && other.Template == Template && other.TemplateVersion == TemplateVersion
            && new HashSet<string>(other.Include, StringComparer.Ordinal).SetEquals(Include);

        /// <summary>
        /// Records this declaration with compare-and-swap on what was read (<paramref name="read"/>: If-None-Match: *
        /// when there was none, If-Match on its ETag otherwise), so of two runs declaring different layouts at once
        /// exactly one wins. When another run got there first, the new state decides: the same declaration is
        /// accepted as it is; another template is refused with SolutionTemplateMismatch unless
        /// <paramref name="force"/>, which retries on the new state.
        /// </summary>
        /// <returns>True when this run wrote the declaration (also when the reply to its write was lost and the bucket
        /// holds exactly the bytes it sent), false when an equal one was already there.</returns>
        /// <param name="replacing">An upgrade (Update-MlSolution): the declaration read is the one this replaces, already
        /// checked by the caller; if another run changed it meanwhile, the upgrade stops with SolutionTemplateMismatch.</param>
        public async Task<bool> DeclareAsync(IStorageTarget target, StoredContent? read, bool force, CancellationToken cancellation, bool replacing = false)
        {
            if (read != null && !force && !replacing && Parse(target, read) is DeclaredLayout before && (before.Template != Template || before.TemplateVersion != TemplateVersion))
                throw Mismatch(target, before);
            for (int attempt = 1; ; attempt++)
            {
                var content = ToJson();
                try
                {
                    await target.WriteObjectAsync(KeyFor(Solution), content, "application/json", WriteCondition.After(read), cancellation).ConfigureAwait(false);
                    return true;
                }
                catch (ObjectChangedException) when (attempt < 5)
                {
                    DeclaredLayout? now;
                    (now, read) = await ReadStoredAsync(target, Solution, cancellation).ConfigureAwait(false);
                    // The very bytes this run sent (its recorded time included): its own write, the reply lost.
                    if (read != null && read.Content.AsSpan().SequenceEqual(content)) return true;
                    // An equal declaration (another run's): nothing to write.
                    if (SameAs(now)) return false;
                    if (now != null && (replacing || !force) && (now.Template != Template || now.TemplateVersion != TemplateVersion))
                        throw Mismatch(target, now);
                    // Optional folders the other run included stay included.
                    if (now != null) Include = Include.Union(now.Include, StringComparer.Ordinal).ToList();
                }
            }
        }

        /// <summary>The error for a solution declared with another template (or version) than the one given.</summary>
        public MlLayoutException Mismatch(IStorageTarget target, DeclaredLayout declared) =>
            new MlLayoutException("SolutionTemplateMismatch", ErrorKind.ResourceExists, target.Describe($"{LayoutExpander.SolutionsFolder}/{Solution}/"),
                $"Solution '{Solution}' was provisioned from template {declared.Template} {declared.TemplateVersion}, not {Template} {TemplateVersion}. " +
                "Provision it with its own template, or add -Force to declare the new one (existing folders are kept).");
    }

    public sealed class DeclaredFolder
    {
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string? Style { get; set; }
        public string? Partition { get; set; }
        public string? PartitionStyle { get; set; }
        public bool Optional { get; set; }
        /// <summary>
        /// The folder's contract as the template declared it (null: inherited, or none). Stored so drift checks a
        /// solution against the contract it was provisioned with; declarations older than contracts have none, which
        /// reads as "any format" (docs/contracts.md).
        /// </summary>
        public FolderContract? Contract { get; set; }
        public List<DeclaredFolder>? Folders { get; set; }

        public static DeclaredFolder From(FolderSpec spec) => new DeclaredFolder
        {
            Name = spec.Name,
            Description = spec.Description,
            Style = spec.Style is NamingStyle style ? NamingStyles.ToYaml(style) : null,
            Partition = spec.Partition == PartitionGranularity.None ? null : spec.Partition.ToString().ToLowerInvariant(),
            PartitionStyle = spec.PartitionStyle is Layouts.PartitionStyle ps ? PartitionStyles.ToText(ps) : null,
            Optional = spec.Optional,
            Contract = spec.Contract == null || spec.Contract.IsEmpty ? null : spec.Contract.Clone(),
            Folders = spec.Folders.Count == 0 ? null : spec.Folders.Select(From).ToList(),
        };

        public FolderSpec ToSpec() => new FolderSpec
        {
            Name = Name,
            Description = Description,
            Style = Style != null && NamingStyles.TryParse(Style, out var style) ? style : (NamingStyle?)null,
            Partition = Partition == "daily" ? PartitionGranularity.Daily : Partition == "monthly" ? PartitionGranularity.Monthly : PartitionGranularity.None,
            PartitionStyle = PartitionStyle == null ? (Layouts.PartitionStyle?)null : PartitionStyles.Parse(PartitionStyle),
            Optional = Optional,
            Contract = Contract == null || Contract.IsEmpty ? null : Contract.Clone(),
            Folders = Folders?.Select(f => f.ToSpec()).ToList() ?? new List<FolderSpec>(),
        };
    }

    public sealed class DeclaredRename
    {
        public string From { get; set; } = "";
        public string To { get; set; } = "";
    }

    public static class ToolInfo
    {
        public static string Version { get; } =
            typeof(ToolInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
