using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Get-MlLayoutDrift -Scope Objects on moto and on the local target: a master-solution solution whose declaration
    /// carries folder contracts, 33 planted violations (wrong formats, stray files, bad and missing date paths,
    /// awkward keys) among valid files; exactly those are found, nothing more.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class ObjectDriftTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly Xunit.Abstractions.ITestOutputHelper _output;
        private readonly string _company = "o" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly TempDirectory _temp = new TempDirectory();
        private string Bucket => $"{_company}-dev-a001-us-east-1";
        internal const string S = "solutions/churn/";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        internal const string Awkward = "ünïcødé name %20 + 50%+off";

        public ObjectDriftTests(MotoServer moto, Xunit.Abstractions.ITestOutputHelper output) { _moto = moto; _output = output; }

        public void Dispose() => _temp.Dispose();

        /// <summary>The contracts laid on master-solution's declaration (seed 001's formats for the data stages).</summary>
        private static readonly Dictionary<string, string[]> Contracts = new Dictionary<string, string[]>
        {
            ["data/raw"] = new[] { ".csv", ".json", ".xlsx" },
            ["data/curated"] = new[] { ".parquet" },
            ["data/processed"] = new[] { ".parquet" },
            ["notebooks"] = new[] { ".ipynb" },
            ["models"] = new[] { ".pkl", ".joblib", ".onnx" },
        };

        /// <summary>Adds the contracts to a stored declaration (as a template with contracts would have written it).</summary>
        internal static string WithContracts(string json)
        {
            var root = JsonNode.Parse(json)!;
            foreach (var (path, formats) in Contracts)
            {
                JsonNode? folder = root;
                foreach (var name in path.Split('/'))
                    folder = folder!["folders"]!.AsArray().Single(f => (string?)f!["name"] == name);
                folder!["contract"] = new JsonObject { ["formats"] = new JsonArray(formats.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()) };
            }
            return root.ToJsonString();
        }

        /// <summary>A key above 900 bytes: one long name on S3; on disk a name is at most 255 bytes, so long folders below a date leaf.</summary>
        internal static string LongKey(bool local, string extension) => local
            ? $"data/raw/2024/01/05/{new string('a', 220)}/{new string('b', 220)}/{new string('c', 220)}/{new string('d', 240)}{extension}"
            : $"data/raw/2024/01/05/{new string('é', 430)}{new string('z', 40)}{extension}";

        /// <summary>The planted violations: relative key -> the finding it must give.</summary>
        internal static Dictionary<string, string> Violations(bool local) => new Dictionary<string, string>
        {
            // FormatViolation: what seed 001's table (and the other contracts) do not accept.
            ["data/raw/2024/01/05/customers.parquet"] = "FormatViolation",
            ["data/raw/2024/01/05/notes.txt"] = "FormatViolation",
            ["data/curated/2024/01/05/sales.csv"] = "FormatViolation",
            ["data/curated/2024/01/05/sales.json"] = "FormatViolation",
            ["data/processed/train/feature_store/features.csv"] = "FormatViolation",
            ["data/processed/test/feature_store/features.xlsx"] = "FormatViolation",
            ["notebooks/exploration/eda.py"] = "FormatViolation",
            ["notebooks/training/train notes.txt"] = "FormatViolation",
            ["models/training/xgboost/report.html"] = "FormatViolation",
            [$"data/raw/2024/01/05/{Awkward}.txt"] = "FormatViolation",
            [LongKey(local, ".txt")] = "FormatViolation",
            ["data/processed/validation/feature_store/50%+off.csv"] = "FormatViolation",
            // UnplacedObject: the solution root and folders kept for sub-folders.
            ["stray.csv"] = "UnplacedObject",
            ["README.md"] = "UnplacedObject",
            ["data/loose.parquet"] = "UnplacedObject",
            [$"data/{Awkward}.csv"] = "UnplacedObject",
            ["models/model.pkl"] = "UnplacedObject",
            ["notebooks/eda.ipynb"] = "UnplacedObject",
            ["artifacts/output.log"] = "UnplacedObject",
            ["code/main.py"] = "UnplacedObject",
            ["data/processed/train.parquet"] = "UnplacedObject",
            ["artifacts/a+b%.yaml"] = "UnplacedObject", // config/ itself takes files (master-solution keeps configs there)
            // PartitionViolation: no date, impossible dates, unpadded, Hive spelling, a path that stops early.
            ["data/raw/customers.csv"] = "PartitionViolation",
            ["data/raw/2024/13/45/a.csv"] = "PartitionViolation",
            ["data/raw/2024/1/5/b.csv"] = "PartitionViolation",
            ["data/raw/year=2024/month=01/day=05/c.csv"] = "PartitionViolation",
            ["data/curated/2024/01/d.parquet"] = "PartitionViolation",
            ["data/curated/2024-01-05/e.parquet"] = "PartitionViolation",
            ["data/raw/2024/02/30/f.csv"] = "PartitionViolation",
            ["data/curated/latest/g.parquet"] = "PartitionViolation",
            [$"data/raw/2024/01/{Awkward}.csv"] = "PartitionViolation",
            ["data/curated/2024/01/32/h.parquet"] = "PartitionViolation",
            ["data/raw/2024/00/01/i.json"] = "PartitionViolation",
        };

        /// <summary>The bad date prefixes above, which the folder walk reports once each (as it does under -Scope Folders).</summary>
        internal static readonly string[] InvalidPrefixes =
        {
            "data/raw/2024/13/", "data/raw/2024/1/", "data/raw/year=2024/", "data/curated/2024-01-05/", "data/raw/2024/02/30/",
            "data/curated/latest/", "data/curated/2024/01/32/", "data/raw/2024/00/",
        };

        internal static IEnumerable<string> Valid(bool local) => new[]
        {
            "data/raw/2024/01/05/customers.csv", "data/raw/2024/01/01/feed.json", "data/raw/2024/01/05/book.xlsx", "data/raw/archive/old.csv",
            "data/curated/2024/01/05/part-0000.parquet", "data/curated/2024/01/05/run 7/part-0001.parquet", "data/curated/consolidated/weekly/w.parquet",
            "data/processed/train/feature_store/f.parquet", "notebooks/exploration/eda.ipynb", "models/training/xgboost/model.pkl",
            "code/training/tests/test_train.py", "config/model_configs/xgb.yaml", $"data/raw/2024/01/05/{Awkward}.csv", LongKey(local, ".csv"),
            "data/raw/2024/02/29/leap.csv",
        };

        private static HashSet<string> Expected(bool local) =>
            Violations(local).Select(v => $"{v.Value} {S}{v.Key}").Concat(InvalidPrefixes.Select(p => $"InvalidPartition {S}{p}")).ToHashSet();

        private static HashSet<string> Findings(ScriptResult result) =>
            result.Output.Select(o => $"{Prop(o, "Category")} {Prop(o, "Key")}").ToHashSet();

        private void AssertFindings(bool local, ScriptResult result)
        {
            Assert.True(Violations(local).Count >= 30);
            var found = Findings(result);
            Assert.Equal(result.Output.Count, found.Count); // one finding per object and rule, never twice
            var expected = Expected(local);
            Assert.True(expected.SetEquals(found),
                $"missing: {string.Join(" | ", expected.Except(found))}\nextra: {string.Join(" | ", found.Except(expected))}");
            foreach (var finding in result.Output.Where(o => ((string)Prop(o, "Category")!).EndsWith("Violation") || (string)Prop(o, "Category")! == "UnplacedObject"))
            {
                if ((string)Prop(finding, "Category")! == "NamingViolation") continue;
                Assert.False((bool)Prop(finding, "Repairable")!);
                Assert.StartsWith((string)Prop(finding, "Folder")!, (string)Prop(finding, "Key")!);
                Assert.False(string.IsNullOrEmpty((string?)Prop(finding, "Expected")));
                Assert.False(string.IsNullOrEmpty((string?)Prop(finding, "Actual")));
                Assert.Contains("Repair-MlLayout never moves data", (string)Prop(finding, "SuggestedFix")!);
                Assert.EndsWith((string)Prop(finding, "Key")!, ((string)Prop(finding, "Uri")!).Replace('\\', '/'));
            }
        }

        [Fact]
        public void Objects_scope_on_moto_finds_exactly_the_planted_violations()
        {
            var vars = _moto.Variables();
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            string declaration = Path.Combine(_temp.Path, "churn.json");
            _moto.Aws($"s3api get-object --bucket {Bucket} --key .s3mllayout/declared/solutions/churn.json {declaration}");
            File.WriteAllText(declaration, WithContracts(File.ReadAllText(declaration)));
            _moto.Aws($"s3api put-object --bucket {Bucket} --key .s3mllayout/declared/solutions/churn.json --body {declaration} --content-type application/json");
            _moto.PutObjects(Bucket, Violations(false).Keys.Concat(Valid(false)).Select(k => S + k));
            Assert.Contains(_moto.Keys(Bucket, S), k => k == S + LongKey(false, ".txt"));
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(S + LongKey(false, ".txt")) > 900);

            string get = Connection + $"$b = Get-MlBucket {Bucket} @conn\n";
            // The folder scope sees only the bad date prefixes; the object scope sees every planted object too.
            var folders = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn", vars).AssertNoErrors();
            Assert.Equal(InvalidPrefixes.Select(p => $"InvalidPartition {S}{p}").ToHashSet(), Findings(folders));
            var objects = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects", vars).AssertNoErrors();
            AssertFindings(local: false, objects);

            // -Summary counts per category; Test-MlLayout follows the scope.
            var row = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects -Summary", vars).AssertNoErrors().Output.Single();
            Assert.Equal((12, 10, 11, 8), ((int)Prop(row, "FormatViolation")!, (int)Prop(row, "UnplacedObject")!, (int)Prop(row, "PartitionViolation")!, (int)Prop(row, "InvalidPartition")!));
            Assert.Equal(41, (int)Prop(row, "Total")!);

            // Export-MlDriftReport carries the new categories; Repair-MlLayout lists what a person must move and moves nothing.
            string markdown = Path.Combine(_temp.Path, "drift.md"), junit = Path.Combine(_temp.Path, "drift.xml");
            ModuleSession.Run(get + $"$b | Get-MlLayoutDrift -Solution churn -Scope Objects -Summary | Export-MlDriftReport -Path '{markdown}' -Format Markdown\n"
                + $"$b | Get-MlLayoutDrift -Solution churn -Scope Objects -Summary | Export-MlDriftReport -Path '{junit}' -Format JUnit", vars).AssertNoErrors();
            Assert.Contains("12 FormatViolation, 10 UnplacedObject, 11 PartitionViolation", File.ReadAllText(markdown));
            Assert.Contains("12 FormatViolation, 10 UnplacedObject, 11 PartitionViolation", File.ReadAllText(junit));
            var before = _moto.Keys(Bucket).OrderBy(k => k, StringComparer.Ordinal).ToList();
            var repair = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects | Repair-MlLayout -Confirm:$false -Verbose", vars).AssertNoErrors();
            Assert.Equal(before, _moto.Keys(Bucket).OrderBy(k => k, StringComparer.Ordinal).ToList());
            var objectCategories = new[] { "FormatViolation", "UnplacedObject", "PartitionViolation" };
            var leftAlone = repair.Output.Where(o => Prop(o, "Action")!.ToString() == "LeftAlone" && objectCategories.Contains(Prop(o, "Category")!.ToString())).ToList();
            Assert.Equal(33, leftAlone.Count);
            Assert.All(leftAlone, r => Assert.Contains("never moves data", (string)Prop(r, "Detail")!));
            Assert.Contains(repair.Verbose, v => v.Contains("Move by hand: s3://" + Bucket + "/" + S + "stray.csv"));
        }

        [Fact]
        public void Objects_scope_on_the_local_target_finds_exactly_the_planted_violations()
        {
            var vars = new Dictionary<string, object?> { ["d"] = _temp.Path };
            ModuleSession.Run("New-MlBucket -Override objects-bucket -LocalPath $d | Add-MlSolution churn -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            string bucket = Path.Combine(_temp.Path, "objects-bucket");
            string declaration = Path.Combine(bucket, ".s3mllayout", "declared", "solutions", "churn.json");
            File.WriteAllText(declaration, WithContracts(File.ReadAllText(declaration)));
            foreach (var key in Violations(true).Keys.Concat(Valid(true)))
            {
                string path = Path.Combine(bucket, (S + key).Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "0123456789");
            }
            string get = "$b = Get-MlBucket objects-bucket -LocalPath $d\n";
            var result = ModuleSession.Run(get + "$b | Get-MlLayoutDrift -Solution churn -Scope Objects", vars).AssertNoErrors();
            AssertFindings(local: true, result);
            // Test-MlLayout follows the scope: with the bad date prefixes gone, only objects break the contract.
            foreach (var prefix in InvalidPrefixes) Directory.Delete(Path.Combine(bucket, (S + prefix).Replace('/', Path.DirectorySeparatorChar)), recursive: true);
            Assert.Equal(new object[] { false, true },
                ModuleSession.Run(get + "$b | Test-MlLayout churn -Scope Objects; $b | Test-MlLayout churn", vars).AssertNoErrors().Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void Objects_scope_costs_one_LIST_per_1000_keys_of_each_solution_beside_the_folder_walk()
        {
            var vars = _moto.Variables();
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn, fraud -Template master-solution -Date 2024-01-01", vars).AssertNoErrors();
            _moto.PutObjects(Bucket, Enumerable.Range(0, 2600).Select(i => $"{S}data/raw/2024/01/{i % 9 + 1:00}/part-{i:00000}.csv")
                .Concat(Enumerable.Range(0, 700).Select(i => $"solutions/fraud/data/curated/2024/01/05/part-{i:00000}.parquet")));
            var counts = new Dictionary<string, Dictionary<string, int>>();
            foreach (var scope in new[] { "Folders", "Objects" })
            {
                using var proxy = new S3Proxy(_moto);
                var row = ModuleSession.Run(Connection + $"Get-MlBucket {Bucket} @conn | Get-MlLayoutDrift -Solution churn, fraud -Scope {scope} -Summary",
                    _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint })).AssertNoErrors().Output;
                Assert.All(row, r => Assert.Equal(true, Prop(r, "InSync")));
                counts[scope] = proxy.Stats();
                _output.WriteLine($"-Scope {scope}: {string.Join(", ", counts[scope].Select(p => $"{p.Key}={p.Value}"))}");
            }
            int pages = (_moto.Keys(Bucket, "solutions/churn/").Count + 999) / 1000 + (_moto.Keys(Bucket, "solutions/fraud/").Count + 999) / 1000;
            Assert.Equal(3 + 1, pages); // churn: 2,600 objects and its markers, 3 pages; fraud: 700 and its markers, 1 page
            Assert.Equal(counts["Folders"]["LIST"] + pages, counts["Objects"]["LIST"]);
            Assert.Equal(counts["Folders"]["total"] + pages, counts["Objects"]["total"]);
        }
    }
}
