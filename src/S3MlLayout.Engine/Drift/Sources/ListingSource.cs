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
    /// the local target, counted the same way). Costs ceil(keys / 1000) requests per prefix, at least one.
    /// </summary>
    public sealed class ListingSource : IObjectSource
    {
        private readonly IStorageTarget _target;

        public ListingSource(IStorageTarget target) { _target = target; }

        public string Description => "listing";

        public Task ReadAsync(string prefix, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation) =>
            _target.ListObjectPagesAsync(prefix, page =>
                onPage(page.Select(o => new ObjectRecord(o.Key, o.Size, o.ETag, o.StorageClass, o.LastModified)).ToList()), cancellation);
    }
}
