using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Creates a bucket named by the naming convention (or an override) with secure defaults, on Amazon S3, an
    /// S3-compatible endpoint or the local target; idempotent, and returns the settings as read back.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MlBucket", DefaultParameterSetName = PartsSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MlBucket))]
    public sealed class NewMlBucketCommand : BucketTargetCommandBase
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KmsKeyId { get; set; }

        [Parameter]
        public BucketDefault[] SkipDefault { get; set; } = new BucketDefault[0];

        [Parameter]
        public Hashtable? Tag { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Template { get; set; }

        [Parameter]
        [ValidateRange(0, 3650)]
        public int AbortIncompleteUploadDays { get; set; } = 7;

        [Parameter]
        public Hashtable[] LifecycleRule { get; set; } = new Hashtable[0];

        protected override void ProcessRecord()
        {
            try
            {
                string name = ResolveBucketName();
                var desired = BucketSettings.SecureDefaults(Tags(), KmsKeyId, SkipDefault, AbortIncompleteUploadDays, LifecycleRule.Select(ToRule));
                var bucket = DescribeBucket(name);
                if (bucket.Target == StorageKind.Local) CreateLocal(bucket);
                else CreateOnS3(bucket, desired);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private void CreateLocal(MlBucket bucket)
        {
            using var target = new LocalDirectoryTarget(bucket);
            if (Directory.Exists(target.Root))
            {
                Run(ct => DeclaredBucket.ReadAsync(target, ct))?.ApplyTo(bucket);
                WriteVerbose($"Bucket '{bucket.Uri}' already exists; nothing to create.");
                WriteObject(bucket);
                return;
            }
            if (!ShouldProcess(bucket.Uri, "Create bucket")) return;
            bucket.Created = target.CreateBucketDirectory();
            bucket.CreatedUtc = DateTime.UtcNow;
            Audited(target, new AuditRecord { BucketCreated = bucket.Created }, () => Run(ct => DeclaredBucket.From(bucket).DeclareAsync(target, null, ct)));
            WriteObject(bucket);
        }

        private void CreateOnS3(MlBucket bucket, BucketSettings desired)
        {
            var connection = S3Buckets.ConnectionOf(bucket);
            if (connection.IsPlainHttp && desired.TlsOnlyPolicy == true)
            {
                // Every request through this endpoint is plain HTTP: the policy would lock this tool (and everyone) out.
                WriteWarning($"The endpoint {connection.EndpointUrl} is plain HTTP, so the TLS-only bucket policy was not applied (it would deny every request made through it). Use an https:// endpoint to apply it.");
                desired.TlsOnlyPolicy = null;
            }
            var admin = new S3BucketAdmin(connection, bucket.Name);
            bool exists = Run(ct => admin.ExistsAsync(ct));
            if (!exists && ShouldProcess(bucket.Uri, $"Create bucket in {connection.Region}"))
            {
                // AlreadyOwned: another run created it between the existence check and now; it is ours all the same.
                bucket.Created = Run(ct => admin.CreateAsync(desired.ObjectOwnership != null, ct)) == BucketCreateOutcome.Created;
                exists = !bucket.Created;
            }
            bool reachable = exists || bucket.Created;
            using var target = new S3StorageTarget(bucket);
            var (declared, read) = exists ? Run(ct => DeclaredBucket.ReadStoredAsync(target, ct)) : (null, null);
            declared?.ApplyTo(bucket);
            var actual = reachable ? Run(ct => admin.ReadAsync(ct)) : new BucketSettings();

            // One ShouldProcess per setting that differs, so -WhatIf lists each and sends nothing.
            var approved = S3BucketAdmin.Plan(desired, actual).Where(change => ShouldProcess(bucket.Uri, $"Set {change}")).ToList();
            if (!reachable) return; // -WhatIf (or a declined confirmation) for a bucket that does not exist yet

            var audit = new AuditRecord { BucketCreated = bucket.Created, Template = Template };
            Audited(target, audit, () =>
            {
                // Declare first (compare-and-swap), then converge: if a setting fails, the declaration still says
                // what the bucket should be; if another run declared other settings meanwhile, this one stops here.
                if ((bucket.Created || approved.Count > 0 || declared == null) && ShouldProcess(target.Describe(DeclaredBucket.Key), "Record declared bucket settings"))
                {
                    bucket.CreatedUtc ??= DateTime.UtcNow;
                    Run(ct => DeclaredBucket.From(bucket, desired).DeclareAsync(target, read, ct));
                }
                var changes = approved.Count == 0 ? approved : Run(ct => admin.ApplyAsync(desired, actual, approved, ct));
                audit.SettingsChanged.AddRange(changes.Select(c => c.ToString()));
                bucket.Settings = changes.Count > 0 ? Run(ct => admin.ReadAsync(ct)) : actual; // as S3 reports them, not as requested
                foreach (var change in changes) WriteVerbose($"{bucket.Uri}: {change}");
            });
            WriteObject(bucket);
        }

        private Dictionary<string, string> Tags()
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) tags[key] = value!; }
            Add("company", CompanyPrefix);
            Add("environment", Environment);
            Add("tenant", TenantId);
            Add("managed-by", BucketSettings.ManagedBy);
            Add("template", Template);
            if (Tag != null)
                foreach (DictionaryEntry entry in Tag) Add(entry.Key?.ToString() ?? "", entry.Value?.ToString());
            return tags;
        }

        private static LifecycleRuleSpec ToRule(Hashtable table)
        {
            string? Text(string key) => table.ContainsKey(key) ? table[key]?.ToString() : null;
            int? Number(string key) => int.TryParse(Text(key), out var n) ? n : (int?)null;
            string prefix = Text("Prefix") ?? throw new MlLayoutException("LifecycleRuleInvalid", ErrorKind.InvalidArgument, "LifecycleRule",
                "Each -LifecycleRule needs Prefix, and TransitionDays (with StorageClass) and/or ExpirationDays, e.g. @{ Prefix = 'solutions/churn/data/raw/'; TransitionDays = 30; StorageClass = 'STANDARD_IA' }.");
            var rule = new LifecycleRuleSpec
            {
                Id = Text("Id") ?? "s3mllayout-" + prefix.Trim('/').Replace('/', '-'),
                Prefix = prefix, TransitionDays = Number("TransitionDays"), StorageClass = Text("StorageClass") ?? (Number("TransitionDays") != null ? "STANDARD_IA" : null),
                ExpirationDays = Number("ExpirationDays"),
            };
            if (rule.TransitionDays == null && rule.ExpirationDays == null)
                throw new MlLayoutException("LifecycleRuleInvalid", ErrorKind.InvalidArgument, prefix, $"The lifecycle rule for '{prefix}' has neither TransitionDays nor ExpirationDays.");
            return rule;
        }
    }
}
