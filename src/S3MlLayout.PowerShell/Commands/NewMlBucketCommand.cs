using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Creates a bucket named by the naming convention (or an override) with secure defaults, on Amazon S3, an
    /// S3-compatible endpoint or the local target; idempotent, and returns the settings as read back.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "MlBucket", DefaultParameterSetName = OverrideSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MlBucket))]
    public sealed class NewMlBucketCommand : BucketTargetCommandBase
    {
        // Every parameter below binds by property name as well (Import-Csv rows, Import-MlTenant's bucket specs); an
        // empty CSV cell is "not given", and list cells take 'a;b' or 'a, b'.
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? KmsKeyId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public BucketDefault[] SkipDefault { get; set; } = new BucketDefault[0];

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Table]
        public Hashtable? Tag { get; set; }

        /// <summary>Tagged on the bucket and carried on the bucket object, for Add-MlSolution's -Template.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        [ArgumentCompleter(typeof(PowerShell.Completers.TemplateCompleter))]
        public string? Template { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsDefault(7)]
        [ValidateRange(0, 3650)]
        public int AbortIncompleteUploadDays { get; set; } = 7;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Table]
        [AllowNull]
        [AllowEmptyCollection]
        public Hashtable[]? LifecycleRule { get; set; } = new Hashtable[0];

        /// <summary>An S3 Inventory configuration for the bucket (any -Inventory* parameter implies it); S3 only.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SwitchText]
        public SwitchParameter Inventory { get; set; }

        /// <summary>Daily (default) or Weekly.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? InventoryFrequency { get; set; }

        /// <summary>CSV (default), Parquet or ORC.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? InventoryFormat { get; set; }

        /// <summary>Optional fields besides Size, LastModifiedDate, StorageClass and ETag, which the drift rules read and are always included.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public string[] InventoryField { get; set; } = new string[0];

        /// <summary>s3://bucket/prefix of the reports; default this bucket under inventory/ (another bucket is recommended).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? InventoryDestination { get; set; }

        /// <summary>The configuration id; default s3mllayout.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? InventoryId { get; set; }

        /// <summary>Current (default) or All object versions.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [EmptyAsNull]
        public string? InventoryVersions { get; set; }

        /// <summary>The solutions this bucket is for: carried on the bucket object, so piping it to Add-MlSolution provisions them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public string[] Solution { get; set; } = new string[0];

        /// <summary>Optional template folders, carried on the bucket object for Add-MlSolution -Include.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(Completers.IncludeCompleter))]
        public string[] Include { get; set; } = new string[0];

        /// <summary>Date partitions, carried on the bucket object for Add-MlSolution -Date.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public DateTime[] Date { get; set; } = new DateTime[0];

        /// <summary>
        /// A tenant spec piped in (Import-MlTenant). Its properties bind by name to the parameters above, as any
        /// object's do; the spec itself carries what no parameter can (the resolved template, the client_config
        /// documents), and the bucket carries both on to Add-MlSolution. Any other piped object is ignored here.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public object? TenantSpec { get; set; }

        /// <summary>The parameters given on the command line: they override the spec's values.</summary>
        private HashSet<string> _explicit = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _explicit = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            // By name, a spec's properties would not bind: only a piped spec gives the bucket everything it asks for.
            if (_explicit.Contains(nameof(TenantSpec)))
                Fail("TenantSpecNotPiped", ErrorKind.InvalidArgument, nameof(TenantSpec),
                    "-TenantSpec takes a spec from the pipeline only, where its properties bind to the other parameters: Import-MlTenant ./tenants/acme.yaml | New-MlBucket | Add-MlSolution (parameters given beside it override the spec's values).");
        }

        protected override void ProcessRecord()
        {
            try
            {
                var spec = SpecOf(TenantSpec);
                string name = ResolveBucketName();
                // From a spec, the template tag is the template's name (as the fleet step tags it), not a file path.
                bool templateFromSpec = spec != null && !_explicit.Contains(nameof(Template));
                string? templateTag = templateFromSpec ? spec!.Layout.Name : Template;
                // Checked before any request: a bad inventory value stops here (InventoryInvalid).
                var inventory = InventoryOf(name);
                BucketSettings Declared()
                {
                    var settings = BucketSettings.SecureDefaults(Tags(templateTag), KmsKeyId, SkipDefault, AbortIncompleteUploadDays, (LifecycleRule ?? new Hashtable[0]).Where(r => r != null).Select(ToRule));
                    settings.Inventory = inventory;
                    return settings;
                }
                var desired = Declared();
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var bucket = DescribeBucket(name);
                bucket.Solution = Solution;
                bucket.Template = templateFromSpec ? (spec!.Template as string ?? spec.Layout.Name) : Template;
                bucket.Include = Include;
                bucket.Date = Date;
                // The documents say what was declared, as the fleet step's do: a copy, since the target adapts the
                // settings it applies to what it can do (no TLS-only policy over plain HTTP).
                if (spec != null) TenantOrigin.Attach(bucket, new TenantOrigin(Applied(spec, name, templateFromSpec), Declared()));
                var target = StorageTargets.Open(bucket);
                var context = ContextFor(target);
                // Started, not awaited: the next bucket's reads begin now, and this bucket goes downstream (to
                // Add-MlSolution) as soon as its own work is done, while the others are still on their way.
                StartBucket(async (job, ct) =>
                {
                    using (target)
                    {
                        var plan = await job.ReadAsync(() => CreateBucketPlan.CreateAsync(context, desired, ct), ct).ConfigureAwait(false);
                        // The bucket is its one output, emitted once its settings are read back: from then on the next
                        // bucket's output need not wait for this one's audit record.
                        await job.ExecuteAsync(plan, (approved, sink, token) => plan.ApplyAsync(approved, job.HandingOnAfterOutput(sink), token), ct).ConfigureAwait(false);
                    }
                });
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        /// <summary>
        /// The piped tenant spec, or null for any other input. A spec that crossed a process boundary (Start-Job,
        /// Import-Clixml) is refused: its properties would bind, but its template and client_config documents cannot
        /// come with it, and the bucket would silently lack them.
        /// </summary>
        private static MlBucketSpec? SpecOf(object? input)
        {
            if (input is PSObject wrapped)
            {
                if (wrapped.BaseObject is MlBucketSpec live) return live;
                if (wrapped.TypeNames.Contains("Deserialized." + typeof(MlBucketSpec).FullName))
                    throw new MlLayoutException("TenantSpecDeserialized", ErrorKind.InvalidArgument, wrapped.Properties["TenantFile"]?.Value?.ToString(),
                        "This bucket spec is a copy from another process: its Layout (the resolved template) and its client_config documents did not come with it, so the bucket would not get them. Run Import-MlTenant in this session and pipe its specs, or apply the tenant files with Invoke-MlFleetPlan.");
                return null;
            }
            return input as MlBucketSpec;
        }

        /// <summary>The spec as this command applies it: its name, name parts, solutions, folders, dates and template as bound (the command line wins).</summary>
        private MlBucketSpec Applied(MlBucketSpec spec, string name, bool templateFromSpec)
        {
            var applied = spec.Copy();
            applied.Name = name;
            applied.CompanyPrefix = CompanyPrefix ?? ""; applied.Environment = Environment ?? ""; applied.TenantId = TenantId ?? ""; applied.Region = Region ?? "";
            applied.Solution = Solution; applied.Include = Include; applied.Date = Date;
            // The inventory as bound (the command line over the spec), so the client_config documents say what was declared.
            applied.Inventory = InventoryOf(name) != null;
            applied.InventoryFrequency = InventoryFrequency; applied.InventoryFormat = InventoryFormat; applied.InventoryField = InventoryField;
            applied.InventoryDestination = InventoryDestination; applied.InventoryId = InventoryId; applied.InventoryVersions = InventoryVersions;
            if (!templateFromSpec && Template != null)
            {
                applied.Template = Template;
                applied.Layout = ResolveTemplate(Template);
            }
            return applied;
        }

        /// <summary>The inventory configuration the parameters ask for; null when none of them is given.</summary>
        private InventorySpec? InventoryOf(string bucket)
        {
            bool asked = Inventory.IsPresent || InventoryFrequency != null || InventoryFormat != null || InventoryField.Length > 0
                         || InventoryDestination != null || InventoryId != null || InventoryVersions != null;
            return asked ? InventorySpec.Create(bucket, InventoryFrequency, InventoryFormat, InventoryField, InventoryDestination, InventoryId, InventoryVersions) : null;
        }

        private Dictionary<string, string> Tags(string? template)
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            void Add(string key, string? value) { if (!string.IsNullOrEmpty(value)) tags[key] = value!; }
            Add("company", CompanyPrefix);
            Add("environment", Environment);
            Add("tenant", TenantId);
            Add("managed-by", BucketSettings.ManagedBy);
            Add("template", template);
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
            // Refused before any request: a rule reaching .s3mllayout/, or whole solutions without Acknowledge.
            rule.Acknowledge = Text("Acknowledge");
            LifecycleCoverage.CheckParameter(rule, rule.Acknowledge);
            return rule;
        }
    }
}
