using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Every PowerShell file of the repository parses in the real PowerShell parser (build.ps1 and the Pester files also run in Windows PowerShell 5.1, which this machine lacks).</summary>
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

        /// <summary>The scripts that also run in Windows PowerShell 5.1 (the windows job of .github/workflows/tests.yml).</summary>
        public static TheoryData<string> DesktopScripts()
        {
            var data = new TheoryData<string>();
            data.Add("build.ps1");
            data.Add(Path.Combine("examples", "quickstart.ps1"));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(ModuleSession.RepositoryRoot, "tests", "pester"), "*.ps1").OrderBy(f => f))
                data.Add(Path.GetRelativePath(ModuleSession.RepositoryRoot, file));
            return data;
        }

        private static readonly string[] CoreOnlyParameters = { "AsHashtable", "AsByteStream", "AdditionalChildPath", "Parallel", "SkipCertificateCheck", "SkipHttpErrorCheck", "StatusCodeVariable" };

        [Theory]
        [MemberData(nameof(DesktopScripts))]
        public void Uses_no_syntax_or_parameter_that_Windows_PowerShell_lacks(string relativePath)
        {
            var ast = Parser.ParseFile(Path.Combine(ModuleSession.RepositoryRoot, relativePath), out var tokens, out _);
            var problems = new System.Collections.Generic.List<string>();
            foreach (var node in ast.FindAll(_ => true, searchNestedScriptBlocks: true))
            {
                string? problem = node switch
                {
                    TernaryExpressionAst => "a ternary operator (?:)",
                    PipelineChainAst => "a pipeline chain (&& or ||)",
                    BinaryExpressionAst { Operator: TokenKind.QuestionQuestion } => "the ?? operator",
                    AssignmentStatementAst { Operator: TokenKind.QuestionQuestionEquals } => "the ??= operator",
                    MemberExpressionAst { NullConditional: true } => "a null-conditional member access (?.)",
                    IndexExpressionAst { NullConditional: true } => "a null-conditional index (?[])",
                    CommandParameterAst p when CoreOnlyParameters.Contains(p.ParameterName, System.StringComparer.OrdinalIgnoreCase) => $"-{p.ParameterName}",
                    CommandAst c when string.Equals(c.GetCommandName(), "Join-Path", System.StringComparison.OrdinalIgnoreCase)
                                      && c.CommandElements.Skip(1).Count(e => e is not CommandParameterAst) > 2 => "Join-Path with more than two paths",
                    _ => null,
                };
                if (problem != null) problems.Add($"{relativePath}:{node.Extent.StartLineNumber}: {problem}");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void The_scripts_that_matter_are_all_found()
        {
            var scripts = ((System.Collections.Generic.IEnumerable<object[]>)Scripts()).Select(row => (string)row[0]).ToList();
            foreach (var expected in new[] { "build.ps1", "S3MlLayout.psd1", "examples/quickstart.ps1", "examples/drift-check.ps1", "bench/provision.ps1", "tests/pester/Local.Tests.ps1", "tests/pester/Readme.Tests.ps1", "tests/pester/Invoke-PesterSuite.ps1" })
                Assert.Contains(expected.Replace('/', Path.DirectorySeparatorChar), scripts);
        }
    }
}
