using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>The README's quickstart script runs in the test suite, so it cannot rot.</summary>
    public sealed class QuickstartTests
    {
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
