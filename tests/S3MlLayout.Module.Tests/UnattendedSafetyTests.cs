using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 7: races, lost replies and interruptions on a real S3 API (moto), with the faults injected by the
    /// loopback proxy (bench/s3_proxy.py). Each test failed before its fix.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class UnattendedSafetyTests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "u" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public UnattendedSafetyTests(MotoServer moto) { _moto = moto; }

        private string Bucket => $"{_company}-dev-a001-us-east-1";

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(endpoint == null ? null : new Dictionary<string, object?> { ["endpoint"] = endpoint }));

        private void NewBucket(string extra = "", string? endpoint = null) =>
            Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue {extra}", endpoint).AssertNoErrors();

        /// <summary>A template in two versions: 1.1.0 renames data/interim to data/staging.</summary>
        private static string RenameTemplates()
        {
            string directory = Path.Combine(Path.GetTempPath(), "s3mllayout-rename-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "v1.yaml"), "name: racy\nversion: 1.0.0\nfolders:\n  - name: data\n    folders:\n      - name: raw\n      - name: interim\n");
            File.WriteAllText(Path.Combine(directory, "v2.yaml"), "name: racy\nversion: 1.1.0\nfolders:\n  - name: data\n    folders:\n      - name: raw\n      - name: staging\nrename:\n  - from: data/interim\n    to: staging\n");
            return directory;
        }

        private List<JsonElement> AuditRecords() =>
            _moto.Keys(Bucket, ".s3mllayout/audit/").Select(key =>
            {
                string file = Path.GetTempFileName();
                _moto.Aws($"s3api get-object --bucket {Bucket} --key {key} {file}");
                var record = JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
                File.Delete(file);
                return record;
            }).ToList();

        private static List<string> Strings(JsonElement record, string property) =>
            record.TryGetProperty(property, out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : new List<string>();

        private string ObjectBody(string key)
        {
            string file = Path.GetTempFileName();
            _moto.Aws($"s3api get-object --bucket {Bucket} --key {key} {file}");
            string body = File.ReadAllText(file);
            File.Delete(file);
            return body;
        }

        [Fact]
        public void Settings_refused_with_OperationAborted_while_the_bucket_settles_are_sent_again_and_all_land()
        {
            using (var proxy = new S3Proxy(_moto, "--abort-first-setting"))
            {
                NewBucket(endpoint: proxy.Endpoint);
                // Six settings sent at once, each refused once with 409 OperationAborted, each sent again.
                Assert.Equal(6, proxy.Count("faults"));
                Assert.Equal(1 + 6 * 2, proxy.Count("PUT_BUCKET"));
            }
            Assert.Equal("Enabled", _moto.AwsJson($"s3api get-bucket-versioning --bucket {Bucket}").GetProperty("Status").GetString());
            Assert.Equal("AES256", _moto.AwsJson($"s3api get-bucket-encryption --bucket {Bucket}").GetProperty("ServerSideEncryptionConfiguration")
                .GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
            var drift = Run($"Get-MlBucket {Bucket} @conn | Get-MlLayoutDrift | ForEach-Object {{ $_.Category + ' ' + $_.Key }}").AssertNoErrors();
            Assert.Empty(drift.Strings);
        }

        [Fact]
        public void On_an_unversioned_bucket_Update_never_deletes_an_object_written_at_an_old_marker_after_the_listing()
        {
            NewBucket("-SkipDefault Versioning");
            string templates = RenameTemplates();
            Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template '{Path.Combine(templates, "v1.yaml")}'").AssertNoErrors();

            using (var proxy = new S3Proxy(_moto, "--write-before-delete"))
            {
                var result = Run($"Get-MlBucket {Bucket} @conn | Update-MlSolution churn -Template '{Path.Combine(templates, "v2.yaml")}'", proxy.Endpoint).AssertNoErrors();
                Assert.True(proxy.Count("faults") >= 1, "the proxy wrote data at the old marker before the delete");
                Assert.Equal("user data written during the run", ObjectBody("solutions/churn/data/interim/"));
                // The conditional delete on the listed ETag was refused, so the marker key (now holding data) stays and is reported.
                Assert.Equal(new[] { "solutions/churn/data/interim/" }, ((IEnumerable<string>)Prop(result.Output.Single(), "MarkersLeft")!).ToArray());
                Assert.Contains(result.Warnings, w => w.Contains("left in place") && w.Contains("written at them after they were listed"));
            }
            Assert.Equal("user data written during the run", ObjectBody("solutions/churn/data/interim/"));
            Assert.Contains("solutions/churn/data/staging/", _moto.Keys(Bucket, "solutions/churn/data/"));
        }

        [Fact]
        public void On_a_versioned_bucket_Update_deletes_only_the_listed_marker_version_and_data_written_since_stays_current()
        {
            NewBucket();
            string templates = RenameTemplates();
            Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template '{Path.Combine(templates, "v1.yaml")}'").AssertNoErrors();

            using (var proxy = new S3Proxy(_moto, "--write-before-any-delete"))
            {
                var result = Run($"Get-MlBucket {Bucket} @conn | Update-MlSolution churn -Template '{Path.Combine(templates, "v2.yaml")}'", proxy.Endpoint).AssertNoErrors();
                Assert.True(proxy.Count("faults") >= 1, "the proxy wrote data at the old marker before the delete");
                Assert.Equal("user data written during the run", ObjectBody("solutions/churn/data/interim/"));
                Assert.Empty((IEnumerable<string>)Prop(result.Output.Single(), "MarkersLeft")!);
            }
            // The delete named the marker's version: the data written after it is the current object, untouched,
            // and no delete marker hides it.
            Assert.Equal("user data written during the run", ObjectBody("solutions/churn/data/interim/"));
            var versions = _moto.AwsJson($"s3api list-object-versions --bucket {Bucket} --prefix solutions/churn/data/interim/");
            Assert.False(versions.TryGetProperty("DeleteMarkers", out var markers) && markers.GetArrayLength() > 0, "no delete marker");
            Assert.Equal(1, versions.GetProperty("Versions").GetArrayLength());
        }

        [Fact]
        public void Update_removes_an_untouched_old_marker_by_its_ETag_on_an_unversioned_bucket()
        {
            NewBucket("-SkipDefault Versioning");
            string templates = RenameTemplates();
            Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template '{Path.Combine(templates, "v1.yaml")}'").AssertNoErrors();
            var result = Run($"Get-MlBucket {Bucket} @conn | Update-MlSolution churn -Template '{Path.Combine(templates, "v2.yaml")}'").AssertNoErrors();
            Assert.Empty((IEnumerable<string>)Prop(result.Output.Single(), "MarkersLeft")!);
            var keys = _moto.Keys(Bucket, "solutions/churn/data/");
            Assert.DoesNotContain("solutions/churn/data/interim/", keys);
            Assert.Contains("solutions/churn/data/staging/", keys);
            // The conditional-delete probe cleaned up after itself.
            Assert.Empty(_moto.Keys(Bucket, ".s3mllayout/probe/"));
        }

        [Fact]
        public void On_a_store_that_ignores_delete_conditions_the_old_marker_is_left_and_reported()
        {
            NewBucket("-SkipDefault Versioning");
            string templates = RenameTemplates();
            Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template '{Path.Combine(templates, "v1.yaml")}'").AssertNoErrors();
            using var proxy = new S3Proxy(_moto, "--ignore-delete-conditions");
            var result = Run($"Get-MlBucket {Bucket} @conn | Update-MlSolution churn -Template '{Path.Combine(templates, "v2.yaml")}'", proxy.Endpoint).AssertNoErrors();
            Assert.Equal(new[] { "solutions/churn/data/interim/" }, ((IEnumerable<string>)Prop(result.Output.Single(), "MarkersLeft")!).ToArray());
            Assert.Contains(result.Warnings, w => w.Contains("can neither delete by version") && w.Contains("on a condition"));
            Assert.Contains("solutions/churn/data/interim/", _moto.Keys(Bucket, "solutions/churn/data/"));
            Assert.Empty(_moto.Keys(Bucket, ".s3mllayout/probe/"));
        }

        [Fact]
        public async Task Of_two_concurrent_Add_MlSolution_runs_with_different_templates_exactly_one_wins()
        {
            NewBucket();
            using var proxy = new S3Proxy(_moto, "--delay-ms 150");
            var runs = await Task.WhenAll(new[] { "simple-ml", "databricks" }.Select(template => Task.Run(() =>
                Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template {template}", proxy.Endpoint))));

            var winners = runs.Where(r => r.Errors.Count == 0).ToList();
            var losers = runs.Where(r => r.Errors.Count > 0).ToList();
            Assert.Single(winners);
            Assert.Single(losers);
            Assert.Equal(new[] { "SolutionTemplateMismatch" }, losers[0].ErrorIds.ToArray());
            string winner = (string)Prop(winners[0].Output.Single(), "Template")!;

            // The declaration and the tree are the winner's alone: the loser wrote no folder.
            var declaration = JsonDocument.Parse(ObjectBody(".s3mllayout/declared/solutions/churn.json")).RootElement;
            Assert.Equal(winner, declaration.GetProperty("template").GetString());
            var expected = Run($"Get-MlLayout {winner} -Solution churn | ForEach-Object Key").Strings.ToHashSet();
            var actual = _moto.Keys(Bucket, "solutions/").ToHashSet();
            Assert.True(expected.SetEquals(actual), $"only {winner}'s folders: extra {string.Join(", ", actual.Except(expected))}");
        }

        [Fact]
        public void A_declaration_changed_by_another_run_is_never_overwritten_and_the_same_template_is_accepted()
        {
            NewBucket();
            Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template simple-ml").AssertNoErrors();
            // A second run with the same template changes nothing and is not refused.
            var again = Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template simple-ml").AssertNoErrors();
            Assert.Equal(0, (int)Prop(again.Output.Single(), "Created")!);
            var refused = Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template databricks");
            Assert.Equal(new[] { "SolutionTemplateMismatch" }, refused.ErrorIds.ToArray());
            Assert.Equal("simple-ml", JsonDocument.Parse(ObjectBody(".s3mllayout/declared/solutions/churn.json")).RootElement.GetProperty("template").GetString());
        }

        [Fact]
        public void After_lost_replies_the_audit_record_counts_every_key_this_run_created_and_is_written_once()
        {
            NewBucket();
            int auditsBefore = AuditRecords().Count;
            using (var proxy = new S3Proxy(_moto, "--lose-first-put-reply"))
            {
                var result = Run($"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -Template databricks", proxy.Endpoint).AssertNoErrors();
                Assert.True(proxy.Count("faults") >= 24, $"every first PUT lost its reply: {proxy.Count("faults")}");
                Assert.Equal(24, (int)Prop(result.Output.Single(), "Created")!);
            }
            var records = AuditRecords();
            Assert.Equal(auditsBefore + 1, records.Count);
            var record = records.Single(r => r.GetProperty("cmdlet").GetString() == "Add-MlSolution");
            var created = Strings(record, "keysCreated");
            Assert.Equal(24, created.Count);
            Assert.True(created.ToHashSet().SetEquals(_moto.Keys(Bucket, "solutions/")));
            Assert.Equal("Completed", record.GetProperty("outcome").GetString());
        }

        [Fact]
        public void A_run_stopped_by_Ctrl_C_still_writes_one_audit_record_and_has_declared_its_layout()
        {
            NewBucket();
            using (var proxy = new S3Proxy(_moto, "--delay-ms 300"))
            {
                var variables = _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint });
                var stopTook = ModuleSession.RunAndStop(Connection + $"Get-MlBucket {Bucket} @conn | Add-MlSolution churn -ThrottleLimit 2", variables, TimeSpan.FromSeconds(8));
                Assert.True(stopTook < TimeSpan.FromSeconds(4), $"stopping took {stopTook}");
            }
            var markers = _moto.Keys(Bucket, "solutions/");
            Assert.InRange(markers.Count, 1, 100);
            var record = Assert.Single(AuditRecords(), r => r.GetProperty("cmdlet").GetString() == "Add-MlSolution");
            Assert.Equal("Stopped", record.GetProperty("outcome").GetString());
            var created = Strings(record, "keysCreated");
            var interrupted = Strings(record, "keysInterrupted");
            var notAttempted = Strings(record, "keysNotAttempted");
            // Every key is accounted for: created (and present), in flight when stopped, or never sent.
            Assert.Equal(112, created.Count + interrupted.Count + notAttempted.Count);
            Assert.True(created.ToHashSet().IsSubsetOf(markers), "every key recorded as created exists");
            Assert.True(markers.ToHashSet().IsSubsetOf(created.Concat(interrupted)), "every marker in the bucket is recorded");
            // The layout was declared before the first folder was written.
            Assert.Equal("master-solution", JsonDocument.Parse(ObjectBody(".s3mllayout/declared/solutions/churn.json")).RootElement.GetProperty("template").GetString());
        }
    }
}
