using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Get-MlLayoutDrift -Scope Objects -VerifyContent on moto and on the local target, with real files: a gzip, a
    /// zip-based xlsx, JSON and CSV, and files whose names lie about them. Exactly the liars are ContentMismatch;
    /// without the switch no data object is read (GET_OBJECT counted by the proxy).
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class ContentVerifyTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;
        private readonly string _company = "v" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly TempDirectory _temp = new TempDirectory();
        private string Bucket => $"{_company}-dev-a001-us-east-1";
        private const string S = "solutions/churn/";
        private const string Day = "data/raw/2024/01/05/";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        public ContentVerifyTests(MotoServer moto, Xunit.Abstractions.ITestOutputHelper output) { _moto = moto; _output = output; }

        public void Dispose() => _temp.Dispose();

        private static byte[] Gzip(string text)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(Encoding.UTF8.GetBytes(text));
            return buffer.ToArray();
        }

        private static byte[] Xlsx()
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, xml) in new[] { ("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"), ("xl/worksheets/sheet1.xml", "<worksheet/>") })
                    using (var entry = new StreamWriter(zip.CreateEntry(name).Open())) entry.Write(xml);
            }
            return buffer.ToArray();
        }

        private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

        /// <summary>Parquet's framing: PAR1, column data, the footer and its length, PAR1 (no Parquet writer is installed here).</summary>
        private static byte[] Parquet(bool complete)
        {
            var bytes = new List<byte>(Text("PAR1"));
            bytes.AddRange(Enumerable.Range(0, 200).Select(i => (byte)i));
            if (complete) { bytes.AddRange(BitConverter.GetBytes(120)); bytes.AddRange(Text("PAR1")); }
            return bytes.ToArray();
        }

        /// <summary>Relative key -> content and whether the name lies about it.</summary>
        private static readonly (string Key, byte[] Content, bool Liar)[] Files =
        {
            (Day + "sales.csv.gz", Gzip("id,amount\n1,2.5\n2,3.5\n"), false),
            (Day + "customers.csv", Text("id,name\n1,Ann\n"), false),
            (Day + "orders.json", Text("{\"orders\": [1, 2]}\n"), false),
            (Day + "book.xlsx", Xlsx(), false),
            ("data/curated/2024/01/05/part-0000.parquet", Parquet(complete: true), false),
            (Day + "fake.csv.gz", Text("id,amount\n1,2.5\n"), true),
            ("data/curated/2024/01/05/export.parquet", Text("id,amount\n1,2.5\n"), true),
            ("data/curated/2024/01/05/cut.parquet", Parquet(complete: false), true),
            (Day + "events.json", Gzip("{\"id\": 1}"), true),
            (Day + "report.xlsx", Text("a,b\n1,2\n"), true),
            (Day + "ünïcødé name %20 + 50%+off.json", Text("id,name\n"), true),
        };

        /// <summary>A Parquet-only folder holding a gzip: FormatViolation, and its bytes are not read.</summary>
        private const string WrongFormat = "data/curated/2024/01/05/dump.csv";
        /// <summary>No reliable signature: never read.</summary>
        private const string Pickle = "models/training/xgboost/model.pkl";

        /// <summary>Ranged GETs -VerifyContent sends: one per judged file, two per Parquet file.</summary>
        private static int Reads => Files.Length + Files.Count(f => f.Key.EndsWith(".parquet"));

        private static string WithContracts(string json)
        {
            var root = JsonNode.Parse(json)!;
            foreach (var (path, formats) in new[] { ("data/raw", new[] { ".csv", ".json", ".xlsx", ".csv.gz" }), ("data/curated", new[] { ".parquet" }), ("models", new[] { ".pkl" }) })
            {
                JsonNode? folder = root;
                foreach (var name in path.Split('/')) folder = folder!["folders"]!.AsArray().Single(f => (string?)f!["name"] == name);
                folder!["contract"] = new JsonObject { ["formats"] = new JsonArray(formats.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()) };
            }
            return root.ToJsonString();
        }

        /// <summary>Writes the files under <paramref name="directory"/> at their keys below the solution.</summary>
        private static void WriteFiles(string directory)
        {
            foreach (var (key, content) in Files.Select(f => (f.Key, f.Content)).Append((WrongFormat, Gzip("a,b"))).Append((Pickle, new byte[] { 0x80, 0x04, 0x95 })))
            {
                string path = Path.Combine(directory, (S + key).Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, content);
            }
        }

        private static HashSet<string> Liars => Files.Where(f => f.Liar).Select(f => $"ContentMismatch {S}{f.Key}").Append($"FormatViolation {S}{WrongFormat}").ToHashSet();

        private static HashSet<string> Findings(ScriptResult result) => result.Output.Select(o => $"{Prop(o, "Category")} {Prop(o, "Key")}").ToHashSet();

        private static void AssertLiars(ScriptResult result)
        {
            var found = Findings(result);
            Assert.Equal(result.Output.Count, found.Count);
            Assert.True(Liars.SetEquals(found), $"missing: {string.Join(" | ", Liars.Except(found))}\nextra: {string.Join(" | ", found.Except(Liars))}");
            foreach (var finding in result.Output.Where(o => (string)Prop(o, "Category")! == "ContentMismatch"))
            {
                Assert.False((bool)Prop(finding, "Repairable")!);
                Assert.Contains("not what its name claims", (string)Prop(finding, "SuggestedFix")!);
                Assert.StartsWith((string)Prop(finding, "Folder")!, (string)Prop(finding, "Key")!);
            }
            var export = result.Output.Single(o => ((string)Prop(o, "Key")!).EndsWith("export.parquet"));
            Assert.Equal(("Parquet (PAR1 at both ends)", "starts with text"), ((string)Prop(export, "Expected")!, (string)Prop(export, "Actual")!));
            Assert.StartsWith("does not end with PAR1", (string)Prop(result.Output.Single(o => ((string)Prop(o, "Key")!).EndsWith("cut.parquet")), "Actual")!);
            Assert.Equal("starts with gzip (1F 8B)", (string)Prop(result.Output.Single(o => ((string)Prop(o, "Key")!).EndsWith("events.json")), "Actual")!);
        }

        [Fact]
        public void VerifyContent_on_moto_reports_exactly_the_liars_and_reads_nothing_without_the_switch()
        {
            var vars = _moto.Variables();
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            string declaration = Path.Combine(_temp.Path, "churn.json");
            _moto.Aws($"s3api get-object --bucket {Bucket} --key .s3mllayout/declared/solutions/churn.json {declaration}");
            File.WriteAllText(declaration, WithContracts(File.ReadAllText(declaration)));
            _moto.Aws($"s3api put-object --bucket {Bucket} --key .s3mllayout/declared/solutions/churn.json --body {declaration} --content-type application/json");
            string files = Path.Combine(_temp.Path, "files");
            WriteFiles(files);
            _moto.Aws($"s3 cp --recursive \"{Path.Combine(files, "solutions")}\" s3://{Bucket}/solutions/");
            Assert.Contains(S + Day + "ünïcødé name %20 + 50%+off.json", _moto.Keys(Bucket, S));

            var gets = new Dictionary<string, int>();
            var results = new Dictionary<string, ScriptResult>();
            foreach (var (name, arguments) in new[] { ("folders", ""), ("objects", "-Scope Objects"), ("verify", "-Scope Objects -VerifyContent") })
            {
                using var proxy = new S3Proxy(_moto);
                results[name] = ModuleSession.Run(Connection + $"Get-MlBucket {Bucket} @conn | Get-MlLayoutDrift -Solution churn {arguments}",
                    _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint })).AssertNoErrors();
                gets[name] = proxy.Count("GET_OBJECT");
                _output.WriteLine($"{name}: {string.Join(", ", proxy.Stats().Select(p => $"{p.Key}={p.Value}"))}");
            }
            AssertLiars(results["verify"]);
            Assert.Equal(new HashSet<string> { $"FormatViolation {S}{WrongFormat}" }, Findings(results["objects"]));
            // Without the switch -Scope Objects reads what -Scope Folders reads (the declaration): no data object.
            Assert.Equal(gets["folders"], gets["objects"]);
            Assert.Equal(gets["objects"] + Reads, gets["verify"]);
            Assert.Equal(14, Reads); // 11 judged files, 3 of them Parquet with a tail read; the .csv in a Parquet folder and the pickle unread

            // -Summary and the reports carry the category.
            string get = Connection + $"$b = Get-MlBucket {Bucket} @conn\n";
            var row = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects -VerifyContent -Summary", vars).AssertNoErrors().Output.Single();
            Assert.Equal((6, 1, 7), ((int)Prop(row, "ContentMismatch")!, (int)Prop(row, "FormatViolation")!, (int)Prop(row, "Total")!));
            string markdown = Path.Combine(_temp.Path, "drift.md");
            ModuleSession.Run(get + $"$b | Get-MlLayoutDrift -Solution churn -Scope Objects -VerifyContent -Summary | Export-MlDriftReport -Path '{markdown}' -Format Markdown", vars).AssertNoErrors();
            Assert.Contains("1 FormatViolation, 6 ContentMismatch", File.ReadAllText(markdown));
        }

        [Fact]
        public void VerifyContent_on_the_local_target_reports_exactly_the_liars()
        {
            var vars = new Dictionary<string, object?> { ["d"] = _temp.Path };
            ModuleSession.Run("New-MlBucket -Override content-bucket -LocalPath $d | Add-MlSolution churn -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            string bucket = Path.Combine(_temp.Path, "content-bucket");
            string declaration = Path.Combine(bucket, ".s3mllayout", "declared", "solutions", "churn.json");
            File.WriteAllText(declaration, WithContracts(File.ReadAllText(declaration)));
            WriteFiles(bucket);
            string get = "$b = Get-MlBucket content-bucket -LocalPath $d\n";
            AssertLiars(ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects -VerifyContent", vars).AssertNoErrors());
            Assert.Equal(new HashSet<string> { $"FormatViolation {S}{WrongFormat}" },
                Findings(ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects", vars).AssertNoErrors()));

            // Test-MlLayout shares the switch: with the wrong format gone, only the bytes break the contract.
            File.Delete(Path.Combine(bucket, (S + WrongFormat).Replace('/', Path.DirectorySeparatorChar)));
            Assert.Equal(new object[] { false, true },
                ModuleSession.Run(get + "$b | Test-MlLayout churn -Scope Objects -VerifyContent; $b | Test-MlLayout churn -Scope Objects", vars).AssertNoErrors().Output.Select(o => o.BaseObject));

            // Without -Scope Objects the switch has nothing to read: a clear error, nothing checked.
            var refused = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -VerifyContent", vars);
            Assert.Equal("VerifyContentNeedsObjects", Assert.Single(refused.ErrorIds));
            Assert.Empty(refused.Output);
        }
    }
}
