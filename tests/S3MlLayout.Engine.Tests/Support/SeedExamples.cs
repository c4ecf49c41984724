using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace S3MlLayout.Engine.Tests.Support;

/// <summary>
/// The example files of the seeds, read from the verbatim copies in Fixtures/: shared by the engine's contract tests
/// and the module's object-drift tests (linked there), so both judge exactly the same files.
/// </summary>
public static class SeedExamples
{
    /// <summary>The solution name the seed 000 tree uses.</summary>
    public const string SeedSolution = "customer-churn-prediction";

    private static string[] Fixture(string name) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", name), Encoding.UTF8);

    /// <summary>
    /// The example files of the complete tree, as keys relative to the bucket. A line's depth is its branch glyph's
    /// column divided by 4, rounded down, as in <see cref="SeedFidelityTests.ParseTree"/> (the seed indents some
    /// lines by one space more). An entry is a file when its last segment has a dot and no trailing '/'; a few
    /// folders ("2024") are drawn without their slash, and one file is drawn with a folder in its name
    /// ("01/preprocessing_001.json", a level below the day).
    /// </summary>
    public static List<string> Seed000ExampleFiles()
    {
        var lines = Fixture("seed000-complete-tree.txt");
        Assert.Equal("s3://{company_prefix}-{environment}-{tenant_id}-{region}/", lines[0]);
        var path = new List<string>();
        var files = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Trim().Length == 0 || line.Trim() == "│") continue;
            int branch = line.IndexOfAny(new[] { '├', '└' });
            Assert.True(branch >= 0, $"line {i + 1} has no branch glyph: '{line}'");
            int depth = branch / 4;
            Assert.True(depth <= path.Count, $"line {i + 1} skips a level: '{line}'");
            string name = line.Substring(branch + 4).Trim();
            path.RemoveRange(depth, path.Count - depth);
            string last = name.TrimEnd('/').Split('/')[^1];
            if (name.EndsWith("/", StringComparison.Ordinal) || !last.Contains('.'))
                path.Add(name.TrimEnd('/'));
            else
                files.Add(string.Join("/", path.Append(name)));
        }
        return files;
    }

    /// <summary>Seed 001's example files: the lines of its "Example files" blocks, such as data/raw/customers.csv.</summary>
    public static List<string> Seed001ExampleFiles() =>
        Fixture("seed001-data-readme.txt").Select(l => l.Trim()).Where(l => Regex.IsMatch(l, @"^data/[a-z_]+/[^\s/]+\.[a-z]+$")).ToList();

}
