using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Drift, repair and template upgrades against moto, through the hosted engine.</summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class DriftTests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "d" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private string Bucket => $"{_company}-dev-a001-us-east-1";
        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public DriftTests(MotoServer moto, Xunit.Abstractions.ITestOutputHelper output) { _moto = moto; _output = output; }

        private ScriptResult Run(string script, string? endpoint = null, IDictionary<string, object?>? more = null)
        {
            var variables = _moto.Variables(more);
            if (endpoint != null) variables["endpoint"] = endpoint;
            return ModuleSession.Run(Connection + $"$b = Get-MlBucket {Bucket} @conn -ErrorAction SilentlyContinue\n" + script, variables);
        }

        private void Provision(string solution = "churn", string template = "master-solution", string extra = "-Date 2024-01-01")
        {
            ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution {solution} -Template {template} {extra}",
                _moto.Variables()).AssertNoErrors();
        }

        private static HashSet<string> Findings(ScriptResult result) =>
            result.Output.Select(o => $"{Prop(o, "Category")} {Prop(o, "Key")}").ToHashSet();

        [Fact]
        public void An_unchanged_bucket_has_no_drift()
        {
            Provision();
            var result = Run("$b | Get-MlLayoutDrift; $b | Test-MlLayout").AssertNoErrors();
            Assert.Equal(new object[] { true }, result.Output.Select(o => o.BaseObject));
        }

        [Fact]
        public void Every_category_is_found_with_its_URI_expectation_and_fix()
        {
            Provision();
            string s = "solutions/churn/";
            _moto.Aws($"s3api delete-object --bucket {Bucket} --key {s}models/tuning/tuning_job_001/all_training_jobs/");
            _moto.Aws($"s3api delete-object --bucket {Bucket} --key {s}data/processed/train/feature_store/");
            _moto.PutObjects(Bucket, new[]
            {
                $"{s}data/processed/train/feature_store/customer_features.parquet",
                $"{s}scratch/a.txt", $"{s}scratch/deeper/b.txt",
                $"{s}artifacts/Data-Quality/report.html",
                $"{s}data/raw/2024/13/01/x.csv", $"{s}data/raw/2024-01-01/x.csv", $"{s}data/raw/year=2024/01/x.csv",
                $"{s}data/raw/2024/01/02/fine.csv", $"{s}data/raw/2024/02/30/x.csv",
            });
            _moto.Aws($"s3api put-bucket-versioning --bucket {Bucket} --versioning-configuration Status=Suspended");

            var result = Run("$b | Get-MlLayoutDrift -Detailed").AssertNoErrors();
            Assert.Equal(new HashSet<string>
            {
                $"Missing {s}models/tuning/tuning_job_001/all_training_jobs/",
                $"Implicit {s}data/processed/train/feature_store/",
                $"Unexpected {s}scratch/",
                $"NamingViolation {s}artifacts/Data-Quality/",
                $"InvalidPartition {s}data/raw/2024/13/",
                $"InvalidPartition {s}data/raw/2024-01-01/",
                $"InvalidPartition {s}data/raw/year=2024/",
                $"InvalidPartition {s}data/raw/2024/02/30/",
                "BucketSetting Versioning",
            }, Findings(result));

            PSObject Finding(string category, string key) => result.Output.Single(o => Prop(o, "Category")!.ToString() == category && (string)Prop(o, "Key")! == key);
            var unexpected = Finding("Unexpected", $"{s}scratch/");
            Assert.Equal($"s3://{Bucket}/{s}scratch/", Prop(unexpected, "Uri"));
            Assert.Equal(2L, Prop(unexpected, "ObjectCount"));
            Assert.Equal(20L, Prop(unexpected, "Size"));
            Assert.Equal(false, Prop(unexpected, "Repairable"));
            Assert.Contains("data_quality", (string)Prop(Finding("NamingViolation", $"{s}artifacts/Data-Quality/"), "Expected")!);
            Assert.Contains($"s3://{Bucket}/{s}data/raw/2024/01/01/", (string)Prop(Finding("InvalidPartition", $"{s}data/raw/2024-01-01/"), "SuggestedFix")!);
            Assert.Contains("month 13", (string)Prop(Finding("InvalidPartition", $"{s}data/raw/2024/13/"), "Actual")!);
            Assert.Contains("Hive", (string)Prop(Finding("InvalidPartition", $"{s}data/raw/year=2024/"), "Actual")!);
            var setting = Finding("BucketSetting", "Versioning");
            Assert.Equal(("Enabled", "Suspended", $"s3://{Bucket}/"), ((string)Prop(setting, "Expected")!, (string)Prop(setting, "Actual")!, (string)Prop(setting, "Uri")!));

            // Findings are plain data: they serialise to JSON without the bucket, its connection or any secret.
            string json = JsonSerializer.Serialize(result.Output.Select(o => o.BaseObject).ToList());
            Assert.Contains("\"Category\":", json);
            Assert.DoesNotContain(MotoServer.SecretKey, json);
            Assert.DoesNotContain("Connection", json);

            // One row for the bucket as a whole (root folders, settings) and one per solution; the counts add up.
            var rows = Run("$b | Get-MlLayoutDrift -Summary").AssertNoErrors().Output;
            Assert.Contains(rows, r => (string)Prop(r, "Solution")! == "");
            Assert.Contains(rows, r => (string)Prop(r, "Solution")! == "churn");
            int Sum(string property) => rows.Sum(r => (int)Prop(r, property)!);
            Assert.Equal((1, 1, 1, 1, 4, 1, 9), (Sum("Missing"), Sum("Implicit"), Sum("Unexpected"), Sum("NamingViolation"), Sum("InvalidPartition"), Sum("BucketSetting"), Sum("Total")));
            Assert.Contains(rows, r => !(bool)Prop(r, "InSync")!);
            Assert.All(rows, r => Assert.True((long)Prop(r, "Requests")! > 0));
        }

        [Fact]
        public void Repair_fixes_what_is_safe_and_WhatIf_changes_nothing()
        {
            Provision(template: "simple-ml", extra: "");
            string s = "solutions/churn/";
            _moto.Aws($"s3api delete-object --bucket {Bucket} --key {s}models/v2/");
            _moto.Aws($"s3api delete-object --bucket {Bucket} --key {s}logs/");
            _moto.PutObjects(Bucket, new[] { $"{s}logs/training/run.log", $"{s}notes/todo.txt" });
            _moto.Aws($"s3api put-bucket-versioning --bucket {Bucket} --versioning-configuration Status=Suspended");
            Assert.Equal(new object[] { false }, Run("$b | Test-MlLayout").AssertNoErrors().Output.Select(o => o.BaseObject));

            using (var proxy = new S3Proxy(_moto))
            {
                var whatIf = Run("$b | Get-MlLayoutDrift | Repair-MlLayout -WhatIf", proxy.Endpoint).AssertNoErrors();
                Assert.Contains(whatIf.HostLines, l => l.StartsWith("What if:") && l.Contains($"{s}models/v2/"));
                Assert.Contains(whatIf.HostLines, l => l.StartsWith("What if:") && l.Contains("Set Versioning: Suspended -> Enabled"));
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE"));
            }

            var repair = Run("$b | Get-MlLayoutDrift | Repair-MlLayout").AssertNoErrors();
            var actions = repair.Output.Select(o => $"{Prop(o, "Action")} {Prop(o, "Key")}").ToHashSet();
            Assert.Equal(new HashSet<string> { $"Created {s}models/v2/", $"Created {s}logs/", "SettingApplied Versioning", $"LeftAlone {s}notes/" }, actions);
            Assert.Contains(repair.Warnings, w => w.Contains("never moves, renames or deletes data"));
            Assert.Equal("Enabled", _moto.AwsJson($"s3api get-bucket-versioning --bucket {Bucket}").GetProperty("Status").GetString());
            Assert.Contains($"{s}notes/todo.txt", _moto.Keys(Bucket, s)); // left alone, not deleted

            var after = Run("$b | Get-MlLayoutDrift").AssertNoErrors();
            Assert.Equal(new HashSet<string> { $"Unexpected {s}notes/" }, Findings(after));
        }

        [Fact]
        public void Drift_costs_the_same_requests_for_200_and_5000_data_objects()
        {
            var counts = new List<Dictionary<string, int>>();
            foreach (int objects in new[] { 200, 5000 })
            {
                string company = $"c{objects}{Guid.NewGuid().ToString("N").Substring(0, 6)}";
                string bucket = $"{company}-dev-a001-us-east-1";
                ModuleSession.Run(Connection + $"New-MlBucket -CompanyPrefix {company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Date 2024-01-01", _moto.Variables()).AssertNoErrors();
                // The same ten daily partitions under three date-partitioned folders; only the number of objects differs.
                var folders = new[] { "data/raw", "data/curated", "artifacts/logs/preprocessing/daily_logs" };
                _moto.PutObjects(bucket, Enumerable.Range(0, objects).Select(i => $"solutions/churn/{folders[i % 3]}/2024/01/{i % 10 + 1:00}/part-{i:00000}.parquet"));
                Assert.Equal(objects + 1, _moto.Keys(bucket, "solutions/churn/data/").Count(k => k.EndsWith(".parquet")) + _moto.Keys(bucket, "solutions/churn/artifacts/logs/").Count(k => k.EndsWith(".parquet")) + 1);

                using var proxy = new S3Proxy(_moto);
                var result = ModuleSession.Run(Connection + $"Get-MlBucket {bucket} @conn | Get-MlLayoutDrift -Solution churn -Summary",
                    _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint })).AssertNoErrors();
                var summary = result.Output.Single();
                Assert.Equal(true, Prop(summary, "InSync"));
                counts.Add(proxy.Stats());
                _output.WriteLine($"{objects} data objects: {string.Join(", ", counts.Last().Select(p => $"{p.Key}={p.Value}"))}");
            }
            Assert.Equal(counts[0]["LIST"], counts[1]["LIST"]);
            Assert.Equal(counts[0]["total"], counts[1]["total"]);
            Assert.True(counts[0]["LIST"] < 200, $"the walk lists the declared folders and the date levels only: {counts[0]["LIST"]} LISTs");
        }

        [Fact]
        public void Update_MlSolution_applies_renames_where_only_markers_lie_and_never_moves_data()
        {
            string directory = Path.Combine(Path.GetTempPath(), "s3mllayout-update-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "v1.yaml"), "name: team-layout\nversion: 1.0.0\nfolders:\n  - name: inputs\n    folders: [daily]\n  - name: outputs\n  - name: models\n");
            File.WriteAllText(Path.Combine(directory, "v2.yaml"), "name: team-layout\nversion: 1.1.0\nfolders:\n  - name: sources\n    folders: [daily]\n  - name: results\n  - name: models\n  - name: reports\nrename:\n  - from: inputs\n    to: sources\n  - from: outputs\n    to: results\n");
            try
            {
                Provision(template: Path.Combine(directory, "v1.yaml"), extra: "");
                string s = "solutions/churn/";
                _moto.PutObjects(Bucket, new[] { $"{s}outputs/predictions.csv" });

                var older = Run($"$b | Update-MlSolution churn -Template '{Path.Combine(directory, "v1.yaml")}'");
                Assert.Equal(new[] { "TemplateVersionNotNewer" }, older.ErrorIds);

                var result = Run($"$b | Update-MlSolution churn -Template '{Path.Combine(directory, "v2.yaml")}'");
                Assert.Empty(result.Errors);
                var update = result.Output.Single();
                Assert.Equal(("1.0.0", "1.1.0"), ((string)Prop(update, "FromVersion")!, (string)Prop(update, "ToVersion")!));
                Assert.Equal(new[] { $"{s}inputs/ -> {s}sources/" }, ((IEnumerable<string>)Prop(update, "Renamed")!).ToArray());
                Assert.Contains("outputs/", Assert.Single((IEnumerable<string>)Prop(update, "RenamesSkipped")!));
                Assert.Contains(result.Warnings, w => w.Contains("holds data"));

                var keys = _moto.Keys(Bucket, s);
                Assert.Contains($"{s}sources/", keys);
                Assert.Contains($"{s}sources/daily/", keys);
                Assert.DoesNotContain($"{s}inputs/", keys);
                Assert.DoesNotContain($"{s}inputs/daily/", keys);
                Assert.Contains($"{s}outputs/predictions.csv", keys); // data stays where it was
                Assert.Contains($"{s}results/", keys);
                Assert.Contains($"{s}reports/", keys);

                // -Detailed: moto still lists a prefix whose (versioned) objects were all deleted, as Amazon S3 does not;
                // counting what is under each undeclared prefix shows inputs/ is empty, so it is no finding.
                var declared = Run("$b | Get-MlLayoutDrift -Detailed").AssertNoErrors();
                Assert.Equal(new HashSet<string> { $"Unexpected {s}outputs/" }, Findings(declared));
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [Fact]
        public void A_solution_without_a_declared_layout_is_an_error()
        {
            Provision(template: "simple-ml", extra: "");
            var missing = Run("$b | Get-MlLayoutDrift -Solution nothing-here");
            Assert.Equal(new[] { "SolutionNotDeclared" }, missing.ErrorIds);
            Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, missing.Errors.Single().CategoryInfo.Category);
            Assert.Equal($"s3://{Bucket}/solutions/nothing-here/", missing.Errors.Single().TargetObject);
        }
    }

    /// <summary>Drift and repair on the local target: the same cmdlets, the same findings.</summary>
    public sealed class LocalDriftTests
    {
        [Fact]
        public void Chained_renames_are_applied_in_order_when_skipping_versions()
        {
            using var temp = new TempDirectory();
            File.WriteAllText(Path.Combine(temp.Path, "v1.yaml"), "name: chain\nversion: 1.0.0\nfolders:\n  - name: inputs\n    folders: [daily]\n");
            File.WriteAllText(Path.Combine(temp.Path, "v3.yaml"), "name: chain\nversion: 1.2.0\nfolders:\n  - name: feeds\n    folders: [daily]\nrename:\n  - from: inputs\n    to: sources\n  - from: sources\n    to: feeds\n");
            var result = ModuleSession.Run(@"
$b = New-MlBucket -Override chain-bucket -LocalPath $d
$b | Add-MlSolution churn -Template ([IO.Path]::Combine($d, 'v1.yaml')) > $null
$b | Update-MlSolution churn -Template ([IO.Path]::Combine($d, 'v3.yaml')) | ForEach-Object { $_.Renamed }
$b | Test-MlLayout", new Dictionary<string, object?> { ["d"] = temp.Path }).AssertNoErrors();
            Assert.Equal(new[] { "solutions/churn/inputs/ -> solutions/churn/sources/", "solutions/churn/sources/ -> solutions/churn/feeds/", "True" }, result.Strings);
            string solution = Path.Combine(temp.Path, "chain-bucket", "solutions", "churn");
            Assert.True(Directory.Exists(Path.Combine(solution, "feeds", "daily")));
            Assert.False(Directory.Exists(Path.Combine(solution, "inputs")));
            Assert.False(Directory.Exists(Path.Combine(solution, "sources")));
        }

        [Fact]
        public void Drift_and_repair_on_a_local_bucket()
        {
            using var temp = new TempDirectory();
            var result = ModuleSession.Run(@"
$b = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $d
$b | Add-MlSolution churn -Date 2024-01-01 > $null
$root = [IO.Path]::Combine($b.LocalPath, 'solutions', 'churn')
[IO.Directory]::Delete([IO.Path]::Combine($root, 'models', 'registry', 'staging'))
$null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($root, 'notebooks', 'Scratch-Pad'))
$null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($root, 'data', 'raw', '2024-01-05'))
$b | Get-MlLayoutDrift | ForEach-Object { '{0} {1}' -f $_.Category, $_.Key }
'--'
$b | Get-MlLayoutDrift | Repair-MlLayout | ForEach-Object { '{0} {1}' -f $_.Action, $_.Key }
'--'
$b | Test-MlLayout
", new Dictionary<string, object?> { ["d"] = temp.Path }).AssertNoErrors();
            var lines = result.Strings.ToList();
            int first = lines.IndexOf("--"), second = lines.LastIndexOf("--");
            Assert.Equal(new HashSet<string>
            {
                "Missing solutions/churn/models/registry/staging/",
                "NamingViolation solutions/churn/notebooks/Scratch-Pad/",
                "InvalidPartition solutions/churn/data/raw/2024-01-05/",
            }, lines.Take(first).ToHashSet());
            Assert.Equal(new HashSet<string>
            {
                "Created solutions/churn/models/registry/staging/",
                "LeftAlone solutions/churn/notebooks/Scratch-Pad/",
                "LeftAlone solutions/churn/data/raw/2024-01-05/",
            }, lines.Skip(first + 1).Take(second - first - 1).ToHashSet());
            Assert.Equal("False", lines.Last());
            Assert.True(Directory.Exists(Path.Combine(temp.Path, "edge-dev-a001-us-west-2", "solutions", "churn", "models", "registry", "staging")));
            Assert.True(Directory.Exists(Path.Combine(temp.Path, "edge-dev-a001-us-west-2", "solutions", "churn", "notebooks", "Scratch-Pad")));
        }
    }
}
