using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// Reads the module's small records (declarations, contract documents, tenant documents) with as few requests as
    /// the store allows. Keys that share a folder are found with one listing of that folder, and only those that
    /// exist are fetched: a new solution's six declarations and six contracts cost two LISTs, not twelve GETs that
    /// each end in 404. What a listing cannot settle (a folder with a page or more of entries, a link on the local
    /// target) is read key by key, as before. Nothing here decides a write: every write of these records is
    /// compare-and-swap on what was read, so a record that appears between the listing and the write is refused and
    /// read again, never overwritten.
    /// </summary>
    public static class StoredReads
    {
        /// <summary>Keys of one folder from which a listing is cheaper than a GET per key.</summary>
        public const int ListFrom = 3;
        /// <summary>Entries of one listing page: a folder that fills it may hold more, and its keys are read one by one.</summary>
        public const int PageEntries = 1000;

        /// <summary>What the store holds at each key (null where nothing), all read at once.</summary>
        public static async Task<IReadOnlyDictionary<string, StoredContent?>> ReadAsync(IStorageTarget target, IEnumerable<string> keys, CancellationToken cancellation)
        {
            var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
            var groups = distinct.GroupBy(FolderOf, StringComparer.Ordinal).ToList();
            var reads = await Task.WhenAll(groups.Select(g => ReadFolderAsync(target, g.Key, g.ToList(), cancellation))).ConfigureAwait(false);
            var byKey = new Dictionary<string, StoredContent?>(StringComparer.Ordinal);
            foreach (var read in reads)
                foreach (var pair in read) byKey[pair.Key] = pair.Value;
            return byKey;
        }

        private static async Task<Dictionary<string, StoredContent?>> ReadFolderAsync(IStorageTarget target, string folder, IReadOnlyList<string> keys, CancellationToken cancellation)
        {
            IEnumerable<string> toRead = keys;
            if (keys.Count >= ListFrom && folder.Length > 0)
            {
                var listing = await target.ListAsync(folder, delimited: true, cancellation, PageEntries).ConfigureAwait(false);
                if (listing.Objects.Count + listing.CommonPrefixes.Count + listing.LinksOutside.Count < PageEntries)
                {
                    // Links are read as before, so the local target refuses one leading out of the bucket at the same step.
                    var found = new HashSet<string>(listing.Objects.Select(o => o.Key).Concat(listing.LinksOutside), StringComparer.Ordinal);
                    toRead = keys.Where(found.Contains).ToList();
                }
            }
            var wanted = toRead.ToList();
            var contents = await Task.WhenAll(wanted.Select(k => target.ReadObjectWithETagAsync(k, cancellation))).ConfigureAwait(false);
            var result = keys.ToDictionary(k => k, _ => (StoredContent?)null, StringComparer.Ordinal);
            for (int i = 0; i < wanted.Count; i++) result[wanted[i]] = contents[i];
            return result;
        }

        private static string FolderOf(string key)
        {
            int slash = key.LastIndexOf('/');
            return slash < 0 ? "" : key.Substring(0, slash + 1);
        }
    }
}
