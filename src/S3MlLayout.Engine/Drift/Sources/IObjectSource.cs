using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Inventory;

namespace S3MlLayout.Engine.Drift.Sources
{
    /// <summary>One object as a source reports it: what the object rules judge.</summary>
    public sealed class ObjectRecord
    {
        public ObjectRecord(string key, long size, string? eTag = null, string? storageClass = null, DateTime? lastModified = null)
        {
            _key = key; Size = size; ETag = eTag; StorageClass = storageClass; LastModified = lastModified;
        }

        private string? _key;
        // A record a source reuses holds its key as chars, made a string only when asked for (a finding, a content read).
        private char[]? _chars;
        private int _length;

        /// <summary>The key relative to the bucket root, decoded (never URL-encoded).</summary>
        public string Key => _key ??= new string(_chars!, 0, _length);
        /// <summary>The key without making it a string: what placing and judging millions of objects read.</summary>
        internal ReadOnlySpan<char> KeySpan => _key != null ? _key.AsSpan() : new ReadOnlySpan<char>(_chars, 0, _length);
        public long Size { get; private set; }
        public string? ETag { get; }
        public string? StorageClass { get; private set; }
        public DateTime? LastModified { get; }

        /// <summary>
        /// Makes this record another object's: a source that reads millions of rows hands the same records out page
        /// after page (a record is the source's again once its page's handling has completed). The key is copied into
        /// the record's own chars, so a row of a report makes no string.
        /// </summary>
        internal ObjectRecord Reuse(in InventoryRow row)
        {
            _chars ??= new char[256];
            _length = row.CopyKey(ref _chars);
            _key = null;
            Size = row.Size; StorageClass = row.StorageClass; PrefixIndex = -1;
            return this;
        }

        /// <summary>
        /// Which of the prefixes given to <see cref="IObjectSource.ReadAsync"/> the object was read for (its position
        /// there), so the check need not look it up again; -1 when the source does not say.
        /// </summary>
        internal int PrefixIndex { get; set; } = -1;
        /// <summary>A zero-byte key ending in '/': a folder marker, which object rules never judge.</summary>
        public bool IsFolderMarker
        {
            get
            {
                if (Size != 0) return false;
                var key = KeySpan;
                return key.Length > 0 && key[key.Length - 1] == '/';
            }
        }

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
