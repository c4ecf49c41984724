using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 14, failures 2, 6 and 9 on a real S3 API (moto, faults from bench/s3_proxy.py): lifecycle rules that reach
    /// the module's records or whole solutions, endpoint URLs carrying secrets, and Get-MlBucket's silent drops.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class HostileBucketS3Tests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _company = "h" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private const string Secret = "hunter2-never-stored-7d1a";

        public HostileBucketS3Tests(MotoServer moto) { _moto = moto; }

        public void Dispose() => _temp.Dispose();

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = endpoint ?? _moto.Endpoint, ["d"] = _temp.Path }));

        private string Bucket(string tenant) => $"{_company}-dev-{tenant}-us-east-1";

        private bool Exists(string bucket) => _moto.AwsJson("s3api list-buckets").ToString().Contains(bucket, StringComparison.Ordinal);

        private string TenantFile(string lifecycle)
        {
            string file = Path.Combine(_temp.Path, "tenants", "t.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, $"companyPrefix: {_company}\ntenantId: a001\nregions: [us-east-1]\nenvironments: [dev]\ntemplate: simple-ml\nsolutions: [churn]\nsettings:\n  lifecycle:\n{lifecycle}");
            return file;
        }

        [Theory]
        [InlineData(".", "LifecycleRuleReserved")]
        [InlineData(".s3", "LifecycleRuleReserved")]
        [InlineData(".s3mllayou", "LifecycleRuleReserved")]
        [InlineData("", "LifecycleRuleReserved")]
        [InlineData(".s3mllayout/audit/", "LifecycleRuleReserved")]
        [InlineData("solutions/", "LifecycleRuleNotAcknowledged")]
        [InlineData("solutions/x/", "LifecycleRuleNotAcknowledged")]
        public void A_lifecycle_rule_over_the_module_records_or_unacknowledged_whole_solutions_is_refused_before_any_request(string prefix, string errorId)
        {
            string tenantErrorId = errorId == "LifecycleRuleReserved" ? "TenantInvalidValue" : "TenantLifecycleNotAcknowledged";
            string file = TenantFile($"    - prefix: \"{prefix}\"\n      expirationDays: 1\n");
            using var proxy = new S3Proxy(_moto);
            var direct = Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -LifecycleRule @{{ Prefix = '{prefix}'; ExpirationDays = 1 }}", proxy.Endpoint);
            Assert.Equal(new[] { errorId }, direct.ErrorIds);
            Assert.Equal("LifecycleRule", direct.Errors[0].TargetObject);
            var fleet = Run("Get-MlFleetPlan ([IO.Path]::Combine($d, 'tenants')) @conn", proxy.Endpoint);
            Assert.Equal(tenantErrorId, Assert.Single(fleet.ErrorIds));
            Assert.StartsWith($"{file}:9:", (string)fleet.Errors[0].TargetObject);
            // Nothing was sent: no request at all reached the endpoint, and the bucket does not exist.
            Assert.Equal(0, proxy.Count("total"));
            Assert.False(Exists(Bucket("a001")));
        }

        [Fact]
        public void An_acknowledged_whole_solution_rule_is_applied_and_flagged_in_the_plan_object_JSON_Markdown_and_New_MlBucket()
        {
            TenantFile("    - prefix: solutions/\n      expirationDays: 400\n      acknowledge: covers-whole-solutions\n    - prefix: solutions/churn/data/raw/\n      transitionDays: 30\n");
            var plan = Run(@"$p = Get-MlFleetPlan ([IO.Path]::Combine($d, 'tenants')) @conn -OutFile ([IO.Path]::Combine($d, 'plan.json')) -MarkdownFile ([IO.Path]::Combine($d, 'plan.md'))
$p.Warnings").AssertNoErrors();
            var warning = Assert.Single(plan.Strings);
            Assert.Contains("'solutions/'", warning);
            Assert.Contains("covers whole solutions", warning);

            var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_temp.Path, "plan.json"))).RootElement;
            var flagged = Assert.Single(json.GetProperty("warnings").EnumerateArray());
            Assert.Equal(("LifecycleCoversWholeSolutions", Bucket("a001"), "solutions/"),
                (flagged.GetProperty("kind").GetString(), flagged.GetProperty("bucket").GetString(), flagged.GetProperty("prefix").GetString()));
            var markdown = File.ReadAllLines(Path.Combine(_temp.Path, "plan.md"));
            var line = Assert.Single(markdown, l => l.StartsWith("- **Warning**", StringComparison.Ordinal));
            Assert.Contains($"`{Bucket("a001")}`", line);
            Assert.Contains("`solutions/`", line);

            Run("Invoke-MlFleetPlan ([IO.Path]::Combine($d, 'tenants')) -PlanFile ([IO.Path]::Combine($d, 'plan.json')) @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            var rules = _moto.AwsJson($"s3api get-bucket-lifecycle-configuration --bucket {Bucket("a001")}").GetProperty("Rules").EnumerateArray()
                .Select(r => r.TryGetProperty("Filter", out var filter) && filter.TryGetProperty("Prefix", out var p) ? p.GetString() : r.TryGetProperty("Prefix", out var q) ? q.GetString() : null).ToList();
            Assert.Contains("solutions/", rules);

            // The parameter path: the same rule needs Acknowledge, and New-MlBucket warns of it.
            var direct = Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId b002 -Region us-east-1 @conn -LifecycleRule @{{ Prefix = 'solutions/'; ExpirationDays = 400; Acknowledge = 'covers-whole-solutions' }} | Out-Null").AssertNoErrors();
            Assert.Single(direct.Warnings, w => w.Contains("covers whole solutions", StringComparison.Ordinal));
        }

        /// <summary>Every text a run showed: output, errors (message, target, exception), warnings, verbose, debug, host.</summary>
        private static IEnumerable<string> Everything(ScriptResult result) =>
            result.Strings.Concat(result.Warnings).Concat(result.Verbose).Concat(result.Debug).Concat(result.HostLines)
                .Concat(result.Errors.SelectMany(e => new[] { e.ToString(), e.TargetObject?.ToString() ?? "", e.Exception?.ToString() ?? "", e.ErrorDetails?.Message ?? "" }))
                .Concat(result.Output.SelectMany(o => o.Properties.Select(p => p.Value?.ToString() ?? "")));

        /// <summary>Every object body under every bucket of this test: the audit log, declarations, markers.</summary>
        private IEnumerable<string> StoredBodies(string bucket)
        {
            foreach (var key in _moto.Keys(bucket))
            {
                string file = Path.GetTempFileName();
                _moto.Aws($"s3api get-object --bucket {bucket} --key {key} {file}");
                yield return key + "\n" + File.ReadAllText(file);
                File.Delete(file);
            }
        }

        [Fact]
        public void An_endpoint_URL_carrying_credentials_or_a_token_is_refused_on_every_cmdlet_and_the_secret_shows_up_nowhere()
        {
            string existing = Bucket("a001");
            Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            TenantFile("    - prefix: logs/\n      expirationDays: 30\n");
            var port = new Uri(_moto.Endpoint).Port;
            foreach (var endpoint in new[] { $"http://user:{Secret}@127.0.0.1:{port}", $"http://127.0.0.1:{port}/?X-Amz-Security-Token={Secret}" })
            {
                var result = Run($@"$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
$bad = @{{ EndpointUrl = '{endpoint}'; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }}
New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId c003 -Region us-east-1 @bad
Get-MlBucket {existing} @bad
Get-MlBucket @bad
New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @bad | Add-MlSolution churn -Template simple-ml
Import-MlTenant ([IO.Path]::Combine($d, 'tenants')) -EndpointUrl '{endpoint}'
Get-MlFleetPlan ([IO.Path]::Combine($d, 'tenants')) -EndpointUrl '{endpoint}'");
                Assert.Equal(Enumerable.Repeat("EndpointUrlHasCredentials", 6), result.ErrorIds);
                Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
                Assert.DoesNotContain(Everything(result), t => t.Contains(Secret, StringComparison.Ordinal));
            }

            // The same from the environment variables, in a process of its own.
            string script = Path.Combine(_temp.Path, "env.ps1");
            File.WriteAllText(script, $@"Import-Module '{ModuleSession.ManifestPath}'
$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
foreach ($name in 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL') {{
  Set-Item ""env:$name"" 'http://user:{Secret}@127.0.0.1:{port}'
  try {{ New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId d004 -Region us-east-1 -ForcePathStyle *>&1 | ForEach-Object {{ ""$_"" }} }}
  catch {{ 'ERROR ' + $_.FullyQualifiedErrorId + ' ' + $_ + ' ' + $_.TargetObject }}
  Remove-Item ""env:$name""
}}
");
            var env = PwshProcess.RunFile(script, Array.Empty<string>(), new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKIAMOTOTESTKEY00001", ["AWS_SECRET_ACCESS_KEY"] = "x" });
            Assert.Equal(2, env.Output.Count(l => l.StartsWith("ERROR EndpointUrlHasCredentials", StringComparison.Ordinal)));
            Assert.Contains(env.Output, l => l.Contains("AWS_ENDPOINT_URL_S3", StringComparison.Ordinal));
            Assert.DoesNotContain(env.Output.Concat(env.Errors), l => l.Contains(Secret, StringComparison.Ordinal));

            // Nothing was written: no new bucket, and nothing stored in the existing one (audit log included) holds the secret.
            Assert.False(Exists(Bucket("c003")));
            Assert.False(Exists(Bucket("d004")));
            Assert.Empty(_moto.Keys(existing, "solutions/"));
            Assert.DoesNotContain(StoredBodies(existing), b => b.Contains(Secret, StringComparison.Ordinal));
        }

        [Fact]
        public void Get_MlBucket_reports_each_unreadable_or_invalid_bucket_as_an_error_and_still_lists_the_good_ones()
        {
            // Two good buckets; three untagged ones whose bucket.json is then spoiled; one tagged whose bucket.json is denied.
            Run($@"foreach ($t in 'a001', 'b002', 'e005') {{ New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId $t -Region us-east-1 @conn -WarningAction SilentlyContinue | Out-Null }}
foreach ($t in 'c003', 'd004', 'f006') {{ New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId $t -Region us-east-1 @conn -SkipDefault Tags, Versioning -WarningAction SilentlyContinue | Out-Null }}
New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId g007 -Region us-east-1 @conn -SkipDefault Versioning -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            // A tagged bucket whose tenant tag someone rewrote with characters the module never writes.
            string tagging = Path.Combine(_temp.Path, "tagging.json");
            File.WriteAllText(tagging, $"{{\"TagSet\":[{{\"Key\":\"managed-by\",\"Value\":\"S3MlLayout\"}},{{\"Key\":\"company\",\"Value\":\"{_company}\"}},{{\"Key\":\"environment\",\"Value\":\"dev\"}},{{\"Key\":\"tenant\",\"Value\":\"g007 x:y/@\"}}]}}");
            _moto.Aws($"s3api put-bucket-tagging --bucket {Bucket("g007")} --tagging file://{tagging}");
            var spoiled = new Dictionary<string, string>
            {
                [Bucket("c003")] = "{ not json",
                [Bucket("d004")] = $"{{\"schema\":2,\"name\":\"{Bucket("d004")}\",\"companyPrefix\":\"{_company}\",\"environment\":\"dev\",\"tenantId\":\"d004\"}}",
                [Bucket("f006")] = $"{{\"schema\":1,\"name\":\"{Bucket("f006")}\",\"companyPrefix\":\"{_company}\",\"environment\":\"dev\",\"tenantId\":\"f006\\u0007<img src=x onerror=alert(1)>\"}}",
            };
            foreach (var (bucket, body) in spoiled)
            {
                string file = Path.Combine(_temp.Path, bucket + ".json");
                File.WriteAllText(file, body);
                _moto.Aws($"s3api put-object --bucket {bucket} --key .s3mllayout/declared/bucket.json --body {file}");
            }
            try
            {
                using var proxy = new S3Proxy(_moto, $"--forbid-read {Bucket("e005")}/.s3mllayout/declared/bucket.json");
                var result = Run($"Get-MlBucket -CompanyPrefix {_company} -IncludeSettings @conn | ForEach-Object Name", proxy.Endpoint);
                Assert.Equal(new[] { Bucket("a001"), Bucket("b002") }, result.Strings);
                Assert.True(proxy.Count("faults") >= 1);
                var errors = result.Errors.Select(e => (Bucket: spoiled.Keys.Append(Bucket("e005")).Append(Bucket("g007")).Single(b => e.TargetObject.ToString()!.StartsWith($"s3://{b}/", StringComparison.Ordinal)), Id: e.FullyQualifiedErrorId.Split(',')[0]))
                    .OrderBy(e => e.Bucket, StringComparer.Ordinal).ToList();
                Assert.Equal(new[] { Bucket("c003"), Bucket("d004"), Bucket("e005"), Bucket("f006"), Bucket("g007") }, errors.Select(e => e.Bucket));
                Assert.Equal("BucketTagsInvalid", errors[4].Id);
                Assert.Equal("DeclarationInvalid", errors[0].Id);
                Assert.Equal("DeclarationInvalid", errors[1].Id);
                Assert.Equal("DeclarationInvalid", errors[3].Id);
                Assert.Equal("ObjectReadFailed", errors[2].Id);
                var denied = result.Errors.Single(e => e.TargetObject.ToString()!.StartsWith($"s3://{Bucket("e005")}/", StringComparison.Ordinal));
                Assert.Equal((ErrorCategory.PermissionDenied, true), (denied.CategoryInfo.Category, denied.ToString().Contains("AccessDenied (403)", StringComparison.Ordinal)));
                Assert.DoesNotContain(result.Errors, e => e.ToString().Contains("<img", StringComparison.Ordinal) || e.ToString().Contains('\u0007'));
            }
            finally
            {
                // Leave no spoiled bucket behind for the other listings on this moto.
                foreach (var bucket in spoiled.Keys.Append(Bucket("g007"))) _moto.Aws($"s3 rb s3://{bucket} --force");
            }
        }
    }

    /// <summary>Issue 14, failure 9 on the local target: the same listing, with a bucket.json that cannot be read.</summary>
    public sealed class HostileBucketLocalTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();

        public void Dispose() => _temp.Dispose();

        private ScriptResult Run(string script) => ModuleSession.Run(script, new Dictionary<string, object?> { ["d"] = _temp.Path });

        private string Record(string tenant) => Path.Combine(_temp.Path, $"edge-dev-{tenant}-us-west-2", ".s3mllayout", "declared", "bucket.json");

        [Fact]
        public void Get_MlBucket_reports_each_unreadable_or_invalid_bucket_json_as_an_error_and_still_lists_the_good_ones()
        {
            Run("foreach ($t in 'a001', 'b002', 'c003', 'd004', 'e005', 'f006') { New-MlBucket -CompanyPrefix edge -Environment dev -TenantId $t -Region us-west-2 -LocalPath $d | Out-Null }").AssertNoErrors();
            File.WriteAllText(Record("c003"), "{ not json");
            File.WriteAllText(Record("d004"), File.ReadAllText(Record("d004")).Replace("\"schema\": 1", "\"schema\": 7").Replace("\"schema\":1", "\"schema\":7"));
            File.WriteAllText(Record("f006"), File.ReadAllText(Record("f006")).Replace("\"f006\"", "\"f006\\u001b[31m</details>\""));
            // Unreadable as root too: the record is a link leading out of the bucket directory.
            string outside = Path.Combine(_temp.Path, "outside.json");
            File.Copy(Record("e005"), outside);
            File.Delete(Record("e005"));
            File.CreateSymbolicLink(Record("e005"), outside);
            Assert.Contains("7", File.ReadAllText(Record("d004")));

            var result = Run("Get-MlBucket -LocalPath $d | ForEach-Object Name");
            Assert.Equal(new[] { "edge-dev-a001-us-west-2", "edge-dev-b002-us-west-2" }, result.Strings);
            var errors = result.Errors.OrderBy(e => e.TargetObject.ToString(), StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { "c003", "d004", "e005", "f006" }, errors.Select(e => e.TargetObject.ToString()!.Split("edge-dev-")[1].Substring(0, 4)));
            Assert.Equal(new[] { "DeclarationInvalid", "DeclarationInvalid", "PathOutsideBucket", "DeclarationInvalid" }, errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Contains("schema is 7", errors[1].ToString());
            Assert.Contains("'TenantId'", errors[3].ToString());
            Assert.DoesNotContain("</details>", errors[3].ToString());
        }
    }
}
