using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Import-MlTenant through the hosted engine: examples, filters, connection overrides, bad files, and a fleet on the local target.</summary>
    public sealed class ImportMlTenantTests
    {
        private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

        private static readonly string Examples = Path.Combine(ModuleSession.RepositoryRoot, "examples", "tenants");

        [Fact]
        public void Examples_OneSpecPerTenantEnvironmentAndRegion_SelectWorks()
        {
            var result = ModuleSession.Run("$null = $ExecutionContext.SessionState.Path.SetLocation($root); Import-MlTenant examples/tenants | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Name, $_.Environment, $_.Region, $_.TenantId }",
                Vars(("root", ModuleSession.RepositoryRoot))).AssertNoErrors();

            var lines = result.Strings.ToList();
            // acme 2 environments; edge 3 x 2 regions; nova dev, staging and prod in 2 regions; techcorp 3 environments.
            Assert.Equal(2 + 6 + 4 + 3, lines.Count);
            Assert.Equal("acme-dev-b001-eu-west-1|dev|eu-west-1|b001", lines[0]);
            Assert.Contains("acme-analytics-prod-eu|prod|eu-west-1|b001", lines);
            Assert.Contains("edge-prod-a001-us-east-1|prod|us-east-1|a001", lines);
            Assert.Contains("nova-prod-d001-eu-central-1|prod|eu-central-1|d001", lines);
            Assert.Contains("techcorp-test-c001-lab-1|test|lab-1|c001", lines);
        }

        [Fact]
        public void Filters_And_ConnectionParameters_OverrideTheFiles()
        {
            var result = ModuleSession.Run(@"
Import-MlTenant $examples -Tenant a0* -Environment prod, stag* -TenantRegion us-east-* -ProfileName cli -EndpointUrl http://127.0.0.1:9 -ForcePathStyle |
    ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Name, $_.ProfileName, $_.EndpointUrl, $_.ForcePathStyle }
", Vars(("examples", Examples))).AssertNoErrors();

            Assert.Equal(new[] { "edge-staging-a001-us-east-1|cli|http://127.0.0.1:9|True", "edge-prod-a001-us-east-1|cli|http://127.0.0.1:9|True" }, result.Strings);
        }

        [Fact]
        public void SpecProperties_AreParametersOfNewMlBucketOrAddMlSolution()
        {
            var result = ModuleSession.Run(@"
$names = @((Get-Command New-MlBucket).Parameters.Values + (Get-Command Add-MlSolution).Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
Import-MlTenant $examples -Tenant a001 -Environment dev -Region us-west-2 | ForEach-Object { $_.PSObject.Properties.Name } |
    Where-Object { $_ -notin $names } | ForEach-Object -Begin { $l = [System.Collections.Generic.List[string]]::new() } -Process { $l.Add($_) } -End { $l.Sort([StringComparer]::Ordinal); $l }
", Vars(("examples", Examples))).AssertNoErrors();

            // Only what is there for display and for the fleet step.
            Assert.Equal(new[] { "DocumentsItself", "Layout", "TenantFile" }, result.Strings);
        }

        [Fact]
        public void SpecsProvisionAFleet_OnTheLocalTarget()
        {
            using var dir = new TempDirectory();
            var result = ModuleSession.Run(@"
Import-MlTenant $examples -Tenant a001, c001 -Environment prod -TenantRegion us-west-2, lab-1 -LocalPath $d | ForEach-Object {
    $s = $_
    $bucket = New-MlBucket -CompanyPrefix $s.CompanyPrefix -Environment $s.Environment -TenantId $s.TenantId -Region $s.Region `
        -AllowedEnvironment $s.AllowedEnvironment -CustomRegion:$s.CustomRegion -LocalPath $s.LocalPath -Tag $s.Tag -SkipDefault $s.SkipDefault `
        -AbortIncompleteUploadDays $s.AbortIncompleteUploadDays -LifecycleRule $s.LifecycleRule -Template $s.Layout.Name
    $bucket | Add-MlSolution $s.Solution -Template $s.Template -Include $s.Include -Date $s.Date | ForEach-Object { '{0}:{1}' -f $bucket.Name, $_.Solution }
}
", Vars(("examples", Examples), ("d", dir.Path))).AssertNoErrors();

            Assert.Equal(new[]
            {
                "edge-prod-a001-us-west-2:customer-churn", "edge-prod-a001-us-west-2:fraud-detection", "edge-prod-a001-us-west-2:demand-forecasting",
                "techcorp-prod-c001-lab-1:image-classifier",
            }, result.Strings);
            var snapshot = dir.Snapshot();
            Assert.Contains("edge-prod-a001-us-west-2/client_config/environments/", snapshot);
            Assert.Contains("edge-prod-a001-us-west-2/shared/", snapshot);
            Assert.Contains("edge-prod-a001-us-west-2/solutions/customer-churn/data/raw/2024/01/07/", snapshot);
            // The inline template: models/v3 added, outputs/reports removed.
            Assert.Contains("techcorp-prod-c001-lab-1/solutions/image-classifier/models/v3/", snapshot);
            Assert.DoesNotContain("techcorp-prod-c001-lab-1/solutions/image-classifier/outputs/reports/", snapshot);
        }

        [Fact]
        public void BadFiles_AreAllReported_AtFileLineColumn_AndNothingIsEmitted()
        {
            using var dir = new TempDirectory();
            File.Copy(Path.Combine(Examples, "acme-b001.yaml"), Path.Combine(dir.Path, "a-good.yaml"));
            File.WriteAllText(Path.Combine(dir.Path, "b-bad.yaml"), "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\nSolutions: [churn]\n");
            File.WriteAllText(Path.Combine(dir.Path, "c-bad.yml"), "companyPrefix: edge\ntenantId: a002\nregions: [us-west-9]\ntemplate: master-solution\n");
            File.WriteAllText(Path.Combine(dir.Path, "notes.txt"), "not a tenant");
            var before = dir.Snapshot();

            var result = ModuleSession.Run("Import-MlTenant $d | ForEach-Object { 'emitted ' + $_.Name }", Vars(("d", dir.Path)));

            Assert.Empty(result.Output);
            Assert.Equal(new[] { "TenantUnknownKey", "TenantRegionUnknown" }, result.ErrorIds);
            Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
            Assert.Equal(Path.Combine(dir.Path, "b-bad.yaml") + ":5:1", result.Errors[0].TargetObject);
            Assert.Equal(Path.Combine(dir.Path, "c-bad.yml") + ":3:11", result.Errors[1].TargetObject);
            Assert.Contains("did you mean 'solutions'?", result.Errors[0].Exception.Message);
            Assert.Equal(before, dir.Snapshot());
        }

        [Fact]
        public void MissingPath_And_LocalPathWithConnection_AreReported()
        {
            var missing = ModuleSession.Run("Import-MlTenant ./no-such-folder-of-tenants");
            Assert.Equal(new[] { "TenantFileNotFound" }, missing.ErrorIds);
            Assert.Empty(missing.Output);

            var both = ModuleSession.Run("Import-MlTenant $examples -LocalPath ./x -ProfileName p", Vars(("examples", Examples)));
            Assert.Equal(new[] { "LocalPathWithConnection" }, both.ErrorIds);
            Assert.Empty(both.Output);
        }
    }
}
