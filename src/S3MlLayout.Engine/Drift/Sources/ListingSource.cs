using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift.Sources
{
    /// <summary>
    /// Objects read by listing the target: one non-delimited ListObjectsV2 per 1,000 keys on S3 (a directory walk on
    /// the local target, counted the same way). Costs ceil(keys / 1000) requests per prefix, at least one; the
    /// prefixes are listed at once.
    /// </summary>
    public sealed class ListingSource : IObjectSource
    {
        private readonly IStorageTarget _target;

        public ListingSource(IStorageTarget target) { _target = target; }

        public string Description => "listing";
        public DateTime? AsOf => null;
        public string? Report => null;
        public bool VouchesAtEnd => false;

        public Task ReadAsync(IReadOnlyCollection<string> prefixes, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation) =>
            Task.WhenAll(prefixes.Select((prefix, index) => _target.ListObjectPagesAsync(prefix, page =>
                onPage(page.Select(o => new ObjectRecord(o.Key, o.Size, o.ETag, o.StorageClass, o.LastModified) { PrefixIndex = index }).ToList()), cancellation)));
    }
}
