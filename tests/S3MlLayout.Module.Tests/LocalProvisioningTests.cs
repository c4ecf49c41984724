using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>The cmdlet contract on the local target, through real pipelines in the hosted engine.</summary>
    public sealed class LocalProvisioningTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        private const string NewBucket = "New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $d";
        private string BucketDir => Path.Combine(_temp.Path, "edge-dev-a001-us-west-2");

        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) => ModuleSession.Run(script, new Dictionary<string, object?> { ["d"] = _temp.Path });

        [Fact]
        public void New_bucket_piped_to_Add_MlSolution_provisions_both_solutions_and_reports_each()
        {
            var result = Run($"{NewBucket} | Add-MlSolution customer-churn,fraud-detection").AssertNoErrors();

            Assert.Equal(2, result.Output.Count);
            Assert.Equal(new[] { "customer-churn", "fraud-detection" }, result.Output.Select(o => (string)Prop(o, "Solution")!));
            int expected = ModuleSession.Run("@(Get-MlLayout master-solution -Solution customer-churn).Count").Output.Select(o => (int)o.BaseObject).Single();
            // solutions/ is shared: the first solution creates it, the second finds it.
            Assert.Equal(expected, (int)Prop(result.Output[0], "Created")!);
            Assert.Equal(expected - 1, (int)Prop(result.Output[1], "Created")!);
            Assert.Equal(1, (int)Prop(result.Output[1], "AlreadyPresent")!);
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "customer-churn", "data", "raw", "archive")));
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "fraud-detection", "models", "registry", "production", "model_v1.0.0")));
            Assert.True(File.Exists(Path.Combine(BucketDir, ".s3mllayout", "declared", "solutions", "customer-churn.json")));
            Assert.False(Directory.Exists(Path.Combine(BucketDir, "shared")), "optional bucket folders are off by default");
        }

        [Fact]
        public void Add_MlSolution_is_idempotent()
        {
            Run($"{NewBucket} | Add-MlSolution customer-churn").AssertNoErrors();
            var before = _temp.Snapshot();
            var again = Run($"{NewBucket} | Add-MlSolution customer-churn").AssertNoErrors();

            Assert.Equal(0, (int)Prop(again.Output.Single(), "Created")!);
            Assert.True((int)Prop(again.Output.Single(), "AlreadyPresent")! > 100);
            Assert.Equal(before, _temp.Snapshot());
        }

        [Fact]
        public void WhatIf_prints_one_line_per_folder_and_writes_nothing()
        {
            Run(NewBucket).AssertNoErrors();
            var before = _temp.Snapshot();
            var result = Run($"{NewBucket} | Add-MlSolution customer-churn -Template simple-ml -WhatIf").AssertNoErrors();

            var whatIf = result.HostLines.Where(l => l.StartsWith("What if:")).ToList();
            int folders = ModuleSession.Run("@(Get-MlLayout simple-ml -Solution customer-churn).Count").Output.Select(o => (int)o.BaseObject).Single();
            Assert.Equal(folders + 2, whatIf.Count); // every folder, plus recording the declared layout and writing its contract document
            Assert.Contains(whatIf, l => l.Contains("Write contract document") && l.Contains(Path.Combine(".s3mllayout", "contracts", "customer-churn.md")));
            Assert.Contains(whatIf, l => l.Contains(Path.Combine(BucketDir, "solutions", "customer-churn", "dataset", "raw") + Path.DirectorySeparatorChar) && l.Contains("Create folder"));
            Assert.Equal(before, _temp.Snapshot());
            Assert.Equal(folders, (int)Prop(result.Output.Single(), "Skipped")!);
        }

        [Fact]
        public void New_MlBucket_WhatIf_creates_nothing_and_a_second_call_returns_the_existing_bucket()
        {
            var whatIf = Run($"{NewBucket} -WhatIf").AssertNoErrors();
            Assert.Empty(whatIf.Output);
            Assert.Contains(whatIf.HostLines, l => l.StartsWith("What if:") && l.Contains("Create bucket"));
            Assert.False(Directory.Exists(BucketDir));

            var first = Run(NewBucket).AssertNoErrors().Output.Single();
            Assert.Equal(true, Prop(first, "Created"));
            Assert.Equal("Local", Prop(first, "Target")!.ToString());
            Assert.Equal("edge-dev-a001-us-west-2", Prop(first, "Name"));
            Assert.Equal(BucketDir, Prop(first, "LocalPath"));
            var second = Run(NewBucket).AssertNoErrors().Output.Single();
            Assert.Equal(false, Prop(second, "Created"));
            Assert.Equal("a001", Prop(second, "TenantId"));
        }

        [Fact]
        public void Get_MlLayout_nodes_filtered_by_depth_and_piped_to_New_MlFolder_create_only_those()
        {
            var result = Run($"$b = {NewBucket}; Get-MlLayout master-solution -Solution customer-churn | Where-Object Depth -le 3 | New-MlFolder -Bucket $b").AssertNoErrors();

            var keys = result.Output.Select(o => (string)Prop(o, "Key")!).ToList();
            Assert.Equal(new[] { "solutions/", "solutions/customer-churn/", "solutions/customer-churn/artifacts/", "solutions/customer-churn/code/",
                "solutions/customer-churn/config/", "solutions/customer-churn/data/", "solutions/customer-churn/models/",
                "solutions/customer-churn/notebooks/", "solutions/customer-churn/templates/" }.OrderBy(k => k), keys.OrderBy(k => k));
            Assert.All(result.Output, o => Assert.Equal("Created", Prop(o, "Outcome")!.ToString()));
            Assert.Equal(7, Directory.GetDirectories(Path.Combine(BucketDir, "solutions", "customer-churn")).Length);
            Assert.Empty(Directory.GetDirectories(Path.Combine(BucketDir, "solutions", "customer-churn", "data")));
        }

        [Fact]
        public void New_MlFolder_takes_keys_and_reports_existing_ones()
        {
            var result = Run($"$b = {NewBucket}; 'projects/a/', 'projects/a' | New-MlFolder -Bucket $b; New-MlFolder -Bucket $b -Key projects/a/,projects/b/").AssertNoErrors();
            var outcomes = result.Output.Select(o => $"{Prop(o, "Key")}={Prop(o, "Outcome")}").ToList();
            Assert.Equal(new[] { "projects/a/=Created", "projects/a/=AlreadyExists", "projects/b/=Created" }, outcomes);
        }

        [Fact]
        public void Add_MlDatePartition_creates_the_partitions_of_every_partitioned_folder_from_the_declared_layout()
        {
            var result = Run($"$b = {NewBucket}; $b | Add-MlSolution churn | Out-Null; $b | Add-MlDatePartition churn -From 2024-01-30 -To 2024-02-02".Replace(" | Out-Null", " > $null")).AssertNoErrors();

            var summary = result.Output.Single();
            // 6 daily-partitioned folders x (1 year + 2 months + 4 days) levels.
            Assert.Equal(6 * 7, (int)Prop(summary, "Created")!);
            foreach (var folder in new[] { "data/raw", "data/curated", "data/inference/realtime/requests", "data/inference/realtime/responses", "artifacts/logs/preprocessing/daily_logs", "artifacts/reports/data_quality/daily_quality_reports" })
            {
                Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", folder, "2024", "01", "31")), folder);
                Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", folder, "2024", "02", "02")), folder);
            }
            Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
        }

        [Fact]
        public void Progress_is_updated_at_most_every_tenth_of_a_second_not_once_per_folder_and_counts_every_folder()
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = Run($"{NewBucket} | Add-MlSolution customer-churn,fraud-detection,demand-forecasting,sentiment-analysis -Template master-solution").AssertNoErrors();
            watch.Stop();
            int created = result.Output.Sum(o => (int)Prop(o, "Created")!);
            // Distinct: the harness collects the same records from the progress stream and from the host.
            var updates = result.Progress.Distinct().Where(p => p.RecordType != System.Management.Automation.ProgressRecordType.Completed).ToList();
            Assert.True(created > 400, $"{created} folders");
            // One update per 100 ms of the run at most, plus the last one.
            Assert.True(updates.Count >= 1 && updates.Count <= watch.ElapsedMilliseconds / 100 + 2,
                $"{updates.Count} updates in {watch.ElapsedMilliseconds} ms: " + string.Join("; ", updates.Select(p => p.StatusDescription)));
            Assert.Contains(updates, p => p.StatusDescription == $"{created} of {created} folders");
            Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
        }

        [Fact]
        public void Add_MlSolution_with_dates_and_optional_folders()
        {
            Run($"{NewBucket} | Add-MlSolution churn -Date 2024-01-01 -Include /shared").AssertNoErrors();
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "solutions", "churn", "data", "raw", "2024", "01", "01")));
            Assert.True(Directory.Exists(Path.Combine(BucketDir, "shared", "infrastructure")));
            Assert.False(Directory.Exists(Path.Combine(BucketDir, "client_config")));
        }

        [Fact]
        public void Show_MlLayout_from_a_bucket_draws_what_is_there()
        {
            var result = Run($"$b = {NewBucket}; $b | Add-MlSolution churn -Template simple-ml > $null; $b | Show-MlLayout").AssertNoErrors();
            var lines = result.Strings.ToList();
            Assert.Equal("s3://edge-dev-a001-us-west-2/", lines[0]);
            Assert.Equal("└── solutions/", lines[1]);
            Assert.Equal("    └── churn/", lines[2]);
            Assert.Contains("        ├── dataset/", lines);
            Assert.Contains("        │   ├── processed/", lines);
            Assert.DoesNotContain(lines, l => l.Contains(".s3mllayout"));
        }

        [Fact]
        public void Show_MlLayout_Formats_writes_each_folders_accepted_formats_beside_it()
        {
            var fromTemplate = Run("Show-MlLayout data-lifecycle -Solution churn -Formats").AssertNoErrors().Strings.ToList();
            var fromNodes = Run("Get-MlLayout -Template data-lifecycle -Solution churn | Show-MlLayout -Formats").AssertNoErrors().Strings.ToList();
            var plain = Run("Show-MlLayout data-lifecycle -Solution churn").AssertNoErrors().Strings.ToList();

            Assert.Contains("        └── data/             folders only", fromTemplate);
            Assert.Contains("            ├── raw/          .csv .json .xlsx", fromTemplate);
            Assert.Contains("            ├── interim/      .parquet", fromTemplate);
            Assert.Contains("            └── monitoring/   .csv .json", fromTemplate);
            Assert.Equal(fromTemplate, fromNodes);
            Assert.Equal(plain.Count, fromTemplate.Count);
            Assert.Contains("            ├── raw/", plain);
        }

        [Fact]
        public void Get_MlBucket_returns_the_declared_bucket()
        {
            Run(NewBucket).AssertNoErrors();
            var bucket = Run("Get-MlBucket edge-dev-a001-us-west-2 -LocalPath $d").AssertNoErrors().Output.Single();
            Assert.Equal("us-west-2", Prop(bucket, "Region"));
            Assert.Equal("dev", Prop(bucket, "Environment"));
            var missing = Run("Get-MlBucket edge-prod-a001-us-west-2 -LocalPath $d");
            Assert.Equal(new[] { "BucketNotFound" }, missing.ErrorIds);
        }

        [Fact]
        public void The_engine_types_load_in_the_default_context_and_its_third_party_half_in_the_module_private_context()
        {
            var result = Run(@"
function ContextOf($assembly) { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name }
$template = Get-MlLayoutTemplate simple-ml
ContextOf $template.GetType().Assembly
ContextOf (Get-Command Get-MlLayout).ImplementingType.Assembly
$private = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'S3MlLayout'
@($private).Count
$private.Assemblies | ForEach-Object { $_.GetName().Name }").AssertNoErrors();
            var lines = result.Strings.ToList();
            Assert.Equal("Default", lines[0]); // the engine core: every parameter and output type
            Assert.Equal("Default", lines[1]); // the cmdlet assembly itself is PowerShell's to load
            Assert.Equal("1", lines[2]);
            var isolated = lines.Skip(3).ToList();
            foreach (var name in new[] { "S3MlLayout.Engine.S3", "S3MlLayout.Engine.Yaml", "YamlDotNet", "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.SecurityToken" })
                Assert.Contains(name, isolated);
            Assert.DoesNotContain("S3MlLayout.Engine", isolated); // one core, shared: one MlBucket type
            Assert.DoesNotContain("S3MlLayout.PowerShell", isolated);
        }

        [Fact]
        public void Relative_LocalPath_resolves_against_the_PowerShell_location()
        {
            var result = Run("$null = $ExecutionContext.SessionState.Path.SetLocation($d); New-MlBucket -Override my-scratch-bucket -LocalPath .").AssertNoErrors();
            Assert.Equal(Path.Combine(_temp.Path, "my-scratch-bucket"), Prop(result.Output.Single(), "LocalPath"));
            Assert.True(Directory.Exists(Path.Combine(_temp.Path, "my-scratch-bucket")));
        }
    }
}
