using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Provisioning
{
    /// <summary>How Get-MlBucket lists the buckets this module manages.</summary>
    public sealed class BucketListOptions
    {
        /// <summary>Which buckets to keep, judged on the name, CompanyPrefix, Environment and TenantId found; null keeps all.</summary>
        public Func<MlBucket, bool>? Filter { get; set; }
        /// <summary>Which bucket names to look at, judged before anything of the bucket is read (tags, bucket.json); null looks at all.</summary>
        public Func<string, bool>? NameFilter { get; set; }
        /// <summary>Read each kept bucket's settings (S3: seven requests per bucket) and bucket.json.</summary>
        public bool IncludeSettings { get; set; }
        /// <summary>Buckets looked at at once.</summary>
        public int Concurrency { get; set; } = 16;
        /// <summary>A bucket that was skipped and why (not known to be this module's and unreadable, or in another region): for the verbose stream. Called from worker threads.</summary>
        public Action<string>? Skipped { get; set; }
        /// <summary>
        /// A bucket known to be this module's (tagged managed-by, or holding bucket.json) that cannot be read or holds an
        /// invalid record: an error for the caller to report while the listing goes on. Called from worker threads.
        /// </summary>
        public Action<MlLayoutException>? Failed { get; set; }
    }

    /// <summary>
    /// The buckets this module manages, on one target: on S3, the buckets tagged managed-by=S3MlLayout (their
    /// company, environment and tenant tags fill the bucket object) or, without the tags, holding
    /// .s3mllayout/declared/bucket.json; on the local target, the directories under a directory that hold
    /// .s3mllayout/declared/bucket.json. A bucket known to be the module's that cannot be read (denied, an invalid or
    /// foreign bucket.json, tags with control characters) goes to <see cref="BucketListOptions.Failed"/>; a bucket not
    /// known to be the module's (no managed-by tag, bucket.json unreadable) only to <see cref="BucketListOptions.Skipped"/>,
    /// since an account's other buckets commonly deny reads.
    /// </summary>
    public static class ManagedBuckets
    {
        public const string ManagedByTag = "managed-by";
        public const string CompanyTag = "company";
        public const string EnvironmentTag = "environment";
        public const string TenantTag = "tenant";

        /// <summary>
        /// Lists the managed buckets where <paramref name="location"/> points: a bucket object with no name, standing for
        /// its target (on the local target, its LocalPath is the directory that holds the bucket directories; on S3,
        /// it carries the connection). Sorted by name.
        /// </summary>
        public static async Task<IReadOnlyList<MlBucket>> ListAsync(MlBucket location, BucketListOptions options, CancellationToken cancellation)
        {
            var found = location.Kind switch
            {
                StorageKind.Local => await ListLocalAsync(location.LocalPath ?? throw new ArgumentException("A local location needs its LocalPath.", nameof(location)), options, cancellation).ConfigureAwait(false),
                StorageKind.S3 => await EngineComponents.S3.ListBucketsAsync(location, options.NameFilter, options.Concurrency, options.Skipped, (bucket, tags) => JudgeListedAsync(bucket, tags, options, cancellation), cancellation).ConfigureAwait(false),
                _ => throw new MlLayoutException("TargetUnsupported", ErrorKind.InvalidArgument, location.Uri, $"Buckets on target {location.Target} cannot be listed by this build."),
            };
            return found.OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>Whether a bucket's tags say this module manages it.</summary>
        public static bool IsManaged(IReadOnlyDictionary<string, string> tags) =>
            tags.TryGetValue(ManagedByTag, out var by) && string.Equals(by, S3.BucketSettings.ManagedBy, StringComparison.Ordinal);

        /// <summary>Fills the parts of the name from the bucket's tags.</summary>
        internal static void ApplyTags(MlBucket bucket, IReadOnlyDictionary<string, string> tags)
        {
            // Tags are written by whoever may tag the bucket: refused when they would carry control characters or markup onto the object.
            foreach (var tag in new[] { CompanyTag, EnvironmentTag, TenantTag })
                if (tags.TryGetValue(tag, out var value) && !value.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')))
                    throw new MlLayoutException("BucketTagsInvalid", ErrorKind.InvalidData, bucket.Uri,
                        $"The bucket '{bucket.Uri}' is tagged {ManagedByTag}={S3.BucketSettings.ManagedBy}, but its '{tag}' tag holds a character other than letters, digits, '-', '_' and '.'; " +
                        "S3MlLayout never writes such a tag. Check who changed the tags, then set them again (New-MlBucket).");
            if (tags.TryGetValue(CompanyTag, out var company)) bucket.CompanyPrefix = company;
            if (tags.TryGetValue(EnvironmentTag, out var environment)) bucket.Environment = environment;
            if (tags.TryGetValue(TenantTag, out var tenant)) bucket.TenantId = tenant;
        }

        /// <summary>The listing's last steps for one managed bucket: the filter, then (when asked) its settings and bucket.json. Null when filtered out or unreadable.</summary>
        private static async Task<MlBucket?> CompleteAsync(MlBucket bucket, DeclaredBucket? declared, BucketListOptions options, CancellationToken cancellation)
        {
            declared?.ApplyTo(bucket);
            if (options.Filter != null && !options.Filter(bucket)) return null;
            if (!options.IncludeSettings) return bucket;
            try
            {
                using var target = StorageTargets.Open(bucket);
                bucket.Settings = await target.ReadSettingsAsync(cancellation).ConfigureAwait(false);
                if (declared == null) (await DeclaredBucket.ReadAsync(target, cancellation).ConfigureAwait(false))?.ApplyTo(bucket);
                return bucket;
            }
            catch (MlLayoutException e)
            {
                Fail(options, bucket, e);
                return null;
            }
        }

        /// <summary>Reports a bucket of this module that could not be listed; without a Failed handler, it is at least said in the verbose stream.</summary>
        private static void Fail(BucketListOptions options, MlBucket bucket, MlLayoutException e)
        {
            if (options.Failed != null) options.Failed(e);
            else options.Skipped?.Invoke($"{bucket.Uri}: skipped, it cannot be read ({e.ErrorId}: {e.Message})");
        }

        /// <summary>
        /// One bucket the S3 target listed (with its tags, or null when they could not be read): this module's when
        /// tagged managed-by, or, untagged, when it holds bucket.json. Only a bucket that claims to be the module's
        /// and cannot be read is an error; an account's other buckets commonly deny reads and are only skipped.
        /// </summary>
        private static async Task<MlBucket?> JudgeListedAsync(MlBucket bucket, IReadOnlyDictionary<string, string>? tags, BucketListOptions options, CancellationToken cancellation)
        {
            if (tags != null && IsManaged(tags))
            {
                try { ApplyTags(bucket, tags); }
                catch (MlLayoutException e) { Fail(options, bucket, e); return null; }
                return await CompleteAsync(bucket, null, options, cancellation).ConfigureAwait(false);
            }

            DeclaredBucket? declared;
            try
            {
                using var target = StorageTargets.Open(bucket);
                declared = await DeclaredBucket.ReadAsync(target, cancellation).ConfigureAwait(false);
            }
            catch (MlLayoutException e) when (e.ErrorId == "DeclarationInvalid")
            {
                // It holds a bucket.json, so it claims to be this module's: an error, not a skip.
                Fail(options, bucket, e);
                return null;
            }
            catch (MlLayoutException e)
            {
                options.Skipped?.Invoke($"{bucket.Uri}: skipped, it is not tagged {ManagedByTag}={S3.BucketSettings.ManagedBy} and its bucket.json cannot be read ({e.ErrorId}).");
                return null;
            }
            if (declared == null) return null; // not a bucket of this module
            try { if (tags != null) ApplyTags(bucket, tags); }
            catch (MlLayoutException e) { Fail(options, bucket, e); return null; }
            return await CompleteAsync(bucket, declared, options, cancellation).ConfigureAwait(false);
        }

        private static async Task<List<MlBucket>> ListLocalAsync(string directory, BucketListOptions options, CancellationToken cancellation)
        {
            string root = Path.GetFullPath(directory);
            if (!Directory.Exists(root))
                throw new MlLayoutException("LocalPathNotFound", ErrorKind.ObjectNotFound, root, $"-LocalPath '{root}' does not exist; give the directory that holds the bucket directories.");
            var candidates = new DirectoryInfo(root).EnumerateDirectories().Select(d => d.Name).Where(n => options.NameFilter == null || options.NameFilter(n)).ToList();
            return await BoundedWork.RunAsync(candidates, options.Concurrency, async name =>
            {
                cancellation.ThrowIfCancellationRequested();
                var bucket = new MlBucket { Name = name, Kind = StorageKind.Local, LocalPath = Path.Combine(root, name) };
                bucket.Uri = bucket.LocalPath + Path.DirectorySeparatorChar;
                DeclaredBucket? declared;
                try
                {
                    using var target = new LocalDirectoryTarget(bucket);
                    declared = await DeclaredBucket.ReadAsync(target, cancellation).ConfigureAwait(false);
                }
                catch (MlLayoutException e)
                {
                    // A directory holding .s3mllayout/ is this module's: its unreadable record is an error, not a skip.
                    Fail(options, bucket, e);
                    return null;
                }
                if (declared == null) return null; // a directory, not a bucket of this module
                return await CompleteAsync(bucket, declared, options, cancellation).ConfigureAwait(false);
            }, cancellation).ConfigureAwait(false);
        }
    }
}
