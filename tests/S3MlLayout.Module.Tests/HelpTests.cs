using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    public sealed class HelpTests
    {
        private static readonly string HelpSources = Path.Combine(ModuleSession.RepositoryRoot, "docs", "help");
        private static readonly string MamlPath = Path.Combine(ModuleSession.RepositoryRoot, "module", "en-US", "S3MlLayout.PowerShell.dll-Help.xml");

        private static List<CmdletInfo> Cmdlets() =>
            ModuleSession.Run("Get-Command -Module S3MlLayout -CommandType Cmdlet").AssertNoErrors()
                .Output.Select(o => (CmdletInfo)o.BaseObject).ToList();

        public static IEnumerable<object[]> CmdletNames() =>
            Cmdlets().Select(c => new object[] { c.Name });

        [Fact]
        public void About_topic_lists_every_cmdlet()
        {
            // The list under "The cmdlets:", up to the next paragraph that is not a cmdlet entry (issue 16: 6 were missing).
            var lines = File.ReadAllLines(Path.Combine(ModuleSession.RepositoryRoot, "module", "en-US", "about_S3MlLayout.help.txt"));
            int start = Array.FindIndex(lines, l => l.Trim() == "The cmdlets:");
            Assert.True(start >= 0, "about_S3MlLayout has no 'The cmdlets:' list");
            var listed = lines.Skip(start + 2).TakeWhile(l => l.Trim().Length > 0)
                .Where(l => l.StartsWith("    ", StringComparison.Ordinal) && !l.StartsWith("     ", StringComparison.Ordinal))
                .Select(l => l.Trim().Split(' ')[0]).ToList();
            var missing = Cmdlets().Select(c => c.Name).Where(n => !listed.Contains(n)).ToList();
            Assert.True(missing.Count == 0, "about_S3MlLayout does not list: " + string.Join(", ", missing));
        }

        [Fact]
        public void Committed_help_is_generated_from_the_sources_and_documents_everything()
        {
            var problems = new List<string>();
            string generated = HelpGenerator.Generate(Cmdlets(), HelpSources, problems);
            Assert.Empty(problems);
            if (Environment.GetEnvironmentVariable("S3MLLAYOUT_WRITE_HELP") == "1")
                File.WriteAllText(MamlPath, generated);
            Assert.True(File.Exists(MamlPath), $"{MamlPath} is missing: run ./build.ps1 -Task Docs");
            Assert.True(generated == File.ReadAllText(MamlPath).Replace("\r\n", "\n"),
                $"{MamlPath} is out of date with docs/help/*.yaml or the cmdlets: run ./build.ps1 -Task Docs (S3MLLAYOUT_WRITE_HELP=1 dotnet test).");
        }

        [Theory]
        [MemberData(nameof(CmdletNames))]
        public void Get_Help_Full_shows_synopsis_description_every_parameter_and_two_examples(string cmdlet)
        {
            var result = ModuleSession.Run($@"
$h = Get-Help {cmdlet} -Full
$h.Synopsis
'--description'
$h.description | ForEach-Object {{ $_.Text }}
'--parameters'
$h.parameters.parameter | ForEach-Object {{ $_.name + '=' + (($_.description | ForEach-Object {{ $_.Text }}) -join ' ') }}
'--examples'
@($h.examples.example).Count
'--command'
(Get-Command {cmdlet}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters }}
").AssertNoErrors();
            var lines = result.Strings.ToList();
            int description = lines.IndexOf("--description"), parameters = lines.IndexOf("--parameters"), examples = lines.IndexOf("--examples"), command = lines.IndexOf("--command");
            string synopsis = lines[0];
            Assert.False(string.IsNullOrWhiteSpace(synopsis));
            Assert.DoesNotContain(cmdlet + " ", synopsis); // the generated fallback synopsis is the syntax line
            Assert.True(parameters - description > 1, "no description");
            var documented = lines.Skip(parameters + 1).Take(examples - parameters - 1).ToDictionary(l => l.Split('=')[0], l => l.Substring(l.IndexOf('=') + 1));
            var declared = lines.Skip(command + 1).ToList();
            Assert.NotEmpty(declared);
            foreach (var name in declared.Where(n => n != "WhatIf" && n != "Confirm"))
                Assert.True(documented.TryGetValue(name, out var text) && text.Trim().Length > 10, $"-{name} of {cmdlet} has no help text");
            Assert.True(int.Parse(lines[examples + 1]) >= 2, $"{cmdlet} has fewer than two examples");
        }
    }
}
