using System.Management.Automation;
using S3MlLayout.Engine.Naming;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>The bucket-name parameters that Get-MlBucketName and New-MlBucket share.</summary>
    public abstract class BucketNameCommandBase : Common.MlCmdlet
    {
        protected const string PartsSet = "Parts";
        protected const string OverrideSet = "Override";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true)]
        [Parameter(ParameterSetName = OverrideSet)]
        public string CompanyPrefix { get; set; } = "";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true)]
        [Parameter(ParameterSetName = OverrideSet)]
        [ArgumentCompleter(typeof(EnvironmentCompleter))]
        public string Environment { get; set; } = "";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true)]
        [Parameter(ParameterSetName = OverrideSet)]
        public string TenantId { get; set; } = "";

        [Parameter(ParameterSetName = PartsSet, Mandatory = true)]
        [Parameter(ParameterSetName = OverrideSet)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        [Parameter(ParameterSetName = OverrideSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("BucketName", "Name")]
        [ArgumentCompleter(typeof(BucketNameCompleter))]
        public string Override { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[] AllowedEnvironment { get; set; } = { "dev", "staging", "prod" };

        [Parameter]
        public SwitchParameter CustomRegion { get; set; }

        [Parameter(ParameterSetName = PartsSet)]
        public SwitchParameter RandomSuffix { get; set; }

        /// <summary>The validated name; advice (such as dots in the name) goes to the warning stream.</summary>
        protected string ResolveBucketName()
        {
            var result = ParameterSetName == OverrideSet
                ? BucketNaming.Validate(Override)
                : BucketNaming.Build(new BucketNameParts { CompanyPrefix = CompanyPrefix, Environment = Environment, TenantId = TenantId, Region = Region },
                    new BucketNamingOptions { AllowedEnvironments = AllowedEnvironment, CustomRegion = CustomRegion, RandomSuffixLength = RandomSuffix ? 6 : 0 });
            foreach (var warning in result.Warnings) WriteWarning(warning);
            WriteVerbose($"Bucket name '{result.Name}' passes every S3 naming rule.");
            return result.Name;
        }
    }
}
