using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3MlLayout.Engine.Tests.Support;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Get-MlLayoutDrift -Scope Objects -Inventory on moto: the bucket of ObjectDriftTests (contracts, 33 planted
    /// violations, keys with '+', '%20', '%2B' literally and unicode), its inventory reports written by
    /// shared/tools/s3_inventory_fixture.py from the moto listing (or by hand after the S3 documentation's field order)
    /// into a destination bucket, and the same findings as a listing; damaged reports give a clear error and nothing
    /// from the report.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed partial class InventoryDriftTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;
        private readonly string _company = "v" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly TempDirectory _temp = new TempDirectory();
        private string Bucket => $"{_company}-dev-a001-us-east-1";
        private string Destination => $"{_company}-inventory";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        private string Get => Connection + $"$b = Get-MlBucket {Bucket} @conn\n";
        private static readonly string[] ObjectCategories = { "FormatViolation", "UnplacedObject", "PartitionViolation" };

        public InventoryDriftTests(MotoServer moto, Xunit.Abstractions.ITestOutputHelper output) { _moto = moto; _output = output; }

        public void Dispose() => _temp.Dispose();

        /// <summary>The bucket with its planted objects, a destination bucket and a daily inventory configuration pointing there.</summary>
        private void Plant(string tenant = "a001", string? bucket = null)
        {
            bucket ??= Bucket;
            var vars = _moto.Variables();
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId {tenant} -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            string declaration = Path.Combine(_temp.Path, tenant + "-churn.json");
            _moto.Aws($"s3api get-object --bucket {bucket} --key .s3mllayout/declared/solutions/churn.json {declaration}");
            File.WriteAllText(declaration, ObjectDriftTests.WithContracts(File.ReadAllText(declaration)));
            _moto.Aws($"s3api put-object --bucket {bucket} --key .s3mllayout/declared/solutions/churn.json --body {declaration} --content-type application/json");
            _moto.PutObjects(bucket, ObjectDriftTests.Violations(false).Keys.Concat(ObjectDriftTests.Valid(false)).Select(k => ObjectDriftTests.S + k));
            if (!BucketExists(Destination)) _moto.Aws($"s3api create-bucket --bucket {Destination}");
            string configuration = Path.Combine(_temp.Path, tenant + "-inventory.json");
            File.WriteAllText(configuration, "{\"Id\":\"daily\",\"IsEnabled\":true,\"IncludedObjectVersions\":\"Current\",\"Schedule\":{\"Frequency\":\"Daily\"}," +
                $"\"Destination\":{{\"S3BucketDestination\":{{\"Bucket\":\"arn:aws:s3:::{Destination}\",\"Format\":\"CSV\",\"Prefix\":\"inventory\"}}}}}}");
            _moto.Aws($"s3api put-bucket-inventory-configuration --bucket {bucket} --id daily --inventory-configuration file://{configuration}");
        }

        private bool BucketExists(string name)
        {
            try { _moto.Aws($"s3api head-bucket --bucket {name}"); return true; }
            catch (InvalidOperationException) { return false; }
        }

        /// <summary>Writes a report of the bucket's moto listing with the fixture tool; returns its manifest's s3:// URI.</summary>
        private string Report(string config = "daily", string? when = null, bool plusSpaces = false, int rowsPerFile = 1_000_000, string? bucket = null)
        {
            var arguments = new List<string> { "--endpoint", _moto.Endpoint, "--source", bucket ?? Bucket, "--dest", Destination, "--prefix", "inventory", "--config", config,
                "--rows-per-file", rowsPerFile.ToString(CultureInfo.InvariantCulture) };
            if (when != null) arguments.AddRange(new[] { "--when", when });
            if (plusSpaces) arguments.Add("--plus-spaces");
            var (manifest, rows, files) = InventoryFixtureTool.Run(arguments.ToArray());
            _output.WriteLine($"report {manifest}: {rows} rows in {files} files");
            return $"s3://{Destination}/{manifest}";
        }

        /// <summary>What identifies a finding, whatever source it came from.</summary>
        private static List<string> Comparable(ScriptResult result) =>
            result.Output.Select(o => string.Join(" | ", new[] { "Category", "Bucket", "Solution", "Key", "Uri", "Folder", "Expected", "Actual", "SuggestedFix", "Repairable" }
                .Select(p => Prop(o, p)?.ToString() ?? "-"))).OrderBy(s => s, StringComparer.Ordinal).ToList();

        [Fact]
        public void An_inventory_report_gives_the_findings_of_a_listing_each_saying_its_report_date()
        {
            Plant();
            var vars = _moto.Variables();
            string fresh = Report();
            string old = Report(when: DateTime.UtcNow.AddDays(-10).ToString("yyyy-MM-dd'T'HH-mm'Z'", CultureInfo.InvariantCulture), plusSpaces: true);

            var listing = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects", vars).AssertNoErrors();
            var inventory = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects -Inventory -Verbose", vars).AssertNoErrors();
            Assert.True(listing.Output.Count(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())) == 33, string.Join("\n", Comparable(listing)));
            Assert.Equal(Comparable(listing), Comparable(inventory));
            Assert.DoesNotContain(inventory.Warnings, w => w.Contains("inventory"));
            Assert.Contains(inventory.Verbose, v => v.Contains(fresh));

            // Every finding says which report (and as of when) it comes from: the folder walk is answered from the report
            // too; only bucket settings are read live.
            var created = ManifestTime(fresh);
            Assert.Contains(inventory.Output, f => !ObjectCategories.Contains(Prop(f, "Category")!.ToString()));
            foreach (var finding in inventory.Output)
            {
                bool fromReport = Prop(finding, "Category")!.ToString() != "BucketSetting";
                Assert.Equal(fromReport ? created : (DateTime?)null, (DateTime?)Prop(finding, "ReportDate"));
                Assert.Equal(fromReport ? fresh : null, (string?)Prop(finding, "Report"));
            }
            Assert.All(listing.Output, f => Assert.Null(Prop(f, "ReportDate")));

            // So the check lists no folder of the layout: through the proxy, the listing check sends a LIST per folder,
            // the report check only those that find the declarations and the newest report.
            int listed, reported;
            using (var proxy = new S3Proxy(_moto))
            {
                var proxied = _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint });
                Assert.Equal(Comparable(listing), Comparable(ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects", proxied).AssertNoErrors()));
                listed = proxy.Count("LIST");
                proxy.Reset();
                Assert.Equal(Comparable(listing), Comparable(ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects -Inventory", proxied).AssertNoErrors()));
                reported = proxy.Count("LIST");
            }
            _output.WriteLine($"LIST requests: {listed} by listing, {reported} from the report");
            Assert.True(listed >= 50, $"the listing check sent {listed} LIST requests");
            Assert.True(reported <= 4, $"the report check sent {reported} LIST requests");

            // An older report named by URI, keys written with '+' for spaces: the same findings, and a warning that it is stale.
            var named = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{old}'", vars).AssertNoErrors();
            Assert.Equal(Comparable(listing), Comparable(named));
            var warning = Assert.Single(named.Warnings);
            Assert.Contains("older than its Daily schedule", warning);
            Assert.Contains(old, warning);

            // The census: objects and bytes per solution, stage and storage class, the same from both sources.
            string census = "$b | Get-MlLayoutDrift -Scope Objects -Summary -Census{0} | Where-Object {{ $_ -is [S3MlLayout.Engine.Drift.ObjectCensus] }} | ForEach-Object {{ '{{0}}|{{1}}|{{2}}|{{3}}|{{4}}' -f $_.Solution, $_.Stage, $_.StorageClass, $_.Objects, $_.Bytes }}";
            var listedCensus = ModuleSession.Run(Get + string.Format(census, ""), vars).AssertNoErrors().Strings.ToList();
            var reportCensus = ModuleSession.Run(Get + string.Format(census, " -Inventory"), vars).AssertNoErrors().Strings.ToList();
            Assert.Equal(listedCensus, reportCensus);
            int objects = _moto.Keys(Bucket, ObjectDriftTests.S).Count(k => !k.EndsWith("/", StringComparison.Ordinal));
            Assert.Equal(objects, reportCensus.Sum(r => int.Parse(r.Split('|')[3], CultureInfo.InvariantCulture)));
            Assert.Equal(objects * 10L, reportCensus.Sum(r => long.Parse(r.Split('|')[4], CultureInfo.InvariantCulture)));
            Assert.Contains("churn|data/raw|STANDARD|", string.Join("\n", reportCensus));
            _output.WriteLine(string.Join("\n", reportCensus));
        }

        [Fact]
        public void A_report_written_by_hand_in_the_documented_field_order_with_versions_gives_the_findings_of_a_listing()
        {
            Plant();
            var vars = _moto.Variables();
            // The field order of the S3 documentation's example manifest, other than the fixture tool's; keys encoded here
            // with escaped '/', fields quoted or not, CRLF endings; a noncurrent version and a delete marker that a
            // listing does not show (and that would be violations if they were read as objects).
            const string schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus";
            var listed = _moto.AwsJson($"s3api list-objects-v2 --bucket {Bucket}").GetProperty("Contents").EnumerateArray()
                .Select(o => (Key: o.GetProperty("Key").GetString()!, Size: o.GetProperty("Size").GetInt64())).ToList();
            var csv = new StringBuilder();
            int n = 0;
            foreach (var (key, size) in listed)
            {
                string encoded = Uri.EscapeDataString(key);
                csv.Append(n++ % 2 == 0
                    ? $"\"{Bucket}\",\"{encoded}\",\"v{n}\",\"true\",\"false\",\"{size}\",\"2024-01-05T01:02:03.000Z\",\"etag{n}\",\"STANDARD\",\"false\",\"\",\"SSE-S3\"\r\n"
                    : $"{Bucket},{encoded},v{n},true,false,{size},2024-01-05T01:02:03.000Z,etag{n},STANDARD,false,,SSE-S3\n");
            }
            csv.Append($"\"{Bucket}\",\"{Uri.EscapeDataString(ObjectDriftTests.S + "data/raw/2024/01/05/old-version.txt")}\",\"v0\",\"false\",\"false\",\"3\",\"2024-01-05T01:02:03.000Z\",\"e\",\"STANDARD\",\"false\",\"\",\"SSE-S3\"\n");
            csv.Append($"\"{Bucket}\",\"{Uri.EscapeDataString(ObjectDriftTests.S + "stray-deleted.csv")}\",\"v9\",\"true\",\"true\",\"\",\"2024-01-05T01:02:03.000Z\",\"\",\"\",\"false\",\"\",\"\"\n");
            string manifest = UploadReport("handwritten", "2026-12-01T00-00Z", "CSV", schema, new[] { Gzip(csv.ToString()) });

            var listing = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects", vars).AssertNoErrors();
            var report = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}' -WarningAction SilentlyContinue", vars).AssertNoErrors();
            Assert.Equal(Comparable(listing), Comparable(report));
            Assert.Contains(report.Output, o => (string?)Prop(o, "Key") == ObjectDriftTests.S + $"data/raw/2024/01/05/{ObjectDriftTests.Awkward}.txt");
        }

        /// <summary>Writes data files, manifest.json and manifest.checksum under inventory/{bucket}/{config}/ in the destination; returns the manifest URI.</summary>
        private string UploadReport(string config, string stamp, string format, string schema, IReadOnlyList<byte[]> files, Func<byte[], byte[]>? damageManifest = null, string extension = "csv.gz")
        {
            string root = $"inventory/{Bucket}/{config}/";
            var entries = new List<string>();
            for (int i = 0; i < files.Count; i++)
            {
                string key = $"{root}data/{Guid.NewGuid()}.{extension}";
                Upload(key, files[i]);
                entries.Add($"{{\"key\":\"{key}\",\"size\":{files[i].Length},\"MD5checksum\":\"{Convert.ToHexString(MD5.HashData(files[i])).ToLowerInvariant()}\"}}");
            }
            var time = DateTime.ParseExact(stamp, "yyyy-MM-dd'T'HH-mm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            long ms = (long)(time - DateTime.UnixEpoch).TotalMilliseconds;
            var manifest = Encoding.UTF8.GetBytes($"{{\"sourceBucket\":\"{Bucket}\",\"destinationBucket\":\"arn:aws:s3:::{Destination}\",\"version\":\"2016-11-30\"," +
                $"\"creationTimestamp\":\"{ms}\",\"fileFormat\":\"{format}\",\"fileSchema\":\"{schema}\",\"files\":[{string.Join(",", entries)}]}}");
            string checksum = Convert.ToHexString(MD5.HashData(manifest)).ToLowerInvariant();
            Upload($"{root}{stamp}/manifest.json", damageManifest?.Invoke(manifest) ?? manifest);
            Upload($"{root}{stamp}/manifest.checksum", Encoding.ASCII.GetBytes(checksum + "\n"));
            return $"s3://{Destination}/{root}{stamp}/manifest.json";
        }

        private void Upload(string key, byte[] content)
        {
            string file = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(file, content);
            _moto.Aws($"s3api put-object --bucket {Destination} --key {key} --body {file}");
        }

        private byte[] Download(string uri)
        {
            string file = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
            var key = uri.Substring($"s3://{Destination}/".Length);
            _moto.Aws($"s3api get-object --bucket {Destination} --key {key} {file}");
            return File.ReadAllBytes(file);
        }

        private static byte[] Gzip(string text)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal)) gzip.Write(Encoding.UTF8.GetBytes(text));
            return buffer.ToArray();
        }

        private DateTime ManifestTime(string uri)
        {
            using var json = JsonDocument.Parse(Download(uri));
            return DateTime.UnixEpoch.AddMilliseconds(long.Parse(json.RootElement.GetProperty("creationTimestamp").GetString()!, CultureInfo.InvariantCulture));
        }

        private List<string> DataFiles(string manifestUri)
        {
            using var json = JsonDocument.Parse(Download(manifestUri));
            return json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("key").GetString()!).ToList();
        }

        /// <summary>Runs the check on a damaged report: one error with its ErrorId and URI, and nothing from the report.</summary>
        private void AssertRefused(string manifest, string errorId, string target, string? message = null)
        {
            var result = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}'; 'after'", _moto.Variables());
            var error = Assert.Single(result.Errors);
            Assert.Equal(errorId, result.ErrorIds.Single());
            Assert.Equal(target, error.TargetObject);
            if (message != null) Assert.Contains(message, error.Exception.Message);
            // Nothing from the report: no object finding, none carrying a report date (the folder walk's own findings may stand).
            Assert.DoesNotContain(result.Output, o => o.BaseObject is not string && (ObjectCategories.Contains(Prop(o, "Category")?.ToString()) || Prop(o, "ReportDate") != null));
            Assert.Equal("after", result.Output.Last().BaseObject); // not terminating: a fleet goes on with the next bucket
            _output.WriteLine($"{errorId}: {error.Exception.Message}");
        }

        [Fact]
        public void A_damaged_report_gives_a_clear_error_with_its_uri_and_no_finding_from_it()
        {
            Plant();
            // Ten rows a file: the damaged file is the last of several, read after findings were made from the others.
            string good = Report(config: "small-files", rowsPerFile: 40);
            var files = DataFiles(good);
            Assert.True(files.Count >= 4, $"{files.Count} data files");
            var original = Download(good);
            var contents = files.ToDictionary(f => f, f => Download($"s3://{Destination}/{f}"));
            string source = good.Substring($"s3://{Destination}/".Length);
            string folder = source.Substring(0, source.Length - "manifest.json".Length);

            // Another copy of the report per damage, each under its own configuration id.
            string Copy(string config, Func<string, byte[], byte[]?>? damage = null)
            {
                string root = $"inventory/{Bucket}/{config}/";
                string stamp = folder.TrimEnd('/').Split('/').Last();
                var manifest = Encoding.UTF8.GetString(original);
                foreach (var file in files)
                {
                    var bytes = damage?.Invoke(file, (byte[])contents[file].Clone()) ?? contents[file];
                    if (damage != null && bytes.Length == 0) continue; // left out: the missing file
                    Upload(file.Replace($"/small-files/", $"/{config}/"), bytes);
                }
                manifest = manifest.Replace($"/small-files/", $"/{config}/");
                var manifestBytes = Encoding.UTF8.GetBytes(manifest);
                Upload($"{root}{stamp}/manifest.json", manifestBytes);
                Upload($"{root}{stamp}/manifest.checksum", Encoding.ASCII.GetBytes(Convert.ToHexString(MD5.HashData(manifestBytes)).ToLowerInvariant()));
                return $"s3://{Destination}/{root}{stamp}/manifest.json";
            }

            // The report itself is sound.
            var sound = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{good}'", _moto.Variables()).AssertNoErrors();
            Assert.Equal(33, sound.Output.Count(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())));

            // manifest.json changed after S3 wrote it (its checksum no longer matches).
            var manifestBytes = (byte[])original.Clone();
            manifestBytes[manifestBytes.Length / 2] ^= 0x01;
            Upload(source, manifestBytes);
            AssertRefused(good, "InventoryChecksumMismatch", good, "manifest.checksum");

            // The last data file: same size, other bytes (the gzip header's time field), still a valid gzip stream.
            string last = files.Last();
            string md5Config = "md5-differs";
            string md5Manifest = Copy(md5Config, (file, bytes) =>
            {
                if (file == last) { bytes[4] ^= 0x5A; }
                return bytes;
            });
            AssertRefused(md5Manifest, "InventoryFileCorrupt", $"s3://{Destination}/{last.Replace("/small-files/", $"/{md5Config}/")}", "MD5");

            // The last data file is gone.
            string missingManifest = Copy("file-missing", (file, bytes) => file == last ? Array.Empty<byte>() : bytes);
            AssertRefused(missingManifest, "InventoryFileMissing", $"s3://{Destination}/{last.Replace("/small-files/", "/file-missing/")}");

            // Formats: ORC is named and refused; an unknown one too; both say which format is read.
            string orc = UploadReport("orc", "2026-12-01T00-00Z", "ORC", "struct<bucket:string,key:string,size:bigint>", Array.Empty<byte[]>());
            AssertRefused(orc, "InventoryFormatUnsupported", orc, "reads CSV");
            string xml = UploadReport("xml", "2026-12-01T00-00Z", "XML", "Bucket, Key, Size", Array.Empty<byte[]>());
            AssertRefused(xml, "InventoryFormatUnsupported", xml, "reads CSV");

            // A manifest named but absent, and a bucket with no report yet.
            AssertRefused($"s3://{Destination}/inventory/{Bucket}/daily/2020-01-01T00-00Z/manifest.json", "InventoryManifestNotFound",
                $"s3://{Destination}/inventory/{Bucket}/daily/2020-01-01T00-00Z/manifest.json");
            var none = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects -Inventory", _moto.Variables());
            Assert.Equal("InventoryReportNotFound", none.ErrorIds.Single());
            Assert.Equal($"s3://{Destination}/inventory/{Bucket}/daily/", none.Errors.Single().TargetObject);
        }

        [Fact]
        public void A_fleet_is_checked_from_its_inventory_reports_into_one_drift_report()
        {
            Plant("a001");
            string second = $"{_company}-dev-a002-us-east-1";
            Plant("a002", second);
            Report();
            Report(bucket: second);
            // A third bucket with no inventory configuration: an error for it, the others still reported.
            string third = $"{_company}-dev-a003-us-east-1";
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a003 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template master-solution", _moto.Variables()).AssertNoErrors();
            string markdown = Path.Combine(_temp.Path, "fleet.md");
            var result = ModuleSession.Run(Connection + $"Get-MlBucket -CompanyPrefix {_company} @conn | Get-MlLayoutDrift -Scope Objects -Inventory -Summary | Export-MlDriftReport -Path '{markdown}' -PassThru", _moto.Variables());
            Assert.Equal("InventoryNotConfigured", result.ErrorIds.Single());
            Assert.Equal($"s3://{third}/", result.Errors.Single().TargetObject);
            var rows = result.Output.Where(o => (string)Prop(o, "Solution")! == "churn").ToList();
            Assert.Equal(new[] { Bucket, second }, rows.Select(r => (string)Prop(r, "Bucket")!).OrderBy(b => b, StringComparer.Ordinal));
            Assert.All(rows, r => Assert.Equal((12, 10, 11), ((int)Prop(r, "FormatViolation")!, (int)Prop(r, "UnplacedObject")!, (int)Prop(r, "PartitionViolation")!)));
            string text = File.ReadAllText(markdown);
            Assert.Contains(Bucket, text);
            Assert.Contains(second, text);
        }
    }
}
