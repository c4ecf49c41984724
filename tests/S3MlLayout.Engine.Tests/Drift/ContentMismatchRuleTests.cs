using System.IO.Compression;
using System.Text;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>-VerifyContent on the in-memory target: liars are reported, truthful files are not, and only what can be judged is read.</summary>
public sealed class ContentMismatchRuleTests
{
    private const string Day = "data/raw/2024/01/05/";

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    private static byte[] Xlsx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            using (var entry = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open())) entry.Write("<workbook/>");
        return buffer.ToArray();
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
    private static byte[] Parquet(bool withTail) => Bytes("PAR1" + new string('x', 100) + (withTail ? "PAR1" : "yyyy"));

    /// <summary>Relative key, content, whether it lies about its format.</summary>
    private static readonly (string Key, byte[] Content, bool Liar)[] Checked =
    {
        (Day + "sales.csv.gz", Gzip("a,b\n1,2\n"), false),
        (Day + "fake.csv.gz", Bytes("a,b\n1,2\n"), true),
        ("data/processed/train.parquet", Parquet(withTail: true), false),
        ("data/processed/csv.parquet", Bytes("id,amount\n1,2.5\n"), true),
        ("data/processed/cut.parquet", Parquet(withTail: false), true),
        (Day + "orders.json", Bytes("  {\"id\": 1}"), false),
        (Day + "zipped.json", Gzip("{\"id\": 1}"), true),
        (Day + "book.xlsx", Xlsx(), false),
        (Day + "export.xlsx", Bytes("a,b\n1,2\n"), true),
        (Day + "plain.csv", Bytes("a,b\n1,2\n"), false),
        (Day + "binary.csv", Parquet(withTail: true), true),
        (Day + "a b ü %41+x.json", Bytes("not json at all"), true),
    };

    private static async Task<InMemoryS3Target> Planted()
    {
        var target = new InMemoryS3Target();
        await ContractLayout.ProvisionAsync(target);
        foreach (var (key, content, _) in Checked) target.Put(ContractLayout.Root + key, content);
        target.Put(ContractLayout.Root + "data/processed/empty.parquet", Array.Empty<byte>()); // judged by its size: no read
        target.Put(ContractLayout.Root + "data/processed/wrong.csv", Gzip("x"));               // FormatViolation already: no read
        target.Put(ContractLayout.Root + "models/model.pkl", Bytes("anything"));               // no reliable signature: no read
        target.Put(ContractLayout.Root + "data/stray.parquet", Bytes("a,b"));                  // UnplacedObject: no read
        return target;
    }

    [Fact]
    public async Task Exactly_the_liars_are_reported_and_only_judged_objects_are_read()
    {
        using var target = await Planted();
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects, verifyContent: true);

        var mismatches = findings.Where(f => f.Kind == DriftCategory.ContentMismatch).Select(f => f.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var liars = Checked.Where(c => c.Liar).Select(c => ContractLayout.Root + c.Key).Append(ContractLayout.Root + "data/processed/empty.parquet")
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(liars, mismatches);
        Assert.Equal(new[] { DriftCategory.FormatViolation, DriftCategory.UnplacedObject, DriftCategory.ContentMismatch },
            findings.Select(f => f.Kind).Distinct().OrderBy(k => k));

        // One head read per judged object, a tail read per Parquet file (3): 12 + 3 = 15; nothing else was read.
        var reads = target.RangeReads.ToList();
        Assert.Equal(15, reads.Count);
        Assert.Equal(Checked.Select(c => ContractLayout.Root + c.Key).OrderBy(k => k, StringComparer.Ordinal), reads.Where(r => !r.FromEnd).Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(3, reads.Count(r => r.FromEnd && r.Key.EndsWith(".parquet")));
    }

    [Fact]
    public async Task A_finding_says_what_the_name_claims_what_the_bytes_are_and_what_to_do()
    {
        using var target = await Planted();
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects, verifyContent: true);
        var csv = findings.Single(f => f.Key == ContractLayout.Root + "data/processed/csv.parquet");
        Assert.Equal("Parquet (PAR1 at both ends)", csv.Expected);
        Assert.Equal("starts with text", csv.Actual);
        Assert.Equal(ContractLayout.Root + "data/processed/", csv.Folder);
        Assert.False(csv.Repairable);
        Assert.Contains("not what its name claims", csv.SuggestedFix);
        Assert.Contains("re-export", csv.SuggestedFix);
        Assert.Contains("rename", csv.SuggestedFix);
        Assert.StartsWith("does not end with PAR1", findings.Single(f => f.Key == ContractLayout.Root + "data/processed/cut.parquet").Actual);
        Assert.Equal("gzip (1F 8B)", findings.Single(f => f.Key == ContractLayout.Root + Day + "zipped.json").Actual!.Replace("starts with ", ""));
    }

    [Fact]
    public async Task Without_VerifyContent_nothing_is_read_and_nothing_is_reported()
    {
        using var target = await Planted();
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects);
        Assert.DoesNotContain(findings, f => f.Kind == DriftCategory.ContentMismatch);
        Assert.Empty(target.RangeReads);
    }

    [Fact]
    public async Task Reads_go_through_the_drift_concurrency_gate()
    {
        using var target = await Planted();
        target.RangeReadDelay = TimeSpan.FromMilliseconds(30);
        await ContractLayout.DriftAsync(target, DriftScope.Objects, verifyContent: true, concurrency: 2);
        Assert.Equal(15, target.RangeReads.Count);
        Assert.InRange(target.MaxRangeReadsInFlight, 1, 2);
    }

    [Fact]
    public async Task The_summary_and_the_reports_count_the_category()
    {
        using var target = await Planted();
        var (findings, requests) = await ContractLayout.DriftAsync(target, DriftScope.Objects, verifyContent: true);
        var row = DriftSummary.Rows(target.Bucket.Name, new[] { "churn" }, false, findings, requests).Single();
        Assert.Equal(8, row.ContentMismatch); // the 7 liars and the empty Parquet file
        Assert.Equal(findings.Count, row.Total);
        Assert.Contains("8 ContentMismatch", DriftReport.ToJUnit(new[] { row }));
        Assert.Contains("8 ContentMismatch", DriftReport.ToMarkdown(new[] { row }));
    }
}
