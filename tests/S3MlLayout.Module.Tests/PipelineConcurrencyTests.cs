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
    /// Issue 18: buckets piped into a cmdlet run concurrently (one pool of requests), yet -WhatIf writes nothing,
    /// output comes bucket by bucket in arrival order, and Ctrl+C leaves one audit record in every bucket touched.
    /// Timings come from the proxy's trace (bench/s3_proxy.py --trace), on moto.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class PipelineConcurrencyTests : IDisposable
    {
        private static readonly string[] Environments = { "dev", "staging", "prod" };
        private readonly MotoServer _moto;
        private readonly string _company = "p" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "s3mllayout-pipeline-" + Guid.NewGuid().ToString("N"));

        public PipelineConcurrencyTests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(_directory);
        }

        public void Dispose() => Directory.Delete(_directory, recursive: true);

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";

        private string BucketOf(string environment) => $"{_company}-{environment}-a001-us-east-1";

        /// <summary>The three buckets, as piped objects (Get-MlBucket on the way in).</summary>
        private string Buckets => "$buckets = 'dev', 'staging', 'prod' | ForEach-Object { Get-MlBucket -CompanyPrefix " + _company + " -Environment $_ -TenantId a001 -Region us-east-1 @conn }\n";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(endpoint == null ? null : new Dictionary<string, object?> { ["endpoint"] = endpoint }));

        private void NewBuckets() =>
            Run(string.Concat(Environments.Select(e => $"New-MlBucket -CompanyPrefix {_company} -Environment {e} -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Out-Null\n")))
                .AssertNoErrors();

        private List<JsonElement> AuditRecords(string bucket) =>
            _moto.Keys(bucket, ".s3mllayout/audit/").Select(key =>
            {
                string file = Path.GetTempFileName();
                _moto.Aws($"s3api get-object --bucket {bucket} --key {key} {file}");
                var record = JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone();
                File.Delete(file);
                return record;
            }).ToList();

        [Fact]
        public void Piped_buckets_overlap_in_time_and_their_results_come_bucket_by_bucket_in_arrival_order()
        {
            NewBuckets();
            string trace = Path.Combine(_directory, "trace.jsonl");
            ScriptResult result;
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --trace \"{trace}\""))
                result = Run(Buckets + "$buckets | Add-MlSolution churn, fraud -Template simple-ml -Confirm:$false", proxy.Endpoint).AssertNoErrors();

            // Output: each bucket's results in its own order (the solutions as named), the buckets in arrival order.
            var expected = Environments.SelectMany(e => new[] { $"{BucketOf(e)}/churn", $"{BucketOf(e)}/fraud" }).ToArray();
            Assert.Equal(expected, result.Output.Select(o => $"{Prop(o, "Bucket")}/{Prop(o, "Solution")}").ToArray());

            // The requests Add-MlSolution sent to each bucket (Get-MlBucket's reads before it left out).
            var requests = S3Proxy.ReadTrace(trace);
            var spans = Environments.Select(e => requests.Where(r => r.Bucket == BucketOf(e) && (IsAddMlSolution(r) || r.Key.StartsWith(".s3mllayout/audit/"))).ToList()).ToList();
            Assert.All(spans, s => Assert.True(s.Count >= 5, $"a bucket sent {s.Count} requests"));
            // The next bucket's requests start before the previous bucket's last one is answered: they overlap.
            for (int i = 1; i < spans.Count; i++)
                Assert.True(spans[i].Min(r => r.Start) < spans[i - 1].Max(r => r.End),
                    $"bucket {i + 1} started {spans[i].Min(r => r.Start) - spans[i - 1].Max(r => r.End):0.000} s after bucket {i} ended");
            // Each bucket's markers went after its declaration (the chain inside a bucket keeps its order).
            foreach (var span in spans)
            {
                var declared = span.Where(r => r.IsObjectPut && r.Key.StartsWith(".s3mllayout/declared/solutions/")).Min(r => r.End);
                Assert.True(span.Where(r => r.IsObjectPut && r.Key.StartsWith("solutions/")).All(r => r.Start >= declared), "a marker was written before its solution was declared");
            }
        }

        [Fact]
        public void Two_cmdlets_of_one_pipeline_overlap_New_MlBucket_hands_each_bucket_on_as_soon_as_it_is_made()
        {
            string trace = Path.Combine(_directory, "trace.jsonl");
            // The specs come a second apart, as from a slow source: each bucket made goes on to Add-MlSolution while
            // New-MlBucket makes the next one.
            string specs = "& { foreach ($e in 'dev', 'staging', 'prod') { [pscustomobject]@{ CompanyPrefix = '" + _company + "'; Environment = $e; TenantId = 'a001'; Region = 'us-east-1' }; [System.Threading.Thread]::Sleep(1200) } }";
            ScriptResult result;
            // Add-MlSolution's requests (all under solutions/) take a second more than the rest, so its work in one
            // bucket outlasts the gap between specs by a margin a busy runner cannot eat.
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --slow-matching solutions/ --slow-ms 1000 --trace \"{trace}\""))
                result = Run(specs + " | New-MlBucket @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template simple-ml -Confirm:$false", proxy.Endpoint).AssertNoErrors();
            Assert.Equal(Environments.Select(BucketOf).ToArray(), result.Output.Select(o => (string)Prop(o, "Bucket")!).ToArray());

            var requests = S3Proxy.ReadTrace(trace);
            var added = requests.Where(r => r.Bucket == BucketOf("dev") && IsAddMlSolution(r)).ToList();
            var made = requests.Where(r => r.Bucket == BucketOf("staging") && !IsAddMlSolution(r) && !r.Key.StartsWith(".s3mllayout/audit/")).ToList();
            Assert.NotEmpty(added);
            Assert.NotEmpty(made);
            // Add-MlSolution's work in the first bucket overlaps New-MlBucket's in the second.
            Assert.True(added.Any(a => made.Any(m => a.Start < m.End && m.Start < a.End)),
                $"Add-MlSolution (dev) ran {added.Min(r => r.Start):0.000}-{added.Max(r => r.End):0.000}, New-MlBucket (staging) {made.Min(r => r.Start):0.000}-{made.Max(r => r.End):0.000}");
        }

        [Fact]
        public void New_MlBucket_hands_each_bucket_on_before_its_audit_record_is_written_and_every_bucket_still_gets_one()
        {
            string trace = Path.Combine(_directory, "trace.jsonl");
            string specs = "'dev', 'staging', 'prod' | ForEach-Object { [pscustomobject]@{ CompanyPrefix = '" + _company + "'; Environment = $_; TenantId = 'a001'; Region = 'us-east-1' } }";
            ScriptResult result;
            // Audit PUTs take 1.5 s more than the rest: the bucket must be handed on while its record is on its way,
            // with a margin no busy runner eats (at 150 ms for every request, a loaded CI host missed it by 68 ms).
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --slow-matching /\\.s3mllayout/audit/ --slow-ms 1500 --trace \"{trace}\""))
                result = Run(specs + " | New-MlBucket @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template simple-ml -Confirm:$false", proxy.Endpoint).AssertNoErrors();
            // Output order per bucket kept: one result per bucket, in arrival order.
            Assert.Equal(Environments.Select(BucketOf).ToArray(), result.Output.Select(o => (string)Prop(o, "Bucket")!).ToArray());

            var requests = S3Proxy.ReadTrace(trace);
            foreach (var environment in Environments)
            {
                string bucket = BucketOf(environment);
                var records = AuditRecords(bucket);
                // Every bucket still has New-MlBucket's record (and Add-MlSolution's), written before the command ended.
                var made = Assert.Single(records, r => r.GetProperty("cmdlet").GetString() == "New-MlBucket");
                Assert.Single(records, r => r.GetProperty("cmdlet").GetString() == "Add-MlSolution");
                Assert.Equal("Completed", made.GetProperty("outcome").GetString());
                // AuditRecords reads them in the listing's (key) order.
                string madeKey = _moto.Keys(bucket, ".s3mllayout/audit/")[records.IndexOf(made)];
                var auditPut = Assert.Single(requests, r => r.Bucket == bucket && r.IsObjectPut && r.Key == madeKey);
                // Add-MlSolution's first request for the bucket (its existence check, after the create; or a write)
                // goes out while New-MlBucket's audit PUT is on its way.
                double created = requests.Single(r => r.Bucket == bucket && r.Method == "PUT" && r.Key.Length == 0 && r.Query.Length == 0).End;
                var firstAdded = requests.Where(r => r.Bucket == bucket && (IsAddMlSolution(r) || (r.Query.Contains("location") && r.Start > created))).Min(r => r.Start);
                Assert.True(firstAdded < auditPut.End,
                    $"{bucket}: Add-MlSolution's first request started {firstAdded - auditPut.End:0.000} s after New-MlBucket's audit PUT ended ({auditPut.Start:0.000}-{auditPut.End:0.000})");
            }
        }

        [Fact]
        public void WhatIf_over_piped_buckets_writes_nothing_and_shows_every_bucket()
        {
            NewBuckets();
            ScriptResult result;
            using (var proxy = new S3Proxy(_moto))
            {
                result = Run(Buckets + "$buckets | Add-MlSolution churn, fraud -WhatIf\n" +
                             "'dev', 'staging', 'prod' | ForEach-Object { [pscustomobject]@{ CompanyPrefix = '" + _company + "x'; Environment = $_; TenantId = 'a001'; Region = 'us-east-1' } } | New-MlBucket @conn -WhatIf | Add-MlSolution churn -WhatIf",
                    proxy.Endpoint).AssertNoErrors();
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE") + proxy.Count("POST"));
                Assert.True(proxy.Count("total") > 0, "the buckets were read");
            }
            foreach (var environment in Environments)
            {
                Assert.Contains(result.HostLines, l => l.Contains($"s3://{BucketOf(environment)}/solutions/fraud/"));
                Assert.Contains(result.HostLines, l => l.Contains($"{_company}x-{environment}-a001-us-east-1"));
            }
            Assert.Empty(_moto.Keys(BucketOf("dev"), "solutions/"));
        }

        [Fact]
        public void A_pipeline_stopped_by_Ctrl_C_writes_one_audit_record_in_every_bucket_it_touched()
        {
            NewBuckets();
            string trace = Path.Combine(_directory, "trace.jsonl");
            var touched = new HashSet<string>();
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 300 --trace \"{trace}\""))
            {
                var variables = _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint });
                // Stopped once markers are going into two buckets at once (each has 112 to write, 4 at a time).
                var stopTook = ModuleSession.RunAndStop(Connection + Buckets + "$buckets | Add-MlSolution churn -ThrottleLimit 4 -Confirm:$false", variables, () =>
                {
                    touched = MarkersWritten(trace);
                    return touched.Count >= 2;
                });
                Assert.True(stopTook < TimeSpan.FromSeconds(5), $"stopping took {stopTook}");
            }
            int withMarkers = 0;
            foreach (var environment in Environments)
            {
                string bucket = BucketOf(environment);
                var records = AuditRecords(bucket).Where(r => r.GetProperty("cmdlet").GetString() == "Add-MlSolution").ToList();
                // A bucket is touched once anything of Add-MlSolution's lands in it: its declaration comes before
                // its markers, so a stop between the two still leaves a record.
                bool declared = _moto.Keys(bucket, ".s3mllayout/declared/solutions/").Count > 0;
                bool marked = _moto.Keys(bucket, "solutions/").Count > 0;
                if (!declared && !marked) { Assert.Empty(records); continue; }
                if (marked) withMarkers++;
                var record = Assert.Single(records);
                Assert.Equal("Stopped", record.GetProperty("outcome").GetString());
            }
            Assert.True(withMarkers >= 2, $"{withMarkers} buckets got markers before the stop");
        }

        [Fact]
        public void The_README_pipeline_sends_no_request_after_one_whose_answer_it_does_not_need()
        {
            NewBuckets();
            string trace = Path.Combine(_directory, "trace.jsonl");
            string bucket = BucketOf("dev");
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --trace \"{trace}\""))
                Run($"Get-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn | Add-MlSolution churn, fraud -Template simple-ml -Confirm:$false | Out-Null",
                    proxy.Endpoint).AssertNoErrors();

            var requests = S3Proxy.ReadTrace(trace);
            var mine = requests.Where(r => r.Bucket == bucket).ToList();
            var waits = new List<string>();
            void Overlaps(string what, double start, double before) { if (start >= before) waits.Add($"{what} started {start - before:0.000} s after it could have"); }

            // Get-MlBucket: the bucket's declaration is read beside its settings, not after them.
            var settingReads = mine.Where(r => r.Method == "GET" && r.Key.Length == 0 && !r.Query.Contains("location") && !r.Query.Contains("list-type")).ToList();
            var bucketJson = mine.Single(r => r.Method == "GET" && r.Key == ".s3mllayout/declared/bucket.json");
            Assert.Equal(7, settingReads.Count);
            Overlaps("Get-MlBucket's read of bucket.json", bucketJson.Start, settingReads.Max(r => r.End));

            // Add-MlSolution: its first reads (the declarations) go out beside its existence check, not after it.
            var lastLocation = mine.Where(r => r.Query.Contains("location")).OrderBy(r => r.Start).Last();
            var declarationReads = mine.Where(r => r.Method == "GET" && r.Key.StartsWith(".s3mllayout/declared/solutions/")).ToList();
            Assert.Equal(2, declarationReads.Count);
            Overlaps("Add-MlSolution's declaration reads", declarationReads.Min(r => r.Start), lastLocation.End);

            // The contract documents go with the markers, and who the caller is (STS, the only POST) is asked while they land.
            var markers = mine.Where(r => r.IsObjectPut && r.Key.StartsWith("solutions/")).ToList();
            var contracts = mine.Where(r => r.IsObjectPut && r.Key.StartsWith(".s3mllayout/contracts/")).ToList();
            var sts = requests.Where(r => r.Method == "POST" && r.Bucket.Length == 0).ToList();
            Assert.NotEmpty(markers);
            Assert.Equal(2, contracts.Count);
            Assert.Single(sts);
            Overlaps("the first contract document PUT", contracts.Min(r => r.Start), markers.Max(r => r.End));
            Overlaps("the caller's lookup (STS)", sts[0].Start, markers.Max(r => r.End));
            // ...and still after the declarations they describe.
            var declared = mine.Where(r => r.IsObjectPut && r.Key.StartsWith(".s3mllayout/declared/solutions/")).Max(r => r.End);
            Assert.True(contracts.All(r => r.Start >= declared), "a contract document was written before its solution was declared");
            Assert.Empty(waits);
        }

        [Fact]
        public void A_piped_bucket_writes_as_soon_as_its_plan_is_read_while_a_slow_upstream_holds_the_pipeline_thread()
        {
            NewBuckets();
            string trace = Path.Combine(_directory, "trace.jsonl");
            // The upstream keeps the pipeline thread 1.5 s after each bucket: approvals that waited for
            // Add-MlSolution's next turn would hold the first bucket's writes until the second bucket arrived.
            string slow = "'dev', 'staging' | ForEach-Object { Get-MlBucket -CompanyPrefix " + _company + " -Environment $_ -TenantId a001 -Region us-east-1 @conn; [System.Threading.Thread]::Sleep(1500) }";
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 100 --trace \"{trace}\""))
                Run(slow + " | Add-MlSolution churn -Template simple-ml -Confirm:$false | Out-Null", proxy.Endpoint).AssertNoErrors();

            var requests = S3Proxy.ReadTrace(trace);
            double firstMarker = requests.Where(r => r.Bucket == BucketOf("dev") && r.IsObjectPut && r.Key.StartsWith("solutions/")).Min(r => r.Start);
            double stagingArrives = requests.Where(r => r.Bucket == BucketOf("staging")).Min(r => r.Start);
            Assert.True(firstMarker < stagingArrives, $"dev's first marker went {firstMarker - stagingArrives:0.000} s after the next bucket's first request");
        }

        [Fact]
        public void With_Verbose_only_the_changes_a_bucket_needs_are_approved_and_shown()
        {
            NewBuckets();
            Run($"Get-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn | Add-MlSolution churn -Template simple-ml -Confirm:$false | Out-Null").AssertNoErrors();

            // -Verbose shows each approval ("Performing the operation ..."), so nothing is approved before the
            // bucket is read: churn's folders, already there, are neither approved nor shown; fraud's are.
            var result = Run($"Get-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn | Add-MlSolution churn, fraud -Template simple-ml -Confirm:$false -Verbose").AssertNoErrors();
            var approvals = result.Verbose.Where(v => v.StartsWith("Performing the operation", StringComparison.Ordinal)).ToList();
            Assert.Contains(approvals, v => v.Contains("solutions/fraud/"));
            Assert.DoesNotContain(approvals, v => v.Contains("solutions/churn/"));
        }

        [Fact]
        public void A_bucket_New_MlBucket_just_made_upstream_is_provisioned_without_being_read_again()
        {
            string trace = Path.Combine(_directory, "trace.jsonl");
            string bucket = BucketOf("dev");
            ScriptResult result;
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 20 --trace \"{trace}\""))
                result = Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn, fraud -Template simple-ml -Confirm:$false",
                    proxy.Endpoint).AssertNoErrors();

            // Add-MlSolution sends no listing and no read of declarations or contracts, only its existence check: the
            // bucket was made moments ago by this pipeline, as a fleet plans a bucket it creates.
            var requests = S3Proxy.ReadTrace(trace).Where(r => r.Bucket == bucket).OrderBy(r => r.Start).ToList();
            var created = requests.First(r => r.Method == "PUT" && r.Key.Length == 0 && r.Query.Length == 0);
            var reads = requests.Where(r => r.Start > created.End && (r.Method == "GET" || r.Method == "HEAD")).ToList();
            Assert.DoesNotContain(reads, r => r.Query.Contains("list-type") || r.Key.StartsWith(".s3mllayout/declared/solutions/") || r.Key.StartsWith(".s3mllayout/contracts/"));
            // ...and provisions it all the same.
            var keys = _moto.Keys(bucket);
            Assert.Contains(".s3mllayout/declared/solutions/churn.json", keys);
            Assert.Contains(".s3mllayout/contracts/fraud.md", keys);
            int createdFolders = result.Output.Sum(o => (int)Prop(o, "Created")!);
            Assert.True(createdFolders > 10, $"{createdFolders} folders created");
            Assert.Equal(createdFolders, keys.Count(k => k.StartsWith("solutions/")));
        }

        [Fact]
        public void What_lands_in_a_new_bucket_before_Add_MlSolution_reaches_it_is_found_and_never_overwritten()
        {
            string bucket = BucketOf("dev");
            // Between New-MlBucket and Add-MlSolution someone else writes data at a folder's key: the unread plan
            // takes the bucket as empty, and the conditional write finds the object instead of replacing it.
            string writer = "python3 -c \"import sys, boto3; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b')" +
                            ".put_object(Bucket=sys.argv[2], Key='solutions/churn/', Body=b'someone else')\" $endpoint " + bucket;
            var result = Run($"$b = New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue\n" +
                             writer + "\nif ($LASTEXITCODE) { throw 'writer failed' }\n" +
                             "$b | Add-MlSolution churn -Template simple-ml -Confirm:$false").AssertNoErrors();

            string file = Path.Combine(_directory, "object");
            _moto.Aws($"s3api get-object --bucket {bucket} --key solutions/churn/ {file}");
            Assert.Equal("someone else", File.ReadAllText(file));
            var summary = result.Output.Single();
            Assert.True((int)Prop(summary, "AlreadyPresent")! >= 1, $"AlreadyPresent {Prop(summary, "AlreadyPresent")}");
            Assert.Equal(0, (int)Prop(summary, "Failed")!);
            Assert.Contains(".s3mllayout/declared/solutions/churn.json", _moto.Keys(bucket));
        }

        [Fact]
        public void A_bucket_object_provisioned_once_is_read_as_usual_the_next_time()
        {
            string trace = Path.Combine(_directory, "trace.jsonl");
            string bucket = BucketOf("dev");
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 0 --trace \"{trace}\""))
                Run($"$b = New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue\n" +
                    "$b | Add-MlSolution churn -Template simple-ml -Confirm:$false | Out-Null\n" +
                    "$b | Add-MlSolution churn -Template simple-ml -Confirm:$false -WhatIf", proxy.Endpoint).AssertNoErrors();

            // The first run reads nothing; the second reads the bucket (its listing) after the first run's markers.
            var requests = S3Proxy.ReadTrace(trace).Where(r => r.Bucket == bucket).ToList();
            var listings = requests.Where(r => r.Query.Contains("prefix=solutions")).ToList();
            double firstRunEnd = requests.Where(r => r.IsObjectPut && r.Key.StartsWith("solutions/")).Max(r => r.End);
            Assert.NotEmpty(listings);
            Assert.All(listings, l => Assert.True(l.Start > firstRunEnd, "the first run listed the bucket it had just created"));
        }

        [Fact]
        public void A_missing_bucket_read_beside_its_existence_check_is_still_BucketNotFound_and_gets_nothing_written()
        {
            string missing = $"{_company}-dev-z999-us-east-1";
            ScriptResult result;
            using (var proxy = new S3Proxy(_moto, "--delay-ms 50"))
            {
                result = Run($"Add-MlSolution churn -BucketName {missing} @conn -Confirm:$false\n" +
                             $"[pscustomobject]@{{ BucketName = '{missing}' }} | Add-MlSolution churn @conn -Confirm:$false\n" +
                             $"Get-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId z999 -Region us-east-1 @conn", proxy.Endpoint);
                Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("DELETE") + proxy.Count("POST"));
            }
            Assert.Equal(new[] { "BucketNotFound", "BucketNotFound", "BucketNotFound" }, result.ErrorIds.ToArray());
            Assert.All(result.Errors, error =>
            {
                Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
                Assert.Equal($"s3://{missing}/", error.TargetObject);
                Assert.Equal($"The bucket 's3://{missing}/' does not exist; create it with New-MlBucket first, or check its name, -Region and -EndpointUrl.", error.Exception.Message);
            });
            Assert.Empty(result.Output);
        }

        /// <summary>A request of Add-MlSolution's: its listing of solutions/, its declarations, its markers.</summary>
        private static bool IsAddMlSolution(TracedRequest r) =>
            r.Key.StartsWith("solutions/") || r.Key.StartsWith(".s3mllayout/declared/solutions/") || r.Query.Contains("prefix=solutions");

        /// <summary>The buckets a marker was written into so far, from the proxy's trace (read while it grows).</summary>
        private static HashSet<string> MarkersWritten(string trace)
        {
            var buckets = new HashSet<string>();
            if (!File.Exists(trace)) return buckets;
            using var reader = new StreamReader(new FileStream(trace, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                try
                {
                    var e = JsonDocument.Parse(line).RootElement;
                    var parts = e.GetProperty("path").GetString()!.TrimStart('/').Split('/', 2);
                    if (e.GetProperty("method").GetString() == "PUT" && parts.Length > 1 && parts[1].StartsWith("solutions/")) buckets.Add(parts[0]);
                }
                catch (JsonException) { } // a line still being written
            }
            return buckets;
        }
    }
}
