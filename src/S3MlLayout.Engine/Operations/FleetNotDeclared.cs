using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// A solution or a bucket that is provisioned but that the tenant files no longer declare. The plan only shows it,
    /// with what it holds: nothing is ever deleted because of it. Remove-MlSolution is the way to act on a solution.
    /// </summary>
    public sealed class NoLongerDeclared
    {
        /// <summary>Objects listed to say what a solution holds: one LIST page, so a solution full of data costs no more.</summary>
        public const int ObjectsCounted = 1000;

        internal NoLongerDeclared(string kind, string bucket, string uri, string? solution, string tenantFile)
        {
            Kind = kind; Bucket = bucket; Uri = uri; Solution = solution; TenantFile = tenantFile;
        }

        /// <summary>Solution or Bucket.</summary>
        public string Kind { get; }
        public string Bucket { get; }
        /// <summary>s3://bucket/solutions/{solution}/ for a solution, s3://bucket/ for a bucket (or the local directory).</summary>
        public string Uri { get; }
        /// <summary>The solution; null for a bucket.</summary>
        public string? Solution { get; }
        /// <summary>The tenant file that declares the bucket (a solution) or the tenant (a bucket).</summary>
        public string TenantFile { get; }
        /// <summary>For a solution: its folder markers among the first <see cref="ObjectsCounted"/> objects listed.</summary>
        public int? Folders { get; internal set; }
        /// <summary>For a solution: its other objects among the first <see cref="ObjectsCounted"/> listed.</summary>
        public int? Objects { get; internal set; }
        /// <summary>For a solution: the bytes of those objects.</summary>
        public long? Bytes { get; internal set; }
        /// <summary>True when the listing stopped at <see cref="ObjectsCounted"/> entries: the counts are lower bounds.</summary>
        public bool AtLeast { get; internal set; }
        /// <summary>For a bucket: the solutions it declares.</summary>
        public IReadOnlyList<string> Solutions { get; internal set; } = Array.Empty<string>();

        /// <summary>What it holds, in words.</summary>
        public string Holds => Kind == BucketKind
            ? (Solutions.Count == 0 ? "no solution declared" : $"{Solutions.Count} solutions declared: {string.Join(", ", Solutions)}")
            : $"{(AtLeast ? "at least " : "")}{Folders} folders, {Objects} objects, {Storage.BoundedFile.Bytes(Bytes ?? 0)} bytes";

        /// <summary>What the reviewer can do about it; the plan itself never removes anything.</summary>
        public string Advice => Kind == BucketKind
            ? $"declare its environment and region again in {System.IO.Path.GetFileName(TenantFile)}, or empty and delete the bucket yourself after review (Remove-MlSolution for each solution)"
            : $"declare it again in {System.IO.Path.GetFileName(TenantFile)}, or remove it: Get-MlBucket -BucketName {Bucket} | Remove-MlSolution -Solution {Solution}";

        internal const string SolutionKind = "Solution";
        internal const string BucketKind = "Bucket";

        public override string ToString() => $"{Kind} no longer declared: {Uri} ({Holds})";

        /// <summary>
        /// The solutions a bucket declares (.s3mllayout/declared/solutions/) that its tenant file no longer names, each with
        /// what one page of its listing shows. One LIST for the declarations, and one per such solution.
        /// </summary>
        internal static async Task<IReadOnlyList<NoLongerDeclared>> SolutionsAsync(FleetMember member, CancellationToken cancellation)
        {
            var target = member.Target;
            var declared = await SolutionCatalog.DeclaredNamesAsync(target, cancellation).ConfigureAwait(false);
            var named = new HashSet<string>(member.Solutions, StringComparer.Ordinal);
            var left = declared.Where(s => !named.Contains(s)).ToList();
            return await Task.WhenAll(left.Select(async solution =>
            {
                string prefix = $"solutions/{solution}/";
                var item = new NoLongerDeclared(SolutionKind, target.Bucket.Name, target.Describe(prefix), solution, member.Source);
                var listing = await target.ListAsync(prefix, delimited: false, cancellation, ObjectsCounted).ConfigureAwait(false);
                item.Folders = listing.Objects.Count(o => o.IsFolderMarker);
                item.Objects = listing.Objects.Count(o => !o.IsFolderMarker);
                item.Bytes = listing.Objects.Sum(o => o.Size);
                item.AtLeast = listing.Objects.Count >= ObjectsCounted;
                return item;
            })).ConfigureAwait(false);
        }

        /// <summary>
        /// Buckets this module provisioned (their .s3mllayout record or managed-by tags name the company and tenant)
        /// for a tenant the tenant files declare, where the fleet has no such bucket any more: an environment or region
        /// taken out of a tenant file. Looked for where the fleet's buckets live (the local directory that holds them; on
        /// S3, each connection's buckets whose names start with a fleet company's prefix, so no other bucket's tags are
        /// read). Not found: a tenant whose whole file is gone, a bucket named outside the naming convention, a bucket
        /// in another account or (on Amazon S3) another region than the connection's.
        /// </summary>
        /// <param name="inScope">The filters of the command (-Environment, -Tenant, -Region): a bucket outside them is not the plan's business.</param>
        internal static async Task<IReadOnlyList<NoLongerDeclared>> BucketsAsync(IReadOnlyList<FleetMember> members, Func<MlBucket, bool> inScope,
            Action<MlLayoutException> problem, CancellationToken cancellation)
        {
            var fleet = new HashSet<string>(members.Select(m => m.Target.Bucket.Name), StringComparer.Ordinal);
            var tenants = members.Where(m => m.Target.Bucket.CompanyPrefix != null && m.Target.Bucket.TenantId != null)
                .GroupBy(m => (m.Target.Bucket.CompanyPrefix!, m.Target.Bucket.TenantId!)).ToDictionary(g => g.Key, g => g.First().Source);
            if (tenants.Count == 0) return Array.Empty<NoLongerDeclared>();
            var companies = tenants.Keys.Select(k => k.Item1 + "-").Distinct(StringComparer.Ordinal).ToList();
            var found = new List<NoLongerDeclared>();
            foreach (var location in Locations(members))
            {
                var buckets = await ManagedBuckets.ListAsync(location, new BucketListOptions
                {
                    NameFilter = name => !fleet.Contains(name) && companies.Any(c => name.StartsWith(c, StringComparison.Ordinal)),
                    Filter = b => b.CompanyPrefix != null && b.TenantId != null && tenants.ContainsKey((b.CompanyPrefix, b.TenantId)) && inScope(b),
                    Failed = problem,
                }, cancellation).ConfigureAwait(false);
                foreach (var bucket in buckets)
                {
                    using var target = StorageTargets.Open(bucket);
                    found.Add(new NoLongerDeclared(BucketKind, bucket.Name, bucket.Uri, null, tenants[(bucket.CompanyPrefix!, bucket.TenantId!)])
                    {
                        Solutions = await SolutionCatalog.DeclaredNamesAsync(target, cancellation).ConfigureAwait(false),
                    });
                }
            }
            return found;
        }

        /// <summary>Where the fleet's buckets live: each local directory that holds bucket directories, each S3 connection once.</summary>
        private static IEnumerable<MlBucket> Locations(IReadOnlyList<FleetMember> members)
        {
            var seen = new HashSet<object>();
            foreach (var bucket in members.Select(m => m.Target.Bucket))
            {
                if (bucket.Kind == StorageKind.Local && bucket.LocalPath != null)
                {
                    string parent = System.IO.Path.GetDirectoryName(bucket.LocalPath.TrimEnd('/', '\\'))!;
                    if (seen.Add(parent)) yield return new MlBucket { Kind = StorageKind.Local, LocalPath = parent, Uri = parent };
                }
                else if (bucket.Kind == StorageKind.S3 && bucket.Handle != null && seen.Add(bucket.Handle))
                    yield return new MlBucket { Kind = StorageKind.S3, Handle = bucket.Handle, Connection = bucket.Connection, Uri = "s3://" };
            }
        }
    }
}
