using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Parquet inventory reports: the fixture tool's CSV report of the planted bucket, rewritten as Parquet with
    /// Parquet.Net's writer in the columns and types S3 documents for Parquet inventory (bucket, key, version_id,
    /// is_latest, is_delete_marker, size int64, last_modified_date timestamp, e_tag, storage_class, ...), keys as
    /// written (S3 URL-encodes keys in CSV only), several files of several row groups each.
    /// </summary>
    public sealed partial class InventoryDriftTests
    {
        /// <summary>The fileSchema S3 writes in a Parquet report's manifest.json (a Parquet message type).</summary>
        private const string ParquetFileSchema =
            "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); " +
            "optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); " +
            "optional binary e_tag (UTF8); optional binary storage_class (UTF8); optional boolean is_multipart_uploaded; optional binary encryption_status (UTF8);}";

        private static readonly DataField PqBucket = new DataField("bucket", typeof(string), isNullable: false);
        private static readonly DataField PqKey = new DataField("key", typeof(string), isNullable: false);
        private static readonly DataField PqVersion = new DataField<string>("version_id");
        private static readonly DataField PqLatest = new DataField<bool?>("is_latest");
        private static readonly DataField PqDeleteMarker = new DataField<bool?>("is_delete_marker");
        private static readonly DataField PqSize = new DataField<long?>("size");
        private static readonly DataField PqModified = new DateTimeDataField("last_modified_date", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true);
        private static readonly DataField PqETag = new DataField<string>("e_tag");
        private static readonly DataField PqClass = new DataField<string>("storage_class");
        private static readonly DataField PqMultipart = new DataField<bool?>("is_multipart_uploaded");
        private static readonly DataField PqEncryption = new DataField<string>("encryption_status");

        private sealed record InventoryObject(string Key, long? Size, DateTime? Modified, string ETag, string? StorageClass, bool Latest = true, bool DeleteMarker = false, string? Version = null);

        /// <summary>The rows of the fixture tool's CSV data files (every field quoted, keys URL-encoded), in its fileSchema order.</summary>
        private List<List<InventoryObject>> CsvReportRows(string manifest)
        {
            using var json = System.Text.Json.JsonDocument.Parse(Download(manifest));
            var fields = json.RootElement.GetProperty("fileSchema").GetString()!.Split(',').Select(f => f.Trim()).ToList();
            int key = fields.IndexOf("Key"), size = fields.IndexOf("Size"), modified = fields.IndexOf("LastModifiedDate"), etag = fields.IndexOf("ETag"), storage = fields.IndexOf("StorageClass");
            var files = new List<List<InventoryObject>>();
            foreach (var file in DataFiles(manifest))
            {
                using var gzip = new GZipStream(new MemoryStream(Download($"s3://{Destination}/{file}")), CompressionMode.Decompress);
                using var reader = new StreamReader(gzip, Encoding.UTF8);
                var rows = new List<InventoryObject>();
                string? line;
                while ((line = reader.ReadLine()) != null)
                {
                    var values = Regex.Matches(line, "\"((?:[^\"]|\"\")*)\"").Select(m => m.Groups[1].Value.Replace("\"\"", "\"")).ToList();
                    Assert.Equal(fields.Count, values.Count);
                    rows.Add(new InventoryObject(Uri.UnescapeDataString(values[key].Replace("+", "%20")), long.Parse(values[size], CultureInfo.InvariantCulture),
                        DateTime.Parse(values[modified], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), values[etag], values[storage]));
                }
                files.Add(rows);
            }
            return files;
        }

        /// <summary>One Parquet data file of <paramref name="rows"/>, in row groups of at most <paramref name="rowGroup"/> rows (Snappy, the writer's default).</summary>
        private byte[] ParquetDataFile(IReadOnlyList<InventoryObject> rows, int rowGroup)
        {
            var schema = new ParquetSchema(PqBucket, PqKey, PqVersion, PqLatest, PqDeleteMarker, PqSize, PqModified, PqETag, PqClass, PqMultipart, PqEncryption);
            using var buffer = new MemoryStream();
            var writer = ParquetWriter.CreateAsync(schema, buffer).GetAwaiter().GetResult();
            try
            {
                foreach (var chunk in rows.Chunk(rowGroup))
                {
                    using var group = writer.CreateRowGroup();
                    group.WriteAsync(PqBucket, chunk.Select(_ => Bucket).ToList()).GetAwaiter().GetResult();
                    group.WriteAsync(PqKey, chunk.Select(r => r.Key).ToList()).GetAwaiter().GetResult();
                    group.WriteAsync(PqVersion, chunk.Select(r => r.Version!).ToList()).GetAwaiter().GetResult();
                    group.WriteAsync<bool>(PqLatest, chunk.Select(r => (bool?)r.Latest).ToArray().AsMemory()).GetAwaiter().GetResult();
                    group.WriteAsync<bool>(PqDeleteMarker, chunk.Select(r => (bool?)r.DeleteMarker).ToArray().AsMemory()).GetAwaiter().GetResult();
                    group.WriteAsync<long>(PqSize, chunk.Select(r => r.Size).ToArray().AsMemory()).GetAwaiter().GetResult();
                    group.WriteAsync<DateTime>(PqModified, chunk.Select(r => r.Modified).ToArray().AsMemory()).GetAwaiter().GetResult();
                    group.WriteAsync(PqETag, chunk.Select(r => r.ETag).ToList()).GetAwaiter().GetResult();
                    group.WriteAsync(PqClass, chunk.Select(r => r.StorageClass!).ToList()).GetAwaiter().GetResult();
                    group.WriteAsync<bool>(PqMultipart, chunk.Select(_ => (bool?)false).ToArray().AsMemory()).GetAwaiter().GetResult();
                    group.WriteAsync(PqEncryption, chunk.Select(_ => "SSE-S3").ToList()).GetAwaiter().GetResult();
                }
            }
            finally { writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            return buffer.ToArray();
        }

        private static string[] InventoryTempFiles() => Directory.GetFiles(Path.GetTempPath(), "s3mllayout-inventory-*");

        [Fact]
        public void A_parquet_report_gives_exactly_the_findings_and_census_of_the_csv_report_and_the_listing()
        {
            Plant();
            var vars = _moto.Variables();
            string csvReport = Report(config: "csv-report", rowsPerFile: 40);
            var csvFiles = CsvReportRows(csvReport);
            Assert.True(csvFiles.Count >= 4, $"{csvFiles.Count} CSV data files");
            // A noncurrent version and a delete marker (a report of all versions), which a listing does not show and
            // which would be violations if they were read as objects; in the last file, so it has rows no other has.
            csvFiles[^1].Add(new InventoryObject(ObjectDriftTests.S + "data/raw/2024/01/05/old-version.txt", 3, new DateTime(2024, 1, 5, 1, 2, 3, DateTimeKind.Utc), "e", "STANDARD", Latest: false, Version: "v0"));
            csvFiles[^1].Add(new InventoryObject(ObjectDriftTests.S + "stray-deleted.csv", null, new DateTime(2024, 1, 5, 1, 2, 3, DateTimeKind.Utc), "", null, DeleteMarker: true, Version: "v9"));
            var parquetFiles = csvFiles.Select(rows => ParquetDataFile(rows, rowGroup: 16)).ToList();
            string parquetReport = UploadReport("parquet", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH-mm'Z'", CultureInfo.InvariantCulture), "Parquet", ParquetFileSchema, parquetFiles, extension: "parquet");
            var tempBefore = InventoryTempFiles();

            var listing = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects", vars).AssertNoErrors();
            var fromCsv = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{csvReport}' -WarningAction SilentlyContinue", vars).AssertNoErrors();
            var fromParquet = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{parquetReport}' -Verbose", vars).AssertNoErrors();
            Assert.Equal(33, listing.Output.Count(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())));
            Assert.Equal(Comparable(listing), Comparable(fromCsv));
            Assert.Equal(Comparable(fromCsv), Comparable(fromParquet));
            Assert.All(fromParquet.Output.Where(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())), f => Assert.Equal(parquetReport, (string?)Prop(f, "Report")));
            Assert.Contains(fromParquet.Output, o => (string?)Prop(o, "Key") == ObjectDriftTests.S + $"data/raw/2024/01/05/{ObjectDriftTests.Awkward}.txt");

            // The census, storage classes included, is the same from both formats.
            string census = "$b | Get-MlLayoutDrift -Scope Objects -Summary -Census -InventoryManifest '{0}' -WarningAction SilentlyContinue | Where-Object {{ $_ -is [S3MlLayout.Engine.Drift.ObjectCensus] }} | ForEach-Object {{ '{{0}}|{{1}}|{{2}}|{{3}}|{{4}}' -f $_.Solution, $_.Stage, $_.StorageClass, $_.Objects, $_.Bytes }}";
            var csvCensus = ModuleSession.Run(Get + string.Format(census, csvReport), vars).AssertNoErrors().Strings.ToList();
            var parquetCensus = ModuleSession.Run(Get + string.Format(census, parquetReport), vars).AssertNoErrors().Strings.ToList();
            Assert.NotEmpty(parquetCensus);
            Assert.Equal(csvCensus, parquetCensus);
            Assert.Contains("churn|data/raw|STANDARD|", string.Join("\n", parquetCensus));

            // Each data file went through a temporary file (Parquet is read from its footer) that is gone afterwards.
            Assert.Empty(InventoryTempFiles().Except(tempBefore));
            _output.WriteLine($"{csvFiles.Sum(f => f.Count)} rows in {parquetFiles.Count} Parquet files ({parquetFiles.Sum(f => f.Length)} bytes)");

            // Parquet.Net and its dependencies came from bin/Dependencies into the module's private load context, not
            // from this test's own copies in the default context (Microsoft.IO.RecyclableMemoryStream included: a
            // package, though named like the framework).
            var loaded = ModuleSession.Run(
                "[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'S3MlLayout.Engine.Parquet','Parquet','Microsoft.IO.RecyclableMemoryStream','Snappier' } | " +
                "ForEach-Object { '{0}|{1}|{2}' -f $_.GetName().Name, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name, $_.Location }", vars).AssertNoErrors().Strings.ToList();
            _output.WriteLine(string.Join("\n", loaded));
            string dependencies = Path.Combine(ModuleSession.RepositoryRoot, "bin", "Dependencies");
            foreach (var name in new[] { "S3MlLayout.Engine.Parquet", "Parquet", "Microsoft.IO.RecyclableMemoryStream", "Snappier" })
                Assert.Contains(loaded, l => l == $"{name}|S3MlLayout|{Path.Combine(dependencies, name + ".dll")}");
        }

        [Fact]
        public void A_parquet_data_file_whose_md5_differs_gives_a_clear_error_and_no_finding()
        {
            Plant();
            var csvFiles = CsvReportRows(Report(config: "csv-report", rowsPerFile: 40));
            var parquetFiles = csvFiles.Select(rows => ParquetDataFile(rows, rowGroup: 16)).ToList();
            string manifest = UploadReport("parquet-md5", "2026-12-01T00-00Z", "Parquet", ParquetFileSchema, parquetFiles, extension: "parquet");
            var tempBefore = InventoryTempFiles();

            // The sound report first: its findings are there to be withheld.
            var sound = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}' -WarningAction SilentlyContinue", _moto.Variables()).AssertNoErrors();
            Assert.Equal(33, sound.Output.Count(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())));

            // The last data file replaced by one of the same size, one byte changed (its MD5 no longer the manifest's).
            string last = DataFiles(manifest).Last();
            var damaged = (byte[])parquetFiles[^1].Clone();
            damaged[damaged.Length / 2] ^= 0x01;
            Upload(last, damaged);
            AssertRefused(manifest, "InventoryFileCorrupt", $"s3://{Destination}/{last}", "MD5");
            Assert.Empty(InventoryTempFiles().Except(tempBefore));
        }
    }
}
