using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>The README's quickstart script runs in the test suite, so it cannot rot.</summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class QuickstartTests
    {
        private readonly MotoServer _moto;

        public QuickstartTests(MotoServer moto) { _moto = moto; }

        [Fact]
        public void Quickstart_against_an_S3_endpoint_provisions_the_same_tree()
        {
            string script = Path.Combine(ModuleSession.RepositoryRoot, "examples", "quickstart.ps1");
            var variables = _moto.Variables(new Dictionary<string, object?> { ["script"] = script });
            // Credentials as a CI job gives them: in the environment.
            var result = ModuleSession.Run(@"
[Environment]::SetEnvironmentVariable('AWS_ACCESS_KEY_ID', $ak); [Environment]::SetEnvironmentVariable('AWS_SECRET_ACCESS_KEY', $sk)
try { & $script -EndpointUrl $endpoint -CompanyPrefix quickstart -Region us-east-1 -Date 2024-01-01 }
finally { [Environment]::SetEnvironmentVariable('AWS_ACCESS_KEY_ID', $null); [Environment]::SetEnvironmentVariable('AWS_SECRET_ACCESS_KEY', $null) }", variables, importModule: false).AssertNoErrors();
            var lines = result.Strings.ToList();
            Assert.Equal("Bucket quickstart-dev-a001-us-east-1 at s3://quickstart-dev-a001-us-east-1/", lines[0]);
            Assert.Matches(@"^  customer-churn: \d{3} folders created, 0 already present, 0 failed$", lines[1]);
            Assert.Contains("    ├── customer-churn/", lines);
            Assert.Contains("solutions/fraud-detection/data/raw/2024/01/01/", _moto.Keys("quickstart-dev-a001-us-east-1", "solutions/fraud-detection/data/raw/"));
        }

        [Fact]
        public void Quickstart_provisions_two_solutions_and_shows_the_tree_and_is_safe_to_rerun()
        {
            using var temp = new TempDirectory();
            string script = Path.Combine(ModuleSession.RepositoryRoot, "examples", "quickstart.ps1");
            var variables = new Dictionary<string, object?> { ["script"] = script, ["d"] = temp.Path };

            var first = ModuleSession.Run("& $script -LocalPath $d -Date 2024-01-01", variables, importModule: false).AssertNoErrors();
            var lines = first.Strings.ToList();
            Assert.StartsWith("Bucket edge-dev-a001-us-west-2 at ", lines[0]);
            Assert.Matches(@"^  customer-churn: \d{3} folders created, 0 already present, 0 failed$", lines[1]);
            Assert.Matches(@"^  fraud-detection: \d{3} folders created, 1 already present, 0 failed$", lines[2]);
            Assert.Contains("s3://edge-dev-a001-us-west-2/", lines);
            Assert.Contains("    ├── customer-churn/", lines);
            Assert.Contains("    └── fraud-detection/", lines);
            Assert.True(Directory.Exists(Path.Combine(temp.Path, "edge-dev-a001-us-west-2", "solutions", "fraud-detection", "data", "raw", "2024", "01", "01")));

            var second = ModuleSession.Run("& $script -LocalPath $d -Date 2024-01-01", variables, importModule: false).AssertNoErrors();
            Assert.Matches(@"^  customer-churn: 0 folders created, \d{3} already present, 0 failed$", second.Strings.ElementAt(1));
        }
    }
}
