using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Provisioning
{
    public enum FolderOutcome
    {
        Created,
        AlreadyExists,
        Failed,
        /// <summary>Not sent: -WhatIf, a declined confirmation, or the run was stopped before its turn.</summary>
        Skipped,
        /// <summary>Sent, then cancelled by a stop while in flight: it may or may not have been written.</summary>
        Interrupted,
    }

    /// <summary>What happened to one folder; New-MlFolder writes these.</summary>
    public sealed class FolderResult
    {
        public FolderResult(string key, string uri, FolderOutcome outcome, MlLayoutException? error = null)
        {
            Key = key; Uri = uri; Outcome = outcome; Error = error;
        }
        public string Key { get; }
        /// <summary>s3://bucket/key on S3, the directory on the local target.</summary>
        public string Uri { get; }
        public FolderOutcome Outcome { get; }
        public MlLayoutException? Error { get; }
        public override string ToString() => $"{Outcome} {Uri}";
    }

    /// <summary>Which folders of a set exist already and which are missing.</summary>
    public sealed class FolderPlan
    {
        public FolderPlan(IReadOnlyList<string> missing, IReadOnlyList<string> present) { Missing = missing; Present = present; }

        /// <summary>Distinct keys, parents first (by depth, then by name): the order every folder plan keeps.</summary>
        public static List<string> ParentsFirst(IEnumerable<string> keys) =>
            keys.Distinct(StringComparer.Ordinal).OrderBy(k => k.Count(c => c == '/')).ThenBy(k => k, StringComparer.Ordinal).ToList();

        /// <summary>The plan for these keys, given which of them exist.</summary>
        public static FolderPlan Split(IEnumerable<string> keys, ICollection<string> present)
        {
            var ordered = ParentsFirst(keys);
            return new FolderPlan(ordered.Where(k => !present.Contains(k)).ToList(), ordered.Where(present.Contains).ToList());
        }
        public IReadOnlyList<string> Missing { get; }
        public IReadOnlyList<string> Present { get; }
    }

    /// <summary>
    /// Creates folder markers: finds the existing ones by listing, then writes the missing ones with bounded
    /// concurrency. Results are handed to a callback as they complete (on worker threads).
    /// </summary>
    public sealed class FolderProvisioner
    {
        private readonly IStorageTarget _target;
        private readonly int _concurrency;
        private readonly SemaphoreSlim? _sharedGate;

        /// <param name="sharedGate">A gate shared by several targets (a fleet run: one bounded pool of requests across
        /// all its buckets); when null, this provisioner bounds its own requests to <paramref name="concurrency"/>.</param>
        public FolderProvisioner(IStorageTarget target, int? concurrency = null, SemaphoreSlim? sharedGate = null)
        {
            _target = target;
            _concurrency = Math.Max(1, concurrency ?? target.DefaultConcurrency);
            _sharedGate = sharedGate;
        }

        public async Task<FolderPlan> PlanAsync(IEnumerable<string> folderKeys, CancellationToken cancellation)
        {
            // Parents first, so the local target and any reader see a tree that grows from the root.
            var keys = FolderPlan.ParentsFirst(folderKeys);
            var existing = await _target.FindFolderMarkersAsync(keys, cancellation).ConfigureAwait(false);
            return FolderPlan.Split(keys, existing);
        }

        /// <summary>
        /// Writes the markers; a failure of one key is reported and the others go on. Every key gets exactly one
        /// result, even when the run is stopped: requests in flight are awaited (and reported) before this returns or
        /// throws, so a caller's tally and audit record account for every key.
        /// </summary>
        public async Task ExecuteAsync(IReadOnlyList<string> folderKeys, Action<FolderResult> onResult, CancellationToken cancellation)
        {
            // Where the target needs parents first, each depth waits for the one above; on S3 all requests overlap.
            var waves = _target.ParentsFirst
                ? folderKeys.GroupBy(k => k.Count(c => c == '/')).OrderBy(g => g.Key).Select(g => g.ToList()).ToList()
                : new List<List<string>> { folderKeys.ToList() };
            using var own = _sharedGate == null ? new SemaphoreSlim(_concurrency) : null;
            var gate = _sharedGate ?? own!;
            var started = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var wave in waves)
                {
                    var tasks = new List<Task>(wave.Count);
                    try
                    {
                        foreach (var key in wave)
                        {
                            await gate.WaitAsync(cancellation).ConfigureAwait(false);
                            started.Add(key);
                            tasks.Add(Task.Run(async () =>
                            {
                                try { onResult(await CreateOne(key, cancellation).ConfigureAwait(false)); }
                                finally { gate.Release(); }
                            }, CancellationToken.None));
                        }
                    }
                    finally
                    {
                        await Task.WhenAll(tasks).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                // Keys never sent (the run stopped before their turn) are reported as such.
                if (started.Count < folderKeys.Count)
                    foreach (var key in folderKeys.Where(k => !started.Contains(k)))
                        onResult(new FolderResult(key, SafeDescribe(key), FolderOutcome.Skipped));
            }
        }

        private string SafeDescribe(string key)
        {
            try { return _target.Describe(key); }
            catch (MlLayoutException) { return key; }
        }

        private async Task<FolderResult> CreateOne(string key, CancellationToken cancellation)
        {
            string uri = key;
            try
            {
                uri = _target.Describe(key);
                if (cancellation.IsCancellationRequested) return new FolderResult(key, uri, FolderOutcome.Skipped);
                var outcome = await _target.CreateFolderMarkerAsync(key, cancellation).ConfigureAwait(false);
                return new FolderResult(key, uri, outcome == MarkerOutcome.Created ? FolderOutcome.Created : FolderOutcome.AlreadyExists);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new FolderResult(key, uri, FolderOutcome.Interrupted);
            }
            catch (MlLayoutException e)
            {
                return new FolderResult(key, uri, FolderOutcome.Failed, e);
            }
            catch (Exception e)
            {
                return new FolderResult(key, uri, FolderOutcome.Failed,
                    new MlLayoutException("FolderCreateFailed", ErrorKind.WriteError, uri, $"Creating '{uri}' failed: {e.Message} Run the command again to create the rest.", e));
            }
        }
    }
}
