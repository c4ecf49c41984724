using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Audit
{
    /// <summary>
    /// One structured record per mutating run, written to the bucket it changed at
    /// .s3mllayout/audit/YYYY/MM/DD/{HHmmss}Z-{runId}.json (UTC), so the log is partitioned by day like the data.
    /// </summary>
    public sealed class AuditRecord
    {
        public const string Prefix = Naming.S3KeyRules.ReservedPrefix + "audit/";

        public int Schema { get; set; } = 1;
        public string RunId { get; set; } = Guid.NewGuid().ToString("N");
        public DateTime TimeUtc { get; set; } = DateTime.UtcNow;
        public string Tool { get; set; } = "S3MlLayout";
        public string ToolVersion { get; set; } = ToolInfo.Version;
        public string Cmdlet { get; set; } = "";
        /// <summary>The parameters the command was called with; secrets are never included.</summary>
        public Dictionary<string, object?> Parameters { get; set; } = new Dictionary<string, object?>();
        /// <summary>Who ran it: the caller's ARN on S3 where STS answers, else the local user.</summary>
        public string Caller { get; set; } = "";
        public string Bucket { get; set; } = "";
        public string Target { get; set; } = "";
        public string? Template { get; set; }
        public string? TemplateVersion { get; set; }
        public List<string> Solutions { get; set; } = new List<string>();
        public List<string> KeysCreated { get; set; } = new List<string>();
        public List<string> KeysFailed { get; set; } = new List<string>();
        /// <summary>Folder markers the run removed (old names of a rename: only exact zero-byte markers).</summary>
        public List<string> KeysDeleted { get; set; } = new List<string>();
        /// <summary>Keys the run planned and approved but never sent, because it was stopped or failed first.</summary>
        public List<string> KeysNotAttempted { get; set; } = new List<string>();
        /// <summary>Keys whose request was in flight when the run was stopped: each may or may not have been written.</summary>
        public List<string> KeysInterrupted { get; set; } = new List<string>();
        /// <summary>Completed, Stopped (Ctrl+C or a pipeline stop) or Failed (a terminating error ended the run).</summary>
        public string Outcome { get; set; } = "Completed";
        /// <summary>The terminating error's id when the run failed.</summary>
        public string? Error { get; set; }
        public List<string> SettingsChanged { get; set; } = new List<string>();
        public bool BucketCreated { get; set; }
        /// <summary>Declarations (.s3mllayout/declared/...) and documents (client_config/...) this run wrote, a write whose
        /// reply was lost counted when the bucket holds exactly the bytes this run sent.</summary>
        public List<string> DocumentsWritten { get; set; } = new List<string>();
        /// <summary>Declarations and documents whose write failed (a refused compare-and-swap is not a failure: nothing was written).</summary>
        public List<string> DocumentsFailed { get; set; } = new List<string>();
        /// <summary>Declarations and documents whose write was in flight when the run was stopped: each may or may not have been written.</summary>
        public List<string> DocumentsInterrupted { get; set; } = new List<string>();

        [JsonIgnore]
        public bool HasChanges => BucketCreated || KeysCreated.Count > 0 || KeysDeleted.Count > 0 || SettingsChanged.Count > 0 || KeysInterrupted.Count > 0
            || DocumentsWritten.Count > 0 || DocumentsInterrupted.Count > 0;

        /// <summary>Whether the record is worth writing: something changed (or may have), or something failed.</summary>
        [JsonIgnore]
        public bool IsWorthWriting => HasChanges || KeysFailed.Count > 0 || DocumentsFailed.Count > 0;

        [JsonIgnore]
        public string Key => string.Format(CultureInfo.InvariantCulture, "{0}{1:yyyy}/{1:MM}/{1:dd}/{1:HHmmss}Z-{2}.json", Prefix, TimeUtc, RunId);

        private static JsonSerializerOptions Json => RecordJson.Options;

        public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

        public static AuditRecord? FromJson(byte[] json) => JsonSerializer.Deserialize<AuditRecord>(json, Json);

        /// <summary>
        /// Writes the record once: If-None-Match on a key that names this run, so a retry whose first attempt landed
        /// (its reply lost) is refused instead of writing the record twice, and counts as written.
        /// </summary>
        public async Task WriteAsync(IStorageTarget target, CancellationToken cancellation)
        {
            try { await target.WriteObjectAsync(Key, ToJson(), "application/json", WriteCondition.Absent, cancellation).ConfigureAwait(false); }
            catch (Errors.ObjectChangedException) { }
        }

        /// <summary>Parameter values as plain JSON-friendly data: bucket objects by their URI, templates by name and version.</summary>
        public static object? Plain(object? value) => value switch
        {
            null => null,
            string s => s,
            bool or int or long or double => value,
            DateTime d => d.ToString("o", CultureInfo.InvariantCulture),
            MlBucket b => b.Uri,
            Layouts.LayoutTemplate t => $"{t.Name} {t.Version}",
            System.Collections.IDictionary dictionary => ToDictionary(dictionary),
            System.Collections.IEnumerable list => ToList(list),
            _ => value.ToString(),
        };

        private static List<object?> ToList(System.Collections.IEnumerable list)
        {
            var result = new List<object?>();
            foreach (var item in list) result.Add(Plain(item));
            return result;
        }

        private static Dictionary<string, object?> ToDictionary(System.Collections.IDictionary dictionary)
        {
            var result = new Dictionary<string, object?>();
            foreach (System.Collections.DictionaryEntry entry in dictionary) result[entry.Key?.ToString() ?? ""] = Plain(entry.Value);
            return result;
        }
    }
}
