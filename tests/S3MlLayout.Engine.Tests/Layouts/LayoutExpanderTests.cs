using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Tests.Layouts;

public class LayoutExpanderTests
{
    private static LayoutTemplate Master => TemplateCatalog.GetBuiltIn("master-solution");

    private static IReadOnlyList<FolderNode> Expand(LayoutTemplate template, string? solution = "customer-churn", DateTime[]? dates = null, string[]? include = null, bool partitionsOnly = false) =>
        LayoutExpander.Expand(new LayoutRequest(template)
        {
            Solution = solution,
            Dates = dates ?? Array.Empty<DateTime>(),
            Include = include ?? Array.Empty<string>(),
            PartitionsOnly = partitionsOnly,
        });

    private static FolderNode Node(IEnumerable<FolderNode> nodes, string key) =>
        nodes.SingleOrDefault(n => n.Key == key) ?? throw new Xunit.Sdk.XunitException($"no node with key '{key}'");

    private static LayoutTemplate Parse(string yaml) => TemplateCatalog.Parse(yaml, "t.yaml");

    private const string EventsTemplate = """
        name: events
        version: 1.0.0
        folders:
          - name: daily-events
            partition: daily
            folders:
              - archive
          - name: monthly-rollups
            partition: monthly
          - plain
        """;

    // ---- node properties -------------------------------------------------------------------------------------

    [Fact]
    public void SolutionsRoot_IsDepthOneAtTheBucketRoot()
    {
        var node = Expand(Master)[0];

        Assert.Equal("solutions/", node.Key);
        Assert.Equal("solutions", node.Name);
        Assert.Equal(1, node.Depth);
        Assert.Equal("", node.ParentKey);
        Assert.Equal(FolderKind.SolutionsRoot, node.Kind);
        Assert.Equal("customer-churn", node.Solution);
        Assert.Equal("master-solution", node.Template);
        Assert.Equal("1.0.0", node.TemplateVersion);
    }

    [Fact]
    public void Solution_IsDepthTwoUnderSolutions()
    {
        var node = Expand(Master)[1];

        Assert.Equal("solutions/customer-churn/", node.Key);
        Assert.Equal("customer-churn", node.Name);
        Assert.Equal(2, node.Depth);
        Assert.Equal("solutions/", node.ParentKey);
        Assert.Equal(FolderKind.Solution, node.Kind);
        Assert.Equal(Master.Description, node.Description);
    }

    [Fact]
    public void TopFolders_AreDepthThreeUnderTheSolution()
    {
        var nodes = Expand(Master);

        var top = nodes.Where(n => n.ParentKey == "solutions/customer-churn/").ToList();

        Assert.Equal(new[] { "artifacts", "code", "config", "data", "models", "notebooks", "templates" }, top.Select(n => n.Name));
        Assert.All(top, n =>
        {
            Assert.Equal(3, n.Depth);
            Assert.Equal(FolderKind.Folder, n.Kind);
            Assert.Equal($"solutions/customer-churn/{n.Name}/", n.Key);
            Assert.Equal(n.Name, n.TemplatePath);
            Assert.Equal(NamingStyle.SnakeCase, n.Style);
        });
        Assert.Equal("Datasets through the pipeline - raw, curated, processed and inference data.", Node(nodes, "solutions/customer-churn/data/").Description);
    }

    [Fact]
    public void NestedFolder_HasItsDepthParentTemplatePathAndStyle()
    {
        var nodes = Expand(Master);

        var node = Node(nodes, "solutions/customer-churn/models/registry/production/model_v1.0.0/");

        Assert.Equal("model_v1.0.0", node.Name);
        Assert.Equal(6, node.Depth);
        Assert.Equal("solutions/customer-churn/models/registry/production/", node.ParentKey);
        Assert.Equal("models/registry/production/model_v1.0.0", node.TemplatePath);
        Assert.Equal(NamingStyle.SnakeCase, node.Style);
        Assert.Equal(NamingStyle.KebabCase, Node(nodes, "solutions/customer-churn/templates/service-catalog/").Style);
    }

    [Fact]
    public void EveryNode_HasItsParentBeforeIt()
    {
        var nodes = Expand(Master, dates: new[] { new DateTime(2024, 5, 6) }, include: new[] { "/shared", "/client_config" });
        var seen = new HashSet<string> { "" };

        foreach (var node in nodes)
        {
            Assert.True(seen.Contains(node.ParentKey), $"{node.Key} comes before its parent {node.ParentKey}");
            Assert.Equal(node.ParentKey + node.Name + "/", node.Key);
            Assert.Equal(node.Key.Count(c => c == '/'), node.Depth);
            Assert.True(seen.Add(node.Key), $"duplicate key {node.Key}");
        }
    }

    [Fact]
    public void Solution_DefaultsToTheTemplateName()
    {
        var nodes = Expand(Master, solution: null);
        Assert.Equal("solutions/master-solution/", nodes[1].Key);
    }

    // ---- partitions ------------------------------------------------------------------------------------------

    [Fact]
    public void WithoutDates_NoPartitionsAreExpanded()
    {
        var nodes = Expand(Parse(EventsTemplate));

        Assert.DoesNotContain(nodes, n => n.Kind == FolderKind.Partition);
        Assert.Equal(PartitionGranularity.Daily, Node(nodes, "solutions/customer-churn/daily-events/").Partition);
        Assert.Equal(PartitionGranularity.Monthly, Node(nodes, "solutions/customer-churn/monthly-rollups/").Partition);
        Assert.Equal(PartitionGranularity.None, Node(nodes, "solutions/customer-churn/plain/").Partition);
    }

    [Fact]
    public void DailyAndMonthlyPartitions_UseYyyyMmDd()
    {
        var nodes = Expand(Parse(EventsTemplate), dates: new[] { new DateTime(2024, 1, 31) });
        var keys = nodes.Select(n => n.Key).ToList();

        Assert.Contains("solutions/customer-churn/daily-events/2024/01/31/", keys);
        Assert.Contains("solutions/customer-churn/monthly-rollups/2024/01/", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("solutions/customer-churn/monthly-rollups/2024/01/", StringComparison.Ordinal) && k.Length > "solutions/customer-churn/monthly-rollups/2024/01/".Length);
        Assert.DoesNotContain(keys, k => k.StartsWith("solutions/customer-churn/plain/2024", StringComparison.Ordinal));
    }

    [Fact]
    public void PartitionNodes_HaveKindDepthDateAndGranularity()
    {
        var nodes = Expand(Parse(EventsTemplate), dates: new[] { new DateTime(2024, 1, 31, 15, 45, 0) });

        var year = Node(nodes, "solutions/customer-churn/daily-events/2024/");
        var month = Node(nodes, "solutions/customer-churn/daily-events/2024/01/");
        var day = Node(nodes, "solutions/customer-churn/daily-events/2024/01/31/");

        Assert.All(new[] { year, month, day }, n =>
        {
            Assert.Equal(FolderKind.Partition, n.Kind);
            Assert.Equal(PartitionGranularity.Daily, n.Partition);
            Assert.Equal(PartitionStyle.Ymd, n.PartitionStyle);
            Assert.Equal("daily-events", n.TemplatePath);
            Assert.Equal("customer-churn", n.Solution);
        });
        Assert.Equal((4, "2024", "solutions/customer-churn/daily-events/", new DateTime(2024, 1, 1)), (year.Depth, year.Name, year.ParentKey, year.Date));
        Assert.Equal((5, "01", year.Key, new DateTime(2024, 1, 1)), (month.Depth, month.Name, month.ParentKey, month.Date));
        Assert.Equal((6, "31", month.Key, new DateTime(2024, 1, 31)), (day.Depth, day.Name, day.ParentKey, day.Date));
        Assert.Null(Node(nodes, "solutions/customer-churn/daily-events/").Date);
    }

    [Fact]
    public void HivePartitionStyle_NamesTheLevels()
    {
        const string yaml = """
            name: hive-events
            version: 1.0.0
            partitionStyle: hive
            folders:
              - name: events
                partition: daily
              - name: rollups
                partition: monthly
            """;

        var nodes = Expand(Parse(yaml), dates: new[] { new DateTime(2024, 1, 31) });
        var keys = nodes.Select(n => n.Key).ToList();

        Assert.Contains("solutions/customer-churn/events/year=2024/", keys);
        Assert.Contains("solutions/customer-churn/events/year=2024/month=01/", keys);
        Assert.Contains("solutions/customer-churn/events/year=2024/month=01/day=31/", keys);
        Assert.Contains("solutions/customer-churn/rollups/year=2024/month=01/", keys);
        Assert.DoesNotContain(keys, k => k.Contains("/2024/", StringComparison.Ordinal));
        Assert.All(nodes.Where(n => n.Kind == FolderKind.Partition), n => Assert.Equal(PartitionStyle.Hive, n.PartitionStyle));
    }

    [Fact]
    public void FolderPartitionStyle_OverridesTheTemplates()
    {
        const string yaml = """
            name: mixed
            version: 1.0.0
            folders:
              - name: lake
                partition: daily
                partitionStyle: hive
              - name: logs
                partition: daily
            """;

        var keys = Expand(Parse(yaml), dates: new[] { new DateTime(2023, 12, 5) }).Select(n => n.Key).ToList();

        Assert.Contains("solutions/customer-churn/lake/year=2023/month=12/day=05/", keys);
        Assert.Contains("solutions/customer-churn/logs/2023/12/05/", keys);
    }

    [Fact]
    public void SeveralDates_ShareTheirYearAndMonthNodes()
    {
        var dates = new[] { new DateTime(2024, 1, 2), new DateTime(2024, 1, 1), new DateTime(2024, 2, 1), new DateTime(2023, 12, 31), new DateTime(2024, 1, 1, 12, 0, 0) };

        var nodes = Expand(Parse(EventsTemplate), dates: dates);
        var partitions = nodes.Where(n => n.Kind == FolderKind.Partition && n.TemplatePath == "daily-events").Select(n => n.Key.Substring("solutions/customer-churn/daily-events/".Length)).ToList();

        Assert.Equal(nodes.Count, nodes.Select(n => n.Key).Distinct(StringComparer.Ordinal).Count());
        // in date order, each level once
        Assert.Equal(new[]
        {
            "2023/", "2023/12/", "2023/12/31/",
            "2024/", "2024/01/", "2024/01/01/", "2024/01/02/", "2024/02/", "2024/02/01/",
        }, partitions);
        var monthly = nodes.Where(n => n.Kind == FolderKind.Partition && n.TemplatePath == "monthly-rollups").Select(n => n.Name).ToList();
        Assert.Equal(new[] { "2023", "12", "2024", "01", "02" }, monthly);
    }

    [Fact]
    public void Partitions_ComeBeforeTheFoldersOtherChildren()
    {
        var nodes = Expand(Parse(EventsTemplate), dates: new[] { new DateTime(2024, 1, 1) });

        var underEvents = nodes.Where(n => n.ParentKey.StartsWith("solutions/customer-churn/daily-events/", StringComparison.Ordinal)).Select(n => n.Key).ToList();

        Assert.Equal(new[]
        {
            "solutions/customer-churn/daily-events/2024/",
            "solutions/customer-churn/daily-events/2024/01/",
            "solutions/customer-churn/daily-events/2024/01/01/",
            "solutions/customer-churn/daily-events/archive/",
        }, underEvents);
    }

    [Fact]
    public void PartitionsOnly_ReturnsOnlyPartitionNodes()
    {
        var dates = new[] { new DateTime(2024, 1, 1), new DateTime(2024, 1, 2) };
        var all = Expand(Master, dates: dates);

        var only = Expand(Master, dates: dates, partitionsOnly: true);

        Assert.NotEmpty(only);
        Assert.All(only, n => Assert.Equal(FolderKind.Partition, n.Kind));
        Assert.Equal(all.Where(n => n.Kind == FolderKind.Partition).Select(n => n.Key), only.Select(n => n.Key));
        // six daily-partitioned folders, each with year, month and two days
        Assert.Equal(6 * 4, only.Count);
    }

    [Fact]
    public void PartitionsOnly_WithoutDates_IsEmpty()
    {
        Assert.Empty(Expand(Master, partitionsOnly: true));
    }

    // ---- optional folders ------------------------------------------------------------------------------------

    [Fact]
    public void OptionalBucketFolders_AreAbsentByDefault()
    {
        var keys = Expand(Master).Select(n => n.Key).ToList();

        Assert.DoesNotContain(keys, k => k.StartsWith("shared/", StringComparison.Ordinal));
        Assert.DoesNotContain(keys, k => k.StartsWith("client_config/", StringComparison.Ordinal));
        Assert.All(keys, k => Assert.StartsWith("solutions/", k));
    }

    [Theory]
    [InlineData("/shared")]
    [InlineData("/shared/")]
    public void IncludeShared_AddsTheBucketLevelFolderAndItsChildren(string include)
    {
        var nodes = Expand(Master, include: new[] { include });

        var shared = nodes.Where(n => n.Solution == "").ToList();

        Assert.Equal(new[] { "shared/", "shared/infrastructure/", "shared/monitoring/", "shared/utilities/" }, shared.Select(n => n.Key));
        var root = shared[0];
        Assert.Equal((1, "", FolderKind.Folder, true, "/shared"), (root.Depth, root.ParentKey, root.Kind, root.Optional, root.TemplatePath));
        Assert.Equal((2, "shared/", "/shared/infrastructure"), (shared[1].Depth, shared[1].ParentKey, shared[1].TemplatePath));
        Assert.DoesNotContain(nodes, n => n.Key.StartsWith("client_config/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/nothing")]
    [InlineData("shared")] // without the leading '/', a path is under solutions/{solution}/, where master-solution has no 'shared'
    public void IncludeOfSomethingNotOptional_IsIncludeUnknownListingTheOptionalFolders(string include)
    {
        var error = Assert.Throws<MlLayoutException>(() => Expand(Master, include: new[] { include }));

        Assert.Equal("IncludeUnknown", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("/shared, /client_config", error.Message);
    }

    [Fact]
    public void OptionalPaths_ListsBucketAndSolutionOptionalFolders()
    {
        Assert.Equal(new[] { "/shared", "/client_config" }, LayoutExpander.OptionalPaths(Master));
        Assert.Equal(new[] { "data/scratch" }, LayoutExpander.OptionalPaths(Parse(OptionalSolutionFolderTemplate)));
    }

    private const string OptionalSolutionFolderTemplate = """
        name: opt
        version: 1.0.0
        folders:
          - name: data
            folders:
              - raw
              - name: scratch
                optional: true
        """;

    [Fact]
    public void OptionalSolutionFolder_IsAbsentByDefault()
    {
        var keys = Expand(Parse(OptionalSolutionFolderTemplate), solution: null).Select(n => n.Key).ToList();

        Assert.Contains("solutions/opt/data/raw/", keys);
        Assert.DoesNotContain("solutions/opt/data/scratch/", keys);
    }

    [Fact]
    public void OptionalSolutionFolder_IsPresentWhenIncluded()
    {
        // OptionalPaths names it "data/scratch"; that is what a caller passes.
        var keys = Expand(Parse(OptionalSolutionFolderTemplate), solution: null, include: new[] { "data/scratch" }).Select(n => n.Key).ToList();

        Assert.Contains("solutions/opt/data/scratch/", keys);
    }

    [Fact]
    public void OptionalSolutionFolder_IncludedByTheTemplate_IsPresent()
    {
        // The template resolves ('include:' finds the optional folder), so expanding it must work too.
        var template = Parse(OptionalSolutionFolderTemplate + "\ninclude:\n  - data/scratch\n");
        Assert.Equal(new[] { "data/scratch" }, template.Includes);

        var keys = Expand(template, solution: null).Select(n => n.Key).ToList();

        Assert.Contains("solutions/opt/data/scratch/", keys);
    }

    // ---- names and limits ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Customer_Churn", "customer-churn")]
    [InlineData("customer_churn", "customer-churn")]
    [InlineData("CustomerChurn", "customer-churn")]
    [InlineData("customer churn", "customer-churn")]
    public void SolutionNotKebabCase_IsSolutionNameInvalidWithTheCorrection(string solution, string corrected)
    {
        var error = Assert.Throws<MlLayoutException>(() => Expand(Master, solution: solution));

        Assert.Equal("SolutionNameInvalid", error.ErrorId);
        Assert.Equal(solution, error.Target);
        Assert.Contains($"use '{corrected}'", error.Message);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public void SolutionThatIsNotOneSegment_IsSolutionNameInvalid(string solution)
    {
        Assert.Equal("SolutionNameInvalid", Assert.Throws<MlLayoutException>(() => LayoutExpander.CheckSolutionName(solution)).ErrorId);
    }

    [Fact]
    public void KeyLongerThan1024Bytes_IsKeyTooLong()
    {
        string Long(char c) => new(c, 200);
        string yaml = $"name: deep\nversion: 1.0.0\nfolders:\n  - name: {Long('a')}\n    folders:\n      - name: {Long('b')}\n        folders:\n          - name: {Long('c')}\n            folders:\n              - {Long('d')}\n";
        var template = Parse(yaml);
        Assert.NotEmpty(Expand(template, solution: "x")); // 10 + 2 + 4 * 201 = 816 bytes: fits

        string solution = new('s', 255); // the longest folder name S3 key rules allow
        var error = Assert.Throws<MlLayoutException>(() => Expand(template, solution: solution));

        Assert.Equal("KeyTooLong", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.EndsWith($"{Long('d')}/", error.Target);
        Assert.Contains("over S3's 1024-byte limit", error.Message);
        Assert.Contains("shorter solution name", error.Message);
    }

    [Fact]
    public void DatePartitionKeyOverTheLimit_IsKeyTooLong()
    {
        string yaml = $"name: deep\nversion: 1.0.0\nfolders:\n  - name: {new string('a', 250)}\n    folders:\n      - name: {new string('b', 250)}\n        folders:\n          - name: {new string('c', 250)}\n            partition: daily\n";
        var template = Parse(yaml);
        string solution = new('s', 250); // folder key: 10 + 251 + 3 * 251 = 1014 bytes; with 2024/01/01/ 1025
        Assert.NotEmpty(Expand(template, solution: solution));

        var error = Assert.Throws<MlLayoutException>(() => Expand(template, solution: solution, dates: new[] { new DateTime(2024, 1, 1) }));

        Assert.Equal("KeyTooLong", error.ErrorId);
        Assert.EndsWith("/2024/01/01/", error.Target);
    }

    // ---- date ranges -----------------------------------------------------------------------------------------

    [Fact]
    public void Range_ListsEveryDayBothEndsIncluded()
    {
        var days = DatePartitions.Range(new DateTime(2024, 2, 27, 18, 0, 0), new DateTime(2024, 3, 1, 6, 0, 0));

        Assert.Equal(new[] { new DateTime(2024, 2, 27), new DateTime(2024, 2, 28), new DateTime(2024, 2, 29), new DateTime(2024, 3, 1) }, days);
    }

    [Fact]
    public void Range_OfOneDay_IsThatDay()
    {
        Assert.Equal(new[] { new DateTime(2024, 1, 1) }, DatePartitions.Range(new DateTime(2024, 1, 1), new DateTime(2024, 1, 1)));
    }

    [Fact]
    public void Range_EndingBeforeItStarts_IsDateRangeInvalid()
    {
        var error = Assert.Throws<MlLayoutException>(() => DatePartitions.Range(new DateTime(2024, 1, 2), new DateTime(2024, 1, 1)));

        Assert.Equal("DateRangeInvalid", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("2024-01-02..2024-01-01", error.Target);
    }

    [Fact]
    public void Range_OverMaxDays_IsDateRangeTooLarge()
    {
        var from = new DateTime(2000, 1, 1);
        Assert.Equal(DatePartitions.MaxDays, DatePartitions.Range(from, from.AddDays(DatePartitions.MaxDays - 1)).Count);

        var error = Assert.Throws<MlLayoutException>(() => DatePartitions.Range(from, from.AddDays(DatePartitions.MaxDays)));

        Assert.Equal("DateRangeTooLarge", error.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, error.Kind);
        Assert.Contains($"spans {DatePartitions.MaxDays + 1} days", error.Message);
    }

    [Fact]
    public void Expand_WithMoreThanMaxDaysOfDates_IsDateRangeTooLarge()
    {
        var dates = Enumerable.Range(0, DatePartitions.MaxDays + 1).Select(i => new DateTime(2000, 1, 1).AddDays(i)).ToArray();

        var error = Assert.Throws<MlLayoutException>(() => Expand(Master, dates: dates));

        Assert.Equal("DateRangeTooLarge", error.ErrorId);
    }

    [Theory]
    [InlineData(PartitionGranularity.Daily, PartitionStyle.Ymd, new[] { "2024", "03", "07" })]
    [InlineData(PartitionGranularity.Monthly, PartitionStyle.Ymd, new[] { "2024", "03" })]
    [InlineData(PartitionGranularity.Daily, PartitionStyle.Hive, new[] { "year=2024", "month=03", "day=07" })]
    [InlineData(PartitionGranularity.Monthly, PartitionStyle.Hive, new[] { "year=2024", "month=03" })]
    public void Levels_NameEachLevel(PartitionGranularity granularity, PartitionStyle style, string[] expected)
    {
        Assert.Equal(expected, DatePartitions.Levels(new DateTime(2024, 3, 7), granularity, style));
    }
}
