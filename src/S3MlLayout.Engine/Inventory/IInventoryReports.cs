using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>One inventory configuration of a bucket as S3 reports it: where and how often its reports are written.</summary>
    public sealed class InventoryReportConfiguration
    {
        public InventoryReportConfiguration(string id, bool enabled, string destinationBucket, string? destinationPrefix, string format, string frequency)
        {
            Id = id; Enabled = enabled; Format = format; Frequency = frequency;
            // S3 names the destination by ARN; the reports are read by bucket name.
            DestinationBucket = destinationBucket.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) ? destinationBucket.Substring("arn:aws:s3:::".Length) : destinationBucket;
            DestinationPrefix = (destinationPrefix ?? "").TrimEnd('/');
        }

        public string Id { get; }
        public bool Enabled { get; }
        public string DestinationBucket { get; }
        /// <summary>The destination prefix without a trailing '/'; empty when none.</summary>
        public string DestinationPrefix { get; }
        /// <summary>CSV, ORC or Parquet.</summary>
        public string Format { get; }
        /// <summary>Daily or Weekly.</summary>
        public string Frequency { get; }

        /// <summary>Where this configuration's reports of <paramref name="sourceBucket"/> lie: {prefix}/{source}/{id}/.</summary>
        public string ReportRoot(string sourceBucket) => (DestinationPrefix.Length > 0 ? DestinationPrefix + "/" : "") + $"{sourceBucket}/{Id}/";

        /// <summary>How old a report may be before it is stale: a day's slack beyond the schedule (Daily 2 days, Weekly 8).</summary>
        public static TimeSpan AllowedAge(string? frequency) =>
            string.Equals(frequency, "Daily", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromDays(2) : TimeSpan.FromDays(8);
    }

    /// <summary>
    /// What reading S3 Inventory reports needs of a target beyond <see cref="Storage.IStorageTarget"/>: its inventory
    /// configurations, and reads from the destination bucket (often another bucket) through the same connection.
    /// Only the S3 target has it; the AWSSDK types stay in S3MlLayout.Engine.S3.
    /// </summary>
    public interface IInventoryReports
    {
        /// <summary>The inventory configurations of the target's bucket (all pages).</summary>
        Task<IReadOnlyList<InventoryReportConfiguration>> ListInventoryConfigurationsAsync(CancellationToken cancellation);

        /// <summary>The common prefixes (Delimiter='/') directly under <paramref name="prefix"/> of <paramref name="bucket"/>, all pages.</summary>
        Task<IReadOnlyList<string>> ListFoldersAsync(string bucket, string prefix, CancellationToken cancellation);

        /// <summary>A small object read whole, at most <paramref name="maxBytes"/> (refused beyond); null when it does not exist.</summary>
        Task<byte[]?> ReadSmallAsync(string bucket, string key, int maxBytes, CancellationToken cancellation);

        /// <summary>A stream over an object's bytes as they arrive (one GET); null when it does not exist. The caller disposes it.</summary>
        Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellation);
    }
}
