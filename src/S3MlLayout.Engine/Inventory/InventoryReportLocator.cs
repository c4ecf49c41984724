using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>A report found and its manifest checked: what -Inventory reads, and how often its configuration writes one.</summary>
    public sealed class InventoryReport
    {
        public InventoryReport(InventoryManifest manifest, InventoryReportConfiguration? configuration)
        {
            Manifest = manifest; Configuration = configuration;
        }

        public InventoryManifest Manifest { get; }
        /// <summary>The configuration that writes it; null when it is not (or no longer) one of the bucket's.</summary>
        public InventoryReportConfiguration? Configuration { get; }

        /// <summary>Whether the report is older than its schedule allows at <paramref name="now"/> (Weekly when the configuration is unknown).</summary>
        public bool IsStale(DateTime now) => now - Manifest.Created > InventoryReportConfiguration.AllowedAge(Configuration?.Frequency);
    }

    /// <summary>
    /// Finds a bucket's newest inventory report ({prefix}/{source}/{config}/YYYY-MM-DDTHH-MMZ/manifest.json) or reads
    /// the one named by -InventoryManifest, checking manifest.json against manifest.checksum before believing it.
    /// </summary>
    public static class InventoryReportLocator
    {
        private static readonly Regex s_reportFolder = new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z$", RegexOptions.CultureInvariant);
        private static readonly Regex s_manifestPath = new Regex(@"^(?<root>.*?)(?<source>[^/]+)/(?<config>[^/]+)/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z/manifest\.json$", RegexOptions.CultureInvariant);

        /// <summary>The newest report of the bucket's inventory configuration (the only one, or the one named <paramref name="configurationId"/>).</summary>
        public static async Task<InventoryReport> FindNewestAsync(IInventoryReports store, string sourceBucket, string bucketUri, string? configurationId, CancellationToken cancellation)
        {
            var configurations = await store.ListInventoryConfigurationsAsync(cancellation).ConfigureAwait(false);
            var usable = configurations.Where(c => configurationId == null || c.Id == configurationId).ToList();
            if (usable.Count == 0)
                throw new MlLayoutException("InventoryNotConfigured", ErrorKind.ObjectNotFound, bucketUri,
                    configurationId == null
                        ? $"The bucket {bucketUri} has no S3 Inventory configuration, so there is no report to read. Give it one (a tenant file's inventory setting, or New-MlBucket), wait for its first report (up to 48 hours), or check by listing with -Scope Objects without -Inventory."
                        : $"The bucket {bucketUri} has no S3 Inventory configuration '{configurationId}' (it has: {string.Join(", ", configurations.Select(c => c.Id).DefaultIfEmpty("none"))}).");
            // Several configurations: the enabled ones first, then whichever has the newest report.
            InventoryReport? newest = null;
            foreach (var configuration in usable.OrderByDescending(c => c.Enabled))
            {
                string root = configuration.ReportRoot(sourceBucket);
                var folders = await store.ListFoldersAsync(configuration.DestinationBucket, root, cancellation).ConfigureAwait(false);
                // The folder names sort as their dates do; a folder whose manifest is not there yet is being written.
                foreach (var folder in folders.Select(f => f.Substring(root.Length).TrimEnd('/')).Where(n => s_reportFolder.IsMatch(n)).OrderByDescending(n => n, StringComparer.Ordinal))
                {
                    var report = await TryReadAsync(store, configuration.DestinationBucket, root + folder + "/manifest.json", configuration, cancellation).ConfigureAwait(false);
                    if (report == null) continue;
                    if (newest == null || report.Manifest.Created > newest.Manifest.Created) newest = report;
                    break;
                }
                if (newest != null && configuration.Enabled) break;
            }
            return newest ?? throw new MlLayoutException("InventoryReportNotFound", ErrorKind.ObjectNotFound,
                $"s3://{usable[0].DestinationBucket}/{usable[0].ReportRoot(sourceBucket)}",
                $"No inventory report of {bucketUri} lies at s3://{usable[0].DestinationBucket}/{usable[0].ReportRoot(sourceBucket)} yet: S3 writes the first one within 48 hours of the configuration. Run without -Inventory to check by listing meanwhile.");
        }

        /// <summary>The report named by an s3://bucket/…/manifest.json URI (-InventoryManifest).</summary>
        public static async Task<InventoryReport> ReadAsync(IInventoryReports store, string manifestUri, CancellationToken cancellation)
        {
            var (bucket, key) = ParseUri(manifestUri);
            // The configuration, when the path names one of the source bucket's, tells how often reports come.
            InventoryReportConfiguration? configuration = null;
            var path = s_manifestPath.Match(key);
            if (path.Success)
            {
                try
                {
                    configuration = (await store.ListInventoryConfigurationsAsync(cancellation).ConfigureAwait(false))
                        .FirstOrDefault(c => c.Id == path.Groups["config"].Value && c.DestinationBucket == bucket);
                }
                catch (MlLayoutException) { } // reading configurations may be denied while reading the report is allowed
            }
            return await TryReadAsync(store, bucket, key, configuration, cancellation).ConfigureAwait(false)
                ?? throw new MlLayoutException("InventoryManifestNotFound", ErrorKind.ObjectNotFound, manifestUri,
                    $"There is no inventory manifest at {manifestUri}. Check the URI (s3://destination-bucket/prefix/source-bucket/config-id/YYYY-MM-DDTHH-MMZ/manifest.json).");
        }

        /// <summary>Splits s3://bucket/key; anything else is a clear error.</summary>
        public static (string Bucket, string Key) ParseUri(string uri)
        {
            const string scheme = "s3://";
            int slash = uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? uri.IndexOf('/', scheme.Length) : -1;
            if (slash <= scheme.Length || slash == uri.Length - 1 || !uri.EndsWith("manifest.json", StringComparison.Ordinal))
                throw new MlLayoutException("InventoryManifestUriInvalid", ErrorKind.InvalidArgument, uri,
                    $"'{uri}' is not the S3 URI of an inventory manifest; give s3://destination-bucket/…/manifest.json.");
            return (uri.Substring(scheme.Length, slash - scheme.Length), uri.Substring(slash + 1));
        }

        /// <summary>Reads manifest.json and manifest.checksum beside it; null when the manifest is not there.</summary>
        private static async Task<InventoryReport?> TryReadAsync(IInventoryReports store, string bucket, string key, InventoryReportConfiguration? configuration, CancellationToken cancellation)
        {
            string uri = $"s3://{bucket}/{key}";
            var manifest = await store.ReadSmallAsync(bucket, key, InventoryManifest.MaxManifestBytes, cancellation).ConfigureAwait(false);
            if (manifest == null) return null;
            string checksumKey = key.Substring(0, key.Length - "manifest.json".Length) + "manifest.checksum";
            var checksum = await store.ReadSmallAsync(bucket, checksumKey, 1024, cancellation).ConfigureAwait(false);
            if (checksum == null)
                throw new MlLayoutException("InventoryChecksumMissing", ErrorKind.InvalidData, $"s3://{bucket}/{checksumKey}",
                    $"The inventory manifest {uri} has no manifest.checksum beside it, so it cannot be trusted. Nothing from this report is used; wait for the next report or pass another one with -InventoryManifest.");
            var parsed = InventoryManifest.Parse(manifest, System.Text.Encoding.ASCII.GetString(checksum), uri);
            return new InventoryReport(parsed, configuration);
        }
    }
}
