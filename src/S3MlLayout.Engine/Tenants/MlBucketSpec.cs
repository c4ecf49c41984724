using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>
    /// One bucket of a tenant: a tenant file expanded for one environment and one region (Import-MlTenant). The
    /// property names are exactly New-MlBucket's parameter names, so a spec binds to it by property name; Solution,
    /// Include and Date are what Add-MlSolution provisions in it. Plain data: no secret, no connection object.
    /// </summary>
    public sealed class MlBucketSpec
    {
        /// <summary>The bucket name (the override, or {CompanyPrefix}-{Environment}-{TenantId}-{Region}), for display.</summary>
        public string Name { get; internal set; } = "";
        public string CompanyPrefix { get; internal set; } = "";
        public string Environment { get; internal set; } = "";
        public string TenantId { get; internal set; } = "";
        public string Region { get; internal set; } = "";
        /// <summary>The environment's bucketName override; null when the naming convention applies.</summary>
        public string? BucketName { get; internal set; }
        /// <summary>Import-MlTenant -LocalPath, absolute; null for S3.</summary>
        public string? LocalPath { get; internal set; }
        public string? ProfileName { get; internal set; }
        /// <summary>Import-MlTenant -ProfileLocation: the credentials file the profile is read from; null is the shared files.</summary>
        public string? ProfileLocation { get; internal set; }
        public string? EndpointUrl { get; internal set; }
        public bool ForcePathStyle { get; internal set; }
        /// <summary>The tenant's connection says the store has its own region names (connection: customRegion: true).</summary>
        public bool CustomRegion { get; internal set; }
        /// <summary>The tenant's environments, so New-MlBucket accepts environments other than dev, staging and prod.</summary>
        public string[] AllowedEnvironment { get; internal set; } = new string[0];
        public string? KmsKeyId { get; internal set; }
        /// <summary>The tenant's own tags; New-MlBucket adds company, environment, tenant, managed-by and template.</summary>
        public Hashtable Tag { get; internal set; } = new Hashtable();
        /// <summary>A built-in template name, the absolute path of a template file, or (inline templates) the resolved <see cref="LayoutTemplate"/>.</summary>
        public object Template { get; internal set; } = "";
        /// <summary>Names of <see cref="BucketDefault"/> values to skip (versioning: false adds Versioning).</summary>
        public string[] SkipDefault { get; internal set; } = new string[0];
        /// <summary>Days after which incomplete multipart uploads are aborted: the file's value, else New-MlBucket's default 7.</summary>
        public int? AbortIncompleteUploadDays { get; internal set; }
        /// <summary>Lifecycle rules as New-MlBucket's -LifecycleRule takes them: Prefix, TransitionDays, StorageClass, ExpirationDays.</summary>
        public Hashtable[] LifecycleRule { get; internal set; } = new Hashtable[0];
        /// <summary>The tenant asks for an S3 Inventory configuration (settings: inventory:); the values below, null where the file says nothing (defaults apply).</summary>
        public bool Inventory { get; internal set; }
        public string? InventoryFrequency { get; internal set; }
        public string? InventoryFormat { get; internal set; }
        /// <summary>Optional fields besides the four the drift rules read (Size, LastModifiedDate, StorageClass, ETag), which are always included.</summary>
        public string[] InventoryField { get; internal set; } = new string[0];
        /// <summary>s3://bucket/prefix; null: this bucket, under inventory/.</summary>
        public string? InventoryDestination { get; internal set; }
        public string? InventoryId { get; internal set; }
        public string? InventoryVersions { get; internal set; }
        public string[] Solution { get; internal set; } = new string[0];
        /// <summary>The template's optional bucket folders to provision, as template paths for Add-MlSolution -Include ('/shared', '/client_config').</summary>
        public string[] Include { get; internal set; } = new string[0];
        public DateTime[] Date { get; internal set; } = new DateTime[0];
        /// <summary>The tenant file this bucket comes from (absolute).</summary>
        public string TenantFile { get; internal set; } = "";
        /// <summary>The resolved template, whatever form <see cref="Template"/> has.</summary>
        public LayoutTemplate Layout { get; internal set; } = null!;

        /// <summary>Whether client_config/ is provisioned, and so TenantDocuments.Render has files to write.</summary>
        public bool DocumentsItself => Include.Contains("/client_config", StringComparer.Ordinal);

        /// <summary>The settings New-MlBucket declares for this spec: the secure defaults, with the tags it adds.</summary>
        public BucketSettings ToBucketSettings()
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["company"] = CompanyPrefix, ["environment"] = Environment, ["tenant"] = TenantId, ["managed-by"] = BucketSettings.ManagedBy,
                // The template's name, not a file path: a path would tag the bucket with this machine's layout.
                ["template"] = Layout.Name,
            };
            foreach (DictionaryEntry entry in Tag) tags[(string)entry.Key] = (string)entry.Value!;
            var rules = LifecycleRule.Select(r => new LifecycleRuleSpec
            {
                Id = "s3mllayout-" + ((string)r["Prefix"]!).Trim('/').Replace('/', '-'),
                Prefix = (string)r["Prefix"]!, TransitionDays = (int?)r["TransitionDays"], StorageClass = (string?)r["StorageClass"], ExpirationDays = (int?)r["ExpirationDays"],
                Acknowledge = (string?)r["Acknowledge"],
            });
            var settings = BucketSettings.SecureDefaults(tags, KmsKeyId, SkipDefault.Select(s => (BucketDefault)Enum.Parse(typeof(BucketDefault), s)), AbortIncompleteUploadDays ?? 7, rules);
            if (Inventory)
                settings.Inventory = InventorySpec.Create(Name, InventoryFrequency, InventoryFormat, InventoryField, InventoryDestination, InventoryId, InventoryVersions);
            return settings;
        }

        /// <summary>A copy, for a command to set what its own parameters override (the copy's documents then say what was applied).</summary>
        internal MlBucketSpec Copy() => (MlBucketSpec)MemberwiseClone();

        public override string ToString() => Name;
    }

    /// <summary>
    /// What a bucket made from a tenant spec carries to Add-MlSolution: the spec as New-MlBucket applied it (its own
    /// parameters override the spec's values) and the settings it declared, from which the client_config documents
    /// are rendered exactly as the fleet step renders them.
    /// </summary>
    internal sealed class TenantOrigin
    {
        // Attached beside the bucket object rather than on it: Storage/ sits below Tenants/ and knows nothing of specs.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MlBucket, TenantOrigin> s_origins = new();

        public TenantOrigin(MlBucketSpec spec, S3.BucketSettings declared) { Spec = spec; Declared = declared; }
        public MlBucketSpec Spec { get; }
        public S3.BucketSettings Declared { get; }

        /// <summary>
        /// The tenant spec a bucket was made from (New-MlBucket given an Import-MlTenant spec), with the settings it was
        /// declared with: what Add-MlSolution needs to give the bucket everything the fleet step would (an inline
        /// template, the client_config documents). In this process only, as long as the bucket object; null for any other bucket.
        /// </summary>
        public static TenantOrigin? Of(MlBucket bucket) => s_origins.TryGetValue(bucket, out var origin) ? origin : null;

        /// <summary>Records where <paramref name="bucket"/> came from (replacing an earlier record).</summary>
        public static void Attach(MlBucket bucket, TenantOrigin origin)
        {
            s_origins.Remove(bucket);
            s_origins.Add(bucket, origin);
        }
    }
}
