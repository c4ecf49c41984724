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
        public static async Task<IReadOnlyList<PlannedChange>> PlanAsync(IStorageTarget target, IReadOnlyDictionary<string, byte[]> documents, bool exists, CancellationToken cancellation,
            string action = "Write tenant document", Func<string, string?>? solutionOf = null) =>
            Plan(target, documents, await ReadAsync(target, documents.Keys, exists, cancellation).ConfigureAwait(false), action, solutionOf);

        /// <summary>What the bucket holds at each key, all read at once (nothing for a bucket that does not exist yet): started beside a plan's other reads.</summary>
        public static async Task<IReadOnlyDictionary<string, StoredContent?>> ReadAsync(IStorageTarget target, IEnumerable<string> keys, bool exists, CancellationToken cancellation)
        {
            if (exists) return await StoredReads.ReadAsync(target, keys, cancellation).ConfigureAwait(false);
            var none = new Dictionary<string, StoredContent?>(StringComparer.Ordinal);
            foreach (var key in keys) none[key] = null;
            return none;
        }

        /// <summary>One write per document whose content differs from what was read, in key order.</summary>
        public static IReadOnlyList<PlannedChange> Plan(IStorageTarget target, IReadOnlyDictionary<string, byte[]> documents, IReadOnlyDictionary<string, StoredContent?> reads,
            string action = "Write tenant document", Func<string, string?>? solutionOf = null)
        {
            var changes = new List<PlannedChange>();
            foreach (var document in documents.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var read = reads[document.Key];
                if (read != null && read.Content.SequenceEqual(document.Value)) continue;
                changes.Add(new PlannedChange(ChangeKind.WriteDocument, target.Describe(document.Key), action, document.Key, solutionOf?.Invoke(document.Key)) { Detail = (document.Value, read) });
            }
            return changes;
        }

        /// <summary>
        /// Writes the approved documents at once, each named in <paramref name="audit"/> (written, failed or
        /// interrupted); <paramref name="wrote"/> hears each written document's URI.
        /// </summary>
        public static Task WriteAsync(IStorageTarget target, IReadOnlyList<PlannedChange> documents, AuditRecord audit, CancellationToken cancellation, Action<string>? wrote = null) =>
            Task.WhenAll(documents.Select(async change =>
            {
                await AuditedRun.DocumentAsync(audit, change.Key!, () => WriteOneAsync(target, change, cancellation), cancellation).ConfigureAwait(false);
                wrote?.Invoke(change.Target);
            }));

        /// <summary>
        /// Writes one document with compare-and-swap on what the plan read: a document someone edited since is not
        /// overwritten (ObjectChanged). A refused retry of this run's own write (the first attempt landed, its reply
        /// was lost) finds exactly the bytes it sent, and counts as written.
        /// </summary>
        private static async Task<bool> WriteOneAsync(IStorageTarget target, PlannedChange change, CancellationToken cancellation)
        {
            var (content, read) = ((byte[], StoredContent?))change.Detail!;
            try
            {
                await target.WriteObjectAsync(change.Key!, content, change.Key!.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/yaml",
                    WriteCondition.After(read), cancellation).ConfigureAwait(false);
            }
            catch (Errors.ObjectChangedException)
            {
                var now = await target.ReadObjectWithETagAsync(change.Key!, cancellation).ConfigureAwait(false);
                if (now == null || !now.Content.AsSpan().SequenceEqual(content)) throw;
            }
            return true;
        }
    }
}
