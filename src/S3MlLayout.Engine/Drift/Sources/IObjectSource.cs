using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Drift.Sources
{
    /// <summary>One object as a source reports it: what the object rules judge.</summary>
    public sealed class ObjectRecord
    {
        public ObjectRecord(string key, long size, string? eTag = null, string? storageClass = null, DateTime? lastModified = null)
        {
            Key = key; Size = size; ETag = eTag; StorageClass = storageClass; LastModified = lastModified;
        }

        /// <summary>The key relative to the bucket root, decoded (never URL-encoded).</summary>
        public string Key { get; private set; }
        public long Size { get; private set; }
        public string? ETag { get; }
        public string? StorageClass { get; private set; }
        public DateTime? LastModified { get; }

        /// <summary>
        /// Makes this record another object's: a source that reads millions of rows hands the same records out page
        /// after page (a record is the source's again once its page's handling has completed).
        /// </summary>
        internal ObjectRecord Reuse(string key, long size, string? storageClass, int prefixIndex)
        {
            Key = key; Size = size; StorageClass = storageClass; PrefixIndex = prefixIndex;
            return this;
        }
        /// <summary>
        /// Which of the prefixes given to <see cref="IObjectSource.ReadAsync"/> the object was read for (its position
        /// there), so the check need not look it up again; -1 when the source does not say.
        /// </summary>
        internal int PrefixIndex { get; set; } = -1;
        /// <summary>A zero-byte key ending in '/': a folder marker, which object rules never judge.</summary>
        public bool IsFolderMarker => Size == 0 && Key.EndsWith("/", StringComparison.Ordinal);

        public override string ToString() => Key;
    }

    /// <summary>
    /// Where the object rules get their objects from: a listing of the bucket (<see cref="ListingSource"/>) or an S3
    /// Inventory report (<see cref="InventorySource"/>). A source streams every object under the given prefixes in
    /// pages and awaits each page's handling before reading on, so memory stays flat however many objects there are.
    /// </summary>
    public interface IObjectSource
    {
        /// <summary>Where the findings come from, for their text ("listing", "inventory 2026-12-01T01-00Z").</summary>
        string Description { get; }

        /// <summary>When the objects were seen: an inventory report's snapshot time; null for a listing (now).</summary>
        DateTime? AsOf { get; }

        /// <summary>The report the objects come from (its manifest's URI); null for a listing.</summary>
        string? Report { get; }

        /// <summary>
        /// True when the source can vouch for its objects only once it has read them all (an inventory report's data
        /// files are checked against their MD5 at their end): the check then holds its findings until
        /// <see cref="ReadAsync"/> has completed, and a source that fails reports nothing.
        /// </summary>
        bool VouchesAtEnd { get; }

        /// <summary>
        /// Hands every object whose key starts with one of <paramref name="prefixes"/> to <paramref name="onPage"/>, a
        /// page at a time; pages may come from several threads at once. A page and its records are the handler's only
        /// until its task completes (a source may fill them again for its next page): keep what is needed, not them.
        /// </summary>
        Task ReadAsync(IReadOnlyCollection<string> prefixes, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation);
    }
}
