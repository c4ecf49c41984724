using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>Work over many buckets at a bounded concurrency, for listings that touch each bucket.</summary>
    internal static class BoundedWork
    {
        /// <summary>Runs <paramref name="work"/> for each item, at most <paramref name="concurrency"/> at once; the non-null results, in no particular order.</summary>
        internal static async Task<List<TResult>> RunAsync<T, TResult>(IEnumerable<T> items, int concurrency, Func<T, Task<TResult?>> work, CancellationToken cancellation)
            where TResult : class
        {
            using var gate = new SemaphoreSlim(Math.Max(1, concurrency));
            var tasks = items.Select(async item =>
            {
                await gate.WaitAsync(cancellation).ConfigureAwait(false);
                try { return await work(item).ConfigureAwait(false); }
                finally { gate.Release(); }
            }).ToList();
            return (await Task.WhenAll(tasks).ConfigureAwait(false)).Where(r => r != null).Select(r => r!).ToList();
        }
    }
}
