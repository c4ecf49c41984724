using System.Text.RegularExpressions;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Rendering;

namespace S3MlLayout.Engine.Tests.Rendering;

public sealed class ContractDocumentTests
{
    private const string Yaml = """
        name: flow
        version: 1.2.0
        folders:
          - name: data
            folders:
              - name: raw
                partition: daily
              - interim
              - processed
          - notebooks
        """;

    /// <summary>A template in the shape of seed 001's stage table, contracts set on the specs.</summary>
    private static IReadOnlyList<FolderNode> Nodes(Action<LayoutTemplate>? change = null)
    {
        var template = TemplateCatalog.Parse(Yaml, "t.yaml");
        var data = template.SolutionFolders[0];
        data.Contract = new FolderContract { Files = false };
        data.Folders[0].Contract = new FolderContract
        {
            Formats = new[] { ".csv", ".json", ".xlsx" }, Producers = new[] { "External source" }, Consumers = new[] { "data_prep.py" },
            TriggeredBy = new[] { "ETL, cron job, or API feed" }, Triggers = new[] { "src/data_prep.py" }, Examples = new[] { "customers.csv" },
        };
        data.Folders[1].Contract = new FolderContract { Formats = new[] { ".parquet" }, Producers = new[] { "data_prep.py" }, Consumers = new[] { "pandas memory" } };
        data.Folders[2].Contract = new FolderContract { Formats = new[] { ".parquet" }, Producers = new[] { "CI/CD" }, Consumers = new[] { "train.py" } };
        change?.Invoke(template);
        return LayoutExpander.Expand(new LayoutRequest(template) { Solution = "churn", Dates = new[] { new DateTime(2024, 1, 2) } });
    }

    /// <summary>The rows of the first GFM table of a document, split on unescaped '|', as a reader of the table sees them.</summary>
    private static List<string[]> TableRows(string markdown)
    {
        var lines = markdown.Split('\n').SkipWhile(l => !l.StartsWith("| Folder")).TakeWhile(l => l.StartsWith("|")).ToList();
        // Cells split on unescaped '|', then backslash escapes of ASCII punctuation read back, as a Markdown reader does.
        return lines.Skip(2).Select(l => Regex.Split(l.Trim().Trim('|'), @"(?<!\\)\|")
            .Select(c => Regex.Replace(c.Trim(), @"\\([!-/:-@\[-`{-~])", "$1")).ToArray()).ToList();
    }

    private static string MermaidBlock(string markdown)
    {
        int start = markdown.IndexOf("```mermaid\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "no Mermaid block");
        int end = markdown.IndexOf("\n```", start + 10, StringComparison.Ordinal);
        return markdown.Substring(start + "```mermaid\n".Length, end - start - "```mermaid\n".Length + 1);
    }

    [Fact]
    public void One_row_per_declared_folder_with_its_formats_producers_and_consumers_and_no_date_levels()
    {
        var text = ContractDocument.Render("churn", "flow", "1.2.0", Nodes());
        var rows = TableRows(text);

        Assert.Equal(new[] { "`data/`", "`data/raw/`", "`data/interim/`", "`data/processed/`", "`notebooks/`" }, rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(9, r.Length));
        var raw = rows[1];
        Assert.Equal("`.csv`, `.json`, `.xlsx`", raw[2]);
        Assert.Equal("yes, under YYYY/MM/DD/", raw[3]);
        Assert.Equal("External source", raw[4]);
        Assert.Equal("data_prep.py", raw[5]);
        Assert.Equal("`customers.csv`", raw[8]);
        Assert.Equal("no, sub-folders only", rows[0][3]);
        Assert.Equal("any", rows[4][2]);
    }

    [Fact]
    public void The_diagram_goes_producer_to_stage_to_consumer_in_stage_order_and_names_each_actor_once()
    {
        var mermaid = MermaidBlock(ContractDocument.Render("churn", "flow", "1.2.0", Nodes()));
        var lines = mermaid.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("flowchart LR", lines[0]);
        var stages = lines.Where(l => Regex.IsMatch(l, @"^  s\d+\[")).ToList();
        Assert.Equal(3, stages.Count);
        Assert.Contains("data/raw/", stages[0]);
        Assert.Contains("data/interim/", stages[1]);
        Assert.Contains("data/processed/", stages[2]);
        // data_prep.py consumes raw and produces interim: one node, two edges.
        var prep = lines.Where(l => l.Contains("\"data_prep.py\"")).ToList();
        Assert.Single(prep);
        string id = Regex.Match(prep[0], @"^  (a\d+)\(").Groups[1].Value;
        Assert.Contains($"  s0 --> {id}", lines);
        Assert.Contains($"  {id} --> s1", lines);
    }

    [Fact]
    public void Hostile_names_cannot_end_a_label_a_cell_or_the_code_fence_nor_inject_html()
    {
        const string hostile = "x\"]-->evil[\"y | z\n</details><img src=x onerror=alert(1)>```";
        var nodes = Nodes(t =>
        {
            var raw = t.SolutionFolders[0].Folders[0];
            raw.Description = hostile;
            raw.Contract!.Producers = new[] { hostile };
        });
        var text = ContractDocument.Render("churn", "flow", "1.2.0", nodes);

        // Markup survives only backslash-escaped, which Markdown shows as text.
        Assert.DoesNotMatch(@"(?<!\\)<img", text);
        Assert.DoesNotMatch(@"(?<!\\)</details>", text);
        var rows = TableRows(text);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(9, r.Length));
        var mermaid = MermaidBlock(text);
        // Every line of the diagram is a node or an edge, and every label holds no raw quote.
        foreach (var line in mermaid.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            Assert.Matches(@"^  (\w+(\(\[""[^""]*""\]\)|\[""[^""]*""\])|\w+ --> \w+)$", line);
        // Exactly one fence opens the diagram and one closes it.
        Assert.Equal(2, Regex.Matches(text, "^```", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void Stored_under_the_module_prefix_never_under_a_stage()
    {
        Assert.Equal(".s3mllayout/contracts/churn.md", ContractDocument.KeyOf("churn"));
        Assert.False(ContractDocument.KeyOf("churn").StartsWith("solutions/"));
    }
}
