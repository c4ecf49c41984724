using System;
using System.Collections.Generic;
using System.Linq;

namespace S3MlLayout.Engine.S3
{
    /// <summary>The secure defaults New-MlBucket applies; each can be skipped by name (-SkipDefault).</summary>
    public enum BucketDefault { PublicAccessBlock, OwnershipEnforced, Encryption, Versioning, TlsOnlyPolicy, Tags, Lifecycle }

    /// <summary>A lifecycle rule for one prefix: transition and/or expiration after a number of days.</summary>
    public sealed class LifecycleRuleSpec
    {
        public string Id { get; set; } = "";
        public string Prefix { get; set; } = "";
        public int? TransitionDays { get; set; }
        public string? StorageClass { get; set; }
        public int? ExpirationDays { get; set; }
        /// <summary>The acknowledgement a rule reaching whole solutions needs (<see cref="LifecycleCoverage"/>); what was asked, never stored.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string? Acknowledge { get; set; }
        /// <summary>What the rule does, without its id: 'solutions/x/raw/ -> STANDARD_IA after 30d, expire after 365d'.</summary>
        public string Describe() =>
            $"{Prefix}{(TransitionDays != null ? $" -> {StorageClass} after {TransitionDays}d" : "")}{(ExpirationDays != null ? $", expire after {ExpirationDays}d" : "")}";

        public override string ToString() => $"{Id}: {Describe()}";
    }

    /// <summary>
    /// A bucket's security and housekeeping settings: what is declared (desired) or what S3 reports (actual).
    /// Null means "not declared" on the desired side and "not set" on the actual side.
    /// </summary>
    public sealed class BucketSettings
    {
        /// <summary>All four Block Public Access switches on.</summary>
        public bool? BlockPublicAccess { get; set; }
        /// <summary>BucketOwnerEnforced means ACLs are off.</summary>
        public string? ObjectOwnership { get; set; }
        /// <summary>AES256 (SSE-S3) or aws:kms (SSE-KMS).</summary>
        public string? Encryption { get; set; }
        public string? KmsKeyId { get; set; }
        public bool? BucketKeyEnabled { get; set; }
        /// <summary>Enabled, Suspended or Off.</summary>
        public string? Versioning { get; set; }
        /// <summary>The bucket policy denies requests made without TLS (aws:SecureTransport = false).</summary>
        public bool? TlsOnlyPolicy { get; set; }
        public Dictionary<string, string>? Tags { get; set; }
        /// <summary>Days after which incomplete multipart uploads are aborted (0 or null: no such rule).</summary>
        public int? AbortIncompleteMultipartUploadDays { get; set; }
        public List<LifecycleRuleSpec>? LifecycleRules { get; set; }
        /// <summary>The S3 Inventory configuration (declared: asked for; read: the one with the declared id, null when absent).</summary>
        public InventorySpec? Inventory { get; set; }
        /// <summary>Read only: the inventory destination's bucket policy lets S3 write the reports (statement
        /// <see cref="InventorySpec.PolicyStatementId"/>, scoped to this bucket and account); declared whenever <see cref="Inventory"/> is.</summary>
        public bool? InventoryPolicy { get; set; }

        public const string InventorySetting = "Inventory";
        public const string InventoryPolicySetting = "InventoryPolicy";

        /// <summary>The setting a difference belongs to, as changes name them (Tag:x -> Tag, KmsKeyId -> Encryption ...).</summary>
        public static string SettingOf(string difference) => difference switch
        {
            nameof(BucketSettings.KmsKeyId) or nameof(BucketSettings.BucketKeyEnabled) => nameof(BucketSettings.Encryption),
            nameof(BucketSettings.AbortIncompleteMultipartUploadDays) => "Lifecycle",
            _ when difference.StartsWith("LifecycleRule:", StringComparison.Ordinal) => "Lifecycle",
            _ when difference.StartsWith("Tag:", StringComparison.Ordinal) => "Tag",
            _ => difference,
        };

        public const string ManagedBy = "S3MlLayout";
        public const string AbortRuleId = "s3mllayout-abort-incomplete-multipart-uploads";

        /// <summary>Everything on: Block Public Access, ACLs off, SSE-S3 (or SSE-KMS with a Bucket Key), versioning, TLS-only policy, tags, abort incomplete uploads after 7 days.</summary>
        public static BucketSettings SecureDefaults(IDictionary<string, string> tags, string? kmsKeyId = null, IEnumerable<BucketDefault>? skip = null,
            int abortIncompleteUploadDays = 7, IEnumerable<LifecycleRuleSpec>? lifecycleRules = null)
        {
            var skipped = new HashSet<BucketDefault>(skip ?? Enumerable.Empty<BucketDefault>());
            bool lifecycle = !skipped.Contains(BucketDefault.Lifecycle);
            return new BucketSettings
            {
                BlockPublicAccess = skipped.Contains(BucketDefault.PublicAccessBlock) ? (bool?)null : true,
                ObjectOwnership = skipped.Contains(BucketDefault.OwnershipEnforced) ? null : "BucketOwnerEnforced",
                Encryption = skipped.Contains(BucketDefault.Encryption) ? null : kmsKeyId != null ? "aws:kms" : "AES256",
                KmsKeyId = skipped.Contains(BucketDefault.Encryption) ? null : kmsKeyId,
                BucketKeyEnabled = skipped.Contains(BucketDefault.Encryption) || kmsKeyId == null ? (bool?)null : true,
                Versioning = skipped.Contains(BucketDefault.Versioning) ? null : "Enabled",
                TlsOnlyPolicy = skipped.Contains(BucketDefault.TlsOnlyPolicy) ? (bool?)null : true,
                Tags = skipped.Contains(BucketDefault.Tags) ? null : new Dictionary<string, string>(tags),
                AbortIncompleteMultipartUploadDays = lifecycle && abortIncompleteUploadDays > 0 ? abortIncompleteUploadDays : (int?)null,
                LifecycleRules = lifecycle && lifecycleRules != null && lifecycleRules.Any() ? lifecycleRules.ToList() : null,
            };
        }

        /// <summary>Where the actual settings fall short of the desired ones (undeclared settings are not compared).</summary>
        public static IReadOnlyList<SettingDifference> Compare(BucketSettings desired, BucketSettings actual)
        {
            var differences = new List<SettingDifference>();
            void Check(string name, object? want, object? have, Func<bool> matches)
            {
                if (want != null && !matches()) differences.Add(new SettingDifference(name, Show(want), Show(have)));
            }
            Check(nameof(BlockPublicAccess), desired.BlockPublicAccess, actual.BlockPublicAccess, () => actual.BlockPublicAccess == desired.BlockPublicAccess);
            Check(nameof(ObjectOwnership), desired.ObjectOwnership, actual.ObjectOwnership, () => actual.ObjectOwnership == desired.ObjectOwnership);
            Check(nameof(Encryption), desired.Encryption, actual.Encryption, () => actual.Encryption == desired.Encryption);
            Check(nameof(KmsKeyId), desired.KmsKeyId, actual.KmsKeyId, () => actual.KmsKeyId != null && (actual.KmsKeyId == desired.KmsKeyId || actual.KmsKeyId.EndsWith("/" + desired.KmsKeyId, StringComparison.Ordinal)));
            Check(nameof(BucketKeyEnabled), desired.BucketKeyEnabled, actual.BucketKeyEnabled, () => actual.BucketKeyEnabled == desired.BucketKeyEnabled);
            Check(nameof(Versioning), desired.Versioning, actual.Versioning, () => actual.Versioning == desired.Versioning);
            Check(nameof(TlsOnlyPolicy), desired.TlsOnlyPolicy, actual.TlsOnlyPolicy, () => actual.TlsOnlyPolicy == desired.TlsOnlyPolicy);
            if (desired.Tags != null)
                foreach (var tag in desired.Tags)
                    if (actual.Tags == null || !actual.Tags.TryGetValue(tag.Key, out var value) || value != tag.Value)
                        differences.Add(new SettingDifference($"Tag:{tag.Key}", tag.Value, actual.Tags != null && actual.Tags.TryGetValue(tag.Key, out var v) ? v : "(none)"));
            Check(nameof(AbortIncompleteMultipartUploadDays), desired.AbortIncompleteMultipartUploadDays, actual.AbortIncompleteMultipartUploadDays,
                () => actual.AbortIncompleteMultipartUploadDays == desired.AbortIncompleteMultipartUploadDays);
            if (desired.LifecycleRules != null)
                foreach (var rule in desired.LifecycleRules)
                {
                    var have = actual.LifecycleRules?.FirstOrDefault(r => r.Id == rule.Id);
                    if (have == null || have.Describe() != rule.Describe())
                        differences.Add(new SettingDifference($"LifecycleRule:{rule.Id}", rule.Describe(), have?.Describe() ?? "(none)"));
                }
            if (desired.Inventory is InventorySpec inventory)
            {
                if (actual.Inventory == null || !inventory.SameAs(actual.Inventory))
                    differences.Add(new SettingDifference(InventorySetting, inventory.ToString(), actual.Inventory?.ToString() ?? "(none)"));
                if (actual.InventoryPolicy != true)
                    differences.Add(new SettingDifference(InventoryPolicySetting, $"s3://{inventory.DestinationBucket}/ policy lets S3 write {inventory.DestinationFolder}",
                        actual.InventoryPolicy == false ? "(no such statement)" : "(unknown)"));
            }
            return differences;
        }

        private static string Show(object? value) => value switch
        {
            null => "(none)",
            bool b => b ? "On" : "Off",
            _ => value.ToString() ?? "",
        };

        public override string ToString() =>
            $"PublicAccessBlock={Show(BlockPublicAccess)}, Ownership={Show(ObjectOwnership)}, Encryption={Show(Encryption)}, Versioning={Show(Versioning)}, TlsOnly={Show(TlsOnlyPolicy)}";
    }

    /// <summary>One setting that differs: what was declared and what the bucket has.</summary>
    public sealed class SettingDifference
    {
        public SettingDifference(string setting, string expected, string actual) { Setting = setting; Expected = expected; Actual = actual; }
        public string Setting { get; }
        public string Expected { get; }
        public string Actual { get; }
        public override string ToString() => $"{Setting}: {Actual} -> {Expected}";
    }
}
