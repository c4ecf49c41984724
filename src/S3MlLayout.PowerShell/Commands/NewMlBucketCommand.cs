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

        /// <summary>The solutions this bucket is for: carried on the bucket object, so piping it to Add-MlSolution provisions them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public string[] Solution { get; set; } = new string[0];

        /// <summary>Optional template folders, carried on the bucket object for Add-MlSolution -Include.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public string[] Include { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            try
            {
                string name = ResolveBucketName();
                var desired = BucketSettings.SecureDefaults(Tags(), KmsKeyId, SkipDefault, AbortIncompleteUploadDays, (LifecycleRule ?? new Hashtable[0]).Where(r => r != null).Select(ToRule));
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var bucket = DescribeBucket(name);
                bucket.Solution = Solution;
                bucket.Template = Template;
                bucket.Include = Include;
                using var target = StorageTargets.Open(bucket);
                var plan = Run(ct => CreateBucketPlan.CreateAsync(ContextFor(target), desired, ct));
                Execute(plan, plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
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
            // Refused before any request: a rule reaching .s3mllayout/, or whole solutions without Acknowledge.
            rule.Acknowledge = Text("Acknowledge");
            LifecycleCoverage.CheckParameter(rule, rule.Acknowledge);
            return rule;
        }
    }
}
