using System.IO.Compression;
using System.Text;
using S3MlLayout.Engine.Drift;

namespace S3MlLayout.Engine.Tests.Drift;

public sealed class ContentSignaturesTests
{
    private static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }

    private static byte[] Xlsx()
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            using (var writer = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open())) writer.Write("<Types/>");
        return output.ToArray();
    }

    private static readonly byte[] ParquetFile = Encoding.ASCII.GetBytes("PAR1").Concat(new byte[100]).Concat(Encoding.ASCII.GetBytes("PAR1")).ToArray();

    private static string? Check(string name, byte[] content)
    {
        var head = content.Take(ContentSignatures.HeadLength).ToArray();
        var tail = ContentSignatures.NeedsTail(name) ? content.Skip(Math.Max(0, content.Length - ContentSignatures.TailLength)).ToArray() : null;
        return ContentSignatures.Check(name, head, tail, content.Length);
    }

    public static IEnumerable<object[]> Truthful() => new[]
    {
        new object[] { "part-0001.parquet", ParquetFile },
        new object[] { "sales.csv.gz", Gzip("a,b\n1,2\n") },
        new object[] { "report.xlsx", Xlsx() },
        new object[] { "customers.csv", Encoding.UTF8.GetBytes("id,name\n1,Zoë\n") },
        new object[] { "transactions.json", Encoding.UTF8.GetBytes("\uFEFF  [{\"a\":1}]") },
        new object[] { "events.jsonl", Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":2}\n") },
        new object[] { "eda.ipynb", Encoding.UTF8.GetBytes("{\n \"cells\": []}") },
        new object[] { "model.pkl", new byte[] { 0x80, 0x04, 0x95 } },      // not judged: no reliable signature
        new object[] { "empty.csv", Array.Empty<byte>() },
    };

    [Theory]
    [MemberData(nameof(Truthful))]
    public void Bytes_that_fit_their_extension_pass(string name, byte[] content) => Assert.Null(Check(name, content));

    public static IEnumerable<object[]> Lying() => new[]
    {
        new object[] { "part-0001.parquet", Encoding.UTF8.GetBytes("id,name\n1,a\n"), "starts with text" },
        new object[] { "cut.parquet", ParquetFile.Take(60).ToArray(), "does not end with PAR1 (cut short, or not this format)" },
        new object[] { "empty.parquet", Array.Empty<byte>(), "an empty object" },
        new object[] { "sales.csv.gz", Encoding.UTF8.GetBytes("a,b\n"), "starts with text" },
        new object[] { "report.xlsx", Encoding.UTF8.GetBytes("a,b\n"), "starts with text" },
        new object[] { "transactions.json", Gzip("{}"), "starts with gzip (1F 8B)" },
        new object[] { "customers.csv", ParquetFile, "is Parquet (PAR1 at both ends)" },
        new object[] { "customers.csv", Gzip("a,b"), "is gzip (1F 8B)" },
        new object[] { "notes.txt", new byte[] { 0x41, 0x00, 0x42 }, "holds NUL bytes (binary, not text)" },
        new object[] { "data.json", Encoding.UTF8.GetBytes("id,name\n"), "starts with text" },
    };

    [Theory]
    [MemberData(nameof(Lying))]
    public void Bytes_that_contradict_their_extension_are_named(string name, byte[] content, string expected) => Assert.Equal(expected, Check(name, content));

    [Fact]
    public void Only_parquet_needs_its_last_bytes_and_unjudged_formats_say_so()
    {
        Assert.True(ContentSignatures.NeedsTail("a.parquet"));
        Assert.False(ContentSignatures.NeedsTail("a.csv.gz"));
        Assert.True(ContentSignatures.CanCheck("a.csv.gz"));
        Assert.False(ContentSignatures.CanCheck("model.joblib"));
        Assert.False(ContentSignatures.CanCheck("README"));
        Assert.Equal("gzip (1F 8B)", ContentSignatures.Describe("x.json.gz"));
    }
}
