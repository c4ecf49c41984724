using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 17, item 1: an S3 Inventory configuration provisioned as a bucket setting from a tenant file and from
    /// New-MlBucket: planned, applied with the destination's policy statement, read back by the AWS CLI, re-run with no
    /// write, and reported by drift when someone changes it.
    ///
    /// moto stores inventory configurations but does not store IncludedObjectVersions: GetBucketInventoryConfiguration
    /// always answers 'All' (and the list call answers OptionalFields ['Field'], which is why the module reads by id).
    /// So these tests declare 'versions: All', the one value moto echoes truly; Current is covered against the
    /// comparison itself (InventorySettingTests). Everything else is compared as S3 would answer it.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class InventoryProvisioningTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _run = Guid.NewGuid().ToString("N").Substring(0, 6);

        public InventoryProvisioningTests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(Tenants);
        }

        public void Dispose() => _temp.Dispose();

        private string Tenants => Path.Combine(_temp.Path, "tenants");
        private string Source => $"i{_run}-dev-t001-us-east-1";
        private string Central => $"i{_run}-central-inventory";

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(new Dictionary<string, object?> { ["d"] = Tenants, ["o"] = _temp.Path, ["endpoint"] = endpoint ?? _moto.Endpoint }));

        private void Tenant(string inventory) =>
            File.WriteAllText(Path.Combine(Tenants, "t001.yaml"),
                $"companyPrefix: i{_run}\ntenantId: t001\nregions: [us-east-1]\nenvironments: [dev]\ntemplate: simple-ml\nsolutions: [churn]\nsettings:\n  inventory:\n{inventory}");

        private static IEnumerable<string> Findings(ScriptResult result) =>
            result.Output.Select(o => $"{Prop(o, "Category")} {Prop(o, "Key")}");

        private JsonElement Inventory(string bucket, string id = "s3mllayout") =>
            _moto.AwsJson($"s3api get-bucket-inventory-configuration --bucket {bucket} --id {id}").GetProperty("InventoryConfiguration");

        private JsonElement PolicyStatements(string bucket, bool tls = false)
        {
            var policy = _moto.AwsJson($"s3api get-bucket-policy --bucket {bucket}", tls).GetProperty("Policy").GetString()!;
            var statements = JsonDocument.Parse(policy).RootElement.GetProperty("Statement");
            return statements.Clone();
        }

        private static JsonElement Statement(JsonElement statements, string sid) =>
            statements.EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == sid);

        private const string UserPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"UserAuditorsRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}";

        private void PutPolicy(string bucket, string policy)
        {
            string file = Path.Combine(_temp.Path, "policy.json");
            File.WriteAllText(file, policy.Replace("BUCKET", bucket));
            _moto.Aws($"s3api put-bucket-policy --bucket {bucket} --policy file://{file}");
        }

        [Fact]
        public void A_tenant_files_inventory_is_planned_applied_with_its_destination_policy_rerun_without_writes_and_drift_names_it()
        {
            // The recommended setup: reports in another bucket, whose owner already has a statement of their own.
            _moto.Aws($"s3api create-bucket --bucket {Central}");
            PutPolicy(Central, UserPolicy);
            Tenant($"    frequency: weekly\n    format: Parquet\n    versions: All\n    fields: [IsMultipartUploaded]\n    destination: s3://{Central}/reports/\n");

            var planned = Run("$p = Get-MlFleetPlan $d @conn -OutFile ([IO.Path]::Combine($o, 'plan.json')) -MarkdownFile ([IO.Path]::Combine($o, 'plan.md'))\n'exit ' + $p.ExitCode").AssertNoErrors();
            Assert.Equal(new[] { "exit 2" }, planned.Strings);
            string markdown = File.ReadAllText(Path.Combine(_temp.Path, "plan.md"));
            string json = File.ReadAllText(Path.Combine(_temp.Path, "plan.json"));
            // The saved plan holds each change as its line (covered by the digest), the Markdown the same, escaped for Markdown.
            var lines = JsonDocument.Parse(json).RootElement.GetProperty("buckets")[0].GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("action").GetString()).ToList();
            Assert.Contains("Set Inventory: (none) -> s3mllayout: Weekly Parquet, all versions, fields Size, LastModifiedDate, StorageClass, ETag, IsMultipartUploaded -> s3://" + Central + "/reports/", lines);
            Assert.Contains($"Set InventoryPolicy: (unknown) -> s3://{Central}/ policy lets S3 write reports/", lines);
            Assert.Contains("Set InventoryPolicy", markdown);
            Assert.Contains(@"s3mllayout\: Weekly Parquet\, all versions", markdown);

            Run("Invoke-MlFleetPlan $d -PlanFile ([IO.Path]::Combine($o, 'plan.json')) @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();

            // Read back by an independent client.
            var inventory = Inventory(Source);
            Assert.Equal("Weekly", inventory.GetProperty("Schedule").GetProperty("Frequency").GetString());
            var destination = inventory.GetProperty("Destination").GetProperty("S3BucketDestination");
            Assert.Equal(($"arn:aws:s3:::{Central}", "reports", "Parquet"),
                (destination.GetProperty("Bucket").GetString(), destination.GetProperty("Prefix").GetString(), destination.GetProperty("Format").GetString()));
            Assert.Equal(new[] { "ETag", "IsMultipartUploaded", "LastModifiedDate", "Size", "StorageClass" },
                inventory.GetProperty("OptionalFields").EnumerateArray().Select(f => f.GetString()).OrderBy(f => f, StringComparer.Ordinal));
            var statements = PolicyStatements(Central);
            Statement(statements, "UserAuditorsRead"); // the owner's statement is kept
            var ours = Statement(statements, $"S3MlLayoutInventory-{Source}");
            Assert.Equal("s3.amazonaws.com", ours.GetProperty("Principal").GetProperty("Service").GetString());
            Assert.Equal("s3:PutObject", ours.GetProperty("Action").GetString());
            Assert.Equal($"arn:aws:s3:::{Central}/reports/*", ours.GetProperty("Resource").GetString());
            Assert.Equal($"arn:aws:s3:::{Source}", ours.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString());
            Assert.Equal("123456789012", ours.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetString()); // moto's account (STS)

            // The module reads it back as declared: no BucketSetting finding.
            Assert.DoesNotContain(Findings(Run($"Get-MlBucket -BucketName {Source} @conn | Get-MlLayoutDrift").AssertNoErrors()), f => f.StartsWith("BucketSetting"));

            // A re-run: nothing pending, and applying sends no write (STS's POST is a read; none is counted here).
            using (var proxy = new S3Proxy(_moto))
            {
                var again = Run("$p = Get-MlFleetPlan $d @conn\n'exit ' + $p.ExitCode\nInvoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null", proxy.Endpoint).AssertNoErrors();
                Assert.Equal(new[] { "exit 0" }, again.Strings);
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE"));
            }

            // Someone makes it daily, and someone else rewrites the destination's policy without our statement.
            string changed = Path.Combine(_temp.Path, "inventory.json");
            var edited = JsonSerializer.Deserialize<Dictionary<string, object>>(inventory.GetRawText())!;
            edited["Schedule"] = new Dictionary<string, string> { ["Frequency"] = "Daily" };
            File.WriteAllText(changed, JsonSerializer.Serialize(edited));
            _moto.Aws($"s3api put-bucket-inventory-configuration --bucket {Source} --id s3mllayout --inventory-configuration file://{changed}");
            PutPolicy(Central, UserPolicy);

            var drift = Run($"Get-MlBucket -BucketName {Source} @conn | Get-MlLayoutDrift").AssertNoErrors();
            Assert.Equal(new[] { "BucketSetting Inventory", "BucketSetting InventoryPolicy" }, Findings(drift).Where(f => f.StartsWith("BucketSetting")).OrderBy(f => f, StringComparer.Ordinal));
            var finding = drift.Output.Single(o => (string)Prop(o, "Key")! == "Inventory");
            Assert.Contains("Weekly Parquet", (string)Prop(finding, "Expected")!);
            Assert.Contains("Daily Parquet", (string)Prop(finding, "Actual")!);

            // Repair re-applies both; the owner's statement is still there.
            Run($"Get-MlBucket -BucketName {Source} @conn | Get-MlLayoutDrift | Repair-MlLayout -Confirm:$false | Out-Null").AssertNoErrors();
            Assert.Equal("Weekly", Inventory(Source).GetProperty("Schedule").GetProperty("Frequency").GetString());
            Assert.Equal(new[] { $"S3MlLayoutInventory-{Source}", "UserAuditorsRead" },
                PolicyStatements(Central).EnumerateArray().Select(s => s.GetProperty("Sid").GetString()).OrderBy(s => s, StringComparer.Ordinal));
        }

        [Fact]
        public void Reports_in_the_bucket_itself_are_not_unexpected_to_drift_but_anything_beside_them_is()
        {
            // In the bucket itself, two levels down: ops/ is walked, ops/inventory/ is S3's.
            Tenant($"    versions: All\n    destination: s3://{Source}/ops/inventory\n");
            Run("Invoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();

            var destination = Inventory(Source).GetProperty("Destination").GetProperty("S3BucketDestination");
            Assert.Equal(($"arn:aws:s3:::{Source}", "ops/inventory"), (destination.GetProperty("Bucket").GetString(), destination.GetProperty("Prefix").GetString()));
            Assert.Equal($"arn:aws:s3:::{Source}/ops/inventory/*", Statement(PolicyStatements(Source), $"S3MlLayoutInventory-{Source}").GetProperty("Resource").GetString());

            // What S3 would deliver, and two things that do not belong.
            _moto.PutObjects(Source, new[]
            {
                $"ops/inventory/{Source}/s3mllayout/2026-12-01T01-00Z/manifest.json",
                $"ops/inventory/{Source}/s3mllayout/data/5f1c.csv.gz",
                "ops/scratch/notes.txt",
                "stray/x.bin",
            });
            var drift = Run($"Get-MlBucket -BucketName {Source} @conn | Get-MlLayoutDrift").AssertNoErrors();
            var findings = Findings(drift).ToList();
            Assert.Contains("Unexpected stray/", findings);
            Assert.Contains("Unexpected ops/scratch/", findings);
            Assert.DoesNotContain(findings, f => f.Contains("inventory"));
            Assert.DoesNotContain(findings, f => f.StartsWith("BucketSetting"));
        }

        [Fact]
        public void Over_TLS_the_TLS_only_statement_and_the_inventory_statement_land_in_one_policy_and_read_back_as_set()
        {
            // Both statements are due on the same policy in one run: sent at once as two writes, each would drop the other's.
            // (moto then enforces the TLS-only statement on every object request, https included, so the re-run of
            // this bucket is not made here; the re-run without writes is shown over http above.)
            string bucket = $"i{_run}-tls";
            var made = Run($"$b = New-MlBucket -BucketName {bucket} -Region us-east-1 @conn -SkipCertificateCheck -Inventory -InventoryVersions All -WarningAction SilentlyContinue\n" +
                "'{0} {1} {2}' -f $b.Settings.TlsOnlyPolicy, $b.Settings.InventoryPolicy, $b.Settings.Inventory.Id", _moto.TlsEndpoint).AssertNoErrors();

            Assert.Equal(new[] { "True True s3mllayout" }, made.Strings);
            var sids = PolicyStatements(bucket, tls: true).EnumerateArray().Select(s => s.GetProperty("Sid").GetString()).OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(new[] { "S3MlLayoutDenyInsecureTransport", $"S3MlLayoutInventory-{bucket}" }, sids);
        }

        [Fact]
        public void New_MlBucket_sets_an_inventory_from_its_parameters_refuses_bad_values_before_any_request_and_warns_on_the_local_target()
        {
            string bucket = $"i{_run}-params";
            var whatIf = Run($"New-MlBucket -BucketName {bucket} -Region us-east-1 @conn -InventoryFormat csv -InventoryVersions All -InventoryId daily-list -WhatIf -WarningAction SilentlyContinue").AssertNoErrors();
            Assert.Contains(whatIf.HostLines, l => l.Contains("Set Inventory: (none) -> daily-list: Daily CSV, all versions"));

            Run($"New-MlBucket -BucketName {bucket} -Region us-east-1 @conn -InventoryFormat csv -InventoryVersions All -InventoryId daily-list -WarningAction SilentlyContinue | Out-Null").AssertNoErrors();
            var destination = Inventory(bucket, "daily-list").GetProperty("Destination").GetProperty("S3BucketDestination");
            Assert.Equal(($"arn:aws:s3:::{bucket}", "inventory", "CSV"), (destination.GetProperty("Bucket").GetString(), destination.GetProperty("Prefix").GetString(), destination.GetProperty("Format").GetString()));
            using (var proxy = new S3Proxy(_moto))
            {
                Run($"New-MlBucket -BucketName {bucket} -Region us-east-1 @conn -InventoryFormat CSV -InventoryVersions All -InventoryId daily-list -WarningAction SilentlyContinue | Out-Null", proxy.Endpoint).AssertNoErrors();
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE"));
            }

            string refused = $"i{_run}-refused";
            var bad = Run($"New-MlBucket -BucketName {refused} -Region us-east-1 @conn -InventoryFormat Avro");
            Assert.Equal(new[] { "InventoryInvalid" }, bad.ErrorIds);
            Assert.Contains("CSV, Parquet, ORC", bad.Errors[0].Exception.Message);
            Assert.DoesNotContain(refused, _moto.Aws("s3api list-buckets"));
            var inside = Run($"New-MlBucket -BucketName {refused} -Region us-east-1 @conn -InventoryDestination s3://{refused}/solutions/inv");
            Assert.Equal(new[] { "InventoryInvalid" }, inside.ErrorIds);

            // The local target has no bucket settings: the bucket is made, and a warning says the inventory is S3's only.
            string local = Path.Combine(_temp.Path, "local");
            Directory.CreateDirectory(local);
            var onDisk = Run($"New-MlBucket -BucketName {bucket} -LocalPath '{local}' -Inventory | Out-Null").AssertNoErrors();
            Assert.Contains(onDisk.Warnings, w => w.Contains("inventory configuration 's3mllayout' applies on S3 only"));
            Assert.True(Directory.Exists(Path.Combine(local, bucket)));
        }
    }
}
