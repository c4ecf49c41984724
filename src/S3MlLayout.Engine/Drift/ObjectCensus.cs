using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>
    /// One row of the census -Scope Objects takes beside its findings (Get-MlLayoutDrift -Census): how many objects
    /// and bytes lie in one declared folder ("stage") of one solution, per storage class where the source says it.
    /// </summary>
    public sealed class ObjectCensus
    {
        public string Bucket { get; set; } = "";
        public string Solution { get; set; } = "";
        /// <summary>The deepest declared folder the objects lie in, relative to the solution ("data/raw"); empty for the solution root.</summary>
        public string Stage { get; set; } = "";
        /// <summary>STANDARD, GLACIER ...; null where the source does not say (a report without the StorageClass field, the local target).</summary>
        public string? StorageClass { get; set; }
        public long Objects { get; set; }
        public long Bytes { get; set; }
        /// <summary>Where the counts come from: "listing" or "inventory 2026-12-03T01-00Z".</summary>
        public string Source { get; set; } = "";
        /// <summary>The inventory report's snapshot time (UTC); null for a listing.</summary>
        public DateTime? ReportDate { get; set; }

        public override string ToString() => $"{Solution}/{Stage} {StorageClass}: {Objects} objects, {Bytes} bytes";
    }

    /// <summary>Counts objects and bytes per solution, stage and storage class while the object rules run: one counter per group, never per object.</summary>
    internal sealed class CensusCounter
    {
        private readonly ConcurrentDictionary<(string Solution, string Stage, string StorageClass), long[]> _groups =
            new ConcurrentDictionary<(string, string, string), long[]>();

        public void Add(string solution, string stage, string? storageClass, long size)
        {
            var counts = _groups.GetOrAdd((solution, stage, storageClass ?? ""), _ => new long[2]);
            Interlocked.Increment(ref counts[0]);
            Interlocked.Add(ref counts[1], size);
        }

        public IReadOnlyList<ObjectCensus> Rows(string bucket, string source, DateTime? reportDate) =>
            _groups.OrderBy(g => g.Key.Solution, StringComparer.Ordinal).ThenBy(g => g.Key.Stage, StringComparer.Ordinal).ThenBy(g => g.Key.StorageClass, StringComparer.Ordinal)
                .Select(g => new ObjectCensus
                {
                    Bucket = bucket, Solution = g.Key.Solution, Stage = g.Key.Stage, StorageClass = g.Key.StorageClass.Length > 0 ? g.Key.StorageClass : null,
                    Objects = Interlocked.Read(ref g.Value[0]), Bytes = Interlocked.Read(ref g.Value[1]), Source = source, ReportDate = reportDate,
                }).ToList();
    }
}
