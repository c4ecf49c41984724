using System.Text;
using System.Text.RegularExpressions;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Seeds;

/// <summary>
/// Issue 15, item 2: every example file of seed 000's "Complete Folder Structure (folders and example files)"
/// (copied verbatim into Fixtures/seed000-complete-tree.txt) and of seed 001's data README (Fixtures/seed001-data-readme.txt),
/// placed at its seed path, lies in a folder of the built-in layout whose contract accepts it and allows files there.
/// </summary>
public class SeedContractTests
{
    private const string SeedSolution = "customer-churn-prediction";
    private static readonly DateTime SeedDate = new(2024, 1, 1);

    /// <summary>Seed examples decided against, with the reason in docs/contracts.md ("Decisions").</summary>
    private static readonly string[] DecidedAgainst = { "data/interim/filtered_sales.csv" };

    internal static List<string> Seed000ExampleFiles() => SeedExamples.Seed000ExampleFiles();

    internal static List<string> Seed001ExampleFiles() => SeedExamples.Seed001ExampleFiles();

    [Fact]
    public void Seed000_Has164ExampleLines_For163Files()
    {
        var files = Seed000ExampleFiles();

        Assert.Equal(164, files.Count);
        // The seed draws 01/preprocessing_001.json twice under the same day.
        Assert.Equal(163, files.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains($"solutions/{SeedSolution}/data/curated/2024/01/01/customers_cleaned_20240101.parquet", files);
        Assert.Contains($"solutions/{SeedSolution}/artifacts/logs/preprocessing/daily_logs/2024/01/01/01/preprocessing_001.json", files);
        Assert.Contains($"solutions/{SeedSolution}/config/monitoring_config.yaml", files);
        Assert.Contains($"solutions/{SeedSolution}/notebooks/training/ensemble_model_training.ipynb", files);
        Assert.All(files, f => Assert.StartsWith($"solutions/{SeedSolution}/", f));
    }

    [Fact]
    public void Seed001_Has12ExampleFiles()
    {
        var files = Seed001ExampleFiles();

        Assert.Equal(12, files.Count);
        Assert.Equal("data/raw/customers.csv", files[0]);
        Assert.Equal("data/monitoring/drift_summary.csv", files[^1]);
    }

    [Fact]
    public void MasterSolution_AcceptsEveryExampleFileOfSeed000_AtItsSeedPath()
    {
        var problems = Judge("master-solution", Seed000ExampleFiles());

        Assert.True(problems.Count == 0, "seed 000 examples the master-solution contracts refuse:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void DataLifecycle_AcceptsEveryExampleFileOfSeed001_ButTheOneDecidedAgainst()
    {
        var all = Seed001ExampleFiles().Select(f => $"solutions/{SeedSolution}/{f}").ToList();
        var kept = all.Where(f => !DecidedAgainst.Any(d => f.EndsWith("/" + d, StringComparison.Ordinal))).ToList();

        Assert.Equal(11, kept.Count);
        var problems = Judge("data-lifecycle", kept);
        Assert.True(problems.Count == 0, "seed 001 examples the data-lifecycle contracts refuse:\n" + string.Join("\n", problems));
        // The one decided against is indeed refused: interim is Parquet only.
        var refused = Assert.Single(Judge("data-lifecycle", all.Except(kept).ToList()));
        Assert.Contains("filtered_sales.csv", refused);
    }

    [Theory]
    [InlineData("master-solution")]
    [InlineData("data-lifecycle")]
    public void BuiltInExamples_AreExactlyTheSeedsExamples(string template)
    {
        // Each example a contract lists is one the seed shows in that folder, and each the seed shows is listed.
        var seed = template == "master-solution"
            ? Seed000ExampleFiles()
            : Seed001ExampleFiles().Select(f => $"solutions/{SeedSolution}/{f}").Where(f => !DecidedAgainst.Any(d => f.EndsWith("/" + d, StringComparison.Ordinal))).ToList();
        var nodes = Expand(template);
        var locator = new FolderLocator(nodes);
        var fromSeed = seed.Select(f => (locator.Locate(f)!.Value.Folder.Key, f.Substring(f.LastIndexOf('/') + 1))).ToHashSet();
        var declared = nodes.Where(n => n.Kind == FolderKind.Folder && n.Contract?.Examples != null)
            .SelectMany(n => n.Contract!.Examples!.Select(e => (n.Key, e))).ToHashSet();

        Assert.Equal(fromSeed.OrderBy(p => p.Item1 + p.Item2), declared.OrderBy(p => p.Item1 + p.Item2));
    }

    private static IReadOnlyList<FolderNode> Expand(string template) =>
        LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.GetBuiltIn(template)) { Solution = SeedSolution, Dates = new[] { SeedDate, SeedDate.AddDays(1) } });

    /// <summary>
    /// For each file: the deepest declared folder holding it must take files and accept its format, and the file
    /// must lie directly in it, or for a date-partitioned folder under a date path of that folder's style (deeper
    /// levels below the day are the producer's, docs/contracts.md). Returns what is wrong, one line per file.
    /// </summary>
    private static List<string> Judge(string template, IReadOnlyList<string> files)
    {
        var nodes = Expand(template);
        var locator = new FolderLocator(nodes);
        var problems = new List<string>();
        foreach (var file in files)
        {
            var match = locator.Locate(file);
            if (match == null) { problems.Add($"{file}: in no folder of the layout"); continue; }
            var folder = match.Value.Folder;
            string rest = match.Value.Rest;
            string name = rest.Substring(rest.LastIndexOf('/') + 1);
            var contract = folder.Contract;
            if (contract == null) { problems.Add($"{file}: {folder.Key} ({folder.Kind}) holds folders only"); continue; }
            if (contract.Files != true) problems.Add($"{file}: {folder.Key} keeps files out (files: false)");
            if (!contract.Accepts(name)) problems.Add($"{file}: {folder.Key} accepts {contract}, not {name}");
            if (folder.Partition == PartitionGranularity.None)
            {
                if (rest.Contains('/')) problems.Add($"{file}: lies below {folder.Key} in an undeclared folder '{rest.Substring(0, rest.LastIndexOf('/') + 1)}'");
            }
            else
            {
                // The date leaf must be a node of the expansion (the seed's dates), and of the folder's spelling.
                var leaf = nodes.Where(n => n.Kind == FolderKind.Partition && n.ParentKey.Length > 0 && file.StartsWith(n.Key, StringComparison.Ordinal)).OrderByDescending(n => n.Key.Length).FirstOrDefault();
                int levels = folder.Partition == PartitionGranularity.Daily ? 3 : 2;
                if (leaf == null || leaf.Key.Length - folder.Key.Length != (levels == 3 ? "2024/01/01/".Length : "2024/01/".Length) || !leaf.Key.StartsWith(folder.Key, StringComparison.Ordinal))
                    problems.Add($"{file}: not under a date path of {folder.Key}");
                else if (leaf.Contract == null || !leaf.Contract.Accepts(name))
                    problems.Add($"{file}: the date level {leaf.Key} does not carry its folder's contract");
            }
        }
        return problems;
    }
}
