using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>The cmdlets against a real S3 API (moto on loopback), through the hosted PowerShell engine.</summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class S3IntegrationTests
    {
        private readonly MotoServer _moto;
        private readonly string _company = "t" + Guid.NewGuid().ToString("N").Substring(0, 8);

        public S3IntegrationTests(MotoServer moto) { _moto = moto; }

        private string Bucket(string region = "us-east-1") => $"{_company}-dev-a001-{region}";

        private const string Connection = "$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n";
        private string NewBucket(string region = "us-east-1", string extra = "") =>
            $"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region {region} @conn {extra}";

        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run(Connection + script, _moto.Variables(endpoint == null ? null : new Dictionary<string, object?> { ["endpoint"] = endpoint }));

        [Fact]
        public void New_MlBucket_creates_a_secure_bucket_and_returns_the_settings_read_back()
        {
            var result = Run(NewBucket(extra: "-Template master-solution -SkipCertificateCheck"), _moto.TlsEndpoint).AssertNoErrors();
            // moto ignores policy conditions, so once the TLS-only policy is on it denies every object request, even
            // over HTTPS: the audit record (written last) is refused there; on Amazon S3 it is written.
            Assert.Equal(new[] { "audit record could not be written" }, result.Warnings.Select(w => w.Contains("audit record could not be written") ? "audit record could not be written" : w));
            var bucket = result.Output.Single();
            Assert.Equal(Bucket(), Prop(bucket, "Name"));
            Assert.Equal("S3", Prop(bucket, "Target")!.ToString());
            Assert.Equal(true, Prop(bucket, "Created"));
            var settings = (System.Management.Automation.PSObject)System.Management.Automation.PSObject.AsPSObject(Prop(bucket, "Settings"));
            Assert.Equal(true, Prop(settings, "BlockPublicAccess"));
            Assert.Equal("BucketOwnerEnforced", Prop(settings, "ObjectOwnership"));
            Assert.Equal("AES256", Prop(settings, "Encryption"));
            Assert.Equal("Enabled", Prop(settings, "Versioning"));
            Assert.Equal(true, Prop(settings, "TlsOnlyPolicy"));
            Assert.Equal(7, Prop(settings, "AbortIncompleteMultipartUploadDays"));
            var tags = (Dictionary<string, string>)Prop(settings, "Tags")!;
            Assert.Equal(_company, tags["company"]);
            Assert.Equal("dev", tags["environment"]);
            Assert.Equal("a001", tags["tenant"]);
            Assert.Equal("S3MlLayout", tags["managed-by"]);
            Assert.Equal("master-solution", tags["template"]);

            // Read independently, with the AWS CLI.
            Assert.Equal("Enabled", _moto.AwsJson($"s3api get-bucket-versioning --bucket {Bucket()}", tls: true).GetProperty("Status").GetString());
            var block = _moto.AwsJson($"s3api get-public-access-block --bucket {Bucket()}", tls: true).GetProperty("PublicAccessBlockConfiguration");
            Assert.True(block.GetProperty("BlockPublicAcls").GetBoolean() && block.GetProperty("IgnorePublicAcls").GetBoolean()
                        && block.GetProperty("BlockPublicPolicy").GetBoolean() && block.GetProperty("RestrictPublicBuckets").GetBoolean());
            string policy = _moto.AwsJson($"s3api get-bucket-policy --bucket {Bucket()}", tls: true).GetProperty("Policy").GetString()!;
            Assert.Contains("aws:SecureTransport", policy);
            Assert.Contains("\"Deny\"", policy);
            Assert.Equal("AES256", _moto.AwsJson($"s3api get-bucket-encryption --bucket {Bucket()}", tls: true).GetProperty("ServerSideEncryptionConfiguration")
                .GetProperty("Rules")[0].GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        }

        [Fact]
        public void A_self_signed_endpoint_without_SkipCertificateCheck_fails_at_once_naming_the_certificate_and_the_switch()
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = Run(NewBucket(), _moto.TlsEndpoint);
            var took = watch.Elapsed;
            var error = Assert.Single(result.Errors);
            Assert.Equal("EndpointCertificateInvalid", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(System.Management.Automation.ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Equal(_moto.TlsEndpoint, error.TargetObject);
            Assert.Contains("certificate", error.Exception.Message);
            Assert.Contains("-SkipCertificateCheck", error.Exception.Message);
            Assert.True(took < TimeSpan.FromSeconds(2), $"took {took}: certificate failures are not retried");
            Assert.Throws<InvalidOperationException>(() => _moto.Aws($"s3api head-bucket --bucket {Bucket()}", tls: true));
        }

        [Fact]
        public void On_a_plain_HTTP_endpoint_the_TLS_policy_is_not_applied_and_a_warning_says_why()
        {
            var result = Run(NewBucket()).AssertNoErrors();
            Assert.Contains(result.Warnings, w => w.Contains("plain HTTP") && w.Contains("TLS-only bucket policy was not applied"));
            Assert.Equal(false, Prop(System.Management.Automation.PSObject.AsPSObject(Prop(result.Output.Single(), "Settings")), "TlsOnlyPolicy"));
        }

        [Fact]
        public void The_plain_HTTP_warning_comes_once_per_command_not_once_per_bucket()
        {
            // Three buckets through one New-MlBucket: the endpoint is the same for all, so is the warning (issue 16).
            var result = Run($"'a001', 'a002', 'a003' | ForEach-Object {{ [pscustomobject]@{{ CompanyPrefix = '{_company}'; Environment = 'dev'; TenantId = $_; Region = 'us-east-1' }} }} | New-MlBucket @conn").AssertNoErrors();
            Assert.Equal(3, result.Output.Count);
            Assert.Single(result.Warnings, w => w.Contains("plain HTTP"));
        }

        [Fact]
        public void New_MlBucket_outside_us_east_1_sets_the_location_constraint_and_is_idempotent()
        {
            Run(NewBucket("eu-west-1")).AssertNoErrors();
            Assert.Equal("eu-west-1", _moto.AwsJson($"s3api get-bucket-location --bucket {Bucket("eu-west-1")}").GetProperty("LocationConstraint").GetString());

            var again = Run(NewBucket("eu-west-1") + " -Verbose").AssertNoErrors();
            Assert.Equal(false, Prop(again.Output.Single(), "Created"));
            Assert.DoesNotContain(again.Verbose, v => v.Contains(" -> "));
            // Only the first run changed anything, so only it left an audit record.
            Assert.Single(_moto.Keys(Bucket("eu-west-1"), ".s3mllayout/audit/"));
        }

        [Fact]
        public void SSE_KMS_with_a_bucket_key_and_per_prefix_lifecycle_rules_are_applied_and_read_back()
        {
            const string key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            var bucket = Run(NewBucket(extra: $"-KmsKeyId {key} -AbortIncompleteUploadDays 3 -LifecycleRule @{{ Prefix = 'solutions/churn/data/raw/'; TransitionDays = 30; StorageClass = 'STANDARD_IA'; ExpirationDays = 365 }}"))
                .AssertNoErrors().Output.Single();
            var settings = System.Management.Automation.PSObject.AsPSObject(Prop(bucket, "Settings"));
            Assert.Equal("aws:kms", Prop(settings, "Encryption"));
            Assert.Equal(key, Prop(settings, "KmsKeyId"));
            Assert.Equal(true, Prop(settings, "BucketKeyEnabled"));
            Assert.Equal(3, Prop(settings, "AbortIncompleteMultipartUploadDays"));
            var rules = _moto.AwsJson($"s3api get-bucket-lifecycle-configuration --bucket {Bucket()}").GetProperty("Rules").EnumerateArray().ToList();
            var raw = rules.Single(r => r.GetProperty("ID").GetString() == "s3mllayout-solutions-churn-data-raw");
            Assert.Equal("solutions/churn/data/raw/", raw.GetProperty("Filter").GetProperty("Prefix").GetString());
            Assert.Equal(30, raw.GetProperty("Transitions")[0].GetProperty("Days").GetInt32());
            Assert.Equal(365, raw.GetProperty("Expiration").GetProperty("Days").GetInt32());
            Assert.Contains(rules, r => r.GetProperty("ID").GetString() == "s3mllayout-abort-incomplete-multipart-uploads");

            // A second run with the same declaration changes nothing.
            var again = Run(NewBucket(extra: $"-KmsKeyId {key} -AbortIncompleteUploadDays 3 -LifecycleRule @{{ Prefix = 'solutions/churn/data/raw/'; TransitionDays = 30; StorageClass = 'STANDARD_IA'; ExpirationDays = 365 }} -Verbose")).AssertNoErrors();
            Assert.True(!again.Verbose.Any(v => v.Contains(" -> ")), string.Join("\n", again.Verbose));
        }

        [Fact]
        public void Skipped_defaults_are_left_off_and_shown_in_the_output()
        {
            var bucket = Run(NewBucket(extra: "-SkipDefault Versioning, TlsOnlyPolicy")).AssertNoErrors().Output.Single();
            var settings = System.Management.Automation.PSObject.AsPSObject(Prop(bucket, "Settings"));
            Assert.Equal("Off", Prop(settings, "Versioning"));
            Assert.Equal(false, Prop(settings, "TlsOnlyPolicy"));
            Assert.Equal(true, Prop(settings, "BlockPublicAccess"));
        }

        [Fact]
        public void New_MlBucket_WhatIf_lists_the_bucket_and_every_setting_and_sends_no_mutating_request()
        {
            using var proxy = new S3Proxy(_moto);
            var result = Run(NewBucket() + " -WhatIf", proxy.Endpoint).AssertNoErrors();
            var whatIf = result.HostLines.Where(l => l.StartsWith("What if:")).ToList();
            Assert.Contains(whatIf, l => l.Contains("Create bucket in us-east-1") && l.Contains($"s3://{Bucket()}/"));
            foreach (var setting in new[] { "BlockPublicAccess", "ObjectOwnership", "Encryption", "Versioning", "Tag", "Lifecycle" })
                Assert.Contains(whatIf, l => l.Contains("Set " + setting));
            var stats = proxy.Stats();
            Assert.Equal(0, stats.GetValueOrDefault("PUT_BUCKET") + stats.GetValueOrDefault("PUT_OBJECT") + stats.GetValueOrDefault("POST") + stats.GetValueOrDefault("DELETE"));
            Assert.Empty(result.Output);
        }

        [Fact]
        public void Pipeline_provisions_solutions_with_one_PUT_per_marker_and_a_rerun_writes_nothing()
        {
            Run(NewBucket()).AssertNoErrors();
            using var proxy = new S3Proxy(_moto);
            var first = Run(NewBucket() + " | Add-MlSolution customer-churn,fraud-detection", proxy.Endpoint).AssertNoErrors();
            int created = first.Output.Where(o => Prop(o, "Solution") != null).Sum(o => (int)Prop(o, "Created")!);
            var keys = _moto.Keys(Bucket(), "solutions/");
            Assert.Equal(created, keys.Count);
            Assert.Contains("solutions/customer-churn/data/raw/archive/", keys);
            // Marker PUTs, plus per solution one declared layout and one contract document, plus one audit record for the run.
            Assert.Equal(created + 2 + 2 + 1, proxy.Count("PUT_OBJECT"));

            proxy.Reset();
            var again = Run(NewBucket() + " | Add-MlSolution customer-churn,fraud-detection", proxy.Endpoint).AssertNoErrors();
            Assert.All(again.Output.Where(o => Prop(o, "Solution") != null), o => Assert.Equal(0, (int)Prop(o, "Created")!));
            Assert.Equal(0, proxy.Count("PUT_OBJECT"));
            Assert.Equal(0, proxy.Count("PUT_BUCKET"));
            Assert.True(proxy.Count("LIST") <= 4, $"a re-run of solutions without data lists a page per solution and the ancestors: {proxy.Count("LIST")} LISTs");
        }

        [Fact]
        public void A_marker_never_overwrites_an_existing_object()
        {
            Run(NewBucket()).AssertNoErrors();
            string file = Path.GetTempFileName();
            File.WriteAllText(file, "precious data");
            _moto.Aws($"s3api put-object --bucket {Bucket()} --key solutions/churn/data/ --body {file}");

            var result = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -Template data-lifecycle").AssertNoErrors();
            Assert.Equal(1, (int)Prop(result.Output.Single(), "AlreadyPresent")!);
            string copy = Path.GetTempFileName();
            _moto.Aws($"s3api get-object --bucket {Bucket()} --key solutions/churn/data/ {copy}");
            Assert.Equal("precious data", File.ReadAllText(copy));
            File.Delete(file);
            File.Delete(copy);
        }

        [Fact]
        public void Conditional_write_reports_an_object_created_between_listing_and_writing_as_already_there()
        {
            Run(NewBucket()).AssertNoErrors();
            string file = Path.GetTempFileName();
            File.WriteAllText(file, "written by someone else");
            _moto.Aws($"s3api put-object --bucket {Bucket()} --key projects/raced/ --body {file}");
            // New-MlFolder with -Key lists first; this key is found and never written. Writing it directly must also refuse:
            var result = Run($"$b = Get-MlBucket {Bucket()} @conn; New-MlFolder -Bucket $b -Key projects/raced/, projects/fresh/").AssertNoErrors();
            var outcomes = result.Output.ToDictionary(o => (string)Prop(o, "Key")!, o => Prop(o, "Outcome")!.ToString());
            Assert.Equal("AlreadyExists", outcomes["projects/raced/"]);
            Assert.Equal("Created", outcomes["projects/fresh/"]);
            // And the engine's conditional PUT itself answers 412 on moto: put-object with If-None-Match fails.
            var error = Assert.Throws<InvalidOperationException>(() => _moto.Aws($"s3api put-object --bucket {Bucket()} --key projects/raced/ --if-none-match *"));
            Assert.Contains("PreconditionFailed", error.Message);
            File.Delete(file);
        }

        [Fact]
        public void Add_MlSolution_WhatIf_lists_every_key_and_sends_no_mutating_request()
        {
            Run(NewBucket()).AssertNoErrors();
            using var proxy = new S3Proxy(_moto);
            var result = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -Template simple-ml -WhatIf", proxy.Endpoint).AssertNoErrors();
            var whatIf = result.HostLines.Where(l => l.StartsWith("What if:") && l.Contains("Create folder")).ToList();
            Assert.Equal(16, whatIf.Count); // solutions/, solutions/churn/ and the 14 folders of simple-ml
            Assert.Contains(whatIf, l => l.Contains($"s3://{Bucket()}/solutions/churn/dataset/raw/"));
            Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("PUT_BUCKET") + proxy.Count("POST") + proxy.Count("DELETE"));
            Assert.Empty(_moto.Keys(Bucket(), "solutions/"));
        }

        [Fact]
        public void Every_mutating_run_writes_one_audit_record_without_secrets()
        {
            var result = Run("$DebugPreference = 'Continue'; " + NewBucket() + " -Verbose | Add-MlSolution churn -Template simple-ml -Date 2024-03-05 -Verbose").AssertNoErrors();
            var audit = _moto.Keys(Bucket(), ".s3mllayout/audit/");
            string today = DateTime.UtcNow.ToString("yyyy/MM/dd");
            Assert.Equal(2, audit.Count); // New-MlBucket created the bucket, Add-MlSolution created folders
            Assert.All(audit, k => Assert.Matches($@"^\.s3mllayout/audit/{today}/\d{{6}}Z-[0-9a-f]{{32}}\.json$", k));

            var records = audit.Select(k =>
            {
                string file = Path.GetTempFileName();
                _moto.Aws($"s3api get-object --bucket {Bucket()} --key {k} {file}");
                string text = File.ReadAllText(file);
                File.Delete(file);
                return text;
            }).ToList();
            var solution = JsonDocument.Parse(records.Single(r => r.Contains("\"Add-MlSolution\""))).RootElement;
            Assert.Equal("simple-ml", solution.GetProperty("template").GetString());
            Assert.Equal("1.0.0", solution.GetProperty("templateVersion").GetString());
            Assert.Equal(16, solution.GetProperty("keysCreated").GetArrayLength());
            Assert.Equal(32, solution.GetProperty("runId").GetString()!.Length);
            Assert.StartsWith("arn:aws:", solution.GetProperty("caller").GetString()); // moto answers STS GetCallerIdentity
            Assert.Equal(JsonValueKind.String, solution.GetProperty("timeUtc").ValueKind);
            var bucketRecord = JsonDocument.Parse(records.Single(r => r.Contains("\"New-MlBucket\""))).RootElement;
            Assert.True(bucketRecord.GetProperty("bucketCreated").GetBoolean());
            Assert.Contains(bucketRecord.GetProperty("settingsChanged").EnumerateArray(), s => s.GetString()!.StartsWith("Versioning"));
            var parameters = bucketRecord.GetProperty("parameters");
            Assert.Equal(_company, parameters.GetProperty("CompanyPrefix").GetString());
            Assert.False(parameters.TryGetProperty("SecretKey", out _));
            Assert.False(parameters.TryGetProperty("AccessKey", out _));

            foreach (var text in records.Concat(result.Debug).Concat(result.Verbose).Concat(result.Warnings).Concat(result.HostLines).Concat(result.Strings))
                Assert.DoesNotContain(MotoServer.SecretKey, text);
            // The connection sources go to -Verbose (-Debug prompts in pwsh 7 and fails under -NonInteractive).
            Assert.Contains(result.Verbose, d => d.StartsWith("Credentials: explicit keys"));
            Assert.Contains(result.Verbose, d => d.StartsWith("Endpoint: " + _moto.Endpoint));
        }

        [Fact]
        public void SlowDown_is_retried_with_backoff_and_every_folder_is_created()
        {
            Run(NewBucket()).AssertNoErrors();
            using var proxy = new S3Proxy(_moto, "--fail-first-put");
            var result = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -Template databricks", proxy.Endpoint).AssertNoErrors();
            int created = (int)Prop(result.Output.Single(), "Created")!;
            Assert.Equal(24, created);
            Assert.Equal(24, _moto.Keys(Bucket(), "solutions/").Count);
            // Each object PUT (markers, declaration, audit) failed once with 503 SlowDown and was sent again.
            Assert.Equal(proxy.Count("faults") * 2, proxy.Count("PUT_OBJECT"));
            Assert.True(proxy.Count("faults") >= 24);
        }

        [Fact]
        public void A_failed_folder_is_reported_with_its_S3_URI_and_a_rerun_completes_the_rest()
        {
            Run(NewBucket()).AssertNoErrors();
            using (var proxy = new S3Proxy(_moto, "--fail-key /solutions/churn/models/"))
            {
                var result = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -Template simple-ml", proxy.Endpoint);
                var error = Assert.Single(result.Errors);
                Assert.Equal("FolderCreateFailed", error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal($"s3://{Bucket()}/solutions/churn/models/", error.TargetObject);
                Assert.Contains("SlowDown", error.Exception.Message);
                var summary = result.Output.Single();
                Assert.Equal(1, (int)Prop(summary, "Failed")!);
                Assert.Equal(new[] { "solutions/churn/models/" }, ((IEnumerable<string>)Prop(summary, "FailedKeys")!).ToArray());
                Assert.Equal(15, (int)Prop(summary, "Created")!);
            }
            var rerun = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -Template simple-ml").AssertNoErrors();
            Assert.Equal(1, (int)Prop(rerun.Output.Single(), "Created")!);
            Assert.Equal(16, _moto.Keys(Bucket(), "solutions/").Count);
        }

        [Fact]
        public void Ctrl_C_stops_provisioning_promptly_and_a_rerun_completes_it()
        {
            Run(NewBucket()).AssertNoErrors();
            using (var proxy = new S3Proxy(_moto, "--delay-ms 400"))
            {
                var variables = _moto.Variables(new Dictionary<string, object?> { ["endpoint"] = proxy.Endpoint });
                // Get-MlBucket takes about 4 s here; then 112 folders, one at a time, 400 ms each: 45 s if nothing stopped it.
                var stopTook = ModuleSession.RunAndStop(Connection + $"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn -ThrottleLimit 1", variables, TimeSpan.FromSeconds(9));
                Assert.True(stopTook < TimeSpan.FromSeconds(3), $"stopping took {stopTook}");
            }
            int before = _moto.Keys(Bucket(), "solutions/").Count;
            Assert.InRange(before, 1, 100);
            var rerun = Run($"Get-MlBucket {Bucket()} @conn | Add-MlSolution churn").AssertNoErrors();
            Assert.Equal(112 - before, (int)Prop(rerun.Output.Single(), "Created")!);
        }

        [Fact]
        public void A_bucket_name_owned_by_another_account_is_a_clear_error_and_nothing_is_sent_to_it()
        {
            // moto shares reads across its accounts, so the proxy answers as Amazon S3 does for another account's
            // bucket (or one failing -ExpectedBucketOwner): 403 AccessDenied.
            string taken = $"{_company}-taken";
            using var proxy = new S3Proxy(_moto, $"--forbid-bucket {taken}");
            var result = Run($"New-MlBucket -Override {taken} @conn -ExpectedBucketOwner 123456789012", proxy.Endpoint);
            var error = Assert.Single(result.Errors);
            Assert.Equal("BucketNameTaken", error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, error.CategoryInfo.Category);
            Assert.Equal($"s3://{taken}/", error.TargetObject);
            Assert.Contains("-RandomSuffix", error.Exception.Message);
            Assert.Contains("not 123456789012", error.Exception.Message);
            Assert.Equal(0, proxy.Count("PUT_BUCKET") + proxy.Count("PUT_OBJECT"));
        }

        [Fact]
        public void Get_MlBucket_reads_an_existing_bucket_and_reports_a_missing_one()
        {
            Run(NewBucket()).AssertNoErrors();
            var bucket = Run($"Get-MlBucket {Bucket()} @conn").AssertNoErrors().Output.Single();
            Assert.Equal("a001", Prop(bucket, "TenantId"));
            Assert.Equal("Enabled", Prop(System.Management.Automation.PSObject.AsPSObject(Prop(bucket, "Settings")), "Versioning"));
            var missing = Run("Get-MlBucket no-such-bucket-here @conn");
            Assert.Equal(new[] { "BucketNotFound" }, missing.ErrorIds);
        }

        [Fact]
        public void A_named_profile_is_used_and_a_missing_one_is_an_error()
        {
            string file = Path.GetTempFileName();
            File.WriteAllText(file, "[ml-admin]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\nregion = us-east-1\n");
            var ok = ModuleSession.Run($"New-MlBucket -Override {_company}-profile-test -ProfileName ml-admin -ProfileLocation $file -EndpointUrl $endpoint -ForcePathStyle -Verbose",
                _moto.Variables(new Dictionary<string, object?> { ["file"] = file })).AssertNoErrors();
            Assert.Contains(ok.Verbose, d => d == "Credentials: profile 'ml-admin' (-ProfileName).");
            Assert.Contains(ok.Verbose, d => d == "Region: us-east-1 (profile 'ml-admin').");

            var missing = ModuleSession.Run($"New-MlBucket -Override {_company}-profile-test2 -ProfileName nobody -ProfileLocation $file -EndpointUrl $endpoint",
                _moto.Variables(new Dictionary<string, object?> { ["file"] = file }));
            Assert.Equal(new[] { "ProfileNotFound" }, missing.ErrorIds);
            Assert.Throws<InvalidOperationException>(() => _moto.Aws($"s3api head-bucket --bucket {_company}-profile-test2"));
            File.Delete(file);
        }

        [Fact]
        public void A_profile_file_from_someone_else_reaches_the_console_escaped_and_a_profile_or_region_the_SDK_cannot_use_is_refused_before_any_request()
        {
            string file = Path.GetTempFileName();
            File.WriteAllText(file, "[evil\x1b[2Jx]\naws_access_key_id = AKIAPROFILEKEY000002\naws_secret_access_key = profile-secret\nregion = us-east-1\n\n" +
                                    "[bad-region]\naws_access_key_id = AKIAPROFILEKEY000003\naws_secret_access_key = profile-secret\nregion = us-east-1\x1b[31m\n");
            try
            {
                using var proxy = new S3Proxy(_moto);
                var variables = _moto.Variables(new Dictionary<string, object?> { ["file"] = file, ["endpoint"] = proxy.Endpoint, ["profile"] = "evil\x1b[2Jx" });
                var named = ModuleSession.Run($"Get-MlBucket {_company}-nowhere -ProfileName $profile -ProfileLocation $file -EndpointUrl $endpoint -ForcePathStyle -Verbose", variables);
                Assert.Equal(new[] { "BucketNotFound" }, named.ErrorIds);
                // The resolver's lines name the profile as the file spells it, its escape shown, never sent to the terminal.
                Assert.Contains(named.Verbose, d => d == "Credentials: profile 'evil\\x1b[2Jx' (-ProfileName).");
                Assert.Contains(named.Verbose, d => d == "Region: us-east-1 (profile 'evil\\x1b[2Jx').");
                Assert.DoesNotContain(named.Verbose, d => d.Contains('\x1b'));

                int sent = proxy.Count("total");
                // A profile the SDK cannot read (its region is no host name) is the module's error, naming the profile.
                var unreadable = ModuleSession.Run($"Get-MlBucket {_company}-nowhere -ProfileName bad-region -ProfileLocation $file -EndpointUrl $endpoint -ForcePathStyle", variables);
                var error = Assert.Single(unreadable.Errors);
                Assert.Equal("ProfileUnreadable", error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
                Assert.Equal(file, error.TargetObject);
                Assert.Contains("The AWS profile 'bad-region' in '" + file + "' cannot be used: ", error.Exception.Message);
                Assert.Contains("us-east-1\\x1b[31m", error.Exception.Message);
                Assert.DoesNotContain('\x1b', error.Exception.Message);
                Assert.Null(error.Exception.InnerException);
                // A session region that is no host name is refused naming its source, before any line carries it.
                var refused = ModuleSession.Run("$StoredAWSRegion = \"us-east-1`e[31m\"\n" +
                    $"Get-MlBucket {_company}-nowhere -AccessKey $ak -SecretKey $sk -EndpointUrl $endpoint -ForcePathStyle -Verbose", variables);
                error = Assert.Single(refused.Errors);
                Assert.Equal("RegionInvalid", error.FullyQualifiedErrorId.Split(',')[0]);
                Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
                Assert.Equal("$StoredAWSRegion (Set-DefaultAWSRegion)", error.TargetObject);
                Assert.StartsWith("The region 'us-east-1\\x1b[31m' (from $StoredAWSRegion (Set-DefaultAWSRegion)) is not a region code", error.Exception.Message);
                Assert.DoesNotContain('\x1b', error.Exception.Message);
                Assert.DoesNotContain(refused.Verbose, d => d.StartsWith("Region:"));
                Assert.Equal(sent, proxy.Count("total"));
            }
            finally { File.Delete(file); }
        }

        [Fact]
        public void Add_MlDatePartition_and_Show_MlLayout_work_on_S3()
        {
            var result = Run(NewBucket() + " | Add-MlSolution churn > $null; $b = Get-MlBucket " + Bucket() + " @conn; $b | Add-MlDatePartition churn -Date 2024-01-01; $b | Show-MlLayout -Prefix solutions/churn/data/raw/").AssertNoErrors();
            Assert.Equal(6 * 3, (int)Prop(result.Output.First(), "Created")!);
            var lines = result.Strings.Skip(1).ToList();
            Assert.Equal($"s3://{Bucket()}/", lines[0]);
            Assert.Contains("                ├── 2024/", lines);
        }
    }
}
