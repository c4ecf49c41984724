using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// The client_config documents a tenant bucket keeps about itself, planned and written the same way by the fleet
    /// step and by Add-MlSolution (a bucket made from a tenant spec): one WriteDocument change per document whose
    /// content differs, written compare-and-swap on what the plan read.
    /// </summary>
    internal static class TenantDocumentWrites
    {
        /// <summary>Reads each document (not for a bucket that does not exist yet) and plans a write for each that differs.</summary>
        public static async Task<IReadOnlyList<PlannedChange>> PlanAsync(IStorageTarget target, IReadOnlyDictionary<string, byte[]> documents, bool exists, CancellationToken cancellation)
        {
            var ordered = documents.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
            var reads = await Task.WhenAll(ordered.Select(d => exists ? target.ReadObjectWithETagAsync(d.Key, cancellation) : Task.FromResult<StoredContent?>(null))).ConfigureAwait(false);
            var changes = new List<PlannedChange>();
            for (int i = 0; i < ordered.Count; i++)
            {
                var (document, read) = (ordered[i], reads[i]);
                if (read != null && read.Content.SequenceEqual(document.Value)) continue;
                changes.Add(new PlannedChange(ChangeKind.WriteDocument, target.Describe(document.Key), "Write tenant document", document.Key) { Detail = (document.Value, read) });
            }
            return changes;
        }

        /// <summary>Writes the approved documents at once, each named in <paramref name="audit"/>.</summary>
        public static Task WriteAsync(IStorageTarget target, IReadOnlyList<PlannedChange> documents, AuditRecord audit, CancellationToken cancellation) =>
            Task.WhenAll(documents.Select(async change =>
            {
                var (content, read) = ((byte[], StoredContent?))change.Detail!;
                // Compare-and-swap on what the plan read: a document someone edited since is not overwritten.
                await target.WriteObjectAsync(change.Key!, content, change.Key!.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/yaml",
                    WriteCondition.After(read), cancellation).ConfigureAwait(false);
                lock (audit) audit.SettingsChanged.Add($"wrote {change.Key}");
            }));
    }
}
