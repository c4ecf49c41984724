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
    /// Issue 14, failure 10: every property of a tenant spec reaches the bucket on every documented path. The README
    /// pipeline (Import-MlTenant | New-MlBucket | Add-MlSolution) and the docs/tenants.md loop, as written, give each
    /// bucket exactly what Invoke-MlFleetPlan gives it for the same file: the same keys (date partitions, optional
    /// folders, client_config documents), the same documents byte for byte and, on moto, the same settings (SSE-KMS,
    /// tags, lifecycle), over the connection the file names. What cannot be honoured is refused.
    /// </summary>
    public static class TenantPipeline
    {
        private static readonly string Examples = Path.Combine(ModuleSession.RepositoryRoot, "examples", "tenants");

        /// <summary>The ```powershell block of docs/tenants.md that onboards: its "one pipeline" line, and the loop (every other line).</summary>
        public static (string Pipeline, string Loop) DocsBlock()
        {
            var lines = File.ReadAllLines(Path.Combine(ModuleSession.RepositoryRoot, "docs", "tenants.md"));
            int open = Enumerable.Range(0, lines.Length)
                .FirstOrDefault(i => lines[i] == "```powershell" && lines.Skip(i + 1).TakeWhile(l => l != "```").Any(l => l.Contains("| New-MlBucket", StringComparison.Ordinal)), -1);
            Assert.True(open >= 0, "docs/tenants.md has no block that pipes specs into New-MlBucket");
            var block = lines.Skip(open + 1).TakeWhile(l => l != "```").ToList();
            var pipeline = block.Where(l => l.Contains("# one pipeline")).ToList();
            Assert.Single(pipeline);
            return (string.Join("\n", block.Where(l => !l.Contains("# one pipeline"))), pipeline[0]);
        }

        /// <summary>
        /// The docs block's text with the test's tenant file (or folder) for the example file, and the test's folder
        /// for ./out/tenants; for S3 (<paramref name="localPath"/> null) without -LocalPath, as a reader onboarding to S3 writes it.
        /// </summary>
        public static string Retarget(string text, string tenantFile, string? localPath)
        {
            Assert.Contains("./examples/tenants/edge-a001.yaml -LocalPath ./out/tenants", text);
            text = text.Replace("./examples/tenants/edge-a001.yaml", $"'{tenantFile}'");
            if (localPath == null) text = text.Replace(" -LocalPath ./out/tenants", "");
            return text.Replace("./out/tenants", $"'{localPath ?? Path.Combine(Path.GetTempPath(), "s3mllayout-unused")}'");
        }

        public static string ExamplesFolder => Examples;

        /// <summary>Runs a script in a new pwsh (the docs' blocks use New-Item, Write-Verbose, Export-Clixml); fails on any error.</summary>
        public static PwshResult Pwsh(string script, string folder, IDictionary<string, string?>? environment = null)
        {
            string file = Path.Combine(folder, $"run-{Guid.NewGuid():N}.ps1");
            File.WriteAllText(file, $"$ErrorActionPreference = 'Stop'\nImport-Module '{ModuleSession.ManifestPath}'\n{script}\n");
            try { return PwshProcess.RunFile(file, Array.Empty<string>(), environment).AssertSucceeded(); }
            finally { File.Delete(file); }
        }
    }

    public sealed class TenantPipelineLocalTests
    {
        private static IEnumerable<string> Keys(string root) =>
            Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/') + (Directory.Exists(p) ? "/" : ""))
                .Where(k => !k.Contains("/.s3mllayout/audit/", StringComparison.Ordinal) && !k.EndsWith("/.s3mllayout/.lock", StringComparison.Ordinal))
                .OrderBy(k => k, StringComparer.Ordinal);

        private static Dictionary<string, string> Documents(string root) =>
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
                .Where(k => k.Contains("/client_config/", StringComparison.Ordinal))
                .ToDictionary(k => k, k => File.ReadAllText(Path.Combine(root, k)));

        [Fact]
        public void Readme_pipeline_and_docs_loop_give_every_example_bucket_what_the_fleet_gives_it()
        {
            using var scripts = new TempDirectory();
            using var pipeline = new TempDirectory();
            using var loop = new TempDirectory();
            using var fleet = new TempDirectory();
            var (loopText, pipelineLine) = TenantPipeline.DocsBlock();
            string examples = TenantPipeline.ExamplesFolder;
            // All four example files: KMS, tags, lifecycle, dates, client_config, an inline template, a custom region,
            // an environment other than dev/staging/prod and a bucketName override.
            TenantPipeline.Pwsh(TenantPipeline.Retarget(pipelineLine, examples, pipeline.Path) + " | Out-Null", scripts.Path);
            TenantPipeline.Pwsh(TenantPipeline.Retarget(loopText, examples, loop.Path) + " | Out-Null", scripts.Path);
            TenantPipeline.Pwsh($"Invoke-MlFleetPlan '{examples}' -LocalPath '{fleet.Path}' -Confirm:$false | Out-Null", scripts.Path);

            var expected = Keys(fleet.Path).ToList();
            Assert.True(expected.Count > 2000, $"{expected.Count} keys");
            Assert.Equal(expected, Keys(pipeline.Path));
            Assert.Equal(expected, Keys(loop.Path));
            var documents = Documents(fleet.Path);
            Assert.Equal(2 * 6, documents.Count); // edge-a001.yaml has client_config: its 6 buckets document themselves (2 files each)
            Assert.Equal(documents, Documents(pipeline.Path));
            Assert.Equal(documents, Documents(loop.Path));

            // What the old pipeline dropped, named: the prod bucket's KMS key and tags, its lifecycle rule, its dates.
            string prod = Path.Combine(pipeline.Path, "edge-prod-a001-us-west-2");
            string environment = File.ReadAllText(Path.Combine(prod, "client_config", "environments", "prod.yaml"));
            Assert.Contains("kmsKeyId: alias/edge-ml-prod", environment);
            Assert.Contains("data-class: confidential", environment);
            Assert.Contains("template: master-solution", environment);
            Assert.Contains("prefix: solutions/customer-churn/data/raw/", environment);
            Assert.True(Directory.Exists(Path.Combine(prod, "solutions", "customer-churn", "data", "raw", "2024", "01", "07")));
        }

        [Fact]
        public void A_spec_from_another_process_or_given_by_name_is_refused_and_nothing_is_made()
        {
            using var scripts = new TempDirectory();
            using var dir = new TempDirectory();
            string spec = $"Import-MlTenant '{Path.Combine(TenantPipeline.ExamplesFolder, "edge-a001.yaml")}' -Environment prod -Region us-west-2 -LocalPath '{dir.Path}'";
            var lines = TenantPipeline.Pwsh($@"
$file = Join-Path '{dir.Path}' specs.xml
{spec} | Export-Clixml $file
try {{ Import-Clixml $file | New-MlBucket | Add-MlSolution; 'not refused' }} catch {{ 'refused ' + $_.FullyQualifiedErrorId; $_.Exception.Message }}
try {{ New-MlBucket -TenantSpec ({spec}); 'not refused' }} catch {{ 'refused ' + $_.FullyQualifiedErrorId }}", scripts.Path).Lines;
            Assert.Equal("refused TenantSpecDeserialized,S3MlLayout.PowerShell.Commands.NewMlBucketCommand", lines[0]);
            Assert.Contains("Invoke-MlFleetPlan", lines[1]);
            Assert.Contains("client_config documents", lines[1]);
            Assert.Equal("refused TenantSpecNotPiped,S3MlLayout.PowerShell.Commands.NewMlBucketCommand", lines[2]);
            Assert.Equal(new[] { "specs.xml" }, Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
        }
    }

    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class TenantPipelineS3Tests : IDisposable
    {
        private const string Key = "arn:aws:kms:us-east-1:123456789012:key/6e0d8c1e-3f1b-4a8e-9c55-0f2b7d3a9e41";
        private readonly MotoServer _moto;
        private readonly TempDirectory _temp = new TempDirectory();
        private readonly string _run = Guid.NewGuid().ToString("N").Substring(0, 6);

        public TenantPipelineS3Tests(MotoServer moto)
        {
            _moto = moto;
            // The connection of the files: a profile that only these processes know, kept outside ~/.aws.
            File.WriteAllText(Path.Combine(_temp.Path, "config"), "[profile pipe-admin]\nregion = us-east-1\n");
            File.WriteAllText(Path.Combine(_temp.Path, "credentials"), $"[pipe-admin]\naws_access_key_id = AKIAPIPETEST00000001\naws_secret_access_key = {MotoServer.SecretKey}\n");
        }

        public void Dispose() => _temp.Dispose();

        /// <summary>A tenant file for company <paramref name="company"/>, reaching S3 at <paramref name="endpoint"/> with the profile pipe-admin.</summary>
        private string TenantFile(string company, string endpoint)
        {
            string file = Path.Combine(_temp.Path, company + ".yaml");
            File.WriteAllText(file, $@"companyPrefix: {company}
tenantId: t001
regions: [us-east-1]
template: master-solution
bucketFolders: [client_config]
solutions: [churn]
dates: [2024-01-03]
settings:
  tags:
    cost-center: ml-platform
  lifecycle:
    - prefix: solutions/churn/data/raw/
      transitionDays: 30
      storageClass: STANDARD_IA
connection:
  profile: pipe-admin
  endpoint: {endpoint}
  forcePathStyle: true
environments:
  dev:
  prod:
    settings:
      kmsKeyId: {Key}
      tags:
        data-class: confidential
");
            return file;
        }

        /// <summary>
        /// Runs a script in a new pwsh whose only credentials are the profile, and whose AWS_ENDPOINT_URL_S3 is a
        /// closed port: a request that did not take the file's endpoint (or an explicit one) fails the run.
        /// </summary>
        private PwshResult Pwsh(string script) =>
            TenantPipeline.Pwsh(script, _temp.Path, new Dictionary<string, string?>
            {
                ["AWS_CONFIG_FILE"] = Path.Combine(_temp.Path, "config"), ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_temp.Path, "credentials"),
                ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9", ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9", ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_ACCESS_KEY_ID"] = null, ["AWS_SECRET_ACCESS_KEY"] = null, ["AWS_SESSION_TOKEN"] = null, ["AWS_PROFILE"] = null,
            });

        private string Object(string bucket, string key)
        {
            string file = Path.Combine(_temp.Path, Guid.NewGuid().ToString("N"));
            _moto.Aws($"s3api get-object --bucket {bucket} --key {key} {file}");
            return File.ReadAllText(file);
        }

        /// <summary>What a bucket holds and how it is set, with its company prefix written as {company}: comparable across two companies.</summary>
        private List<string> Picture(string company, string environment)
        {
            string bucket = $"{company}-{environment}-t001-us-east-1";
            var picture = _moto.Keys(bucket).Where(k => !k.StartsWith(".s3mllayout/audit/", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).ToList();
            picture.AddRange(picture.Where(k => k.StartsWith("client_config/", StringComparison.Ordinal) && !k.EndsWith("/", StringComparison.Ordinal)).ToList()
                .Select(k => $"{k}:\n{Object(bucket, k)}"));
            foreach (var setting in new[] { "get-bucket-encryption", "get-bucket-lifecycle-configuration", "get-bucket-versioning", "get-public-access-block" })
                picture.Add(setting + " " + _moto.Aws($"s3api {setting} --bucket {bucket}"));
            // Tags as a set: S3 does not keep their order.
            picture.Add("get-bucket-tagging\n" + string.Join("\n", _moto.AwsJson($"s3api get-bucket-tagging --bucket {bucket}").GetProperty("TagSet").EnumerateArray()
                .Select(t => t.GetProperty("Key").GetString() + "=" + t.GetProperty("Value").GetString()).OrderBy(t => t, StringComparer.Ordinal)));
            return picture.Select(p => p.Replace(company, "{company}")).ToList();
        }

        [Fact]
        public void Readme_pipeline_and_docs_loop_on_moto_use_the_files_connection_and_make_what_the_fleet_makes()
        {
            string pipelineCompany = $"pa{_run}", loopCompany = $"pl{_run}", fleetCompany = $"pf{_run}";
            var (loopText, pipelineLine) = TenantPipeline.DocsBlock();
            using (var proxy = new S3Proxy(_moto))
            {
                // The README pipeline and the docs loop, as written, on files that name the proxy's endpoint and the profile.
                Pwsh(TenantPipeline.Retarget(pipelineLine, TenantFile(pipelineCompany, proxy.Endpoint), null) + " | Out-Null");
                Pwsh(TenantPipeline.Retarget(loopText, TenantFile(loopCompany, proxy.Endpoint), null) + " | Out-Null");
                // Every bucket went through the endpoint the file names (the environment's endpoint is a closed port).
                Assert.Equal(new[] { "dev", "dev", "prod", "prod" }, proxy.Created().Select(c => c.Path.Split('-')[1]).OrderBy(e => e, StringComparer.Ordinal));
            }
            Pwsh($"Invoke-MlFleetPlan '{TenantFile(fleetCompany, _moto.Endpoint)}' -Confirm:$false | Out-Null");

            foreach (var environment in new[] { "dev", "prod" })
            {
                var fleet = Picture(fleetCompany, environment);
                foreach (var made in new[] { Picture(pipelineCompany, environment), Picture(loopCompany, environment) })
                {
                    Assert.Equal(fleet.Where(p => !p.Contains('\n')), made.Where(p => !p.Contains('\n')));
                    // Documents and settings one by one, so a difference shows as text.
                    foreach (var (expected, actual) in fleet.Where(p => p.Contains('\n')).Zip(made.Where(p => p.Contains('\n'))))
                        Assert.Equal(expected, actual);
                }
            }

            // Named, for the prod bucket the pipeline made: SSE-KMS with the file's key, on the bucket and on the documents.
            string prod = $"{pipelineCompany}-prod-t001-us-east-1";
            var rule = _moto.AwsJson($"s3api get-bucket-encryption --bucket {prod}").GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0];
            Assert.Equal("aws:kms", rule.GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
            Assert.Equal(Key, rule.GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("KMSMasterKeyID").GetString());
            var head = _moto.AwsJson($"s3api head-object --bucket {prod} --key client_config/environments/prod.yaml");
            Assert.Equal("aws:kms", head.GetProperty("ServerSideEncryption").GetString());
            Assert.Equal(Key, head.GetProperty("SSEKMSKeyId").GetString());
            var tags = _moto.AwsJson($"s3api get-bucket-tagging --bucket {prod}").GetProperty("TagSet").EnumerateArray()
                .ToDictionary(t => t.GetProperty("Key").GetString()!, t => t.GetProperty("Value").GetString()!);
            Assert.Equal("ml-platform", tags["cost-center"]);
            Assert.Equal("confidential", tags["data-class"]);
            Assert.Equal("master-solution", tags["template"]);
            var lifecycle = _moto.AwsJson($"s3api get-bucket-lifecycle-configuration --bucket {prod}").GetProperty("Rules").EnumerateArray()
                .Select(r => r.GetProperty("Filter").GetProperty("Prefix").GetString()).ToList();
            Assert.Contains("solutions/churn/data/raw/", lifecycle);
            var keys = _moto.Keys(prod);
            Assert.Contains("solutions/churn/data/raw/2024/01/03/", keys);
            Assert.Contains("client_config/layout.yaml", keys);
            Assert.Matches($"kmsKeyId: ['\"]?{System.Text.RegularExpressions.Regex.Escape(Key)}", Object(prod, "client_config/environments/prod.yaml"));
        }

        [Fact]
        public void An_explicit_EndpointUrl_wins_over_the_files_and_the_bucket_still_gets_everything()
        {
            string company = $"pe{_run}";
            // The file names a closed port: only the explicit endpoint reaches moto.
            string file = TenantFile(company, "http://127.0.0.1:9");
            Pwsh($"Import-MlTenant '{file}' -Environment prod | New-MlBucket -EndpointUrl '{_moto.Endpoint}' | Add-MlSolution | Out-Null");
            string prod = $"{company}-prod-t001-us-east-1";
            var keys = _moto.Keys(prod);
            Assert.Contains("client_config/environments/prod.yaml", keys);
            Assert.Contains("solutions/churn/data/raw/2024/01/03/", keys);
            Assert.Equal("aws:kms", _moto.AwsJson($"s3api head-object --bucket {prod} --key client_config/layout.yaml").GetProperty("ServerSideEncryption").GetString());
        }
    }
}
