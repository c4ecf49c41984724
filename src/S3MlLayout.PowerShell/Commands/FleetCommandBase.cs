using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// What Get-MlFleetPlan and Invoke-MlFleetPlan share: the tenant files, their filters and connection overrides,
    /// credentials, and planning the fleet (one connection per distinct endpoint, profile and region: see
    /// MlCmdlet.DescribeBucket).
    /// </summary>
    public abstract class FleetCommandBase : TenantCommandBase
    {
        /// <summary>Marker writes in flight at once across the whole fleet.</summary>
        [Parameter]
        [ValidateRange(1, 512)]
        public int ThrottleLimit { get; set; } = 64;

        protected override int RequestsInFlight => ThrottleLimit;

        /// <summary>Reads the tenant files and every bucket's state, and plans; writes nothing.</summary>
        protected FleetPlan PlanFleet()
        {
            var specs = LoadSpecs();
            var members = specs.Select(spec => new FleetMember(StorageTargets.Open(Describe(spec)), spec.ToBucketSettings(), spec.Layout, spec.Solution)
            {
                Dates = spec.Date,
                Include = spec.Include,
                Documents = spec.DocumentsItself ? TenantDocuments.Render(spec) : new Dictionary<string, byte[]>(),
                Source = spec.TenantFile,
            }).ToList();
            WriteVerbose($"{members.Count} buckets from {TenantFiles.Count} tenant files.");
            var plan = Run(ct => FleetPlan.CreateAsync(members, MyInvocation.MyCommand.Name, new Dictionary<string, object?>
            {
                ["Path"] = TenantFiles.ToList(),
            }, ThrottleLimit, ct, InFilters));
            foreach (var note in plan.Notes) WriteWarning(Engine.Errors.TerminalText.Of(note));
            return plan;
        }

        /// <summary>
        /// Whether a bucket found on the target is one this command's filters cover (-Environment, -Tenant, -TenantRegion, -Region), so
        /// that one left out of the tenant files shows as no longer declared, and one merely filtered out does not.
        /// </summary>
        private bool InFilters(MlBucket bucket)
        {
            static bool Matches(string[] patterns, string? value) =>
                value != null && patterns.Any(p => new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(value));
            return Matches(Environment, bucket.Environment) && Matches(Tenant, bucket.TenantId)
                && (TenantRegion.All(r => r == "*") || Matches(TenantRegion, bucket.Region))
                && (string.IsNullOrEmpty(Region) || string.Equals(Region, bucket.Region, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>A spec's bucket: its own connection (the files' as LoadSpecs overrode it) with the other connection parameters.</summary>
        private MlBucket Describe(MlBucketSpec spec)
        {
            var location = LocationFor(spec.Name);
            location.CompanyPrefix = spec.CompanyPrefix; location.Environment = spec.Environment; location.TenantId = spec.TenantId; location.Region = spec.Region;
            location.LocalPath = spec.LocalPath;
            location.ProfileName = spec.LocalPath == null ? spec.ProfileName : null;
            location.ProfileLocation = spec.LocalPath == null ? spec.ProfileLocation : null;
            location.EndpointUrl = spec.LocalPath == null ? spec.EndpointUrl : null;
            location.ForcePathStyle = spec.LocalPath == null && spec.ForcePathStyle;
            return DescribeBucket(location);
        }

        /// <summary>A file written for a reviewer (plan JSON, Markdown); its folder is created.</summary>
        protected void WriteTextFile(string path, string text)
        {
            string full = ResolvePath(path);
            try
            {
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
                System.IO.File.WriteAllText(full, text, new System.Text.UTF8Encoding(false));
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("FleetPlanWriteFailed", ErrorKind.WriteError, full, $"Cannot write '{full}': {e.Message}");
            }
        }
    }
}
