using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// An S3 Inventory configuration of a bucket: what is declared (a tenant file's settings: inventory:, New-MlBucket's
    /// -Inventory* parameters) or what S3 reports for the declared id. The report goes to
    /// s3://{DestinationBucket}/{DestinationPrefix}/{source bucket}/{Id}/; the destination bucket's policy must let S3
    /// write there (BucketSettings.InventoryPolicy).
    /// </summary>
    public sealed class InventorySpec
    {
        public const string DefaultId = "s3mllayout";
        public const string DefaultPrefix = "inventory";
        public static readonly IReadOnlyList<string> Frequencies = new[] { "Daily", "Weekly" };
        public static readonly IReadOnlyList<string> Formats = new[] { "CSV", "Parquet", "ORC" };
        public static readonly IReadOnlyList<string> VersionChoices = new[] { "Current", "All" };

        /// <summary>What the drift rules read from a report (size, ETag, storage class, last modified): always included.</summary>
        public static readonly IReadOnlyList<string> RuleFields = new[] { "Size", "LastModifiedDate", "StorageClass", "ETag" };

        /// <summary>The optional fields S3 Inventory offers.</summary>
        public static readonly IReadOnlyList<string> KnownFields = new[]
        {
            "Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus", "EncryptionStatus",
            "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier", "BucketKeyStatus",
            "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner", "LifecycleExpirationDate",
        };

        public string Id { get; set; } = DefaultId;
        /// <summary>Daily or Weekly.</summary>
        public string Frequency { get; set; } = "Daily";
        /// <summary>CSV, Parquet or ORC.</summary>
        public string Format { get; set; } = "CSV";
        /// <summary>Current or All (object versions listed).</summary>
        public string IncludedVersions { get; set; } = "Current";
        public List<string> OptionalFields { get; set; } = RuleFields.ToList();
        /// <summary>The bucket the reports go to (a name, not an ARN).</summary>
        public string DestinationBucket { get; set; } = "";
        /// <summary>The key prefix of the reports, without a trailing '/' (one would break the manifest's keys).</summary>
        public string DestinationPrefix { get; set; } = DefaultPrefix;
        /// <summary>Declared: always true; read: whether S3 has the configuration enabled.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>'Daily CSV, current versions, fields Size, LastModifiedDate, StorageClass, ETag -> s3://dest/inventory/'.</summary>
        public string Describe() =>
            $"{(Enabled ? "" : "disabled, ")}{Frequency} {Format}, {IncludedVersions.ToLowerInvariant()} versions, fields {string.Join(", ", OptionalFields)} -> s3://{DestinationBucket}/{DestinationPrefix}/";

        public override string ToString() => $"{Id}: {Describe()}";

        /// <summary>Whether another (read) configuration does what this declared one asks: fields compared as a set, since S3 may list them in another order.</summary>
        public bool SameAs(InventorySpec other) =>
            other.Enabled == Enabled && other.Id == Id
            && string.Equals(other.Frequency, Frequency, StringComparison.OrdinalIgnoreCase)
            && string.Equals(other.Format, Format, StringComparison.OrdinalIgnoreCase)
            && string.Equals(other.IncludedVersions, IncludedVersions, StringComparison.OrdinalIgnoreCase)
            && other.DestinationBucket == DestinationBucket && other.DestinationPrefix == DestinationPrefix
            && new HashSet<string>(other.OptionalFields, StringComparer.Ordinal).SetEquals(OptionalFields);

        /// <summary>Whether the reports land in the source bucket itself: then the layout's own checks leave the prefix alone.</summary>
        public bool LandsIn(string bucket) => DestinationBucket == bucket;

        /// <summary>The folder key (with '/') the reports go under.</summary>
        public string DestinationFolder => DestinationPrefix + "/";

        /// <summary>The policy statement id on the destination bucket for reports of <paramref name="sourceBucket"/>; one per source, so sources can share a destination.</summary>
        public static string PolicyStatementId(string sourceBucket) => "S3MlLayoutInventory-" + sourceBucket.Replace('.', '-');

        /// <summary>
        /// Builds a declared configuration from what a user wrote, in canonical form; throws InventoryInvalid (naming the
        /// value, saying what is allowed) for anything S3 would refuse or that would reach this module's own prefixes.
        /// Null destination: the source bucket, under 'inventory/'.
        /// </summary>
        public static InventorySpec Create(string sourceBucket, string? frequency, string? format, IEnumerable<string>? fields, string? destination, string? id, string? versions)
        {
            var spec = new InventorySpec
            {
                Frequency = Choose(frequency ?? "Daily", Frequencies, "frequency"),
                Format = Choose(format ?? "CSV", Formats, "format"),
                IncludedVersions = Choose(versions ?? "Current", VersionChoices, "versions"),
                Id = CheckId(id ?? DefaultId),
                OptionalFields = Fields(fields),
            };
            var (bucket, prefix) = ParseDestination(destination, sourceBucket);
            spec.DestinationBucket = bucket;
            spec.DestinationPrefix = prefix;
            return spec;
        }

        /// <summary>The canonical spelling of <paramref name="value"/> among <paramref name="choices"/> (case ignored).</summary>
        public static string Choose(string value, IReadOnlyList<string> choices, string what) =>
            choices.FirstOrDefault(c => string.Equals(c, value?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid($"inventory {what} '{value}' is not one of: {string.Join(", ", choices)}.");

        /// <summary>The rules' fields first, then the others asked for, each once, canonically spelled.</summary>
        public static List<string> Fields(IEnumerable<string>? asked)
        {
            var result = RuleFields.ToList();
            foreach (var field in asked ?? Enumerable.Empty<string>())
            {
                var known = Choose(field, KnownFields, "field");
                if (!result.Contains(known)) result.Add(known);
            }
            return result;
        }

        public static string CheckId(string id)
        {
            id = id.Trim();
            if (id.Length == 0 || id.Length > 64 || !id.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')))
                throw Invalid($"inventory id '{id}' must be 1 to 64 letters, digits, '-', '_' or '.'.");
            return id;
        }

        /// <summary>s3://bucket/prefix (or a bare prefix in the source bucket) to a bucket name and a prefix without slashes at either end.</summary>
        public static (string Bucket, string Prefix) ParseDestination(string? destination, string sourceBucket)
        {
            string bucket = sourceBucket, prefix = DefaultPrefix;
            if (!string.IsNullOrWhiteSpace(destination))
            {
                string text = destination!.Trim();
                if (!text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                    throw Invalid($"inventory destination '{text}' is not an s3://bucket/prefix URI, e.g. s3://acme-inventory/reports (another bucket is the recommended setup).");
                string rest = text.Substring(5);
                int slash = rest.IndexOf('/');
                bucket = slash < 0 ? rest : rest.Substring(0, slash);
                prefix = slash < 0 ? "" : rest.Substring(slash + 1).Trim('/');
                try { bucket = BucketNaming.Validate(bucket).Name; }
                catch (Errors.MlLayoutException e) { throw Invalid($"inventory destination bucket '{bucket}' breaks an S3 naming rule ({e.ErrorId}): {e.Message}"); }
                if (prefix.Length == 0) prefix = DefaultPrefix;
            }
            if (S3KeyRules.CheckKey(prefix + "/") is string problem)
                throw Invalid($"inventory destination prefix '{prefix}': {problem}.");
            if (bucket == sourceBucket)
            {
                string folder = prefix + "/";
                if (folder.StartsWith(S3KeyRules.SolutionsFolder + "/", StringComparison.Ordinal) || folder.StartsWith(S3KeyRules.ReservedPrefix, StringComparison.Ordinal))
                    throw Invalid($"inventory destination prefix '{prefix}' lies under solutions/ or .s3mllayout/ of the bucket itself, where reports would mix with the layout; choose a top-level prefix such as '{DefaultPrefix}', or (recommended) another bucket.");
            }
            return (bucket, prefix);
        }

        private static Errors.MlLayoutException Invalid(string message) =>
            new Errors.MlLayoutException("InventoryInvalid", Errors.ErrorKind.InvalidArgument, "Inventory", message);
    }
}
