using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>A fleet's drift as CI reads it: Get-MlLayoutDrift -Summary | Export-MlDriftReport, on the local target.</summary>
    public sealed class DriftReportExportTests
    {
        [Fact]
        public void Three_buckets_report_clean_in_JUnit_then_exactly_the_drifted_bucket_fails()
        {
            using var temp = new TempDirectory();
            var variables = new Dictionary<string, object?> { ["d"] = temp.Path };
            const string fleet = @"
$buckets = 'dev', 'staging', 'prod' | ForEach-Object { New-MlBucket -CompanyPrefix edge -Environment $_ -TenantId a001 -Region us-east-1 -LocalPath $d }
$buckets | Add-MlSolution churn, fraud -Template simple-ml | Out-Null
";
            ModuleSession.Run(fleet + "$buckets | Get-MlLayoutDrift -Summary | Export-MlDriftReport ([IO.Path]::Combine($d, 'clean.xml')) -PassThru | Export-MlDriftReport ([IO.Path]::Combine($d, 'clean.md')) | ForEach-Object Name", variables).AssertNoErrors();
            var clean = XDocument.Load(Path.Combine(temp.Path, "clean.xml"));
            Assert.Equal("9", clean.Root!.Attribute("tests")!.Value); // 3 buckets x (bucket + 2 solutions)
            Assert.Equal("0", clean.Root.Attribute("failures")!.Value);
            Assert.Contains("All 9 buckets and solutions match", File.ReadAllText(Path.Combine(temp.Path, "clean.md")));

            Directory.Delete(Path.Combine(temp.Path, "edge-staging-a001-us-east-1", "solutions", "fraud", "models"), recursive: true);
            var result = ModuleSession.Run(@"
$buckets = 'dev', 'staging', 'prod' | ForEach-Object { Get-MlBucket -CompanyPrefix edge -Environment $_ -TenantId a001 -Region us-east-1 -LocalPath $d }
$buckets | Get-MlLayoutDrift -Summary | Export-MlDriftReport ([IO.Path]::Combine($d, 'drift.xml')) | ForEach-Object Name", variables).AssertNoErrors();
            Assert.Equal(new[] { "drift.xml" }, result.Strings);
            var drift = XDocument.Load(Path.Combine(temp.Path, "drift.xml"));
            var failed = drift.Descendants("testcase").Where(c => c.Element("failure") != null).ToList();
            var only = Assert.Single(failed);
            Assert.Equal(("edge-staging-a001-us-east-1", "fraud"), (only.Attribute("classname")!.Value, only.Attribute("name")!.Value));
            Assert.Contains("Missing", only.Element("failure")!.Attribute("message")!.Value);
        }

        [Fact]
        public void A_report_file_of_unknown_type_is_a_clear_error_and_nothing_is_written()
        {
            using var temp = new TempDirectory();
            var result = ModuleSession.Run(@"
$b = New-MlBucket -Override edge-bucket -LocalPath $d
$b | Get-MlLayoutDrift -Summary | Export-MlDriftReport ([IO.Path]::Combine($d, 'drift.txt'))", new Dictionary<string, object?> { ["d"] = temp.Path });
            Assert.Equal(new[] { "DriftReportFormatUnknown" }, result.ErrorIds);
            Assert.False(File.Exists(Path.Combine(temp.Path, "drift.txt")));
        }
    }
}
