using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Tests.Support;
using S3MlLayout.Tests.Support;
using Xunit.Abstractions;

namespace S3MlLayout.Engine.Tests.Rendering;

/// <summary>
/// Hostile text (pipes, line breaks, backticks, HTML, &lt;/details&gt;, control characters, terminal escapes, unicode)
/// through each sink, read back by a parser of that sink: exactly the rows and the text that went in come out.
/// </summary>
public sealed class SinkFuzzTests
{
    private readonly ITestOutputHelper _output;
    public SinkFuzzTests(ITestOutputHelper output) { _output = output; }

    private static readonly string[] Fragments =
    {
        "a", "b/", "data", " ", "|", "||", "\\|", "\n", "\r\n", "| injected | row |", "`", "``", "```", "</details>", "<details>", "<summary>",
        "<img src=x onerror=alert(1)>", "<!--", "&amp;", "&#60;", "*", "**", "_", "[x](javascript:alert(1))", "![i](x)", "#", "- ", "1. ", ">", "~~",
        "\\", "\x01", "\x00", "\t", "\x7f", "\x1b[31m", "\x1b]0;owned\x07", "\x1b[2J", "\u009b1m", "\u0085", "\u202e", "\u2066", "\u2028", "\ufeff", "\ufffe",
        "é", "日本", "😀", "\ud800", "\udc00", ", actual ", " (expected ", "%2F", "+",
    };

    private static string Hostile(Random random, int most = 8)
    {
        var text = new StringBuilder();
        int parts = random.Next(most + 1);
        for (int i = 0; i < parts; i++) text.Append(Fragments[random.Next(Fragments.Length)]);
        return text.ToString();
    }

    [Fact]
    public void Terminal_text_has_no_character_that_acts_on_a_screen_and_keeps_everything_else()
    {
        var random = new Random(14);
        int strings = 0, escaped = 0;
        for (int n = 0; n < 5000; n++)
        {
            // Without backslashes in the input, undoing the escapes must give the input back exactly.
            string input = Hostile(random, 12).Replace("\\", "");
            string shown = TerminalText.Of(input);
            for (int i = 0; i < shown.Length; i++)
            {
                char c = shown[i];
                if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1])) { i++; continue; }
                Assert.False(c < 0x20 || (c >= 0x7f && c <= 0x9f) || char.IsSurrogate(c) || c is '\u202e' or '\u2066' or '\u2028' or '\ufeff' or '\ufffe',
                    $"U+{(int)c:x4} passed through in {JsonSerializer.Serialize(shown)}");
            }
            string back = System.Text.RegularExpressions.Regex.Replace(shown, @"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})",
                m => ((char)Convert.ToInt32(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, 16)).ToString());
            Assert.Equal(input, back);
            strings++;
            if (shown != input) escaped++;
        }
        Assert.Equal("caf\u00e9 日本 😀", TerminalText.Of("caf\u00e9 日本 😀"));
        Assert.Equal("\\x1b[31mred", TerminalText.Of("\x1b[31mred"));
        _output.WriteLine($"{strings} strings, {escaped} with escapes, none let a control through, all read back");
    }

    [Fact]
    public void Markdown_cells_and_code_spans_read_back_as_exactly_the_rows_and_text_that_went_in()
    {
        var random = new Random(3);
        int tables = 0, rows = 0;
        for (int t = 0; t < 300; t++)
        {
            var values = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (Hostile(random), Hostile(random), Hostile(random))).ToList();
            var markdown = new StringBuilder("## table\n\n| text | code | both |\n| --- | --- | --- |\n");
            foreach (var (a, b, c) in values) markdown.Append($"| {MarkdownText.Text(a)} | {MarkdownText.Code(b)} | {(TerminalText.Of(c).Length == 0 ? "" : MarkdownText.Text(c) + "/" + MarkdownText.Code(c))} |\n");
            markdown.Append("\n- ").Append(MarkdownText.Code(values[0].Item2, inTable: false)).Append(": ").Append(MarkdownText.Text(values[0].Item1)).Append('\n');
            markdown.Append("\n<details><summary>").Append(MarkdownText.Html(values[0].Item3)).Append("</summary>\n\n</details>\n");

            var read = MarkdownReader.Read(markdown.ToString());
            var table = Assert.Single(read.Tables);
            Assert.Equal(values.Count, table.Count);
            for (int i = 0; i < values.Count; i++)
            {
                var (a, b, c) = values[i];
                // GFM trims a cell's outer spaces: plain text keeps its inner spaces only; a code span keeps all.
                Assert.Equal(TerminalText.Of(a).Trim(' '), MarkdownReader.Inline(table[i][0]));
                Assert.Equal(TerminalText.Of(b), MarkdownReader.Inline(table[i][1]));
                int at = 0;
                string both = table[i][2];
                Assert.Equal(TerminalText.Of(c).TrimStart(' '), MarkdownReader.ReadText(both, ref at, TerminalText.Of(c).Length == 0 ? null : "/"));
                if (TerminalText.Of(c).Length > 0) { MarkdownReader.Expect(both, ref at, "/"); Assert.Equal(TerminalText.Of(c), MarkdownReader.ReadCode(both, ref at)); Assert.Equal(both.Length, at); }
            }
            var item = Assert.Single(read.ListItems);
            int j = 0;
            Assert.Equal(TerminalText.Of(values[0].Item2), values[0].Item2.Length == 0 || TerminalText.Of(values[0].Item2).Length == 0 ? "" : MarkdownReader.ReadCode(item, ref j));
            MarkdownReader.Expect(item, ref j, ": ");
            Assert.Equal(TerminalText.Of(values[0].Item1).TrimEnd(' '), MarkdownReader.ReadText(item, ref j, null).TrimEnd(' ')); // a line's trailing spaces are not shown
            Assert.Equal(TerminalText.Of(values[0].Item3), Assert.Single(read.Summaries));
            tables++;
            rows += table.Count;
        }
        _output.WriteLine($"{tables} tables, {rows} rows, all parsed back cell for cell");
    }

    private static List<DriftSummary> HostileFleet(Random random)
    {
        var rows = new List<DriftSummary>();
        for (int b = random.Next(1, 4); b > 0; b--)
        {
            string bucket = $"edge{b}-" + Hostile(random, 3); // distinct: JUnit groups rows by bucket
            var solutions = Enumerable.Range(0, random.Next(0, 3)).Select(_ => "s" + Hostile(random, 4)).Distinct().ToList();
            var findings = new List<DriftFinding>();
            foreach (var solution in solutions.Prepend(""))
                for (int f = random.Next(0, 6); f > 0; f--)
                {
                    string key = Hostile(random);
                    findings.Add(new DriftFinding
                    {
                        Bucket = bucket, Solution = solution, Kind = (DriftCategory)random.Next(7), Key = key, Uri = $"s3://{bucket}/{key}",
                        Expected = random.Next(2) == 0 ? null : Hostile(random, 4), Actual = Hostile(random, 4),
                    });
                }
            foreach (var finding in findings.Where(f => f.Expected == null)) finding.Actual = null;
            rows.AddRange(DriftSummary.Rows(bucket, solutions, true, findings, 3));
        }
        return rows;
    }

    [Fact]
    public void Drift_Markdown_reads_back_as_exactly_the_rows_and_findings_that_went_in()
    {
        var random = new Random(5);
        int reports = 0, rows = 0, findings = 0;
        for (int n = 0; n < 300; n++)
        {
            var fleet = HostileFleet(random);
            var read = MarkdownReader.Read(DriftReport.ToMarkdown(fleet));
            var table = Assert.Single(read.Tables);
            Assert.Equal(fleet.Count, table.Count);
            for (int i = 0; i < fleet.Count; i++)
            {
                Assert.Equal(TerminalText.Of(fleet[i].Bucket), MarkdownReader.Inline(table[i][0]));
                Assert.Equal(fleet[i].Solution.Length == 0 ? "(bucket)" : TerminalText.Of(fleet[i].Solution), fleet[i].Solution.Length == 0 ? table[i][1] : MarkdownReader.Inline(table[i][1]));
                Assert.Equal(fleet[i].InSync ? "in sync" : "**drifted**", table[i][2]);
            }
            var drifted = fleet.Where(r => !r.InSync).ToList();
            Assert.Equal(drifted.Select(r => $"{TerminalText.Of(r.Bucket)} {(r.Solution.Length == 0 ? "(bucket)" : TerminalText.Of(r.Solution))}: {r.Total} findings"), read.Summaries);
            var expected = drifted.SelectMany(r => r.Findings).ToList();
            Assert.Equal(expected.Count, read.ListItems.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                string item = read.ListItems[i];
                int at = 0;
                MarkdownReader.Expect(item, ref at, expected[i].Category + " ");
                if (expected[i].Kind == DriftCategory.BucketSetting && expected[i].Key.Length > 0)
                {
                    // The setting's name, as text, before the bucket's URI (issue 16).
                    Assert.Equal(TerminalText.Of(expected[i].Key), MarkdownReader.ReadText(item, ref at, " `"));
                    MarkdownReader.Expect(item, ref at, " ");
                }
                Assert.Equal(TerminalText.Of(expected[i].Uri), MarkdownReader.ReadCode(item, ref at));
                if (expected[i].Expected != null)
                {
                    MarkdownReader.Expect(item, ref at, " (expected ");
                    Assert.Equal(TerminalText.Of(expected[i].Expected), MarkdownReader.ReadText(item, ref at, ", actual "));
                    MarkdownReader.Expect(item, ref at, ", actual ");
                    Assert.Equal(TerminalText.Of(expected[i].Actual), MarkdownReader.ReadText(item, ref at, ")"));
                    MarkdownReader.Expect(item, ref at, ")");
                }
                Assert.Equal(item.Length, at);
            }
            reports++; rows += table.Count; findings += expected.Count;
        }
        _output.WriteLine($"{reports} reports, {rows} rows, {findings} findings, all parsed back");
    }

    [Fact]
    public void Drift_JUnit_parses_as_XML_1_0_with_exactly_the_cases_and_findings_that_went_in()
    {
        var random = new Random(7);
        int reports = 0, cases = 0, lines = 0;
        for (int n = 0; n < 300; n++)
        {
            var fleet = HostileFleet(random);
            string xml = DriftReport.ToJUnit(fleet);
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
            var document = XDocument.Load(reader);
            var testcases = document.Descendants("testcase").ToList();
            Assert.Equal(fleet.Count, testcases.Count);
            Assert.Equal(fleet.Count.ToString(), document.Root!.Attribute("tests")!.Value);
            for (int i = 0; i < fleet.Count; i++)
            {
                Assert.Equal(TerminalText.Of(fleet[i].Bucket), testcases[i].Attribute("classname")!.Value);
                Assert.Equal(fleet[i].Solution.Length == 0 ? "(bucket)" : TerminalText.Of(fleet[i].Solution), testcases[i].Attribute("name")!.Value);
                var failure = testcases[i].Element("failure");
                Assert.Equal(fleet[i].InSync, failure == null);
                if (failure == null) continue;
                var body = failure.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(fleet[i].Findings.Select(f => TerminalText.Of(f.ToString())), body);
                lines += body.Length;
            }
            reports++; cases += testcases.Count;
        }
        _output.WriteLine($"{reports} reports, {cases} test cases, {lines} finding lines, all parsed back");
    }

    [Fact]
    public async Task Fleet_plan_Markdown_reads_back_with_hostile_tenant_files_document_keys_and_declared_template_names()
    {
        var random = new Random(11);
        int plans = 0, rows = 0, problems = 0, items = 0;
        for (int n = 0; n < 40; n++)
        {
            var targets = Enumerable.Range(0, random.Next(1, 4)).Select(i => new InMemoryS3Target($"edge-dev-t{i}-us-east-1") { Exists = true }).ToList();
            var names = new List<string>();
            foreach (var target in targets)
            {
                // A stored name is UTF-8: a lone surrogate cannot reach the bucket as itself.
                string template = Hostile(random).Replace("\ud800", "").Replace("\udc00", "") + "x";
                names.Add(template);
                target.Put(".s3mllayout/declared/solutions/churn.json", JsonSerializer.Serialize(new { schema = 1, solution = "churn", template, templateVersion = "1.0.0" }));
            }
            var members = targets.Select(t => new FleetMember(t, BucketSettings.SecureDefaults(new Dictionary<string, string>()), TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" })
            {
                Source = "tenants/" + Hostile(random).Replace("/", "").Replace("\\", "") + ".yaml",
                Documents = new Dictionary<string, byte[]> { ["client_config/" + Hostile(random, 4) + ".yaml"] = Encoding.UTF8.GetBytes("x: 1\n") },
            }).ToList();
            using var plan = await FleetPlan.CreateAsync(members, "Get-MlFleetPlan", new Dictionary<string, object?>(), 4, CancellationToken.None);
            var read = MarkdownReader.Read(plan.ToMarkdown());
            var table = Assert.Single(read.Tables);
            Assert.Equal(members.Count, table.Count);
            for (int i = 0; i < members.Count; i++)
            {
                Assert.Equal(targets[i].Bucket.Name, MarkdownReader.Inline(table[i][0]));
                Assert.Equal(TerminalText.Of(Path.GetFileName(members[i].Source)), MarkdownReader.Inline(table[i][1]));
            }
            Assert.Equal(members.Count, plan.Problems.Count);
            var listed = read.ListItems.Where(l => l.StartsWith("**", StringComparison.Ordinal)).ToList();
            Assert.Equal(plan.Problems.Count, listed.Count);
            foreach (var (item, problem) in listed.Zip(plan.Problems))
            {
                int at = 0;
                MarkdownReader.Expect(item, ref at, "**SolutionTemplateMismatch** ");
                Assert.Equal(problem.Target, MarkdownReader.ReadCode(item, ref at));
                MarkdownReader.Expect(item, ref at, ": ");
                string message = MarkdownReader.ReadText(item, ref at, null);
                Assert.Equal(TerminalText.Of(problem.Message), message);
                Assert.Contains(names.Select(TerminalText.Of), message.Contains);
            }
            var changes = read.ListItems.Except(listed).ToList();
            Assert.Equal(plan.Buckets.Sum(b => b.Changes.Count(c => c.NeedsApproval && c.Kind != ChangeKind.WriteMarker) + (b.Changes.Any(c => c.Kind == ChangeKind.WriteMarker) ? 1 : 0)), changes.Count);
            foreach (var bucket in plan.Buckets.Where(b => b.Pending > 0))
                foreach (var change in bucket.Changes.Where(c => c.NeedsApproval && c.Kind != ChangeKind.WriteMarker))
                    Assert.True(changes.Any(item => { int at = 0; try { MarkdownReader.ReadText(item, ref at, ": "); MarkdownReader.Expect(item, ref at, ": "); return MarkdownReader.ReadCode(item, ref at) == TerminalText.Of(change.Target) && at == item.Length; } catch (FormatException) { return false; } }),
                        $"{JsonSerializer.Serialize(change.Target)} not in {JsonSerializer.Serialize(changes)}");
            plans++; rows += table.Count; problems += listed.Count; items += changes.Count;
        }
        _output.WriteLine($"{plans} plans, {rows} bucket rows, {problems} problems quoting a hostile template name, {items} change items, all parsed back");
    }
}
