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
        protected override void EndProcessing()
        {
            foreach (var spec in LoadSpecs()) WriteObject(spec);
        }
    }
}
