using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// Candidates fetched from a bucket or an endpoint, kept for the session. A fetch that outlasts
    /// <see cref="Wait"/> offers nothing this time and goes on in the background, so a slow or dead endpoint never
    /// holds the prompt, and the next Tab finds its result.
    /// </summary>
    internal static class CompletionCache
    {
        internal static TimeSpan Wait = TimeSpan.FromSeconds(2);
        /// <summary>Long enough for a session of typing, short enough that a new solution or bucket shows up.</summary>
        internal static TimeSpan Lifetime = TimeSpan.FromMinutes(5);

        private sealed class Entry
        {
            public Entry(Task<IReadOnlyList<string>> fetch) { Fetch = fetch; }
            public Task<IReadOnlyList<string>> Fetch { get; }
            public DateTime Fetched { get; } = DateTime.UtcNow;
        }

        private static readonly ConcurrentDictionary<string, Entry> s_entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        internal static IReadOnlyList<string> Get(string key, Func<CancellationToken, Task<IReadOnlyList<string>>> fetch)
        {
            var entry = s_entries.AddOrUpdate(key, _ => Start(fetch),
                (_, old) => old.Fetch.IsFaulted || old.Fetch.IsCanceled || DateTime.UtcNow - old.Fetched > Lifetime ? Start(fetch) : old);
            try
            {
                return entry.Fetch.Wait(Wait) ? entry.Fetch.Result : Array.Empty<string>();
            }
            catch (AggregateException)
            {
                return Array.Empty<string>(); // completion never reports errors; the command itself will
            }
        }

        internal static void Clear() => s_entries.Clear();

        private static Entry Start(Func<CancellationToken, Task<IReadOnlyList<string>>> fetch)
        {
            // Bounded even in the background: the SDK's own timeouts are minutes long.
            var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var task = Task.Run(() => fetch(timeout.Token));
            task.ContinueWith(_ => timeout.Dispose(), TaskScheduler.Default);
            return new Entry(task);
        }
    }
}
