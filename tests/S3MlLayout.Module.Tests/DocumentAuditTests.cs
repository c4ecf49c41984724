using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 14, failure 7: every declaration and document a run writes is named in its audit record, also when the
    /// reply to the write was lost (the proxy forwards it, then drops the reply) and when the run is stopped.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class DocumentAuditTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _run = "d" + Guid.NewGuid().ToString("N").Substring(0, 6);

        public DocumentAuditTests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(Tenants);
            // master-solution's client_config folder: the bucket documents itself there.
            File.WriteAllText(Path.Combine(Tenants, "tenant.yaml"),
                $"companyPrefix: {_run}\ntenantId: t001\nregions: [us-east-1]\nenvironments: [dev, prod]\ntemplate: master-solution\nsolutions: [churn, fraud]\nbucketFolders: [client_config]\n");
        }

        public void Dispose() => _temp.Dispose();

        private string Tenants => Path.Combine(_temp.Path, "tenants");
        private IEnumerable<string> Buckets => new[] { "dev", "prod" }.Select(e => $"{_run}-{e}-t001-us-east-1");

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        private const string Apply = "Invoke-MlFleetPlan $d @conn -Confirm:$false -WarningAction SilentlyContinue -Verbose | Out-Null";

        private Dictionary<string, object?> Variables(string endpoint) => _moto.Variables(new Dictionary<string, object?> { ["d"] = Tenants, ["endpoint"] = endpoint });

        private List<JsonElement> AuditRecords(string bucket) =>
            _moto.Keys(bucket, ".s3mllayout/audit/").Select(key =>
            {
                string file = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N") + ".json");
                _moto.Aws($"s3api get-object --bucket {bucket} --key {key} {file}");
                return JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
            }).ToList();

        private static List<string> Strings(JsonElement record, string property) =>
            record.TryGetProperty(property, out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : new List<string>();

        /// <summary>Declarations and documents (objects, not folder markers) in the bucket.</summary>
        private List<string> Documents(string bucket) =>
            _moto.Keys(bucket, ".s3mllayout/declared/").Concat(_moto.Keys(bucket, "client_config/")).Where(k => !k.EndsWith("/", StringComparison.Ordinal)).ToList();

        [Fact]
        public void A_lost_reply_to_its_own_client_config_write_counts_as_written_and_the_audit_record_names_it()
        {
            ScriptResult result;
            using (var proxy = new S3Proxy(_moto, "--lose-put-reply-matching client_config/"))
            {
                result = ModuleSession.Run(Connection + Apply, Variables(proxy.Endpoint));
                // The proxy dropped the reply of the first write of each client_config key (markers and documents), after forwarding it.
                Assert.True(proxy.Count("faults") >= 4, $"faults injected: {proxy.Count("faults")}");
            }
            result.AssertNoErrors();
            foreach (var bucket in Buckets)
            {
                var documents = new[] { "client_config/layout.yaml", $"client_config/environments/{bucket.Split('-')[1]}.yaml" };
                Assert.All(documents, d => Assert.Contains(d, _moto.Keys(bucket, "client_config/")));
                Assert.All(documents, d => Assert.Contains(result.Verbose, v => v == $"Wrote s3://{bucket}/{d}"));
                var record = Assert.Single(AuditRecords(bucket), r => Strings(r, "documentsWritten").Any(k => k.StartsWith("client_config/", StringComparison.Ordinal)));
                Assert.Equal("Completed", record.GetProperty("outcome").GetString());
                Assert.Equal(documents.OrderBy(d => d, StringComparer.Ordinal), Strings(record, "documentsWritten").OrderBy(d => d, StringComparer.Ordinal));
            }
        }

        [Fact]
        public void After_a_stop_during_an_apply_every_declaration_and_document_in_the_bucket_is_named_in_an_audit_record()
        {
            using (var proxy = new S3Proxy(_moto, "--delay-ms 300"))
                ModuleSession.RunAndStop(Connection + Apply, Variables(proxy.Endpoint), TimeSpan.FromSeconds(2.6));
            int named = 0;
            foreach (var bucket in Buckets.Where(b => _moto.AwsJson("s3api list-buckets").ToString().Contains(b)))
            {
                var records = AuditRecords(bucket);
                var inRecords = records.SelectMany(r => Strings(r, "documentsWritten").Concat(Strings(r, "documentsInterrupted"))).ToHashSet();
                foreach (var document in Documents(bucket))
                {
                    Assert.True(inRecords.Contains(document), $"s3://{bucket}/{document} is in the bucket, named by no audit record ({records.Count} records)");
                    named++;
                }
            }
            // The stop came after the first declarations landed (else the test shows nothing).
            Assert.True(named >= 1, "no declaration or document was written before the stop");
        }
    }
}
