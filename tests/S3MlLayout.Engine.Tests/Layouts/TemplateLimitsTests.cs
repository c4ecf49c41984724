using System.Diagnostics;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Layouts;

/// <summary>
/// Runs alone, so that timings and managed-heap measurements (GC.GetTotalMemory counts every test's objects) are not
/// disturbed by the tests running beside them.
/// </summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection { }

/// <summary>Issue 7, defect 3: a template cannot make loading take unbounded time or memory (see TemplateLimits).</summary>
[Collection(nameof(TimingCollection))]
public sealed class TemplateLimitsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // ---- TemplateAliasLimit ----------------------------------------------------------------------------------

    /// <summary>The shape of the report: 10 levels of 10 aliases nested in folders:, 10^10 nodes once expanded, in 3 KB.</summary>
    internal static string BillionLaughs(int levels = 10, int width = 10)
    {
        var sb = new StringBuilder("name: lol\nversion: 1.0.0\nfolders:\n  - name: l0\n    folders: &l0 [a, b, c, d, e, f, g, h, i, j]\n");
        for (int level = 1; level < levels; level++)
        {
            sb.Append($"  - name: l{level}\n    folders: &l{level}\n");
            for (int i = 0; i < width; i++) sb.Append($"      - name: n{i}\n        folders: *l{level - 1}\n");
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(7)]   // 2.3 million folders: loaded (in seconds and 400 MB) before the fix
    [InlineData(10)]  // the report's template: 10^10 nodes, ran out of memory before the fix
    public void BillionLaughs_IsTemplateAliasLimit_FastAndInBoundedMemory(int levels)
    {
        string yaml = BillionLaughs(levels);
        Assert.True(yaml.Length < 4000);

        var (error, elapsed, allocated) = Measure(() => TemplateCatalog.Parse(yaml, "lol.yaml"));

        var limit = AssertLimit(error, "TemplateAliasLimit", "lol.yaml");
        // The position is the alias that would take the expansion over the budget.
        Assert.Equal('*', yaml.Split('\n')[limit.Line - 1][limit.Column - 1]);
        Assert.Contains(TemplateLimits.MaxAliasNodes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), limit.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / 1048576} MB");
    }

    [Fact]
    public void AliasBelowTheBudget_IsExpandedIntoIndependentFolders()
    {
        const string yaml = """
            name: reuse
            version: 1.0.0
            folders:
              - name: train
                folders: &splits [features, labels]
              - name: test
                folders: *splits
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(6, template.FolderCount);
        Assert.NotSame(template.SolutionFolders[0].Folders[0], template.SolutionFolders[1].Folders[0]);
    }

    [Fact]
    public void RecursiveAlias_IsTemplateAliasLimit()
    {
        // Before the fix this was a cycle in the node graph: the parser recursed until the process died of a stack overflow.
        const string yaml = "name: t\nversion: 1.0.0\nfolders: &a\n  - name: x\n    folders: *a\n";

        var (error, _, _) = Measure(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        var limit = AssertLimit(error, "TemplateAliasLimit", "t.yaml");
        Assert.Equal((5, 14), (limit.Line, limit.Column));
        Assert.Contains("inside the node", limit.Message);
    }

    [Fact]
    public void AliasBeforeItsAnchor_IsTemplateYamlInvalid()
    {
        // YamlDotNet resolves such forward aliases at the end of the document; their size could not be counted first.
        const string yaml = "name: t\nversion: 1.0.0\nfolders:\n  - name: x\n    folders: *later\n  - name: y\n    folders: &later [z]\n";

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        TemplateAssert.At(error, "TemplateYamlInvalid", "t.yaml", 5, 14);
        Assert.Contains("&later", error.Message);
    }

    // ---- TemplateTooLarge ------------------------------------------------------------------------------------

    [Fact]
    public void FileOverTheSizeLimit_IsRefusedBeforeItIsParsed()
    {
        // Not YAML at all: parsing it would be TemplateYamlInvalid; the size is checked first.
        string path = _temp.WriteFile("huge.yaml", "folders: [" + new string('x', TemplateLimits.MaxFileBytes));

        var (error, elapsed, _) = Measure(() => TemplateCatalog.LoadFile(path));

        var limit = AssertLimit(error, "TemplateTooLarge", path);
        Assert.Equal((1, 1), (limit.Line, limit.Column));
        Assert.Contains("4 MiB", limit.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed}");
    }

    [Fact]
    public void TextOverTheSizeLimit_IsTemplateTooLarge()
    {
        // Counted in bytes of UTF-8: 'é' is two bytes, so this text has fewer characters than the limit.
        string yaml = "name: t\nversion: 1.0.0\nfolders: [data]\n#" + new string('é', TemplateLimits.MaxFileBytes / 2);

        var (error, _, _) = Measure(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        AssertLimit(error, "TemplateTooLarge", "t.yaml");
    }

    [Fact]
    public void FileOfExactlyTheSizeLimit_Loads()
    {
        string head = "name: t\nversion: 1.0.0\nfolders: [data]\n#";
        string path = _temp.WriteFile("full.yaml", head + new string('x', TemplateLimits.MaxFileBytes - head.Length));
        Assert.Equal(TemplateLimits.MaxFileBytes, new FileInfo(path).Length);

        Assert.Equal(1, TemplateCatalog.LoadFile(path).FolderCount);
    }

    // ---- TemplateFolderLimit ---------------------------------------------------------------------------------

    private static string FlatFolders(int count, string list = "folders")
    {
        var sb = new StringBuilder($"{list}:\n");
        for (int i = 0; i < count; i++) sb.Append("  - f").Append(i).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void OneFolderOverTheLimit_IsTemplateFolderLimitAtThatFolder()
    {
        string yaml = "name: t\nversion: 1.0.0\n" + FlatFolders(TemplateLimits.MaxFolders + 1);

        var (error, _, _) = Measure(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        var limit = AssertLimit(error, "TemplateFolderLimit", "t.yaml");
        Assert.Equal((TemplateLimits.MaxFolders + 4, 5), (limit.Line, limit.Column));
        Assert.Contains("50,000", limit.Message);
    }

    [Fact]
    public void FoldersAndBucketFoldersCountTogether()
    {
        string yaml = "name: t\nversion: 1.0.0\n" + FlatFolders(TemplateLimits.MaxFolders / 2) + FlatFolders(TemplateLimits.MaxFolders / 2, "bucketFolders");
        Assert.Equal(TemplateLimits.MaxFolders / 2, TemplateCatalog.Parse(yaml, "t.yaml").FolderCount);

        yaml += "  - one-more\n";
        var (error, _, _) = Measure(() => TemplateCatalog.Parse(yaml, "t.yaml"));
        AssertLimit(error, "TemplateFolderLimit", "t.yaml");
    }

    [Fact]
    public void ResolvedTreeOverTheLimit_IsTemplateFolderLimitInTheExtendingFile()
    {
        // Each file is within the limit; the tree made of both is not.
        int half = TemplateLimits.MaxFolders / 2 + 1;
        _temp.WriteFile("base.yaml", "name: base\nversion: 1.0.0\n" + FlatFolders(half));
        var add = new StringBuilder("name: child\nversion: 1.0.0\nextends: base\nadd:\n  - folders:\n");
        for (int i = 0; i < half; i++) add.Append("      - g").Append(i).Append('\n');
        string child = _temp.WriteFile("child.yaml", add.ToString());

        var (error, _, _) = Measure(() => TemplateCatalog.LoadFile(child));

        var limit = AssertLimit(error, "TemplateFolderLimit", child);
        Assert.Contains("resolved", limit.Message);
    }

    // ---- TemplateDepthLimit ----------------------------------------------------------------------------------

    private static string Nested(int depth)
    {
        var sb = new StringBuilder("name: t\nversion: 1.0.0\nfolders:\n");
        for (int level = 1; level <= depth; level++)
        {
            string indent = new string(' ', 4 * (level - 1));
            sb.Append(indent).Append("  - name: d").Append(level).Append('\n');
            if (level < depth) sb.Append(indent).Append("    folders:\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void FoldersNestedToTheLimit_Load()
    {
        var template = TemplateCatalog.Parse(Nested(TemplateLimits.MaxDepth), "t.yaml");
        Assert.Equal(TemplateLimits.MaxDepth, template.FolderCount);
    }

    [Fact]
    public void FolderOneLevelTooDeep_IsTemplateDepthLimitAtThatFolder()
    {
        var (error, _, _) = Measure(() => TemplateCatalog.Parse(Nested(TemplateLimits.MaxDepth + 1), "t.yaml"));

        var limit = AssertLimit(error, "TemplateDepthLimit", "t.yaml");
        // Folder 33 is on line 3 + 2 * 32 + 1; its mapping starts after 4 * 32 spaces and "  - ".
        Assert.Equal((3 + 2 * TemplateLimits.MaxDepth + 1, 4 * TemplateLimits.MaxDepth + 5), (limit.Line, limit.Column));
        Assert.Contains("32", limit.Message);
    }

    [Fact]
    public void DeepYamlNesting_IsTemplateDepthLimitWhileReading()
    {
        // Before the fix 100,000 nested lists overflowed the stack of YamlDotNet's node loader and killed the process.
        const int depth = 100_000;
        string yaml = "name: t\nversion: 1.0.0\nfolders: " + new string('[', depth) + new string(']', depth) + "\n";

        var (error, _, _) = Measure(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        var limit = AssertLimit(error, "TemplateDepthLimit", "t.yaml");
        Assert.Equal(3, limit.Line);
        Assert.True(limit.Column < 100, $"column {limit.Column}");
    }

    [Fact]
    public void AddUnderADeepFolder_ChecksTheDepthOfTheResolvedTree()
    {
        _temp.WriteFile("base.yaml", Nested(TemplateLimits.MaxDepth - 1).Replace("name: t", "name: base"));
        string deepest = string.Join("/", Enumerable.Range(1, TemplateLimits.MaxDepth - 1).Select(i => "d" + i));
        string ok = _temp.WriteFile("ok.yaml", $"name: ok\nversion: 1.0.0\nextends: base\nadd:\n  - under: {deepest}\n    folders: [last]\n");
        string bad = _temp.WriteFile("bad.yaml", $"name: bad\nversion: 1.0.0\nextends: base\nadd:\n  - under: {deepest}\n    folders:\n      - name: last\n        folders: [too-deep]\n");

        Assert.Equal(TemplateLimits.MaxDepth, TemplateCatalog.LoadFile(ok).FolderCount);
        var (error, _, _) = Measure(() => TemplateCatalog.LoadFile(bad));
        var limit = AssertLimit(error, "TemplateDepthLimit", bad);
        Assert.Equal((8, 19), (limit.Line, limit.Column));
    }

    // ---- linear loading --------------------------------------------------------------------------------------

    /// <summary>
    /// A legal template of about <paramref name="bytes"/> bytes whose folders all share one parent, with long names
    /// that differ only at the end: the worst case for a duplicate-name check that compares every pair.
    /// </summary>
    internal static string WideTemplate(int bytes)
    {
        var sb = new StringBuilder("name: wide\nversion: 1.0.0\nfolders:\n  - name: all\n    folders:\n");
        string prefix = new string('a', 80) + "-";
        for (int i = 0; sb.Length < bytes - 200; i++)
            sb.Append("      - ").Append(prefix).Append(i.ToString("D8")).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void LoadingTime_GrowsLinearlyWithTheSize()
    {
        string oneMb = WideTemplate(1024 * 1024);
        string fourMb = WideTemplate(TemplateLimits.MaxFileBytes);
        TemplateCatalog.Parse(WideTemplate(64 * 1024), "warm-up.yaml");

        // Five runs of each size, taken in turns, and the best of each: the other test assembly runs beside this one
        // (dotnet test of the solution), so a pause of the machine or a collection of a big heap must hit both sizes
        // alike and cannot decide the test on its own.
        var best = new[] { TimeSpan.MaxValue, TimeSpan.MaxValue };
        // Five lines of header and an empty string after the last line break; plus the folder 'all'.
        int folders1 = oneMb.Split('\n').Length - 6, folders4 = fourMb.Split('\n').Length - 6;
        Assert.InRange(folders4, 40_000, TemplateLimits.MaxFolders);
        for (int run = 0; run < 5; run++)
        {
            foreach (var (index, yaml, expectedFolders) in new[] { (0, oneMb, folders1 + 1), (1, fourMb, folders4 + 1) })
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var watch = Stopwatch.StartNew();
                var template = TemplateCatalog.Parse(yaml, "wide.yaml");
                watch.Stop();
                Assert.Equal(expectedFolders, template.FolderCount);
                if (watch.Elapsed < best[index]) best[index] = watch.Elapsed;
            }
            if (best[1] > TimeSpan.FromSeconds(10)) break; // clearly too slow; one run says it
        }
        var t1 = best[0];
        var t4 = best[1];

        Console.WriteLine($"template loading: 1 MB {t1.TotalMilliseconds:F0} ms, 4 MB {t4.TotalMilliseconds:F0} ms");
        // 4 times the size: about 4 times the time. Before the fix it was about 15 times (quadratic).
        Assert.True(t4.TotalMilliseconds < 8 * Math.Max(t1.TotalMilliseconds, 20), $"1 MB: {t1.TotalMilliseconds:F0} ms, 4 MB: {t4.TotalMilliseconds:F0} ms");
        Assert.True(t4 < TimeSpan.FromSeconds(5), $"4 MB: {t4.TotalMilliseconds:F0} ms");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="load"/> on a thread of its own with a deadline, so that a template that still expands
    /// without bound fails this test instead of hanging the run; measures the time and the bytes it allocated.
    /// </summary>
    private static (Exception? Error, TimeSpan Elapsed, long Allocated) Measure(Action load)
    {
        Exception? error = null;
        long allocated = 0;
        var watch = Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { load(); }
            catch (Exception e) { error = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }, 16 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "loading the template did not end within 20 s");
        return (error, watch.Elapsed, allocated);
    }

    private static TemplateException AssertLimit(Exception? error, string errorId, string file)
    {
        Assert.NotNull(error);
        var template = Assert.IsType<TemplateException>(error);
        Assert.Equal(errorId, template.ErrorId);
        Assert.Equal(file, template.File);
        Assert.True(template.Line >= 1 && template.Column >= 1, $"{template.Line}:{template.Column}");
        Assert.Equal($"{file}:{template.Line}:{template.Column}", template.Target);
        Assert.StartsWith(template.Target + ": ", template.Message);
        Assert.Equal(ErrorKind.LimitsExceeded, template.Kind);
        return template;
    }
}
