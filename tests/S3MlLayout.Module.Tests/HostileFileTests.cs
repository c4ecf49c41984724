using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 14, failures 1 and 4: every file the module reads (templates, tenant files, saved plans, local records)
    /// goes through one bounded reader that refuses what is not a regular file and stops at the limit while reading;
    /// template paths in tenant files stay in the tenant files' folder; errors about a file of another kind quote
    /// nothing of it. Linux only where FIFOs, /dev and /proc are needed (CI runs on Linux).
    /// </summary>
    public sealed class HostileFileTests : IDisposable
    {
        private readonly TempDirectory _temp = new TempDirectory();
        private string Dir => _temp.Path;

        private const string Template = "name: t\nversion: 1.0.0\nfolders:\n  - raw\n";
        private static string Tenant(string template) =>
            $"companyPrefix: acme\ntenantId: a001\nregions: [us-east-1]\nenvironments: [dev]\ntemplate: {template}\n";

        /// <summary>A line shaped like /etc/shadow's: it must never reach an error record.</summary>
        private const string Secret = "root:*:19000:0:99999:7:::";

        public void Dispose() => _temp.Dispose();

        private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

        private static void MkFifo(string path)
        {
            using var process = Process.Start(new ProcessStartInfo("mkfifo", path) { UseShellExecute = false })!;
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }

        /// <summary>
        /// Runs a script that must not block on a FIFO. On the old code it blocked in open(2): after the deadline a
        /// writer is opened on the FIFO to release it, and the test fails with the time it waited.
        /// </summary>
        private static ScriptResult RunWithin(TimeSpan deadline, string fifo, string script, Dictionary<string, object?> variables)
        {
            var watch = Stopwatch.StartNew();
            var run = Task.Run(() => ModuleSession.Run(script, variables));
            if (!run.Wait(deadline))
            {
                // A writer opened with O_NONBLOCK pairs with a reader blocked in open(2) and never blocks itself.
                while (!run.IsCompleted)
                {
                    int fd = open(System.Text.Encoding.UTF8.GetBytes(fifo + "\0"), 0x1 /* O_WRONLY */ | 0x800 /* O_NONBLOCK */);
                    if (fd >= 0) close(fd);
                    Thread.Sleep(50);
                }
                throw new Xunit.Sdk.XunitException($"the command waited on the FIFO '{fifo}' for {watch.Elapsed.TotalSeconds:0.0} s instead of refusing it.");
            }
            return run.Result;
        }

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        private static extern int open(byte[] path, int flags);

        [System.Runtime.InteropServices.DllImport("libc")]
        private static extern int close(int fd);

        public static IEnumerable<object[]> FifoEntryPoints() => new[]
        {
            new object[] { "template", "Get-MlLayoutTemplate -Path $fifo" },
            new object[] { "tenant file", "Import-MlTenant $fifo" },
            new object[] { "fleet plan", "Get-MlFleetPlan $fifo -LocalPath $d" },
            new object[] { "saved plan", "Invoke-MlFleetPlan $tenant -PlanFile $fifo -LocalPath $d -Confirm:$false" },
        };

        [Theory]
        [MemberData(nameof(FifoEntryPoints))]
        public void A_FIFO_is_refused_at_once_as_FileNotRegular(string what, string command)
        {
            if (!OperatingSystem.IsLinux()) return; // mkfifo: the CI runs this on Linux
            string fifo = Path.Combine(Dir, "fifo.yaml");
            MkFifo(fifo);
            string tenant = Path.Combine(Dir, "tenant.yml");
            File.WriteAllText(tenant, Tenant("simple-ml"));

            var watch = Stopwatch.StartNew();
            var result = RunWithin(TimeSpan.FromSeconds(20), fifo, command, Vars(("fifo", fifo), ("d", Dir), ("tenant", tenant)));

            Assert.True(result.ErrorIds.Contains("FileNotRegular"), $"{what}: {string.Join(", ", result.ErrorIds)}");
            var error = result.Errors.First(e => e.FullyQualifiedErrorId.StartsWith("FileNotRegular", StringComparison.Ordinal));
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains("FIFO", error.Exception.Message);
            Assert.Equal(fifo, error.TargetObject?.ToString());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{what} took {watch.Elapsed}");
        }

        [Fact]
        public void A_record_that_is_a_FIFO_in_a_local_bucket_is_refused_at_once()
        {
            if (!OperatingSystem.IsLinux()) return;
            ModuleSession.Run("New-MlBucket -Override fifo-bucket -LocalPath $d | Out-Null", Vars(("d", Dir))).AssertNoErrors();
            string record = Path.Combine(Dir, "fifo-bucket", ".s3mllayout", "declared", "bucket.json");
            Assert.True(File.Exists(record));
            File.Delete(record);
            MkFifo(record);

            var result = RunWithin(TimeSpan.FromSeconds(20), record, "Get-MlBucket fifo-bucket -LocalPath $d", Vars(("d", Dir)));

            Assert.Equal(new[] { "FileNotRegular" }, result.ErrorIds);
            Assert.Empty(result.Output);
        }

        [Fact]
        public void An_over_limit_bucket_json_in_a_local_bucket_is_refused_while_reading()
        {
            ModuleSession.Run("New-MlBucket -Override big-bucket -LocalPath $d | Out-Null", Vars(("d", Dir))).AssertNoErrors();
            string record = Path.Combine(Dir, "big-bucket", ".s3mllayout", "declared", "bucket.json");
            // Still valid JSON (the old code read all 40 MB and accepted it): the record followed by spaces.
            Assert.True(File.Exists(record));
            using (var stream = new FileStream(record, FileMode.Append))
            {
                var spaces = Enumerable.Repeat((byte)' ', 1 << 20).ToArray();
                for (int i = 0; i < 40; i++) stream.Write(spaces, 0, spaces.Length);
            }

            var result = ModuleSession.Run("Get-MlBucket big-bucket -LocalPath $d", Vars(("d", Dir)));

            Assert.Equal(new[] { "RecordTooLarge" }, result.ErrorIds);
            Assert.Equal(ErrorCategory.LimitsExceeded, result.Errors[0].CategoryInfo.Category);
            Assert.Contains("bucket.json", result.Errors[0].TargetObject?.ToString());
            Assert.Empty(result.Output);
        }

        [Fact]
        public void A_proc_file_that_reports_no_length_is_read_bounded_and_reported_without_its_content()
        {
            if (!OperatingSystem.IsLinux()) return;
            string link = Path.Combine(Dir, "status.yaml");
            File.CreateSymbolicLink(link, "/proc/self/status");

            var result = ModuleSession.Run("Get-MlLayoutTemplate -Path $p", Vars(("p", link)));

            Assert.Equal(new[] { "TemplateFileUnrecognized" }, result.ErrorIds);
            string shown = Shown(result.Errors[0]);
            foreach (var content in new[] { "Umask", "VmPeak", "Name", "Tgid" }) Assert.DoesNotContain(content, shown);
        }

        /// <summary>Everything a CI log can show of an error record.</summary>
        private static string Shown(ErrorRecord error) =>
            string.Join("\n", error.ToString(), error.Exception.Message, error.Exception.ToString(), error.TargetObject?.ToString(),
                error.FullyQualifiedErrorId, error.ErrorDetails?.Message, error.CategoryInfo.ToString(), error.Exception.InnerException?.Message);

        [Fact]
        public void A_file_of_another_kind_is_never_quoted_in_an_error()
        {
            string shadow = Path.Combine(Dir, "shadow.yaml");
            File.WriteAllText(shadow, Secret + "\ndaemon:*:19000:0:99999:7:::\n");
            string byPath = Path.Combine(Dir, "by-path.yaml");
            File.WriteAllText(byPath, Tenant("shadow.yaml"));
            string linked = Path.Combine(Dir, "linked.yml");
            if (!OperatingSystem.IsWindows()) File.CreateSymbolicLink(linked, shadow);
            else File.Copy(shadow, linked);

            var cases = new (string Command, string ErrorId)[]
            {
                ("Get-MlLayoutTemplate -Path $shadow", "TemplateFileUnrecognized"),
                ("Import-MlTenant $byPath", "TemplateFileUnrecognized"),
                ("Import-MlTenant $linked", "TenantFileUnrecognized"),
                ("Get-MlFleetPlan $linked -LocalPath $d", "TenantFileUnrecognized"),
                ("Invoke-MlFleetPlan $byPath -PlanFile $shadow -LocalPath $d -Confirm:$false", "FleetPlanInvalid"),
            };
            foreach (var (command, errorId) in cases)
            {
                var result = ModuleSession.Run(command, Vars(("shadow", shadow), ("byPath", byPath), ("linked", linked), ("d", Dir)));
                Assert.True(result.ErrorIds.Contains(errorId), $"{command}: {string.Join(", ", result.ErrorIds)}");
                foreach (var error in result.Errors)
                {
                    string shown = Shown(error);
                    Assert.False(shown.Contains("root:*") || shown.Contains("19000") || shown.Contains("daemon"), $"{command} quoted the file: {shown}");
                }
            }
        }

        [Fact]
        public void A_real_template_still_names_its_unknown_key()
        {
            string file = Path.Combine(Dir, "t.yaml");
            File.WriteAllText(file, Template + "Partition: daily\n");
            var result = ModuleSession.Run("Get-MlLayoutTemplate -Path $p", Vars(("p", file)));
            Assert.Equal(new[] { "TemplateUnknownKey" }, result.ErrorIds);
            Assert.Contains("unknown key 'Partition'", result.Errors[0].Exception.Message);
        }

        [Fact]
        public void A_template_path_in_a_tenant_file_stays_in_the_tenant_files_folder()
        {
            string tenants = Path.Combine(Dir, "tenants");
            string outside = Path.Combine(Dir, "outside");
            Directory.CreateDirectory(Path.Combine(tenants, "templates"));
            Directory.CreateDirectory(outside);
            File.WriteAllText(Path.Combine(outside, "t.yaml"), Template);
            File.WriteAllText(Path.Combine(tenants, "templates", "t.yaml"), Template);
            File.CreateSymbolicLink(Path.Combine(tenants, "link-out.yaml"), Path.Combine(outside, "t.yaml"));
            File.CreateSymbolicLink(Path.Combine(tenants, "link-in.yaml"), Path.Combine(tenants, "templates", "t.yaml"));

            void Write(string name, string template) => File.WriteAllText(Path.Combine(tenants, name), Tenant(template));
            Write("absolute.yml", Path.Combine(outside, "t.yaml"));
            Write("dotdot.yml", "../outside/t.yaml");
            Write("dotdot-inside.yml", "templates/../../outside/t.yaml");
            Write("link.yml", "link-out.yaml");
            Write("inline.yml", "\n  name: i\n  version: 1.0.0\n  extends: ../outside/t.yaml\n  add: [{under: raw, folders: [extra]}]");

            foreach (var name in new[] { "absolute.yml", "dotdot.yml", "dotdot-inside.yml", "link.yml", "inline.yml" })
            {
                var result = ModuleSession.Run("Import-MlTenant $p", Vars(("p", Path.Combine(tenants, name))));
                Assert.True(result.ErrorIds.SequenceEqual(new[] { "TenantTemplateOutsideFolder" }), $"{name}: {string.Join(", ", result.ErrorIds)} {string.Join(" ", result.Errors.Select(e => e.Exception.Message))}");
                // At the template: (or extends:) value, file:line:column of the tenant file.
                Assert.Matches(@"^" + System.Text.RegularExpressions.Regex.Escape(Path.Combine(tenants, name)) + @":\d+:\d+$", result.Errors[0].TargetObject?.ToString());
                Assert.Empty(result.Output);
            }

            // Inside the folder, directly, through '..' that stays inside, or through a link that stays inside: fine.
            Write("inside.yml", "templates/t.yaml");
            Write("inside-dotdot.yml", "templates/../templates/t.yaml");
            Write("inside-link.yml", "link-in.yaml");
            foreach (var name in new[] { "inside.yml", "inside-dotdot.yml", "inside-link.yml" })
                ModuleSession.Run("Import-MlTenant $p | Out-Null", Vars(("p", Path.Combine(tenants, name)))).AssertNoErrors();
        }

        [Fact]
        public async Task Device_files_are_refused_in_bounded_memory_in_a_real_pwsh()
        {
            if (!OperatingSystem.IsLinux()) return;
            // The old code read /dev/zero until memory ran out (4-6 GB): run in a child pwsh, watched and killed at 1.5 GB.
            File.CreateSymbolicLink(Path.Combine(Dir, "zero-template.yaml"), "/dev/zero");
            Directory.CreateDirectory(Path.Combine(Dir, "tenants"));
            File.CreateSymbolicLink(Path.Combine(Dir, "tenants", "x.yaml"), "/dev/zero");
            File.CreateSymbolicLink(Path.Combine(Dir, "plan.json"), "/dev/zero");
            File.WriteAllText(Path.Combine(Dir, "ok.yml"), Tenant("simple-ml"));
            string script = Path.Combine(Dir, "zero.ps1");
            File.WriteAllText(script, @"
param($d, $manifest)
$ErrorActionPreference = 'Stop'
Import-Module $manifest
$ids = [Collections.Generic.List[string]]::new()
$commands = {
    Get-MlLayoutTemplate -Path (Join-Path $d zero-template.yaml) },
  { Import-MlTenant (Join-Path $d tenants) },
  { Get-MlFleetPlan (Join-Path $d tenants) -LocalPath $d },
  { Invoke-MlFleetPlan (Join-Path $d ok.yml) -PlanFile (Join-Path $d plan.json) -LocalPath $d -Confirm:$false }
foreach ($c in $commands) {
    try { & $c -ErrorAction Stop | Out-Null; $ids.Add('none') } catch { $ids.Add($_.FullyQualifiedErrorId.Split(',')[0]) }
}
'ids ' + ($ids -join ' ')
'peak ' + [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = ModuleSession.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", script, Dir, ModuleSession.ManifestPath }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            long watched = 0;
            var watch = Stopwatch.StartNew();
            while (!process.WaitForExit(100))
            {
                // The whole process tree: `dotnet pwsh` runs pwsh as a child.
                watched = Math.Max(watched, TreeWorkingSet(process.Id));
                if (watched > 1_500_000_000L || watch.Elapsed > TimeSpan.FromSeconds(120))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    throw new Xunit.Sdk.XunitException($"pwsh reached {watched / 1_000_000} MB in {watch.Elapsed.TotalSeconds:0} s reading device files; killed.");
                }
            }
            string stdout = await output, stderr = await errors;
            var lines = stdout.Split('\n').Select(l => l.Trim()).ToList();
            Assert.True(lines.Contains("ids FileNotRegular FileNotRegular FileNotRegular FileNotRegular"), stdout + stderr);
            long peak = long.Parse(lines.Single(l => l.StartsWith("peak ", StringComparison.Ordinal)).Substring(5));
            // pwsh with the module loaded peaks near 130 MB; reading any device file would be far above.
            Assert.True(peak < 400_000_000L, $"peak working set {peak / 1_000_000} MB");
        }

        /// <summary>Resident memory of a process and all its descendants, from /proc (Linux): `dotnet pwsh` runs pwsh below it.</summary>
        private static long TreeWorkingSet(int root)
        {
            var parent = new Dictionary<int, int>();
            var rss = new Dictionary<int, long>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    foreach (var line in File.ReadAllLines(Path.Combine(dir, "status")))
                    {
                        if (line.StartsWith("PPid:", StringComparison.Ordinal)) parent[pid] = int.Parse(line.Substring(5).Trim());
                        else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss[pid] = long.Parse(line.Substring(6).Trim().Split(' ')[0]) * 1024;
                    }
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            bool InTree(int pid)
            {
                for (int hops = 0; hops < 64 && pid > 1; hops++, pid = parent.TryGetValue(pid, out var up) ? up : 0)
                    if (pid == root) return true;
                return false;
            }
            return rss.Where(p => InTree(p.Key)).Sum(p => p.Value);
        }
    }
}
