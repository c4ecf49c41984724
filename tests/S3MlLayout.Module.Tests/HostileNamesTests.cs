using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using S3MlLayout.Module.Tests.Hosting;
using S3MlLayout.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Whoever writes to a bucket shapes what a reviewer reads: folder names and a declared template name carrying pipes,
    /// line breaks, HTML, &lt;/details&gt;, control characters and terminal escapes, through Get-MlLayoutDrift |
    /// Export-MlDriftReport and Get-MlFleetPlan -MarkdownFile, on moto and on the local target. The reports must parse
    /// (XmlReader, a strict Markdown reader) into exactly the rows that were checked, and the console must get no escape.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class HostileNamesTests
    {
        private static readonly string[] Folders =
        {
            "a|b", "x\n| injected | row |", "</details><img src=x onerror=alert(1)>", "\x01", "esc\x1b[2J\x1b]0;owned\x07", "sp ace+%2B&#60;日本😀",
        };
        private const string HostileTemplate = "t|x\n| injected | row |</details><img src=x onerror=alert(1)>\x01\x1b[31m";

        private readonly MotoServer _moto;
        private readonly ITestOutputHelper _output;
        private readonly string _company = "h" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private string Bucket => $"{_company}-dev-a001-us-east-1";

        public HostileNamesTests(MotoServer moto, ITestOutputHelper output) { _moto = moto; _output = output; }

        /// <summary>What every sink shows for a control character: the escape TerminalText writes (\x01, \x1b).</summary>
        private static string Visible(string text) =>
            string.Concat(text.Select(c => c < 0x20 || (c >= 0x7f && c <= 0x9f) ? $"\\x{(int)c:x2}" : c.ToString()));

        [Fact]
        public void On_moto_hostile_folder_names_and_template_names_give_reports_with_exactly_the_expected_rows() =>
            HostileBucket("$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n", (key, content) => PutObject(key, content),
                // moto's router answers 404 to a key with a line break (S3 itself stores it): those are checked on the local target.
                Folders.Where(f => !f.Contains('\n')));

        [Fact]
        public void On_the_local_target_hostile_folder_names_and_template_names_give_reports_with_exactly_the_expected_rows()
        {
            using var buckets = new TempDirectory();
            HostileBucket("$conn = @{ LocalPath = $buckets }\n", (key, content) =>
            {
                string path = Path.Combine(new[] { buckets.Path, Bucket }.Concat(key.Split('/')).ToArray());
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, content);
            }, Folders, buckets.Path);

            // The console, in real pwsh: the default table views of findings and summaries show the names escaped, and
            // no ESC reaches the terminal; the Key property is still the exact key for scripts.
            string script = Path.Combine(buckets.Path, "view.ps1");
            File.WriteAllText(script, "param($Module, $Buckets, $Bucket)\nImport-Module $Module\n$b = Get-MlBucket $Bucket -LocalPath $Buckets\n" +
                "$f = $b | Get-MlLayoutDrift\n$f | Format-Table | Out-String -Width 500\n$b | Get-MlLayoutDrift -Summary | Format-Table | Out-String -Width 500\n" +
                "'exact key: ' + [bool]($f | Where-Object { $_.Key -ceq \"solutions/churn/esc`e[2J`e]0;owned`a/\" })\n");
            var view = PwshProcess.RunFile(script, new[] { "-Module", ModuleSession.ManifestPath, "-Buckets", buckets.Path, "-Bucket", Bucket }).AssertSucceeded();
            string shown = string.Join("\n", view.Output);
            Assert.DoesNotContain('\x1b', shown);
            Assert.DoesNotContain('\x01', shown);
            Assert.Contains("esc\\x1b[2J\\x1b]0;owned\\x07/", shown);
            Assert.Contains("exact key: True", shown);
        }

        private void HostileBucket(string connection, Action<string, string> put, IEnumerable<string> folders, string? buckets = null)
        {
            using var temp = new TempDirectory();
            var variables = _moto.Variables(new Dictionary<string, object?> { ["o"] = temp.Path, ["buckets"] = buckets });
            ModuleSession.Run(connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template simple-ml | Out-Null",
                variables).AssertNoErrors();
            foreach (var folder in folders) put($"solutions/churn/{folder}/part.csv", "x");
            put(".s3mllayout/declared/solutions/x.json", JsonSerializer.Serialize(new { schema = 1, solution = "x", template = HostileTemplate, templateVersion = "1.0.0" }));

            // Drift: the findings as objects (their Uri exactly the key), then both reports.
            var drift = ModuleSession.Run(connection + $@"$b = Get-MlBucket {Bucket} @conn
$b | Get-MlLayoutDrift
$b | Get-MlLayoutDrift -Summary | Export-MlDriftReport ([IO.Path]::Combine($o, 'drift.xml')) -PassThru | Export-MlDriftReport ([IO.Path]::Combine($o, 'drift.md')) | Out-Null", variables).AssertNoErrors();
            var all = drift.Output.Select(f => (Solution: (string)f.Properties["Solution"].Value, Category: (string)f.Properties["Category"].Value,
                Uri: (string)f.Properties["Uri"].Value, Line: f.BaseObject.ToString()!)).ToList();
            var findings = all.Where(f => f.Solution == "churn").ToList();
            foreach (var folder in folders)
                Assert.Contains(findings, f => f.Uri.EndsWith("solutions/churn/" + folder.Split('/')[0] + "/", StringComparison.Ordinal));

            using (var reader = XmlReader.Create(Path.Combine(temp.Path, "drift.xml"), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit }))
            {
                var junit = XDocument.Load(reader);
                var cases = junit.Descendants("testcase").ToList();
                // The bucket, churn, and x (declared in the bucket, so checked too).
                Assert.Equal(new[] { "(bucket)", "churn", "x" }, cases.Select(c => c.Attribute("name")!.Value));
                var lines = cases[1].Element("failure")!.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(findings.Select(f => Visible(f.Line)).OrderBy(l => l, StringComparer.Ordinal), lines.OrderBy(l => l, StringComparer.Ordinal));
            }

            var markdown = MarkdownReader.Read(File.ReadAllText(Path.Combine(temp.Path, "drift.md")));
            var table = Assert.Single(markdown.Tables);
            Assert.Equal(3, table.Count);
            Assert.Equal(new[] { Bucket, Bucket, Bucket }, table.Select(r => MarkdownReader.Inline(r[0])));
            Assert.Equal(new[] { "churn", "x" }, table.Skip(1).Select(r => MarkdownReader.Inline(r[1])));
            Assert.Contains($"{Bucket} churn: {findings.Count} findings", markdown.Summaries);
            Assert.Equal(all.Select(f => f.Solution).Distinct().Count(), markdown.Summaries.Count);
            var items = markdown.ListItems.Select(item =>
            {
                int at = 0;
                string category = MarkdownReader.ReadText(item, ref at, " ");
                MarkdownReader.Expect(item, ref at, " ");
                string uri = MarkdownReader.ReadCode(item, ref at);
                string line = $"{category} {uri}";
                if (at < item.Length)
                {
                    MarkdownReader.Expect(item, ref at, " (expected ");
                    line += " (expected " + MarkdownReader.ReadText(item, ref at, ", actual ");
                    MarkdownReader.Expect(item, ref at, ", actual ");
                    line += ", actual " + MarkdownReader.ReadText(item, ref at, ")") + ")";
                    MarkdownReader.Expect(item, ref at, ")");
                }
                Assert.Equal(item.Length, at);
                return line;
            }).OrderBy(l => l, StringComparer.Ordinal).ToList();
            Assert.Equal(all.Select(f => Visible(f.Line)).OrderBy(l => l, StringComparer.Ordinal), items);
            _output.WriteLine($"drift: {table.Count} table rows, {items.Count} findings in Markdown, {findings.Count} JUnit lines, all parsed back");

            // The fleet plan: a tenant file declaring x, which the bucket says was provisioned from the hostile template.
            string tenants = Path.Combine(temp.Path, "tenants");
            Directory.CreateDirectory(tenants);
            File.WriteAllText(Path.Combine(tenants, "a001.yaml"), $"companyPrefix: {_company}\ntenantId: a001\nregions: [us-east-1]\ntemplate: simple-ml\nsolutions: [churn, x]\n");
            variables["d"] = tenants;
            var plan = ModuleSession.Run(connection + "Get-MlFleetPlan $d @conn -MarkdownFile ([IO.Path]::Combine($o, 'plan.md')) -WarningAction SilentlyContinue | Out-Null", variables);
            var mismatch = Assert.Single(plan.Errors, e => e.FullyQualifiedErrorId.StartsWith("SolutionTemplateMismatch", StringComparison.Ordinal));
            // The console: the message quotes the template, every control character in it shown, none acting.
            Assert.Contains(Visible(HostileTemplate), mismatch.Exception.Message);
            Assert.DoesNotContain(mismatch.Exception.Message, c => c < 0x20 || c == 0x7f);
            string planText = File.ReadAllText(Path.Combine(temp.Path, "plan.md"));
            var planned = MarkdownReader.Read(planText);
            Assert.Equal(3, Assert.Single(planned.Tables).Count); // dev, staging, prod
            var problem = Assert.Single(planned.ListItems, i => i.StartsWith("**", StringComparison.Ordinal));
            int p = 0;
            MarkdownReader.Expect(problem, ref p, "**SolutionTemplateMismatch** ");
            Assert.EndsWith("/solutions/x/", MarkdownReader.ReadCode(problem, ref p));
            MarkdownReader.Expect(problem, ref p, ": ");
            Assert.Contains(Visible(HostileTemplate), MarkdownReader.ReadText(problem, ref p, null));
            _output.WriteLine($"plan: {planned.Tables[0].Count} bucket rows, 1 problem quoting the template as text, {planned.ListItems.Count - 1} change items");
        }

        /// <summary>Writes one object straight to moto with boto3 (keys with line breaks and control characters as they are).</summary>
        private void PutObject(string key, string content)
        {
            const string script = "import sys, json, boto3\ns3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b')\n" +
                "s3.put_object(Bucket=sys.argv[2], Key=json.loads(sys.argv[3]), Body=sys.argv[4].encode())\n";
            var start = new ProcessStartInfo("python3") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-c", script, _moto.Endpoint, Bucket, JsonSerializer.Serialize(key), content }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"putting {JsonSerializer.Serialize(key)} failed: {error}");
        }
    }
}
