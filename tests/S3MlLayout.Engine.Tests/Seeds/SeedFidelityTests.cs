using System.Text;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Rendering;

namespace S3MlLayout.Engine.Tests.Seeds;

/// <summary>
/// The built-in master-solution layout against the "Compacted Folder Structure (master-solution all nodes, folders
/// only)" drawing of seed 000, copied verbatim into Fixtures/seed000-compacted-tree.txt.
/// </summary>
public class SeedFidelityTests
{
    private const string RootLabel = "s3://{company_prefix}-{environment}-{tenant_id}-{region}/";
    private static readonly DateTime SeedDate = new(2024, 1, 1);

    private static string[] SeedLines() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed000-compacted-tree.txt"), Encoding.UTF8);

    /// <summary>
    /// Turns the drawing into folder keys. The depth of a line is the index of its branch glyph ('├' or '└') divided
    /// by 4, rounded down: the seed indents the lines under realtime/ by one space more than the others, and a few
    /// folders ("├── 2024") are drawn without their trailing slash.
    /// </summary>
    internal static List<string> ParseTree(IReadOnlyList<string> lines)
    {
        Assert.Equal(RootLabel, lines[0]);
        var path = new List<string>();
        var keys = new List<string>();
        for (int i = 1; i < lines.Count; i++)
        {
            string line = lines[i];
            int branch = line.IndexOfAny(new[] { '├', '└' });
            Assert.True(branch >= 0, $"line {i + 1} has no branch glyph: '{line}'");
            Assert.Equal("── ", line.Substring(branch + 1, 3));
            int depth = branch / 4;
            Assert.True(depth <= path.Count, $"line {i + 1} skips a level: '{line}'");
            string name = line.Substring(branch + 4).Trim().TrimEnd('/');
            Assert.False(string.IsNullOrEmpty(name), $"line {i + 1} has no folder name");
            path.RemoveRange(depth, path.Count - depth);
            path.Add(name);
            keys.Add(string.Join("/", path) + "/");
        }
        return keys;
    }

    /// <summary>
    /// Removes the seed's two drawing irregularities so it can be compared with <see cref="TreeRenderer"/>'s output:
    /// every glyph ('│', '├', '└') is moved back onto a 4-column boundary by dropping the extra space before it
    /// (the realtime/ subtree is indented one space too far), and a folder drawn without its trailing '/' gets it.
    /// </summary>
    internal static string NormaliseSeedLine(string line)
    {
        if (line.StartsWith("s3://", StringComparison.Ordinal)) return line;
        var output = new StringBuilder();
        int i = 0;
        for (; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '│' || c == '├' || c == '└')
            {
                if (output.Length % 4 == 1 && output[output.Length - 1] == ' ') output.Length--;
                Assert.True(output.Length % 4 == 0, $"cannot align '{line}'");
            }
            output.Append(c);
            if (c == '├' || c == '└') { i++; break; }
        }
        output.Append(line, i, line.Length - i);
        string normalised = output.ToString();
        return normalised.EndsWith("/", StringComparison.Ordinal) ? normalised : normalised + "/";
    }

    private static IReadOnlyList<FolderNode> ExpandMasterSolution() =>
        LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.GetBuiltIn("master-solution")) { Solution = null, Dates = new[] { SeedDate } });

    [Fact]
    public void Fixture_IsTheCompactedTreeOfSeed000()
    {
        var lines = SeedLines();

        Assert.Equal(131, lines.Length);
        Assert.Equal(RootLabel, lines[0]);
        Assert.Equal("└── solutions/", lines[1]);
        Assert.Equal("    └── master-solution/", lines[2]);
        Assert.Equal("            └── service-catalog/", lines[^1]);
    }

    [Fact]
    public void ParseTree_ReadsTheIrregularLinesAtTheirRealDepth()
    {
        var keys = ParseTree(SeedLines());

        Assert.Equal(130, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("solutions/", keys[0]);
        Assert.Equal("solutions/master-solution/", keys[1]);
        // "├── 2024" without its slash
        Assert.Contains("solutions/master-solution/data/raw/2024/01/01/", keys);
        Assert.Contains("solutions/master-solution/data/raw/archive/", keys);
        // the lines indented one space too far
        Assert.Contains("solutions/master-solution/data/inference/realtime/requests/2024/01/01/", keys);
        Assert.Contains("solutions/master-solution/data/inference/realtime/responses/2024/01/01/", keys);
        Assert.Equal("solutions/master-solution/templates/service-catalog/", keys[^1]);
    }

    [Fact]
    public void MasterSolution_ExpandsToEveryFolderOfTheSeed()
    {
        var expanded = ExpandMasterSolution().Select(n => n.Key).ToHashSet(StringComparer.Ordinal);

        var missing = ParseTree(SeedLines()).Where(k => !expanded.Contains(k)).ToList();

        Assert.True(missing.Count == 0, "folders of the seed missing from the expansion:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void MasterSolution_ExpandsToNoFolderBeyondTheSeed()
    {
        var seed = ParseTree(SeedLines()).ToHashSet(StringComparer.Ordinal);
        var expanded = ExpandMasterSolution().Select(n => n.Key).ToList();

        var extra = expanded.Where(k => !seed.Contains(k)).ToList();

        Assert.True(extra.Count == 0, "folders of the expansion not in the seed:\n" + string.Join("\n", extra));
        Assert.Equal(expanded.Count, expanded.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(seed.Count, expanded.Count);
        Assert.True(seed.SetEquals(expanded));
    }

    [Fact]
    public void MasterSolution_ExpandsInTheSeedsOrder()
    {
        Assert.Equal(ParseTree(SeedLines()), ExpandMasterSolution().Select(n => n.Key));
    }

    [Fact]
    public void Normalisation_ChangesOnlyTheIrregularLines()
    {
        var lines = SeedLines();

        var changed = lines.Select((line, i) => (line, i)).Where(p => NormaliseSeedLine(p.line) != p.line).Select(p => p.i + 1).ToList();

        // line 97 is "├── 2024" under raw/; lines 77-84 are requests/ and responses/ under realtime/.
        Assert.Equal(new[] { 77, 78, 79, 80, 81, 82, 83, 84, 97 }, changed);
        Assert.Equal("        │   │       ├── requests/", NormaliseSeedLine(lines[76]));
        Assert.Equal("        │   │       │   └── 2024/", NormaliseSeedLine(lines[77]));
        Assert.Equal("        │       ├── 2024/", NormaliseSeedLine(lines[96]));
    }

    [Fact]
    public void TreeRenderer_DrawsTheExpansionAsTheSeedDrawsIt()
    {
        var expected = SeedLines().Select(NormaliseSeedLine).ToList();

        var rendered = TreeRenderer.Render(RootLabel, ExpandMasterSolution().Select(n => n.Key));

        Assert.Equal(expected.Count, rendered.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i] == rendered[i], $"line {i + 1}:\n  seed:     '{expected[i]}'\n  rendered: '{rendered[i]}'");
    }

    [Fact]
    public void TreeRenderer_OutputParsesBackToTheSameKeys()
    {
        var keys = ExpandMasterSolution().Select(n => n.Key).ToList();

        var rendered = TreeRenderer.Render(RootLabel, keys);

        Assert.Equal(keys, ParseTree(rendered));
    }
}
