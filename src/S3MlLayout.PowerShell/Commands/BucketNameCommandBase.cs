using System.Management.Automation;
using S3MlLayout.Engine.Naming;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// The bucket-name parameters that Get-MlBucketName, Get-MlBucket and New-MlBucket share. Each binds by property
    /// name too, so rows of Import-Csv (or Import-MlTenant's bucket specs) pipe straight in; an empty cell is "not given".
    /// </summary>
    public abstract class BucketNameCommandBase : ConnectedCommandBase
    {
        protected const string PartsSet = "Parts";
        protected const string OverrideSet = "Override";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [EmptyAsNull]
        public string CompanyPrefix { get; set; } = "";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        [AllowNull]
        [EmptyAsNull]
        public string Environment { get; set; } = "";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = OverrideSet, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [EmptyAsNull]
        public string TenantId { get; set; } = "";

        // -Region, the last name part, is the connection's region too: declared once, in ConnectedCommandBase.


        // Optional, in the default set (the cmdlets' DefaultParameterSetName is Override): PowerShell binds a piped
        // object in the default set first and does not fall back to another, so a CSV row must find both the
        // override and the parts here. An empty override (a blank BucketName cell) means the parts build the name.
        [Parameter(ParameterSetName = OverrideSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName", "Name")]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        [AllowNull]
        [EmptyAsNull]
        public string Override { get; set; } = "";

        // By property name too: a tenant spec carries its tenant's environments and whether its regions are the store's own.
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [ValidateNotNullOrEmpty]
        public string[] AllowedEnvironment { get; set; } = { "dev", "staging", "prod" };

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SwitchText]
        public SwitchParameter CustomRegion { get; set; }

        [Parameter(ParameterSetName = PartsSet)]
        public SwitchParameter RandomSuffix { get; set; }

        /// <summary>The region part of a name built from parts (the connecting cmdlets fall back to the connection's region).</summary>
        protected virtual string RegionForName() => Region ?? "";

        /// <summary>
        /// The validated name; advice (such as dots in the name) goes to the warning stream. An override that came
        /// empty (a CSV BucketName cell left blank) falls back to the name parts.
        /// </summary>
        protected string ResolveBucketName()
        {
            bool overridden = !string.IsNullOrEmpty(Override);
            var parts = new BucketNameParts { CompanyPrefix = CompanyPrefix ?? "", Environment = Environment ?? "", TenantId = TenantId ?? "", Region = overridden ? Region ?? "" : RegionForName() };
            var options = new BucketNamingOptions { AllowedEnvironments = AllowedEnvironment, CustomRegion = CustomRegion, RandomSuffixLength = RandomSuffix ? 6 : 0 };
            var result = overridden ? BucketNaming.Validate(Override) : BucketNaming.Build(parts, options);
            // The parts beside an override are kept on the bucket (tags, declaration): a bad one is refused, not recorded.
            if (overridden) BucketNaming.CheckGivenParts(parts, options);
            foreach (var warning in result.Warnings) WriteWarning(warning);
            WriteVerbose($"Bucket name '{result.Name}' passes every S3 naming rule.");
            return result.Name;
        }
    }
}
