using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using static S3MlLayout.Module.Tests.Hosting.ScriptResult;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Write-MlObject (issue 15, item 5) on a real S3 API (moto), with requests counted by the loopback proxy
    /// (bench/s3_proxy.py): the contract checked before any byte is sent, no overwrite without -Force, large files in
    /// parallel parts with progress, -WhatIf, piped FileInfo objects (Get-ChildItem's PSPath binding is run in real pwsh by the README Pester test), and keys built from -Date.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class WriteObjectS3Tests : IDisposable
    {
        private readonly MotoServer _moto;
        private readonly string _company = "w" + Guid.NewGuid().ToString("N").Substring(0, 8);
        private readonly string _files = Path.Combine(Path.GetTempPath(), "s3mllayout-write-" + Guid.NewGuid().ToString("N"));

        public WriteObjectS3Tests(MotoServer moto)
        {
            _moto = moto;
            Directory.CreateDirectory(_files);
        }

        public void Dispose() { try { Directory.Delete(_files, true); File.Delete(_files + ".template.yaml"); } catch (IOException) { } }

        private string Bucket => $"{_company}-dev-a001-us-east-1";

        /// <summary>$conn reaches moto (or the proxy, with $endpoint set to it); $t is the test template with data/raw taking .csv and .json only.</summary>
        private ScriptResult Run(string script, string? endpoint = null) =>
            ModuleSession.Run("$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n" + WriteObjectScripts.Template + script,
                _moto.Variables(new Dictionary<string, object?> { ["files"] = _files, ["yaml"] = WriteObjectScripts.TemplateFile(_files), ["endpoint"] = endpoint ?? _moto.Endpoint }));

        private void Provision()
        {
            Run($"New-MlBucket -CompanyPrefix {_company} -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue | Add-MlSolution churn -Template $t | Out-Null").AssertNoErrors();
        }

        private string Write(string name, string content) { string path = Path.Combine(_files, name); File.WriteAllText(path, content); return path; }

        private byte[] Download(string key)
        {
            string file = Path.GetTempFileName();
            _moto.Aws($"s3api get-object --bucket {Bucket} --key {key} {file}");
            var bytes = File.ReadAllBytes(file);
            File.Delete(file);
            return bytes;
        }

        [Fact]
        public void A_file_the_contract_refuses_is_refused_with_FormatNotAllowed_and_no_request_follows_the_declaration_read()
        {
            Provision();
            Write("model.joblib", "not a table");
            using var proxy = new S3Proxy(_moto);
            var result = Run($"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'model.joblib'))", proxy.Endpoint);

            Assert.Equal(new[] { "FormatNotAllowed" }, result.ErrorIds);
            Assert.Empty(result.Output);
            Assert.Contains(".csv, .json", result.Errors[0].Exception.Message);
            Assert.Equal($"s3://{Bucket}/solutions/churn/data/raw/model.joblib", result.Errors[0].TargetObject);
            // Exactly two requests: the bucket's existence (a bucket GET) and its declaration (an object GET). No LIST, no PUT, no POST.
            var stats = proxy.Stats();
            Assert.True(stats["total"] == 2 && proxy.Count("GET_BUCKET") == 1 && proxy.Count("GET_OBJECT") == 1,
                "requests: " + string.Join(", ", stats.Select(p => $"{p.Key}={p.Value}")));
            Assert.DoesNotContain("solutions/churn/data/raw/model.joblib", _moto.Keys(Bucket, "solutions/churn/data/raw/"));
        }

        [Fact]
        public void An_existing_object_is_kept_byte_identical_and_only_Force_overwrites_it()
        {
            Provision();
            string theirs = Write("theirs.csv", "id,owner\n1,someone else\n");
            _moto.Aws($"s3api put-object --bucket {Bucket} --key solutions/churn/data/raw/customers.csv --body {theirs}");
            Write("customers.csv", "id,owner\n1,me\n");

            var kept = Run($"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'customers.csv'))").AssertNoErrors();
            Assert.Equal("Skipped", Prop(kept.Output.Single(), "Outcome")!.ToString());
            Assert.Contains(kept.Warnings, w => w.Contains("-Force"));
            Assert.Equal(File.ReadAllBytes(theirs), Download("solutions/churn/data/raw/customers.csv"));

            var forced = Run($"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'customers.csv')) -Force -Verbose").AssertNoErrors();
            Assert.Equal("Overwritten", Prop(forced.Output.Single(), "Outcome")!.ToString());
            Assert.Contains(forced.Verbose, v => v.Contains("\"Overwrite object") && v.Contains("customers.csv"));
            Assert.Equal("id,owner\n1,me\n", System.Text.Encoding.UTF8.GetString(Download("solutions/churn/data/raw/customers.csv")));
        }

        [Fact]
        public void A_file_above_the_multipart_threshold_goes_in_parallel_parts_with_progress_and_lands_whole()
        {
            Provision();
            string big = Path.Combine(_files, "events.csv");
            var bytes = new byte[40 * 1024 * 1024];
            new Random(15).NextBytes(bytes);
            File.WriteAllBytes(big, bytes);
            string trace = Path.Combine(_files, "trace.jsonl");
            using (var proxy = new S3Proxy(_moto, $"--delay-ms 20 --trace \"{trace}\""))
            {
                var result = Run($"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'events.csv'))", proxy.Endpoint).AssertNoErrors();
                var written = result.Output.Single();
                Assert.Equal("Written", Prop(written, "Outcome")!.ToString());
                Assert.Equal(5, (int)Prop(written, "Parts")!); // 40 MiB in 8 MiB parts
                Assert.Equal(0, proxy.Count("DELETE")); // nothing aborted
                var progress = result.Progress.Where(p => p.StatusDescription.Contains("MiB")).ToList();
                Assert.NotEmpty(progress);
                Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
            }
            var traced = S3Proxy.ReadTrace(trace).Where(r => r.Key == "solutions/churn/data/raw/events.csv").ToList();
            // One create, five parts, one complete: nothing else touched the key.
            Assert.Equal(new[] { "POST uploads", "PUT part", "PUT part", "PUT part", "PUT part", "PUT part", "POST complete" },
                traced.OrderBy(r => r.Start).Select(r => r.Method + (r.Query.StartsWith("uploads") ? " uploads" : r.Query.Contains("partNumber") ? " part" : r.Query.Contains("uploadId") ? " complete" : " " + r.Query)).ToList());
            var parts = traced.Where(r => r.Query.Contains("partNumber")).ToList();
            // Sent in parallel: some part started before another one was answered.
            Assert.Contains(parts, a => parts.Any(b => !ReferenceEquals(a, b) && b.Start < a.End && a.Start < b.End));
            // Each part is one plain body whose hash is signed (http), not the SDK's default of signed 80 KB aws-chunked
            // pieces, which sent a part 2-4 times slower through the proxy (issue 15).
            Assert.All(parts, p => Assert.Matches("^[0-9a-f]{64}$", p.Payload));
            Assert.Equal(MD5.HashData(bytes), MD5.HashData(Download("solutions/churn/data/raw/events.csv")));
        }

        [Fact]
        public void A_large_upload_raced_by_another_writer_keeps_theirs_and_aborts_its_parts()
        {
            Provision();
            File.WriteAllBytes(Path.Combine(_files, "late.csv"), new byte[20 * 1024 * 1024]);
            using (var proxy = new S3Proxy(_moto, "--write-before-complete"))
            {
                var result = Run($"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'late.csv'))", proxy.Endpoint).AssertNoErrors();
                Assert.Equal(1, proxy.Count("faults"));
                Assert.Equal("Skipped", Prop(result.Output.Single(), "Outcome")!.ToString());
                Assert.Contains(result.Warnings, w => w.Contains("written by someone else"));
                Assert.Equal(1, proxy.Count("DELETE")); // AbortMultipartUpload
            }
            Assert.Equal("user data written during the run", System.Text.Encoding.UTF8.GetString(Download("solutions/churn/data/raw/late.csv")));
            var uploads = _moto.AwsJson($"s3api list-multipart-uploads --bucket {Bucket}");
            Assert.False(uploads.ValueKind == System.Text.Json.JsonValueKind.Object && uploads.TryGetProperty("Uploads", out var open) && open.GetArrayLength() > 0);
        }

        [Fact]
        public void Ctrl_C_during_a_multipart_upload_aborts_it_leaves_nothing_at_the_key_and_audits_the_stop()
        {
            Provision();
            File.WriteAllBytes(Path.Combine(_files, "stopped.csv"), new byte[40 * 1024 * 1024]);
            using (var proxy = new S3Proxy(_moto, "--delay-ms 1500"))
            {
                var variables = _moto.Variables(new Dictionary<string, object?> { ["files"] = _files, ["endpoint"] = proxy.Endpoint });
                ModuleSession.RunAndStop("$conn = @{ EndpointUrl = $endpoint; AccessKey = $ak; SecretKey = $sk; ForcePathStyle = $true }\n" +
                    $"Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -Path ([IO.Path]::Combine($files, 'stopped.csv'))", variables,
                    () => proxy.Count("PUT_OBJECT") >= 1); // the first part has reached the proxy: parts are in flight, the upload not completed
                Assert.True(proxy.Count("DELETE") >= 1, "the upload was aborted"); // AbortMultipartUpload
            }
            Assert.DoesNotContain("solutions/churn/data/raw/stopped.csv", _moto.Keys(Bucket, "solutions/churn/data/raw/"));
            var uploads = _moto.AwsJson($"s3api list-multipart-uploads --bucket {Bucket}");
            Assert.False(uploads.ValueKind == System.Text.Json.JsonValueKind.Object && uploads.TryGetProperty("Uploads", out var open) && open.GetArrayLength() > 0);
            var records = _moto.Keys(Bucket, ".s3mllayout/audit/").Select(k => System.Text.Encoding.UTF8.GetString(Download(k)));
            Assert.Contains(records, r => r.Contains("Write-MlObject") && r.Contains("\"Stopped\"") && r.Contains("solutions/churn/data/raw/stopped.csv"));
        }

        [Fact]
        public void WhatIf_shows_each_key_and_makes_no_write()
        {
            Provision();
            Write("a.csv", "a"); Write("b.json", "{}"); File.WriteAllBytes(Path.Combine(_files, "c.csv"), new byte[17 * 1024 * 1024]);
            int audits = _moto.Keys(Bucket, ".s3mllayout/audit/").Count;
            using var proxy = new S3Proxy(_moto);
            var result = Run($"[IO.DirectoryInfo]::new($files).GetFiles() | Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw -WhatIf", proxy.Endpoint).AssertNoErrors();
            foreach (var name in new[] { "a.csv", "b.json", "c.csv" })
                Assert.Contains(result.HostLines, l => l.Contains("What if: Performing the operation \"Write object") && l.Contains($"s3://{Bucket}/solutions/churn/data/raw/{name}"));
            Assert.Equal(0, proxy.Count("PUT_OBJECT") + proxy.Count("POST") + proxy.Count("DELETE"));
            Assert.Equal(audits, _moto.Keys(Bucket, ".s3mllayout/audit/").Count);
            Assert.Equal(new[] { "solutions/churn/data/raw/" }, _moto.Keys(Bucket, "solutions/churn/data/raw/"));
        }

        [Fact]
        public void Files_piped_as_FileInfo_are_written_with_one_result_each_and_an_audit_record()
        {
            Provision();
            for (int i = 0; i < 6; i++) Write($"part-{i}.csv", $"id\n{i}\n");
            var result = Run($"[IO.DirectoryInfo]::new($files).GetFiles('*.csv') | Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/raw").AssertNoErrors();
            Assert.Equal(6, result.Output.Count);
            Assert.All(result.Output, o => Assert.Equal("Written", Prop(o, "Outcome")!.ToString()));
            Assert.All(result.Output, o => Assert.Equal(".csv", Prop(o, "Format")));
            var keys = _moto.Keys(Bucket, "solutions/churn/data/raw/");
            for (int i = 0; i < 6; i++) Assert.Contains($"solutions/churn/data/raw/part-{i}.csv", keys);
            var audit = _moto.Keys(Bucket, ".s3mllayout/audit/");
            Assert.Contains(audit.Select(k => System.Text.Encoding.UTF8.GetString(Download(k))), r => r.Contains("Write-MlObject") && r.Contains("solutions/churn/data/raw/part-5.csv"));
        }

        [Fact]
        public void The_partition_path_is_built_from_Date_daily_and_monthly_in_both_styles()
        {
            Provision();
            Write("e.csv", "e");
            Run($@"
Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/events -Date 2024-03-07 -Path ([IO.Path]::Combine($files, 'e.csv'))
Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/reports -Date 2024-03-07 -Path ([IO.Path]::Combine($files, 'e.csv'))
Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/hive-days -Date 2024-03-07 -Path ([IO.Path]::Combine($files, 'e.csv'))
Write-MlObject -BucketName {Bucket} @conn -Solution churn -Folder data/months -Date 2024-03-07 -Path ([IO.Path]::Combine($files, 'e.csv'))
").AssertNoErrors();
            var keys = _moto.Keys(Bucket, "solutions/churn/data/");
            Assert.Contains("solutions/churn/data/events/2024/03/07/e.csv", keys);
            Assert.Contains("solutions/churn/data/reports/year=2024/month=03/e.csv", keys);
            Assert.Contains("solutions/churn/data/hive-days/year=2024/month=03/day=07/e.csv", keys);
            Assert.Contains("solutions/churn/data/months/2024/03/e.csv", keys);
        }
    }

    /// <summary>The same command on the local target: it copies the file, never outside the bucket directory.</summary>
    public sealed class WriteObjectLocalTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "s3mllayout-writelocal-" + Guid.NewGuid().ToString("N"));
        private string Files => Path.Combine(_root, "files");
        private string BucketDirectory => Path.Combine(_root, "buckets", "acme-ml-sandbox");

        public WriteObjectLocalTests()
        {
            Directory.CreateDirectory(Files);
            Directory.CreateDirectory(Path.Combine(_root, "buckets"));
        }

        public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

        private ScriptResult Run(string script) => ModuleSession.Run(
            "$c = @{ BucketName = 'acme-ml-sandbox'; LocalPath = $buckets; Solution = 'churn' }\n" + WriteObjectScripts.Template + script,
            new Dictionary<string, object?> { ["files"] = Files, ["buckets"] = Path.Combine(_root, "buckets"), ["yaml"] = WriteObjectScripts.TemplateFile(Files) });

        private void Provision() =>
            Run("New-MlBucket -Name acme-ml-sandbox -LocalPath $buckets | Add-MlSolution churn -Template $t | Out-Null").AssertNoErrors();

        private string Write(string name, string content) { string path = Path.Combine(Files, name); File.WriteAllText(path, content); return path; }

        private string Raw(string name) => Path.Combine(BucketDirectory, "solutions", "churn", "data", "raw", name);

        [Fact]
        public void A_refused_format_writes_nothing_and_a_folder_for_sub_folders_only_is_refused()
        {
            Provision();
            Write("model.joblib", "x");
            Write("ok.csv", "x");
            var result = Run("Write-MlObject @c -Folder data/raw -Path ([IO.Path]::Combine($files, 'model.joblib')); Write-MlObject @c -Folder data -Path ([IO.Path]::Combine($files, 'ok.csv'))");
            Assert.Equal(new[] { "FormatNotAllowed", "FolderHoldsFoldersOnly" }, result.ErrorIds);
            Assert.False(File.Exists(Raw("model.joblib")));
            Assert.False(File.Exists(Path.Combine(BucketDirectory, "solutions", "churn", "data", "ok.csv")));
            var undeclared = Run("Write-MlObject @c -Solution other -Folder data/raw -Path ([IO.Path]::Combine($files, 'ok.csv')); Write-MlObject @c -Folder data/nope -Path ([IO.Path]::Combine($files, 'ok.csv')); Write-MlObject @c -Folder data/raw -Date 2024-01-01 -Path ([IO.Path]::Combine($files, 'ok.csv'))");
            Assert.Equal(new[] { "SolutionNotDeclared", "FolderNotDeclared", "DateNotPartitioned" }, undeclared.ErrorIds);
            Assert.False(File.Exists(Raw("ok.csv")));
        }

        [Fact]
        public void An_existing_file_is_kept_byte_identical_and_Force_replaces_it()
        {
            Provision();
            Directory.CreateDirectory(Path.GetDirectoryName(Raw("customers.csv"))!);
            File.WriteAllText(Raw("customers.csv"), "theirs");
            Write("customers.csv", "mine");
            var kept = Run("Write-MlObject @c -Folder data/raw -Path ([IO.Path]::Combine($files, 'customers.csv'))").AssertNoErrors();
            Assert.Equal("Skipped", Prop(kept.Output.Single(), "Outcome")!.ToString());
            Assert.Equal("theirs", File.ReadAllText(Raw("customers.csv")));
            var forced = Run("Write-MlObject @c -Folder data/raw -Path ([IO.Path]::Combine($files, 'customers.csv')) -Force").AssertNoErrors();
            Assert.Equal("Overwritten", Prop(forced.Output.Single(), "Outcome")!.ToString());
            Assert.Equal("mine", File.ReadAllText(Raw("customers.csv")));
        }

        [Fact]
        public void Wildcards_and_piped_files_are_copied_with_progress_and_dated_keys()
        {
            Provision();
            Write("a.csv", "a"); Write("b.csv", "b"); Write("c.json", "{}");
            var bytes = new byte[20 * 1024 * 1024];
            new Random(3).NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(Files, "big.csv"), bytes);
            var result = Run(@"
Write-MlObject @c -Folder data/raw -Path ([IO.Path]::Combine($files, '*.csv'))
[IO.DirectoryInfo]::new($files).GetFiles('*.json') | Write-MlObject @c -Folder data/events -Date 2024-02-29
").AssertNoErrors();
            Assert.Equal(4, result.Output.Count);
            Assert.Equal(bytes, File.ReadAllBytes(Raw("big.csv")));
            Assert.Equal("a", File.ReadAllText(Raw("a.csv")));
            Assert.True(File.Exists(Path.Combine(BucketDirectory, "solutions", "churn", "data", "events", "2024", "02", "29", "c.json")));
            Assert.Contains(result.Progress, p => p.StatusDescription.Contains("MiB"));
            Assert.Contains(result.Progress, p => p.RecordType == System.Management.Automation.ProgressRecordType.Completed);
            // No copy is left aside.
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Raw("a.csv"))!, "*.tmp", SearchOption.AllDirectories));
        }

        [Fact]
        public void A_folder_that_links_out_of_the_bucket_directory_is_refused_and_nothing_is_written_outside()
        {
            if (OperatingSystem.IsWindows()) return; // symbolic links need privileges there; LocalLinkTests cover the rule
            Provision();
            string outside = Path.Combine(_root, "outside");
            Directory.CreateDirectory(outside);
            string raw = Path.GetDirectoryName(Raw("x"))!;
            if (Directory.Exists(raw)) Directory.Delete(raw, true);
            Directory.CreateSymbolicLink(raw, outside);
            Write("x.csv", "x");
            var result = Run("Write-MlObject @c -Folder data/raw -Path ([IO.Path]::Combine($files, 'x.csv'))");
            Assert.Equal(new[] { "PathOutsideBucket" }, result.ErrorIds);
            Assert.Empty(Directory.GetFileSystemEntries(outside));
        }
    }

    internal static class WriteObjectScripts
    {
        /// <summary>Loads the test template and gives data/raw a contract (.csv and .json only) before it is declared.</summary>
        public const string Template = @"
$t = Get-MlLayoutTemplate -Path $yaml
($t.SolutionFolders[0].Folders | Where-Object Name -eq raw).Contract = [S3MlLayout.Engine.Layouts.FolderContract]@{ Formats = [string[]]('.csv', '.json') }
";

        /// <summary>A template with a plain folder and date-partitioned ones (daily and monthly, YYYY/MM/DD and hive).</summary>
        public static string TemplateFile(string directory)
        {
            string path = directory.TrimEnd(Path.DirectorySeparatorChar) + ".template.yaml"; // beside the files, not among them
            File.WriteAllText(path, @"name: writes
version: 1.0.0
folders:
  - name: data
    folders:
      - name: raw
      - name: events
        partition: daily
      - name: reports
        partition: monthly
        partitionStyle: hive
      - name: hive-days
        partition: daily
        partitionStyle: hive
      - name: months
        partition: monthly
  - name: models
    folders:
      - v1
");
            return Path.GetFullPath(path);
        }
    }
}
