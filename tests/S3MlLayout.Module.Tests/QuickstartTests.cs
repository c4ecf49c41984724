using System.Collections.Generic;
using System.IO;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// The README's quickstart script runs in the test suite as the README runs it, in a real `dotnet pwsh` process
    /// (PowerShell 7.6.9 as a local .NET tool), so it cannot rot.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class QuickstartTests
    {
        private readonly MotoServer _moto;

        public QuickstartTests(MotoServer moto) { _moto = moto; }

        private static string Script => Path.Combine(ModuleSession.RepositoryRoot, "examples", "quickstart.ps1");

        [Fact]
        public void Quickstart_against_an_S3_endpoint_provisions_the_same_tree()
        {
            // Credentials as a CI job gives them: in the environment.
            var environment = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIAMOTOTESTKEY00001", ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretKey };
            var result = Hosting.PwshProcess.RunFile(Script, new[] { "-EndpointUrl", _moto.Endpoint, "-CompanyPrefix", "quickstart", "-Region", "us-east-1", "-Date", "2024-01-01" }, environment)
                .AssertSucceeded();
            var lines = result.Lines;
            Assert.Equal("Bucket quickstart-dev-a001-us-east-1 at s3://quickstart-dev-a001-us-east-1/", lines[0]);
            Assert.Matches(@"^  customer-churn: \d{3} folders created, 0 already present, 0 failed$", lines[1]);
            Assert.Contains("    ├── customer-churn/", lines);
            Assert.Contains("solutions/fraud-detection/data/raw/2024/01/01/", _moto.Keys("quickstart-dev-a001-us-east-1", "solutions/fraud-detection/data/raw/"));
            Assert.DoesNotContain(result.Output, line => line.Contains(MotoServer.SecretKey));
        }

        [Fact]
        public void Quickstart_provisions_two_solutions_and_shows_the_tree_and_is_safe_to_rerun()
        {
            using var temp = new TempDirectory();
            var arguments = new[] { "-LocalPath", temp.Path, "-Date", "2024-01-01" };

            var lines = Hosting.PwshProcess.RunFile(Script, arguments).AssertSucceeded().Lines;
            Assert.StartsWith("Bucket edge-dev-a001-us-west-2 at ", lines[0]);
            Assert.Matches(@"^  customer-churn: \d{3} folders created, 0 already present, 0 failed$", lines[1]);
            Assert.Matches(@"^  fraud-detection: \d{3} folders created, 1 already present, 0 failed$", lines[2]);
            Assert.Contains("s3://edge-dev-a001-us-west-2/", lines);
            Assert.Contains("    ├── customer-churn/", lines);
            Assert.Contains("    └── fraud-detection/", lines);
            Assert.True(Directory.Exists(Path.Combine(temp.Path, "edge-dev-a001-us-west-2", "solutions", "fraud-detection", "data", "raw", "2024", "01", "01")));

            var second = Hosting.PwshProcess.RunFile(Script, arguments).AssertSucceeded().Lines;
            Assert.Matches(@"^  customer-churn: 0 folders created, \d{3} already present, 0 failed$", second[1]);
        }

        [Fact]
        public void Quickstart_runs_in_the_PowerShell_of_the_tool_manifest()
        {
            var version = Path.Combine(Path.GetTempPath(), "s3mllayout-version-" + System.Guid.NewGuid().ToString("N") + ".ps1");
            File.WriteAllText(version, "$PSVersionTable.PSVersion.ToString(); $PSVersionTable.PSEdition");
            try
            {
                var lines = Hosting.PwshProcess.RunFile(version, new string[0]).AssertSucceeded().Lines;
                Assert.Equal(new[] { "7.6.9", "Core" }, lines);
            }
            finally { File.Delete(version); }
        }
    }
}
