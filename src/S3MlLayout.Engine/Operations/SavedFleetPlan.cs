using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// A fleet plan as Get-MlFleetPlan -OutFile saved it and a reviewer read it. Invoke-MlFleetPlan -PlanFile applies
    /// only a plan that (1) fits module/schemas/fleet-plan.schema.json (else FleetPlanInvalid, naming the JSON path),
    /// (2) still carries the digest of its reviewed content, so no text a reviewer reads was edited after it was
    /// written (else FleetPlanTampered), and (3) still holds: the same tenant files, and planning again gives exactly
    /// the saved buckets and changes (else FleetPlanStale, listing what moved). The plan applied is the fresh one, which
    /// then is, change for change, the one reviewed.
    /// </summary>
    public sealed class SavedFleetPlan
    {
        public const int FormatVersion = 2;
        public const string SchemaFile = "fleet-plan.schema.json";
        /// <summary>How many differences the FleetPlanStale and FleetPlanTampered messages list.</summary>
        private const int Shown = 20;

        private static readonly Lazy<JsonSchemaCheck> Schema = new Lazy<JsonSchemaCheck>(() => JsonSchemaCheck.Embedded(SchemaFile));

        private SavedFleetPlan(string source, IReadOnlyDictionary<string, string> tenantFiles, IReadOnlyList<string> reviewed, bool digestHolds)
        {
            Source = source; TenantFiles = tenantFiles; Reviewed = reviewed; DigestHolds = digestHolds;
        }

        /// <summary>The plan file, the target of every error about it.</summary>
        public string Source { get; }
        /// <summary>Tenant file path to the SHA-256 it had when planned.</summary>
        public IReadOnlyDictionary<string, string> TenantFiles { get; }
        /// <summary>The buckets and changes as the reviewer read them, one line each (see <see cref="FleetPlan.ReviewLines"/>).</summary>
        public IReadOnlyList<string> Reviewed { get; }
        /// <summary>False when the reviewed content no longer matches the digest written with it.</summary>
        public bool DigestHolds { get; }

        /// <summary>Checks a saved plan's text (as read from <paramref name="source"/>); reads and writes nothing else.</summary>
        public static SavedFleetPlan Parse(string json, string source)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw Invalid(source, $"it is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", e);
            }
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var version) && version.ValueKind == JsonValueKind.Number
                && version.TryGetInt32(out int v) && v != FormatVersion)
                throw Invalid(source, $"$.schema: format {v}, this module reads format {FormatVersion}");
            if (Schema.Value.FirstProblem(root) is string problem) throw Invalid(source, problem);

            var reviewed = new List<string>();
            foreach (var bucket in root.GetProperty("buckets").EnumerateArray())
            {
                string name = bucket.GetProperty("bucket").GetString()!;
                reviewed.Add(FleetPlan.BucketLine(name, bucket.GetProperty("uri").GetString()!, bucket.GetProperty("tenantFile").GetString()!));
                reviewed.AddRange(bucket.GetProperty("changes").EnumerateArray().Select(c => FleetPlan.Fingerprint(name,
                    c.GetProperty("kind").GetString()!, c.GetProperty("target").GetString()!, c.GetProperty("action").GetString()!,
                    c.GetProperty("solution").GetString(), c.TryGetProperty("contentSha256", out var sha) ? sha.GetString() : null)));
            }
            var fingerprints = root.GetProperty("fingerprints").EnumerateArray().Select(f => f.GetString()!).ToList();
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            int i = 0;
            foreach (var file in root.GetProperty("tenantFiles").EnumerateArray())
            {
                if (files.ContainsKey(file.GetProperty("path").GetString()!)) throw Invalid(source, $"$.tenantFiles[{i}].path: the same file is listed twice");
                files[file.GetProperty("path").GetString()!] = file.GetProperty("sha256").GetString()!;
                i++;
            }
            // Edited text (a change added, dropped or retargeted, the count or the fingerprints changed) no longer has the digest.
            bool digestHolds = Digest(root) == root.GetProperty("digest").GetString()
                && fingerprints.SequenceEqual(reviewed.Where(l => !l.StartsWith(FleetPlan.BucketLinePrefix, StringComparison.Ordinal)), StringComparer.Ordinal);
            return new SavedFleetPlan(source, files, reviewed, digestHolds);
        }

        /// <summary>
        /// Refuses, before anything is written, a saved plan that was edited (FleetPlanTampered) or no longer holds
        /// (FleetPlanStale): each lists the differences between the reviewed content and what would be applied now.
        /// </summary>
        /// <param name="tenantFiles">The tenant files given now.</param>
        /// <param name="sha256">How a tenant file's content hash is taken now.</param>
        public void CheckHolds(FleetPlan fresh, IReadOnlyCollection<string> tenantFiles, Func<string, string> sha256)
        {
            var moved = new List<string>();
            foreach (var file in tenantFiles)
            {
                if (!TenantFiles.TryGetValue(file, out var hash)) moved.Add($"tenant file not in the plan: {file}");
                else if (hash != sha256(file)) moved.Add($"tenant file changed since the plan: {file}");
            }
            var given = new HashSet<string>(tenantFiles, StringComparer.Ordinal);
            moved.AddRange(TenantFiles.Keys.Where(f => !given.Contains(f)).Select(f => $"tenant file planned but not given: {f}"));
            var differences = Differences(Reviewed, fresh.ReviewLines);
            moved.AddRange(differences);
            if (!DigestHolds)
                throw new MlLayoutException("FleetPlanTampered", ErrorKind.InvalidData, Source, new[]
                {
                    $"The saved plan '{Source}' was edited after Get-MlFleetPlan wrote it (its content no longer matches its digest), so nothing was applied." +
                    (differences.Count == 0 ? "" : " What it says against what would be applied now:"),
                }.Concat(List(differences)).Concat(new[] { "Plan again (Get-MlFleetPlan -OutFile), review the new file as written, then apply it." }));
            if (moved.Count == 0) return;
            var stale = new MlLayoutException("FleetPlanStale", ErrorKind.ResourceExists, Source,
                new[] { $"The saved plan '{Source}' no longer holds, so nothing was applied. {moved.Count} differences:" }
                    .Concat(List(moved)).Concat(new[] { "Plan again (Get-MlFleetPlan -OutFile), review, then apply the new plan." }));
            // The message lists the differences (logs, scripts); the console shows the counts and -Verbose each one.
            stale.Data[SummaryKey] = Errors.TerminalText.Of($"The saved plan '{Source}' no longer holds, so nothing was applied: {Counted(moved)}. " +
                "Plan again (Get-MlFleetPlan -OutFile), review, then apply the new plan; -Verbose lists the differences.");
            stale.Data[DetailsKey] = moved.Select(Errors.TerminalText.Of).ToArray();
            throw stale;
        }

        private const string SummaryKey = "S3MlLayout.Summary";
        private const string DetailsKey = "S3MlLayout.Details";

        /// <summary>A FleetPlanStale error's differences counted in one sentence; null for any other error.</summary>
        public static string? SummaryOf(MlLayoutException e) => e.Data[SummaryKey] as string;

        /// <summary>A FleetPlanStale error's differences, one line each (for the verbose stream).</summary>
        public static IReadOnlyList<string> DetailsOf(MlLayoutException e) => e.Data[DetailsKey] as string[] ?? Array.Empty<string>();

        /// <summary>The differences counted by what they are ("2 tenant files changed since the plan, 31 changes needed now, not in the plan"), in 2 buckets.</summary>
        private static string Counted(IReadOnlyList<string> moved)
        {
            var kinds = moved.GroupBy(m => m.Substring(0, Math.Max(0, m.IndexOf(':')))).Select(g => (Kind: g.Key, Count: g.Count())).ToList();
            var buckets = moved.Where(m => m.StartsWith("in the plan", StringComparison.Ordinal) || m.StartsWith("needed now", StringComparison.Ordinal))
                .Select(m => m.Substring(m.IndexOf(':') + 1).TrimStart())
                .Where(m => !m.StartsWith(FleetPlan.BucketLinePrefix, StringComparison.Ordinal) && m.IndexOf(':') > 0)
                .Select(m => m.Substring(0, m.IndexOf(':'))).Distinct(StringComparer.Ordinal).Count();
            string Phrase(string kind, int count) => kind switch
            {
                "tenant file changed since the plan" => $"{count} tenant files changed since the plan",
                "tenant file not in the plan" => $"{count} tenant files not in the plan",
                "tenant file planned but not given" => $"{count} tenant files planned but not given",
                "in the plan, not needed now" => $"{count} changes or buckets in the plan, not needed now",
                "needed now, not in the plan" => $"{count} changes or buckets needed now, not in the plan",
                _ => $"{count} other differences",
            };
            return string.Join(", ", kinds.Select(k => Phrase(k.Kind, k.Count))) + (buckets > 0 ? $" (in {buckets} buckets)" : "");
        }

        /// <summary>Lines only one side has (counted, so a change listed twice differs from one listed once).</summary>
        private static List<string> Differences(IEnumerable<string> saved, IEnumerable<string> now)
        {
            var count = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var line in saved) count[line] = count.TryGetValue(line, out int n) ? n + 1 : 1;
            foreach (var line in now) count[line] = count.TryGetValue(line, out int n) ? n - 1 : -1;
            return count.Where(c => c.Value != 0)
                .SelectMany(c => Enumerable.Repeat(c.Value > 0 ? "in the plan, not needed now: " + c.Key : "needed now, not in the plan: " + c.Key, Math.Abs(c.Value)))
                .OrderBy(l => l, StringComparer.Ordinal).ToList();
        }

        /// <summary>The differences as indented lines, at most <see cref="Shown"/> of them.</summary>
        private static IEnumerable<string> List(IReadOnlyList<string> lines) =>
            lines.Take(Shown).Select(l => "  " + l).Concat(lines.Count > Shown ? new[] { $"  ... and {lines.Count - Shown} more" } : Array.Empty<string>());

        /// <summary>"sha256:" and the SHA-256 of the canonical JSON of every key but the digest itself.</summary>
        internal static string Digest(JsonElement root)
        {
            var content = new StringBuilder("{");
            foreach (var member in root.EnumerateObject().Where(m => m.Name != "digest").OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (content.Length > 1) content.Append(',');
                content.Append(JsonSerializer.Serialize(member.Name)).Append(':').Append(JsonSchemaCheck.Canonical(member.Value));
            }
            content.Append('}');
            using var sha = SHA256.Create();
            return "sha256:" + BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(content.ToString()))).Replace("-", "").ToLowerInvariant();
        }

        internal static MlLayoutException Invalid(string source, string problem, Exception? inner = null) =>
            new MlLayoutException("FleetPlanInvalid", ErrorKind.InvalidData, source,
                $"The saved plan '{source}' is not a plan Get-MlFleetPlan wrote ({problem}), so nothing was applied. Write it again with Get-MlFleetPlan -OutFile.", inner);
    }
}
