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
    /// <summary>
    /// A solution provisioned in a bucket, as its declaration (.s3mllayout/declared/solutions/{solution}.json) records
    /// it. Piped to Remove-MlSolution, Bucket and Solution bind by property name.
    /// </summary>
    public sealed class MlSolution
    {
        internal MlSolution() { }

        /// <summary>The bucket the solution lives in (the object the listing was made through, with its connection).</summary>
        public MlBucket Bucket { get; internal set; } = null!;
        public string Solution { get; internal set; } = "";
        public string Template { get; internal set; } = "";
        public string TemplateVersion { get; internal set; } = "";
        /// <summary>When the declaration was recorded (UTC): the last Add-MlSolution or Update-MlSolution that changed it.</summary>
        public DateTime Provisioned { get; internal set; }
        /// <summary>
        /// When a drift check of the solution was last recorded (UTC). Drift checks are read-only and record nothing,
        /// so this is null; it is kept for a future record of checks.
        /// </summary>
        public DateTime? LastChecked { get; internal set; }
        /// <summary>The optional folders included, as declared.</summary>
        public IReadOnlyList<string> Include { get; internal set; } = Array.Empty<string>();
        /// <summary>s3://bucket/solutions/{solution}/ or its directory.</summary>
        public string Uri { get; internal set; } = "";

        public override string ToString() => Uri;
    }

    /// <summary>The solutions declared in a bucket.</summary>
    public static class SolutionCatalog
    {
        public const string DeclaredPrefix = DeclaredLayout.MetadataPrefix + "declared/solutions/";

        /// <summary>The names of the declared solutions, from one listing of the declarations (no declaration read).</summary>
        public static async Task<IReadOnlyList<string>> DeclaredNamesAsync(IStorageTarget target, CancellationToken cancellation)
        {
            var listing = await target.ListAsync(DeclaredPrefix, delimited: true, cancellation).ConfigureAwait(false);
            return listing.Objects.Where(o => o.Key.EndsWith(".json", StringComparison.Ordinal) && o.Key.IndexOf('/', DeclaredPrefix.Length) < 0)
                .Select(o => o.Key.Substring(DeclaredPrefix.Length, o.Key.Length - DeclaredPrefix.Length - ".json".Length))
                .Where(n => n.Length > 0).OrderBy(n => n, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// The declared solutions whose names <paramref name="include"/> accepts, in name order: one listing, then the
        /// accepted declarations read concurrently (at most <paramref name="concurrency"/> at once). A declaration that
        /// cannot be read or parsed goes to <paramref name="problem"/> and the others are listed.
        /// </summary>
        public static async Task<IReadOnlyList<MlSolution>> ListAsync(IStorageTarget target, Func<string, bool>? include, Action<MlLayoutException> problem,
            CancellationToken cancellation, int concurrency = 16)
        {
            var names = (await DeclaredNamesAsync(target, cancellation).ConfigureAwait(false)).Where(n => include == null || include(n)).ToList();
            using var gate = new SemaphoreSlim(Math.Max(1, concurrency));
            var reads = names.Select(async name =>
            {
                await gate.WaitAsync(cancellation).ConfigureAwait(false);
                try { return await DeclaredLayout.ReadAsync(target, name, cancellation).ConfigureAwait(false); }
                catch (MlLayoutException e) { lock (problem) problem(e); return null; }
                finally { gate.Release(); }
            }).ToList();
            var declared = await Task.WhenAll(reads).ConfigureAwait(false);
            var solutions = new List<MlSolution>();
            for (int i = 0; i < names.Count; i++)
            {
                var d = declared[i];
                if (d == null) continue; // removed since the listing, or reported above
                solutions.Add(new MlSolution
                {
                    Bucket = target.Bucket, Solution = names[i], Template = d.Template, TemplateVersion = d.TemplateVersion,
                    Provisioned = DateTime.SpecifyKind(d.RecordedUtc, DateTimeKind.Utc), Include = d.Include.ToList(),
                    Uri = target.Describe($"{LayoutExpander.SolutionsFolder}/{names[i]}/"),
                });
            }
            return solutions;
        }
    }
}
