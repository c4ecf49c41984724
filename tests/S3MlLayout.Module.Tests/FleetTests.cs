using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 10: a fleet kept as tenant files, onboarded on moto through plan -> apply, re-run with zero writes,
    /// reported clean in JUnit, then one bucket drifted and exactly that bucket failing.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class FleetTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _run = Guid.NewGuid().ToString("N").Substring(0, 6);

        public FleetTests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(Tenants);
            // Three tenants x three environments (the default dev, staging, prod) x two solutions.
            foreach (var n in new[] { 1, 2, 3 })
                File.WriteAllText(Path.Combine(Tenants, $"tenant{n}.yaml"),
                    $"companyPrefix: f{_run}\ntenantId: t00{n}\nregions: [us-east-1]\ntemplate: simple-ml\nsolutions: [churn, fraud]\n");
        }

        public void Dispose() => _temp.Dispose();

        private string Tenants => Path.Combine(_temp.Path, "tenants");
        private string Out(string file) => Path.Combine(_temp.Path, file);
        private IEnumerable<string> Buckets => from n in new[] { 1, 2, 3 } from e in new[] { "dev", "staging", "prod" } select $"f{_run}-{e}-t00{n}-us-east-1";

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(new Dictionary<string, object?>
            {
                ["d"] = Tenants, ["o"] = _temp.Path, ["endpoint"] = endpoint ?? _moto.Endpoint,
            }));

        private XDocument DriftReport(string name)
        {
            Run($@"$rows = Import-MlTenant $d | ForEach-Object {{ Get-MlBucket -BucketName $_.Name @conn -WarningAction SilentlyContinue }} | Get-MlLayoutDrift -Summary
$rows | Export-MlDriftReport ([IO.Path]::Combine($o, '{name}')) | Out-Null").AssertNoErrors();
            return XDocument.Load(Out(name));
        }

        [Fact]
        public void Plan_then_apply_onboards_the_fleet_a_rerun_writes_nothing_and_drift_fails_exactly_the_drifted_bucket()
        {
            var planned = Run($"$p = Get-MlFleetPlan $d @conn -OutFile ([IO.Path]::Combine($o, 'plan.json')) -MarkdownFile ([IO.Path]::Combine($o, 'plan.md'))\n'exit ' + $p.ExitCode\n'buckets ' + @($p.Buckets).Count\n'pending ' + $p.Pending")
                .AssertNoErrors();
            Assert.Equal(new[] { "exit 2", "buckets 9" }, planned.Strings.Take(2));
            Assert.All(Buckets, b => Assert.DoesNotContain(b, _moto.AwsJson("s3api list-buckets").ToString()));
            Assert.Contains("**", File.ReadAllText(Out("plan.md")));

            var applied = Run("Invoke-MlFleetPlan $d -PlanFile ([IO.Path]::Combine($o, 'plan.json')) @conn -Confirm:$false -WarningAction SilentlyContinue | Where-Object Solutions | ForEach-Object { $_.Solutions } | ForEach-Object { '{0} {1} {2}' -f $_.Bucket, $_.Solution, $_.Created }")
                .AssertNoErrors();
            Assert.Equal(18, applied.Strings.Count());
            foreach (var bucket in Buckets)
            {
                var keys = _moto.Keys(bucket, "solutions/");
                Assert.Contains("solutions/churn/", keys);
                Assert.Contains("solutions/fraud/", keys);
                Assert.Equal(2, _moto.Keys(bucket, ".s3mllayout/declared/solutions/").Count);
            }

            // A re-run: nothing pending, and applying sends no write.
            using (var proxy = new S3Proxy(_moto))
            {
                var again = Run("$p = Get-MlFleetPlan $d @conn\n'exit ' + $p.ExitCode\nInvoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null", proxy.Endpoint).AssertNoErrors();
                Assert.Equal(new[] { "exit 0" }, again.Strings);
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE") + proxy.Count("POST"));
            }

            var clean = DriftReport("clean.xml");
            Assert.Equal("27", clean.Root!.Attribute("tests")!.Value); // 9 buckets x (the bucket + 2 solutions)
            Assert.Equal("0", clean.Root.Attribute("failures")!.Value);

            string drifted = Buckets.ElementAt(4);
            _moto.Aws($"s3api delete-object --bucket {drifted} --key solutions/fraud/models/");
            var report = DriftReport("drift.xml");
            var failed = report.Descendants("testcase").Where(c => c.Element("failure") != null).ToList();
            Assert.Equal(new[] { (drifted, "fraud") }, failed.Select(c => (c.Attribute("classname")!.Value, c.Attribute("name")!.Value)));
        }

        [Fact]
        public void What_a_tenant_file_no_longer_declares_shows_in_the_plan_and_the_drift_summary_and_nothing_is_written_or_deleted_for_it()
        {
            Run("Invoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            // tenant1 drops a solution and an environment.
            File.WriteAllText(Path.Combine(Tenants, "tenant1.yaml"),
                $"companyPrefix: f{_run}\ntenantId: t001\nenvironments: [dev, staging]\nregions: [us-east-1]\ntemplate: simple-ml\nsolutions: [churn]\n");
            using (var proxy = new S3Proxy(_moto))
            {
                var planned = Run("$p = Get-MlFleetPlan $d @conn -MarkdownFile ([IO.Path]::Combine($o, 'plan.md'))\n'exit ' + $p.ExitCode\n'pending ' + $p.Pending\n" +
                                  "$p.NoLongerDeclared | ForEach-Object { '{0} {1}' -f $_.Kind, $_.Uri }\n" +
                                  "Invoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null", proxy.Endpoint).AssertNoErrors();
                Assert.Equal(new[] { "exit 2", "pending 0" }, planned.Strings.Take(2));
                Assert.Equal(new[]
                {
                    $"Bucket s3://f{_run}-prod-t001-us-east-1/",
                    $"Solution s3://f{_run}-dev-t001-us-east-1/solutions/fraud/",
                    $"Solution s3://f{_run}-staging-t001-us-east-1/solutions/fraud/",
                }, planned.Strings.Skip(2).OrderBy(l => l, StringComparer.Ordinal));
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE") + proxy.Count("POST"));
            }
            Assert.Contains("**3 no longer declared**", File.ReadAllText(Out("plan.md")));
            Assert.Contains("solutions/fraud/", string.Join(" ", _moto.Keys($"f{_run}-dev-t001-us-east-1", "solutions/")));

            var rows = Run("Import-MlTenant $d -Tenant t001 -EndpointUrl $endpoint -ForcePathStyle | New-MlBucket -AccessKey $ak -SecretKey $sk -WarningAction SilentlyContinue | " +
                           "Get-MlLayoutDrift -Summary | Where-Object { -not $_.InSync } | ForEach-Object { '{0} {1} {2}' -f $_.Bucket, $_.Solution, $_.NotDeclared }").AssertNoErrors();
            Assert.Equal(new[] { $"f{_run}-dev-t001-us-east-1 fraud 1", $"f{_run}-staging-t001-us-east-1 fraud 1" }, rows.Strings.OrderBy(l => l, StringComparer.Ordinal));
        }

        [Fact]
        public void Each_bucket_is_declared_then_gets_all_its_settings_at_once_and_only_then_its_other_objects()
        {
            string trace = Out("trace.jsonl");
            // Each kind of request is compiled on its first use, which can take longer than a round trip on a busy
            // machine: a first bucket is made before the one measured, as a long-running process would have.
            Run($"New-MlBucket -BucketName f{_run}-warm-up @conn -Region us-east-1 -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            // Setting PUTs (a query on the bucket itself) take a second more than the rest: sent at once, they overlap
            // by far more than a busy runner's scheduling delay; sent one after another, they could not.
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --slow-matching \"^PUT /[^/?]+\\?.\" --slow-ms 1000 --trace \"{trace}\""))
                Run("Invoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null", proxy.Endpoint).AssertNoErrors();
            var requests = S3Proxy.ReadTrace(trace);
            foreach (var bucket in Buckets)
            {
                var mine = requests.Where(r => r.Bucket == bucket).ToList();
                var settings = mine.Where(r => r.IsSettingPut).ToList();
                Assert.Equal(6, settings.Count); // public access block, ownership, encryption, versioning, tags, lifecycle (no TLS policy on http)
                var declaration = Assert.Single(mine, r => r.IsObjectPut && r.Key == ".s3mllayout/declared/bucket.json");
                Assert.True(declaration.End <= settings.Min(r => r.Start), $"{bucket}: the bucket is declared before any setting changes");
                Assert.True(settings.Max(r => r.Start) < settings.Min(r => r.End), $"{bucket}: its settings are sent at once, not one after another: " + string.Join(", ", settings.Select(r => $"{r.Query} {r.Start:F3}-{r.End:F3}")));
                // The solutions are declared once the bucket is; folders take the bucket's encryption and versioning, so they wait for the settings.
                var declarations = mine.Where(r => r.IsObjectPut && r.Key.StartsWith(".s3mllayout/declared/solutions/", StringComparison.Ordinal)).ToList();
                Assert.Equal(2, declarations.Count);
                Assert.True(declarations.Min(r => r.Start) >= declaration.End, $"{bucket}: a solution was declared before the bucket");
                var folders = mine.Where(r => r.IsObjectPut && r.Key.StartsWith("solutions/", StringComparison.Ordinal)).ToList();
                Assert.Contains(folders, r => r.Key == "solutions/churn/");
                Assert.True(folders.Min(r => r.Start) >= settings.Max(r => r.End), $"{bucket}: a folder was written before the settings were in place");
                Assert.True(folders.Min(r => r.Start) >= declarations.Max(r => r.End), $"{bucket}: a folder was written before its solution was declared");
            }
        }

        [Fact]
        public void A_new_KMS_bucket_names_its_key_on_the_documents_written_before_its_encryption_setting_lands()
        {
            const string key = "arn:aws:kms:us-east-1:123456789012:key/0b7c9b8e-5a1e-4f4e-9d43-7c1f1a2b3c4d";
            foreach (var n in new[] { 1, 2, 3 })
                File.WriteAllText(Path.Combine(Tenants, $"tenant{n}.yaml"),
                    $"companyPrefix: f{_run}\ntenantId: t00{n}\nregions: [us-east-1]\ntemplate: simple-ml\nsolutions: [churn, fraud]\nenvironments:\n  prod:\n    settings:\n      kmsKeyId: {key}\n");
            Run("Invoke-MlFleetPlan $d @conn -Tenant t001 -Environment prod -Confirm:$false -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            string bucket = $"f{_run}-prod-t001-us-east-1";
            foreach (var document in new[] { ".s3mllayout/declared/bucket.json", ".s3mllayout/declared/solutions/churn.json", ".s3mllayout/declared/solutions/fraud.json" })
            {
                var head = _moto.AwsJson($"s3api head-object --bucket {bucket} --key {document}");
                Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
                Assert.Equal(key, head.GetProperty("SSEKMSKeyId").GetString());
            }
            var encryption = _moto.AwsJson($"s3api get-bucket-encryption --bucket {bucket}").GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault");
            Assert.Equal("aws:kms", encryption.GetProperty("SSEAlgorithm").GetString());
        }

        [Fact]
        public void A_saved_plan_that_no_longer_holds_is_refused_with_what_moved_and_nothing_is_applied()
        {
            Run("Get-MlFleetPlan $d @conn -OutFile ([IO.Path]::Combine($o, 'plan.json')) | Out-Null").AssertNoErrors();
            // After the review, someone edits a tenant file.
            File.WriteAllText(Path.Combine(Tenants, "tenant2.yaml"), $"companyPrefix: f{_run}\ntenantId: t002\nregions: [us-east-1]\ntemplate: simple-ml\nsolutions: [churn, fraud, forecast]\n");
            var result = Run("Invoke-MlFleetPlan $d -PlanFile ([IO.Path]::Combine($o, 'plan.json')) @conn -Confirm:$false");
            var error = Assert.Single(result.Errors);
            Assert.Equal("FleetPlanStale", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("tenant file changed since the plan", error.Exception.Message);
            Assert.Contains("tenant2.yaml", error.Exception.Message);
            var existing = _moto.AwsJson("s3api list-buckets").ToString();
            Assert.All(Buckets, b => Assert.DoesNotContain(b, existing));
        }
    }
}
