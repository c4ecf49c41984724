using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>
/// The folders an inventory report shows (Get-MlLayoutDrift -Scope Objects -Inventory answers the folder walk from
/// them): for every prefix the walk lists, the same marker, emptiness and child prefixes as a delimited listing of
/// the same keys; for every prefix it does not list, the objects and bytes under it; whatever order the rows come in
/// and however they are split among data files.
/// </summary>
public sealed class ReportFoldersTests
{
    private static FolderNode Folder(string key, PartitionGranularity partition = PartitionGranularity.None) =>
        new() { Key = key, Kind = FolderKind.Folder, Partition = partition };

    private static readonly FolderNode[] Declared =
    {
        Folder("solutions/churn/"), Folder("solutions/churn/data/"), Folder("solutions/churn/data/raw/", PartitionGranularity.Daily),
        Folder("solutions/churn/models/"), Folder("solutions/churn/reports/", PartitionGranularity.Monthly),
    };

    private static readonly (string Key, long Size)[] Keys =
    {
        ("solutions/", 0), ("solutions/churn/", 0), ("solutions/churn/data/", 0),               // markers (raw/ and models/ have none)
        ("solutions/churn/data/raw/2024/01/05/a.csv", 10), ("solutions/churn/data/raw/2024/01/05/b.csv", 11),
        ("solutions/churn/data/raw/2024/01/06/sub/c.csv", 12), ("solutions/churn/data/raw/2024/13/01/d.csv", 13),
        ("solutions/churn/data/raw/loose.csv", 14), ("solutions/churn/data/raw/2024/02/", 0),     // a marker at a date level
        ("solutions/churn/data/stray.csv", 15), ("solutions/churn/data/Extra_Dir/x.bin", 16), ("solutions/churn/data/Extra_Dir/deep/", 0),
        ("solutions/churn/data/Extra_Dir/deep/y.bin", 17), ("solutions/churn/reports/2024/03/r.pdf", 18), ("solutions/churn/reports/2024/3/r.pdf", 19),
        ("solutions/other/z.txt", 20), ("top-level.txt", 21), ("scratch/a/b/c.txt", 22), ("inventory/src/daily/x/manifest.json", 23),
    };

    /// <summary>A delimited listing of the keys, as S3 gives it: the prefix's own marker and direct objects, its child prefixes.</summary>
    private static (bool Marker, bool Empty, List<string> Children) Listing(IEnumerable<(string Key, long Size)> keys, string prefix)
    {
        var under = keys.Where(k => k.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var children = under.Select(k => k.Key.IndexOf('/', prefix.Length)).Zip(under, (slash, k) => slash >= 0 && !(slash == k.Key.Length - 1 && k.Key.Length == prefix.Length) ? k.Key.Substring(0, slash + 1) : null)
            .Where(c => c != null && c != prefix).Select(c => c!).Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();
        bool direct = under.Any(k => k.Key.IndexOf('/', prefix.Length) < 0 || k.Key == prefix);
        return (under.Any(k => k.Key == prefix), !direct && children.Count == 0, children);
    }

    private static ReportFolders Build(IEnumerable<(string Key, long Size)> keys, int parts, int seed, string? reports = null)
    {
        var folders = new ReportFolders(Declared, reports);
        var shuffled = keys.OrderBy(_ => new Random(seed).Next()).ToList();
        var random = new Random(seed);
        shuffled = shuffled.OrderBy(_ => random.Next()).ToList();
        var recorders = Enumerable.Range(0, parts).Select(_ => folders.NewPart()).ToList();
        // Files read at once: each part on its own thread, as InventorySource reads them.
        Parallel.For(0, parts, p =>
        {
            for (int i = p; i < shuffled.Count; i += parts) recorders[p].Add(shuffled[i].Key, shuffled[i].Size);
        });
        foreach (var part in recorders) folders.Merge(part);
        return folders;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 3)]
    public void Every_listed_prefix_reads_as_a_delimited_listing_of_the_same_keys_would(int parts, int seed)
    {
        var folders = Build(Keys, parts, seed, reports: "inventory/src/");
        string[] listed =
        {
            "", "solutions/", "solutions/churn/", "solutions/churn/data/", "solutions/churn/data/raw/", "solutions/churn/data/raw/2024/",
            "solutions/churn/data/raw/2024/01/", "solutions/churn/models/", "solutions/churn/reports/", "solutions/churn/reports/2024/", "inventory/",
            "inventory/src/",
        };
        foreach (var prefix in listed)
        {
            var expected = Listing(Keys, prefix);
            var actual = folders.List(prefix);
            Assert.Equal(prefix, actual.Prefix);
            Assert.True(expected.Children.SequenceEqual(actual.CommonPrefixes), $"{prefix}: [{string.Join(", ", actual.CommonPrefixes)}], expected [{string.Join(", ", expected.Children)}]");
            Assert.Equal(expected.Marker, actual.Objects.Any(o => o.Key == prefix));
            Assert.Equal(expected.Empty, actual.Objects.Count + actual.CommonPrefixes.Count == 0);
            Assert.All(actual.Objects, o => Assert.Contains(Keys, k => k.Key == o.Key && k.Size == o.Size));
        }
    }

    [Fact]
    public void A_prefix_the_walk_does_not_list_is_measured_and_nothing_below_it_is_kept()
    {
        var folders = Build(Keys, 2, 5);
        // What -Detailed says of an undeclared prefix: its objects (its own marker left out, deeper markers in) and bytes.
        Assert.Equal((3L, 33L), folders.Measure("solutions/churn/data/Extra_Dir/"));
        Assert.Equal((1L, 20L), folders.Measure("solutions/other/"));
        Assert.Equal((1L, 22L), folders.Measure("scratch/"));
        // Below an unlisted prefix nothing is kept: the report's rows do not grow the folders.
        Assert.Empty(folders.List("solutions/churn/data/Extra_Dir/").CommonPrefixes);
        Assert.Empty(folders.List("scratch/a/").CommonPrefixes);
        // A daily partition is listed down to the months' days, never into a day.
        Assert.Equal(new[] { "solutions/churn/data/raw/2024/01/05/", "solutions/churn/data/raw/2024/01/06/" }, folders.List("solutions/churn/data/raw/2024/01/").CommonPrefixes);
        Assert.Empty(folders.List("solutions/churn/data/raw/2024/01/06/").CommonPrefixes);
        // A monthly one down to the years' months.
        Assert.Equal(new[] { "solutions/churn/reports/2024/03/", "solutions/churn/reports/2024/3/" }, folders.List("solutions/churn/reports/2024/").CommonPrefixes);
        Assert.Empty(folders.List("solutions/churn/reports/2024/03/").CommonPrefixes);
    }

    [Fact]
    public void Leaves_in_Hive_style_and_names_that_are_no_date_are_listed_as_written()
    {
        var hive = new[] { Folder("solutions/churn/"), new FolderNode { Key = "solutions/churn/events/", Kind = FolderKind.Folder, Partition = PartitionGranularity.Daily, PartitionStyle = PartitionStyle.Hive } };
        var folders = new ReportFolders(hive);
        var part = folders.NewPart();
        foreach (var key in new[] { "solutions/churn/events/year=2024/month=01/day=05/a.json", "solutions/churn/events/year=2024/month=01/day=5/b.json",
                                    "solutions/churn/events/year=2024/month=01/05/c.json", "solutions/churn/events/year=2024/month=01/day=32/d.json",
                                    "solutions/churn/events/year=2024/month=01/day=31/" })
            part.Add(key, 1);
        folders.Merge(part);
        Assert.Equal(new[] { "solutions/churn/events/year=2024/month=01/05/", "solutions/churn/events/year=2024/month=01/day=05/",
                             "solutions/churn/events/year=2024/month=01/day=31/", "solutions/churn/events/year=2024/month=01/day=32/",
                             "solutions/churn/events/year=2024/month=01/day=5/" },
            folders.List("solutions/churn/events/year=2024/month=01/").CommonPrefixes);
    }

    [Fact]
    public void Many_rows_in_few_folders_keep_the_folders_not_the_rows()
    {
        var keys = Enumerable.Range(0, 200_000).Select(i => ($"solutions/churn/data/raw/2024/{1 + i % 12:00}/{1 + i / 12 % 28:00}/part-{i}.csv", 1L));
        var folders = Build(keys, 4, 9);
        Assert.Equal(12, folders.List("solutions/churn/data/raw/2024/").CommonPrefixes.Count);
        Assert.Equal(28, folders.List("solutions/churn/data/raw/2024/01/").CommonPrefixes.Count);
        // The days are bits of their months: the root, solutions/, churn/, data/, raw/, 2024/ and 12 months, whatever the rows.
        Assert.Equal(18, folders.NodeCount);
    }
}
