using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Inventory;

public sealed class InventoryReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    public void Dispose() => _temp.Dispose();

    private static InventoryManifest Load(string dir, string manifestKey)
    {
        var manifestPath = Path.Combine(dir, manifestKey);
        var checksum = File.ReadAllText(Path.Combine(Path.GetDirectoryName(manifestPath)!, "manifest.checksum"));
        return InventoryManifest.Parse(File.ReadAllBytes(manifestPath), checksum, manifestPath);
    }

    private static List<InventoryRow> ReadAll(string dir, InventoryManifest manifest)
    {
        var rows = new List<InventoryRow>();
        foreach (var file in manifest.Files)
        {
            using var stream = File.OpenRead(Path.Combine(dir, file.Key));
            InventoryCsvReader.Read(stream, file, manifest.Schema, file.Key, rows.Add, CancellationToken.None);
        }
        return rows;
    }

    /// <summary>The keys the fixture tool's synthetic mode generates (its documented tree), for comparison.</summary>
    private static string SyntheticKey(int i)
    {
        string[] stages = { "data/raw", "data/interim", "data/processed", "data/features", "data/monitoring", "models/registry" };
        string[][] exts = { new[] { ".csv", ".json" }, new[] { ".parquet" }, new[] { ".parquet" }, new[] { ".parquet" }, new[] { ".csv", ".json" }, new[] { ".joblib" } };
        string sol = $"solution-{i % 40:00}";
        string stage = stages[i % 6];
        var day = new DateTime(2024, 1, 1).AddDays((i / 997) % 365);
        string ext = exts[i % 6][i % exts[i % 6].Length];
        if (i % 100_003 == 7) ext = ext == ".parquet" ? ".xlsx" : ".parquet";
        string key = $"solutions/{sol}/{stage}/{day:yyyy/MM/dd}/part-{i:000000000}{ext}";
        if (i % 250_013 == 11) key = $"solutions/{sol}/stray file {i}.csv";
        return key;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_every_row_of_a_synthetic_report_with_keys_decoded_whatever_the_space_encoding(bool plusSpaces)
    {
        var args = new List<string> { "--synthetic", "120000", "--source", "src-bucket", "--to-dir", _temp.Root, "--rows-per-file", "50000", "--when", "2024-02-01T00-00Z" };
        if (plusSpaces) args.Add("--plus-spaces");
        var (manifestKey, rows, files) = InventoryFixtureTool.Run(args.ToArray());
        var manifest = Load(_temp.Root, manifestKey);

        Assert.Equal(3, files);
        Assert.Equal(files, manifest.Files.Count);
        Assert.Equal("src-bucket", manifest.SourceBucket);
        Assert.Equal(new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc), manifest.Created);
        Assert.Equal(InventoryFileFormat.Csv, manifest.Format);
        var read = ReadAll(_temp.Root, manifest);
        Assert.Equal(rows, read.Count);
        for (int i = 0; i < read.Count; i++) Assert.Equal(SyntheticKey(i), read[i].Key);
        Assert.Contains(read, r => r.Key == "solutions/solution-11/stray file 11.csv");
        Assert.All(read, r => Assert.Equal("STANDARD", r.StorageClass));
    }

    [Fact]
    public void A_manifest_that_fails_its_checksum_is_refused_before_it_is_read()
    {
        var (manifestKey, _, _) = InventoryFixtureTool.Run("--synthetic", "10", "--source", "s", "--to-dir", _temp.Root);
        string path = Path.Combine(_temp.Root, manifestKey);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"sourceBucket\": \"s\"", "\"sourceBucket\": \"t\""));

        var error = Assert.Throws<MlLayoutException>(() => Load(_temp.Root, manifestKey));
        Assert.Equal("InventoryChecksumMismatch", error.ErrorId);
        Assert.Equal(path, error.Target);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("append")]
    public void A_data_file_whose_bytes_differ_from_the_manifest_is_refused(string damage)
    {
        var (manifestKey, _, _) = InventoryFixtureTool.Run("--synthetic", "5000", "--source", "s", "--to-dir", _temp.Root);
        var manifest = Load(_temp.Root, manifestKey);
        string data = Path.Combine(_temp.Root, manifest.Files[0].Key);
        var bytes = File.ReadAllBytes(data);
        if (damage == "flip") bytes[bytes.Length - 9] ^= 0x01;          // inside the gzip trailer's CRC: still decompresses on some readers
        if (damage == "truncate") bytes = bytes.Take(bytes.Length / 2).ToArray();
        if (damage == "append") bytes = bytes.Concat(new byte[] { 1, 2, 3 }).ToArray();
        File.WriteAllBytes(data, bytes);

        var error = Assert.Throws<MlLayoutException>(() => ReadAll(_temp.Root, manifest));
        Assert.Equal("InventoryFileCorrupt", error.ErrorId);
        Assert.Equal(manifest.Files[0].Key, error.Target);
    }

    /// <summary>
    /// Hand-written after the S3 documentation's example: a fileSchema in another order than the fixture tool's, with
    /// versions, delete markers and optional fields, fields quoted and not, keys with '+', %20, %2B and unicode.
    /// </summary>
    [Fact]
    public void A_data_file_longer_than_its_manifest_says_is_refused_without_being_read_to_its_end()
    {
        var (manifestKey, _, _) = InventoryFixtureTool.Run("--synthetic", "5000", "--source", "s", "--to-dir", _temp.Root);
        var manifest = Load(_temp.Root, manifestKey);
        var file = manifest.Files[0];
        var bytes = File.ReadAllBytes(Path.Combine(_temp.Root, file.Key)).Concat(new byte[64 << 20]).ToArray();
        var source = new CountingStream(new MemoryStream(bytes));

        var error = Assert.Throws<MlLayoutException>(() => InventoryCsvReader.Read(source, file, manifest.Schema, file.Key, _ => { }, CancellationToken.None));
        Assert.Equal("InventoryFileCorrupt", error.ErrorId);
        Assert.Contains($"more than the {file.Size} bytes", error.Message);
        // Stopped within a read or two of the manifest's size, not after the 64 MiB behind it.
        Assert.InRange(source.BytesRead, file.Size + 1, file.Size + (1 << 20));
    }

    private sealed class CountingStream : S3MlLayout.Engine.Storage.ForwardReadStream
    {
        private readonly Stream _inner;
        public CountingStream(Stream inner) { _inner = inner; }
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) { int n = _inner.Read(buffer, offset, count); BytesRead += n; return n; }
    }

    [Fact]
    public void Column_order_comes_from_fileSchema_and_keys_decode_plus_percent_and_unicode()
    {
        const string schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus";
        string csv =
            "\"examplebucket\",\"data/a+b%20c.csv\",\"v1\",\"true\",\"false\",\"12\",\"2016-11-17T21:33:56.000Z\",\"etag1\",\"STANDARD\",\"false\",\"\",\"SSE-S3\"\n" +
            "examplebucket,data/one%2Btwo.json,v2,true,false,5,2016-11-17T21:33:56.000Z,etag2,GLACIER,false,,SSE-S3\r\n" +
            "\"examplebucket\",\"data/%C3%A9t%C3%A9%20%E2%82%AC.parquet\",\"v3\",\"true\",\"false\",\"7\",\"2016-11-17T21:33:56.000Z\",\"etag3\",\"STANDARD_IA\",\"false\",\"\",\"SSE-S3\"";
        var gz = Gzip(csv);
        string md5 = Convert.ToHexString(MD5.HashData(gz)).ToLowerInvariant();
        string manifestJson = "{\"sourceBucket\":\"examplebucket\",\"destinationBucket\":\"arn:aws:s3:::example-inventory-destination-bucket\",\"version\":\"2016-11-30\"," +
            "\"creationTimestamp\":\"1514944800000\",\"fileFormat\":\"CSV\",\"fileSchema\":\"" + schema + "\"," +
            "\"files\":[{\"key\":\"Inventory/examplebucket/2016-11-06T21-32Z/files/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz\",\"size\":" + gz.Length + ",\"MD5checksum\":\"" + md5 + "\"}]}";
        var manifestBytes = Encoding.UTF8.GetBytes(manifestJson);
        var manifest = InventoryManifest.Parse(manifestBytes, Convert.ToHexString(MD5.HashData(manifestBytes)), "s3://example-inventory-destination-bucket/m.json");
        Assert.Equal("example-inventory-destination-bucket", manifest.DestinationBucket);
        Assert.Equal(new DateTime(2018, 1, 3, 2, 0, 0, DateTimeKind.Utc), manifest.Created);

        var rows = new List<InventoryRow>();
        InventoryCsvReader.Read(new MemoryStream(gz), manifest.Files[0], manifest.Schema, "x", rows.Add, CancellationToken.None);

        Assert.Equal(new[] { "data/a b c.csv", "data/one+two.json", "data/été €.parquet" }, rows.Select(r => r.Key));
        Assert.Equal(new long[] { 12, 5, 7 }, rows.Select(r => r.Size));
        Assert.Equal(new[] { "STANDARD", "GLACIER", "STANDARD_IA" }, rows.Select(r => r.StorageClass));
    }

    [Theory]
    [InlineData("{}", "InventoryManifestInvalid")]
    [InlineData("[1]", "InventoryManifestInvalid")]
    [InlineData("not json", "InventoryManifestInvalid")]
    [InlineData("{\"sourceBucket\":\"a\",\"destinationBucket\":\"b\",\"creationTimestamp\":\"x\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Key\",\"files\":[]}", "InventoryManifestInvalid")]
    [InlineData("{\"sourceBucket\":\"a\",\"destinationBucket\":\"b\",\"creationTimestamp\":\"1\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Bucket, Size\",\"files\":[]}", "InventoryManifestInvalid")]
    [InlineData("{\"sourceBucket\":\"a\",\"destinationBucket\":\"b\",\"creationTimestamp\":\"1\",\"fileFormat\":\"XML\",\"fileSchema\":\"Key\",\"files\":[]}", "InventoryFormatUnsupported")]
    [InlineData("{\"sourceBucket\":\"a\",\"destinationBucket\":\"b\",\"creationTimestamp\":\"1\",\"fileFormat\":\"CSV\",\"fileSchema\":\"Key\",\"files\":[{\"key\":\"k\",\"size\":\"-\",\"MD5checksum\":\"x\"}]}", "InventoryManifestInvalid")]
    public void A_malformed_manifest_with_a_valid_checksum_gives_a_clear_error(string json, string errorId)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var error = Assert.Throws<MlLayoutException>(() => InventoryManifest.Parse(bytes, Convert.ToHexString(MD5.HashData(bytes)), "s3://d/m.json"));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal("s3://d/m.json", error.Target);
    }

    [Fact]
    public void A_row_with_another_number_of_fields_than_the_schema_is_refused()
    {
        var gz = Gzip("\"b\",\"k\",\"1\"\n\"b\",\"k2\"\n");
        var file = new InventoryDataFile("d.csv.gz", gz.Length, Convert.ToHexString(MD5.HashData(gz)).ToLowerInvariant());
        var schema = InventorySchema.Parse("Bucket, Key, Size", "m");
        var error = Assert.Throws<MlLayoutException>(() => InventoryCsvReader.Read(new MemoryStream(gz), file, schema, "d", _ => { }, CancellationToken.None));
        Assert.Equal("InventoryFileCorrupt", error.ErrorId);
        Assert.Contains("row 2", error.Message);
    }

    private static byte[] Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
        return output.ToArray();
    }
}
