using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Reads tenant files and emits one bucket specification per tenant, environment and region, for
    /// New-MlBucket and Add-MlSolution. Sends no request: every file is checked before anything is emitted.
    /// </summary>
    [Cmdlet(VerbsData.Import, "MlTenant")]
    [OutputType(typeof(MlBucketSpec))]
    public sealed class ImportMlTenantCommand : TenantCommandBase
    {
        /// <summary>What a spec cannot carry: no secret rides on output, and these settings are the consuming command's.</summary>
        private static readonly string[] NotCarried = { nameof(Credential), nameof(AccessKey), nameof(SecretKey), nameof(SessionToken), nameof(SkipCertificateCheck), nameof(ExpectedBucketOwner), nameof(TimeoutSec) };

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            foreach (var name in NotCarried)
                if (MyInvocation.BoundParameters.ContainsKey(name))
                    Fail("ConnectionParameterNotCarried", ErrorKind.InvalidArgument, name,
                        $"Import-MlTenant sends no request, and a spec carries no secret and no per-command setting, so -{name} would be lost here. Give it to the command the specs are piped into: Import-MlTenant ./tenants | Test-MlLayout -{name} ...");
        }

        protected override void EndProcessing()
        {
            foreach (var spec in LoadSpecs()) WriteObject(spec);
        }
    }
}
