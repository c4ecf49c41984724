using System.Management.Automation;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Returns the bucket object of an existing bucket, with its settings read back and what was declared for it; with
    /// no name, lists the buckets this module manages on the target (-Tenant, -Environment, -CompanyPrefix filter).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MlBucket", DefaultParameterSetName = OverrideSet)]
    [OutputType(typeof(MlBucket))]
    public sealed class GetMlBucketCommand : BucketTargetCommandBase
    {
        private const string ListSet = "List";

        // CompanyPrefix and Environment are also filters of the listing: the same parameters, in the List set too. By
        // property name as in the base, so a tenant spec or a CSV row names its bucket here as in New-MlBucket.
        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet)]
        public new string CompanyPrefix { get => base.CompanyPrefix; set => base.CompanyPrefix = value; }

        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public new string Environment { get => base.Environment; set => base.Environment = value; }

        // -Region (ConnectedCommandBase, every set) names the connection's region for a listing too (Amazon S3 lists the buckets of that region).

        /// <summary>Lists only the buckets of the tenants that match (wildcards).</summary>
        [Parameter(ParameterSetName = ListSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Tenant { get; set; }

        /// <summary>Date partitions carried on the bucket object for Add-MlSolution -Date, as New-MlBucket -Date; a tenant spec's dates bind here.</summary>
        [Parameter(ParameterSetName = PartsSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [Common.TextList]
        [AllowEmptyCollection]
        public System.DateTime[] Date { get; set; } = new System.DateTime[0];

        /// <summary>Reads each listed bucket's settings and bucket.json (more requests per bucket).</summary>
        [Parameter(ParameterSetName = ListSet)]
        public SwitchParameter IncludeSettings { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                // The default set binds piped rows by property name; with neither a name nor a tenant it is a listing.
                if (ParameterSetName == ListSet || (ParameterSetName == OverrideSet && string.IsNullOrEmpty(Override) && string.IsNullOrEmpty(TenantId)))
                {
                    List();
                    return;
                }
                var bucket = DescribeBucket(ResolveBucketName());
                if (Date.Length > 0) bucket.Date = Date;
                var target = OpenBucket(bucket);
                // Started, not awaited: names piped in are read concurrently, and each bucket goes downstream in turn.
                StartBucket(async (job, ct) =>
                {
                    using (target)
                    {
                        // The settings and the declaration are read at once, and beside the existence check.
                        var (settings, declared) = await job.ReadAsync(() => BucketJob.ReadExistingAsync(target, async reads =>
                        {
                            var settingsRead = target.ReadSettingsAsync(reads);
                            var declaredRead = DeclaredBucket.ReadAsync(target, reads);
                            await Task.WhenAll(settingsRead, declaredRead).ConfigureAwait(false);
                            return (settingsRead.Result, declaredRead.Result);
                        }, ct), ct).ConfigureAwait(false);
                        bucket.Settings = settings;
                        declared?.ApplyTo(bucket);
                    }
                    job.Post(() => WriteObject(bucket));
                }, Report);
            }
            catch (MlLayoutException e)
            {
                Report(e);
            }
        }

        private void List()
        {
            // A bucket object without a name stands for the target: the -LocalPath directory, or the S3 connection.
            var location = DescribeBucket("");
            var company = Pattern(CompanyPrefix);
            var environment = Pattern(Environment);
            var tenants = Tenant == null ? null : System.Array.ConvertAll(Tenant, t => new WildcardPattern(t, WildcardOptions.IgnoreCase));
            var options = new BucketListOptions
            {
                IncludeSettings = IncludeSettings,
                Filter = b => Matches(company, b.CompanyPrefix) && Matches(environment, b.Environment)
                              && (tenants == null || (b.TenantId != null && System.Array.Exists(tenants, t => t.IsMatch(b.TenantId)))),
            };
            RunStreaming<object>(async (emit, ct) =>
            {
                options.Skipped = line => emit(line);
                // A bucket of this module that cannot be read is an error of its own; the others still list.
                options.Failed = error => emit(error);
                foreach (var bucket in await ManagedBuckets.ListAsync(location, options, ct).ConfigureAwait(false)) emit(bucket);
            }, item =>
            {
                if (item is string line) WriteVerbose(line);
                else if (item is MlLayoutException error) Report(error);
                else WriteObject(item);
            });
        }

        private static WildcardPattern? Pattern(string value) => value.Length == 0 ? null : new WildcardPattern(value, WildcardOptions.IgnoreCase);

        private static bool Matches(WildcardPattern? pattern, string? value) => pattern == null || (value != null && pattern.IsMatch(value));
    }
}
