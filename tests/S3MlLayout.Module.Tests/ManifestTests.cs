using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Mirrors tests/pester/Module.Tests.ps1: the manifest and what it exports.</summary>
    public sealed class ManifestTests
    {
        private static readonly string[] Cmdlets =
        {
            "Add-MlDatePartition", "Add-MlSolution", "Export-MlDriftQuery", "Export-MlDriftReport", "Get-MlBucket", "Get-MlBucketName", "Get-MlFleetPlan", "Get-MlLayout",
            "Get-MlLayoutDrift", "Get-MlLayoutTemplate", "Get-MlSolution", "Import-MlTenant", "Invoke-MlFleetPlan", "New-MlBucket", "New-MlFolder",
            "Remove-MlSolution", "Repair-MlLayout", "Show-MlLayout", "Test-MlLayout", "Update-MlSolution", "Write-MlObject",
        };

        [Fact]
        public void The_manifest_is_valid_for_both_editions_and_exports_exactly_the_cmdlets()
        {
            var result = ModuleSession.Run(@"
$m = Test-ModuleManifest $manifest
$m.CompatiblePSEditions -join ','
$m.PowerShellVersion.ToString()
($m.ExportedCmdlets.Keys | ForEach-Object { $_ }) -join ','
$loaded = Get-Module S3MlLayout
($loaded.ExportedCmdlets.Keys | ForEach-Object { $_ }) -join ','
$loaded.ExportedFunctions.Count + $loaded.ExportedAliases.Count + $loaded.ExportedVariables.Count
", new System.Collections.Generic.Dictionary<string, object?> { ["manifest"] = ModuleSession.ManifestPath }).AssertNoErrors();
            var lines = result.Strings.ToList();
            Assert.Equal("Desktop,Core", lines[0]);
            Assert.Equal("5.1", lines[1]);
            Assert.Equal(Cmdlets, lines[2].Split(',').OrderBy(c => c, System.StringComparer.Ordinal));
            Assert.Equal(Cmdlets, lines[3].Split(',').OrderBy(c => c, System.StringComparer.Ordinal));
            Assert.Equal("0", lines[4]);
        }

        [Fact]
        public void Every_state_changing_cmdlet_supports_WhatIf_and_Confirm()
        {
            var result = ModuleSession.Run(@"
Get-Command -Module S3MlLayout | Where-Object { $_.Verb -in 'New', 'Add', 'Repair', 'Update', 'Remove', 'Write' } | ForEach-Object {
    '{0}={1}' -f $_.Name, ($_.Parameters.ContainsKey('WhatIf') -and $_.Parameters.ContainsKey('Confirm'))
}").AssertNoErrors();
            Assert.Equal(8, result.Output.Count);
            Assert.All(result.Strings, line => Assert.EndsWith("=True", line));
        }
    }
}
