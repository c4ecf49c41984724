using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using S3MlLayout.Engine.Tests.Support;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Get-MlLayoutDrift -Scope Objects -InventoryManifest with a downloaded report (a local manifest.json): read from
    /// the directory tree it came in, for a local bucket too. A synthetic report (shared/tools/s3_inventory_fixture.py
    /// --to-dir) of a local bucket whose objects are also written as files: the report and the walk give the same findings.
    /// </summary>
    public sealed class LocalInventoryTests : IDisposable
    {
        private const string Name = "inv-local";
        private const string Template = "name: synthetic\nversion: 1.0.0\nstyle: kebab-case\nfolders:\n" +
            "  - name: data\n    files: false\n    folders:\n" +
            "      - name: raw\n        partition: daily\n        formats: [csv, json]\n" +
            "      - name: interim\n        partition: daily\n        formats: [parquet]\n" +
            "      - name: processed\n        partition: daily\n        formats: [parquet]\n" +
            "      - name: features\n        partition: daily\n        formats: [parquet]\n" +
            "      - name: monitoring\n        partition: daily\n        formats: [csv, json]\n" +
            "  - name: models\n    files: false\n    folders:\n" +
            "      - name: registry\n        partition: daily\n        formats: [joblib]\n";
        private static readonly string[] ObjectCategories = { "FormatViolation", "UnplacedObject", "PartitionViolation" };
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public LocalInventoryTests(Xunit.Abstractions.ITestOutputHelper output) { _output = output; }

        public void Dispose() => _temp.Dispose();

        private string Buckets => Path.Combine(_temp.Path, "buckets");
        private string Get => $"$b = Get-MlBucket {Name} -LocalPath '{Buckets}'\n";

        /// <summary>The local bucket declaring the synthetic tree, its report under report/ and every reported object as a file.</summary>
        private string Provision()
        {
            Directory.CreateDirectory(Buckets);
            string template = Path.Combine(_temp.Path, "synthetic.yaml");
            File.WriteAllText(template, Template);
            ModuleSession.Run($"New-MlBucket -Override {Name} -LocalPath '{Buckets}' | Add-MlSolution (0..39 | ForEach-Object {{ 'solution-{{0:00}}' -f $_ }}) -Template '{template}' | Out-Null").AssertNoErrors();
            string report = Path.Combine(_temp.Path, "report");
            var (manifest, rows, files) = InventoryFixtureTool.Run("--synthetic", "4000", "--rows-per-file", "900", "--seed", "3", "--source", Name, "--to-dir", report, "--when", "2026-12-01T00-00Z");
            _output.WriteLine($"report {manifest}: {rows} rows in {files} files");
            Assert.True(files >= 4);
            // The same objects as files, so a walk of the bucket sees what the report lists.
            foreach (var data in Directory.GetFiles(Path.Combine(report, "inventory", Name, "daily", "data"), "*.csv.gz"))
            {
                using var reader = new StreamReader(new GZipStream(File.OpenRead(data), CompressionMode.Decompress), Encoding.UTF8);
                for (string? line; (line = reader.ReadLine()) != null;)
                {
                    string key = Uri.UnescapeDataString(line.Split(',')[1].Trim('"').Replace("+", "%20"));
                    string path = Path.Combine(Buckets, Name, key.Replace('/', Path.DirectorySeparatorChar));
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, Array.Empty<byte>());
                }
            }
            return Path.Combine(report, manifest.Replace('/', Path.DirectorySeparatorChar));
        }

        private static List<string> Comparable(ScriptResult result, string[]? categories = null) =>
            result.Output.Where(o => categories == null || categories.Contains(Prop(o, "Category")?.ToString())).Select(o => string.Join(" | ", new[] { "Category", "Bucket", "Solution", "Key", "Folder", "Expected", "Actual", "SuggestedFix", "Repairable" }
                .Select(p => Prop(o, p)?.ToString() ?? "-"))).OrderBy(s => s, StringComparer.Ordinal).ToList();

        [Fact]
        public void A_downloaded_report_of_a_local_bucket_gives_the_findings_of_a_walk_and_a_tampered_one_nothing()
        {
            string manifest = Provision();
            var walk = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects").AssertNoErrors();
            var report = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}' -WarningAction SilentlyContinue").AssertNoErrors();
            int objectFindings = report.Output.Count(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString()));
            _output.WriteLine($"{walk.Output.Count} findings by walking, {report.Output.Count} from the report ({objectFindings} object findings)");
            Assert.True(objectFindings > 0, "the synthetic report plants misplaced objects");
            Assert.Equal(Comparable(walk, ObjectCategories), Comparable(report, ObjectCategories));
            // The folders are the report's too, and a synthetic report lists no folder markers (the bucket's directories
            // are its markers): each declared folder with data is Implicit there, each without is Missing, as of the report.
            var folders = report.Output.Where(o => !ObjectCategories.Contains(Prop(o, "Category")!.ToString())).ToList();
            Assert.Contains(folders, o => Prop(o, "Category")!.ToString() == "Implicit" && (string?)Prop(o, "Key") == "solutions/solution-00/data/raw/");
            Assert.All(folders, o => Assert.Contains(Prop(o, "Category")!.ToString(), new[] { "Implicit", "Missing" }));
            Assert.All(folders, o => Assert.Equal(manifest, Prop(o, "Report")));
            // Each object finding says which report it came from: the manifest's path.
            Assert.All(report.Output.Where(o => ObjectCategories.Contains(Prop(o, "Category")!.ToString())), o => Assert.Equal(manifest, Prop(o, "Report")));

            // -Inventory has no configuration to find a report by on a local bucket: the error says to pass a downloaded one.
            var noConfiguration = ModuleSession.Run(Get + "$b | Get-MlLayoutDrift -Scope Objects -Inventory");
            Assert.Equal("InventoryNeedsS3", noConfiguration.ErrorIds.Single());
            Assert.Contains("-InventoryManifest", noConfiguration.Errors.Single().Exception.Message);

            // manifest.json changed after S3 wrote it: refused with its path, nothing from the report.
            var bytes = File.ReadAllBytes(manifest);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(manifest, bytes);
            var tampered = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}'; 'after'");
            var error = Assert.Single(tampered.Errors);
            Assert.Equal("InventoryChecksumMismatch", tampered.ErrorIds.Single());
            Assert.Equal(manifest, error.TargetObject);
            Assert.DoesNotContain(tampered.Output, o => o.BaseObject is not string && (ObjectCategories.Contains(Prop(o, "Category")?.ToString()) || Prop(o, "ReportDate") != null));
            Assert.Equal("after", tampered.Output.Last().BaseObject);
        }

        [Fact]
        public void A_data_file_of_a_downloaded_report_that_differs_is_refused_with_its_path()
        {
            string manifest = Provision();
            string data = Directory.GetFiles(Path.Combine(_temp.Path, "report", "inventory", Name, "daily", "data"), "*.csv.gz").OrderBy(f => f, StringComparer.Ordinal).Last();
            var bytes = File.ReadAllBytes(data);
            bytes[4] ^= 0x5A; // the gzip header's time: same size, still valid gzip, another MD5
            File.WriteAllBytes(data, bytes);
            var result = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}'; 'after'");
            var error = Assert.Single(result.Errors);
            Assert.Equal("InventoryFileCorrupt", result.ErrorIds.Single());
            Assert.Equal(data, error.TargetObject);
            Assert.Contains("MD5", error.Exception.Message);
            Assert.DoesNotContain(result.Output, o => o.BaseObject is not string && ObjectCategories.Contains(Prop(o, "Category")?.ToString()));
        }

        [Fact]
        public void A_downloaded_manifest_naming_a_file_outside_its_tree_is_refused()
        {
            string manifest = Provision();
            // A manifest rewritten to lead out of the report's tree, its checksum made to match.
            string text = File.ReadAllText(manifest);
            text = text.Replace("\"key\" : \"inventory/", "\"key\" : \"../inventory/").Replace("\"key\": \"inventory/", "\"key\": \"../inventory/");
            Assert.Contains("../inventory/", text);
            File.WriteAllText(manifest, text);
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(manifest)!, "manifest.checksum"),
                Convert.ToHexString(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(manifest))).ToLowerInvariant());
            var result = ModuleSession.Run(Get + $"$b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}'");
            Assert.Equal("InventoryManifestInvalid", result.ErrorIds.Single());
            Assert.Contains("outside the report's directory tree", result.Errors.Single().Exception.Message);
            Assert.DoesNotContain(result.Output, o => o.BaseObject is not string && ObjectCategories.Contains(Prop(o, "Category")?.ToString()));
        }
    }
}
