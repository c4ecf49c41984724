using S3MlLayout.Engine.Drift;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>
/// The declared-prefix table placing looks keys up in (several lookups per object of a report): every prefix found
/// by the leading part of a key, a string's or a reused buffer's, whatever the table grew through.
/// </summary>
public sealed class PrefixMapTests
{
    [Fact]
    public void Finds_every_prefix_after_growing_and_nothing_that_was_not_added()
    {
        var map = new PrefixMap<string>();
        var prefixes = Enumerable.Range(0, 1000).Select(i => $"solutions/s{i % 37}/data/f{i}/").ToList();
        foreach (var prefix in prefixes) map.Add(prefix, "value " + prefix);
        Assert.Equal(1000, map.Count);

        // A key held in a longer buffer, as a reused record holds it: only its leading part is read.
        var buffer = new char[200];
        foreach (var prefix in prefixes)
        {
            string key = prefix + "2024/01/05/part-0.parquet";
            key.CopyTo(0, buffer, 0, key.Length);
            var span = new ReadOnlySpan<char>(buffer, 0, key.Length);
            int hash = PrefixMap.Extend(PrefixMap.Seed, span, 0, prefix.Length);
            Assert.Equal("value " + prefix, map.Find(span, prefix.Length, hash));
            Assert.Equal("value " + prefix, map.FindFirst(span));
            Assert.Equal(hash, PrefixMap.Extend(PrefixMap.Seed, prefix, 0, prefix.Length));
        }
        Assert.Null(map.FindFirst("solutions/s1/data/"));
        Assert.Null(map.FindFirst("solutions/s1/data/f1000/x.csv"));
        Assert.Null(map.FindFirst("no-slash"));
        Assert.Null(map.FindFirst(""));
    }

    [Fact]
    public void Finds_the_shortest_prefix_and_the_first_added_of_a_prefix_added_twice()
    {
        var map = new PrefixMap<string>();
        map.Add("a/b/", "deeper");
        map.Add("a/", "first");
        map.Add("a/", "second");
        for (int i = 0; i < 100; i++) map.Add($"z{i}/", "filler"); // grows the table past the duplicates
        Assert.Equal("first", map.FindFirst("a/b/c.csv"));
        Assert.Equal("first", map.Find("a/", 2, PrefixMap.Extend(PrefixMap.Seed, "a/", 0, 2)));
        Assert.Equal("deeper", map.Find("a/b/c.csv", 4, PrefixMap.Extend(PrefixMap.Seed, "a/b/", 0, 4)));
    }
}
