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
        public string Key { get; }
        public long Size { get; }
        public string? ETag { get; }
        public string? StorageClass { get; }
        public DateTime? LastModified { get; }
        /// <summary>A zero-byte key ending in '/': a folder marker, which object rules never judge.</summary>
        public bool IsFolderMarker => Size == 0 && Key.EndsWith("/", StringComparison.Ordinal);

        public override string ToString() => Key;
    }

    /// <summary>
    /// Where the object rules get their objects from: a listing of the bucket today (<see cref="ListingSource"/>), an
    /// S3 Inventory report next. A source streams every object under a prefix in pages and awaits each page's
    /// handling before reading on, so memory stays flat however many objects there are.
    /// </summary>
    public interface IObjectSource
    {
        /// <summary>Where the findings come from, for their text ("listing", "inventory report of 2026-12-01").</summary>
        string Description { get; }

        /// <summary>Hands every object whose key starts with <paramref name="prefix"/> to <paramref name="onPage"/>, a page at a time.</summary>
        Task ReadAsync(string prefix, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation);
    }
}
