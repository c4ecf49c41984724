using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;

namespace S3MlLayout.Engine.Tests.Inventory;

/// <summary>
/// The CSV reader splits rows where they lie in its buffer: rows written here with every awkward field (quoted or
/// not, commas, doubled quotes and newlines inside quotes, CRLF, a last row without its newline, empty lines) come
/// back exactly, wherever the 64 KiB buffer cuts them and however few bytes each read returns.
/// </summary>
public sealed class InventoryCsvSplitTests
{
    private const string Schema = "Bucket, Key, Size, StorageClass, ETag";

    private static string Quote(string field, Random random)
    {
        bool needs = field.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0;
        return needs || random.Next(2) == 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    private static (byte[] Gzip, List<(string Key, long Size, string Class)> Rows) Report(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<(string, long, string)>();
        var text = new StringBuilder();
        string[] classes = { "STANDARD", "GLACIER", "STANDARD_IA" };
        for (int i = 0; i < count; i++)
        {
            string key = $"solutions/s{i % 7}/data/raw/2024/01/{1 + i % 28:00}/part-{i}.csv";
            string encoded = Uri.EscapeDataString(key).Replace("%2F", "/");
            if (i % 5 == 0) encoded = encoded.Replace("part-", "p%20a%2Br+t-"); // a space as %20 and +, a literal + as %2B
            string decoded = Uri.UnescapeDataString(encoded.Replace("+", "%20"));
            // ETags with what a quoted field may hold: commas, doubled quotes, newlines; long ones cross the buffer.
            string etag = (i % 11) switch
            {
                0 => "a,b",
                1 => "say \"hi\"",
                2 => "line1\nline2",
                3 => "crlf\r\ninside",
                4 => new string('x', 70_000 + i % 100),
                _ => $"{i:x32}",
            };
            string cls = classes[i % 3];
            long size = i * 7L;
            text.Append(string.Join(",", Quote("bucket", random), Quote(encoded, random), Quote(size.ToString(), random), Quote(cls, random), Quote(etag, random)));
            if (i < count - 1 || seed % 2 == 0) text.Append(random.Next(3) == 0 ? "\r\n" : "\n");
            if (i % 97 == 0 && i < count - 1) text.Append('\n'); // an empty line
            rows.Add((decoded, size, cls));
        }
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
        return (output.ToArray(), rows);
    }

    /// <summary>Hands out at most a few bytes a read: the reader must not rely on a read filling its buffer.</summary>
    private sealed class Trickle : S3MlLayout.Engine.Storage.ForwardReadStream
    {
        private readonly Stream _inner;
        private readonly Random _random;
        public Trickle(Stream inner, int seed) { _inner = inner; _random = new Random(seed); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1 + _random.Next(700)));
    }

    [Theory]
    [InlineData(3000, 1, false)]
    [InlineData(3000, 2, true)]
    [InlineData(40, 3, true)]
    [InlineData(1, 4, false)]
    public void Every_row_comes_back_exactly_wherever_the_buffer_cuts_it(int count, int seed, bool trickle)
    {
        var (gzip, expected) = Report(count, seed);
        var file = new InventoryDataFile("d.csv.gz", gzip.Length, Convert.ToHexString(MD5.HashData(gzip)).ToLowerInvariant());
        var rows = new List<InventoryRow>();
        Stream source = new MemoryStream(gzip);
        if (trickle) source = new Trickle(source, seed);
        long read = InventoryCsvReader.Read(source, file, InventorySchema.Parse(Schema, "m"), "d", rows.Add, CancellationToken.None);
        Assert.Equal(count, read);
        Assert.Equal(expected.Select(r => r.Key), rows.Select(r => r.Key));
        Assert.Equal(expected.Select(r => r.Size), rows.Select(r => r.Size));
        Assert.Equal(expected.Select(r => r.Class), rows.Select(r => r.StorageClass));

        // As the check reads them: each key left in the reader's buffer and copied into one reused char array.
        var copied = new List<string>();
        var chars = new char[1];
        source = new MemoryStream(gzip);
        if (trickle) source = new Trickle(source, seed);
        InventoryCsvReader.Read(source, file, InventorySchema.Parse(Schema, "m"), "d", row => { int length = row.CopyKey(ref chars); copied.Add(new string(chars, 0, length)); }, keysInBuffer: true, CancellationToken.None);
        Assert.Equal(expected.Select(r => r.Key), copied);
    }

    [Theory]
    [InlineData("\"b\",\"k\",\"1\",\"STANDARD\",\"e\",\"extra\"\n", "more fields")]
    [InlineData("\"b\",\"k\",\"1\",\"STANDARD\"\n", "4 fields")]
    [InlineData("b,k,1,STANDARD,\"open quote never closed\n", "ends inside a quoted field")]
    public void A_row_that_does_not_match_the_schema_is_refused_with_its_number(string csv, string problem)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes("b,ok,1,STANDARD,e\n" + csv));
        var bytes = output.ToArray();
        var file = new InventoryDataFile("d.csv.gz", bytes.Length, Convert.ToHexString(MD5.HashData(bytes)).ToLowerInvariant());
        var error = Assert.Throws<MlLayoutException>(() => InventoryCsvReader.Read(new MemoryStream(bytes), file, InventorySchema.Parse(Schema, "m"), "d", _ => { }, CancellationToken.None));
        Assert.Equal("InventoryFileCorrupt", error.ErrorId);
        Assert.Contains("row 2", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
