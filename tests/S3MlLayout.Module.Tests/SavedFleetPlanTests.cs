using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 14, failure 8: a saved plan is checked against its schema (FleetPlanInvalid naming the JSON path), and
    /// what a reviewer reads in it is what is applied (an edit to its changes alone is refused). Each refusal comes
    /// before anything is written: the proxy counts the requests.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class SavedFleetPlanTests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _run = "p" + Guid.NewGuid().ToString("N").Substring(0, 6);

        public SavedFleetPlanTests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(Tenants);
            foreach (var n in new[] { 1, 2 })
                File.WriteAllText(Path.Combine(Tenants, $"tenant{n}.yaml"),
                    $"companyPrefix: {_run}\ntenantId: t00{n}\nregions: [us-east-1]\nenvironments: [dev]\ntemplate: simple-ml\nsolutions: [churn]\n");
        }

        public void Dispose() => _temp.Dispose();

        private string Tenants => Path.Combine(_temp.Path, "tenants");
        private string PlanPath => Path.Combine(_temp.Path, "plan.json");
        private IEnumerable<string> Buckets => new[] { 1, 2 }.Select(n => $"{_run}-dev-t00{n}-us-east-1");

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private ScriptResult Run(string script, string endpoint, IEnumerable<string>? files = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(new Dictionary<string, object?>
            {
                ["d"] = Tenants, ["plan"] = PlanPath, ["endpoint"] = endpoint, ["files"] = files?.ToArray(),
            }));

        /// <summary>Applies each file as a saved plan; one line per file: error id | target | message.</summary>
        private const string ApplyEach = @"foreach ($f in $files) {
    try { Invoke-MlFleetPlan $d -PlanFile $f @conn -Confirm:$false -ErrorAction Stop | Out-Null; 'applied' }
    catch { '{0}|{1}|{2}' -f $_.FullyQualifiedErrorId.Split(',')[0], $_.TargetObject, $_.Exception.Message }
}";

        private JsonObject SavedPlan()
        {
            Run("Get-MlFleetPlan $d @conn -OutFile $plan | Out-Null", _moto.Endpoint).AssertNoErrors();
            return JsonNode.Parse(File.ReadAllText(PlanPath))!.AsObject();
        }

        private string Write(string name, JsonNode plan)
        {
            string file = Path.Combine(_temp.Path, name + ".json");
            File.WriteAllText(file, plan.ToJsonString());
            return file;
        }

        [Fact]
        public void Missing_keys_wrong_types_nulls_and_unknown_keys_are_each_FleetPlanInvalid_with_their_JSON_path_and_nothing_is_sent()
        {
            var original = SavedPlan();
            JsonObject Change(JsonNode root, int bucket, int change) => root["buckets"]![bucket]!["changes"]![change]!.AsObject();
            var mutations = new List<(string Path, Action<JsonNode> Edit)>
            {
                // Missing keys
                ("$: the required key 'fingerprints' is missing", p => p.AsObject().Remove("fingerprints")),
                ("$: the required key 'digest' is missing", p => p.AsObject().Remove("digest")),
                ("$.buckets[0].changes[0]: the required key 'kind' is missing", p => Change(p, 0, 0).Remove("kind")),
                ("$.tenantFiles[0]: the required key 'sha256' is missing", p => p["tenantFiles"]![0]!.AsObject().Remove("sha256")),
                ("$.buckets[1]: the required key 'uri' is missing", p => p["buckets"]![1]!.AsObject().Remove("uri")),
                // Wrong types and values
                ("$.pending: expected integer, found a string", p => p["pending"] = "3"),
                ("$.buckets: expected array, found an object", p => p["buckets"] = new JsonObject()),
                ("$.buckets[0].changes[1].target: expected string, found an integer", p => Change(p, 0, 1)["target"] = 42),
                ("$.tenantFiles[1].path: expected string, found a boolean", p => p["tenantFiles"]![1]!["path"] = true),
                ("$.exitCode: not one of the allowed values", p => p["exitCode"] = 7),
                ("$.buckets[0].changes[0].kind: not one of the allowed values", p => Change(p, 0, 0)["kind"] = "DeleteEverything"),
                ("$.tenantFiles[0].sha256: does not match", p => p["tenantFiles"]![0]!["sha256"] = "abc"),
                ("$.schema: format 1", p => p["schema"] = 1),
                // Text apply may quote back: one line, no terminal escapes.
                ("$.buckets[0].changes[0].target: does not match", p => Change(p, 0, 0)["target"] = "s3://x/\u001b[2J\nrow"),
                // Nulls
                ("$.buckets[0].bucket: expected string, found null", p => p["buckets"]![0]!["bucket"] = null),
                ("$.tenantFiles: expected array, found null", p => p["tenantFiles"] = null),
                ("$.buckets[1].changes[0].action: expected string, found null", p => Change(p, 1, 0)["action"] = null),
                ("$.fingerprints[0]: expected string, found null", p => p["fingerprints"]![0] = null),
                // Unknown keys
                ("$.approvedBy: unknown key", p => p["approvedBy"] = "someone"),
                ("$.buckets[0].changes[0].force: unknown key", p => Change(p, 0, 0)["force"] = true),
                ("$.tenantFiles[0].mode: unknown key", p => p["tenantFiles"]![0]!["mode"] = "skip"),
                ("$.buckets[1].deletes: unknown key", p => p["buckets"]![1]!["deletes"] = new JsonArray()),
            };
            var files = mutations.Select((m, i) =>
            {
                var plan = original.DeepClone();
                m.Edit(plan);
                return Write($"mutation{i}", plan);
            }).ToList();

            using var proxy = new S3Proxy(_moto);
            var lines = Run(ApplyEach, proxy.Endpoint, files).AssertNoErrors().Strings.ToList();
            Assert.Equal(mutations.Count, lines.Count);
            for (int i = 0; i < mutations.Count; i++)
            {
                var parts = lines[i].Split('|', 3);
                Assert.True(parts.Length == 3 && parts[0] == "FleetPlanInvalid", $"mutation {i} ({mutations[i].Path}): {lines[i]}");
                Assert.Equal(files[i], parts[1]);
                Assert.Contains(mutations[i].Path, parts[2]);
            }
            // Refused before planning: not one request reached the store, and no bucket exists.
            Assert.Equal(0, proxy.Count("total"));
            var existing = _moto.AwsJson("s3api list-buckets").ToString();
            Assert.All(Buckets, b => Assert.DoesNotContain(b, existing));
        }

        [Fact]
        public void Editing_only_the_changes_a_reviewer_reads_is_refused_and_nothing_is_written()
        {
            var original = SavedPlan();
            string otherBucket = original["buckets"]![1]!["uri"]!.GetValue<string>();
            string firstBucket = original["buckets"]![0]!["uri"]!.GetValue<string>();
            var retargeted = original.DeepClone();
            var moved = retargeted["buckets"]![0]!["changes"]!.AsArray().First(c => c!["kind"]!.GetValue<string>() == "WriteMarker")!;
            string retargetedTo = moved["target"]!.GetValue<string>().Replace(firstBucket, otherBucket);
            moved["target"] = retargetedTo;
            var delete = original.DeepClone();
            delete["buckets"]![1]!["changes"]!.AsArray().Add(new JsonObject
            {
                ["kind"] = "DeleteMarker", ["target"] = otherBucket + "solutions/churn/models/", ["action"] = "Delete folder marker", ["solution"] = "churn",
            });
            var dropped = original.DeepClone();
            var droppedChange = dropped["buckets"]![0]!["changes"]!.AsArray().Last(c => c!["kind"]!.GetValue<string>() == "WriteMarker")!;
            string droppedTarget = droppedChange["target"]!.GetValue<string>();
            dropped["buckets"]![0]!["changes"]!.AsArray().Remove(droppedChange);
            var files = new[] { Write("retargeted", retargeted), Write("delete", delete), Write("dropped", dropped) };

            using var proxy = new S3Proxy(_moto);
            var lines = Run(ApplyEach, proxy.Endpoint, files).AssertNoErrors().Strings.ToList();
            Assert.Equal(3, lines.Count);
            Assert.All(lines, l => Assert.StartsWith("FleetPlanTampered|", l));
            // Each message names what the edited text says against what would be applied.
            Assert.Contains("in the plan, not needed now: ", lines[0]);
            Assert.Contains(retargetedTo, lines[0]);
            Assert.Contains("DeleteMarker " + otherBucket + "solutions/churn/models/", lines[1]);
            Assert.Contains("needed now, not in the plan: ", lines[2]);
            Assert.Contains(droppedTarget, lines[2]);
            Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE") + proxy.Count("POST"));
            var existing = _moto.AwsJson("s3api list-buckets").ToString();
            Assert.All(Buckets, b => Assert.DoesNotContain(b, existing));

            // The plan as written still applies.
            Run("Invoke-MlFleetPlan $d -PlanFile $plan @conn -Confirm:$false -WarningAction SilentlyContinue | Out-Null", _moto.Endpoint).AssertNoErrors();
            Assert.All(Buckets, b => Assert.Contains("solutions/churn/", _moto.Keys(b, "solutions/")));
        }
    }
}
