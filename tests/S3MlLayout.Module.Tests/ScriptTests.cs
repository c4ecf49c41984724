using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Every PowerShell file of the repository parses in the real PowerShell parser (build.ps1 and the Pester files run only where pwsh is).</summary>
    public sealed class ScriptTests
    {
        public static TheoryData<string> Scripts()
        {
            var data = new TheoryData<string>();
            foreach (var file in Directory.EnumerateFiles(ModuleSession.RepositoryRoot, "*.ps*1", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                                     && !f.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}") && (f.EndsWith(".ps1") || f.EndsWith(".psd1")))
                         .OrderBy(f => f))
                data.Add(Path.GetRelativePath(ModuleSession.RepositoryRoot, file));
            return data;
        }

        [Theory]
        [MemberData(nameof(Scripts))]
        public void Parses_without_errors(string relativePath)
        {
            Parser.ParseFile(Path.Combine(ModuleSession.RepositoryRoot, relativePath), out _, out var errors);
            Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}: {e.Message}")));
        }

        [Fact]
        public void The_scripts_that_matter_are_all_found()
        {
            var scripts = ((System.Collections.Generic.IEnumerable<object[]>)Scripts()).Select(row => (string)row[0]).ToList();
            foreach (var expected in new[] { "build.ps1", "S3MlLayout.psd1", "examples/quickstart.ps1", "examples/drift-check.ps1", "bench/provision.ps1", "tests/pester/Local.Tests.ps1" })
                Assert.Contains(expected.Replace('/', Path.DirectorySeparatorChar), scripts);
        }
    }
}
