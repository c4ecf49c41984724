using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// The module's type boundary and load contexts (docs/architecture.md, "Load contexts"), seen from a fresh pwsh
    /// 7.6.9 process (the repository's .NET tool, .config/dotnet-tools.json), right after Import-Module and before
    /// any cmdlet has run: what a user's first Get-Command or type literal meets. A pwsh that cannot start fails them.
    /// </summary>
    public sealed class TypeBoundaryTests
    {
        private static readonly string[] Cmdlets =
        {
            "Add-MlDatePartition", "Add-MlSolution", "Export-MlDriftQuery", "Export-MlDriftReport", "Get-MlBucket", "Get-MlBucketName", "Get-MlLayout", "Get-MlLayoutDrift",
            "Get-MlFleetPlan", "Get-MlLayoutTemplate", "Get-MlSolution", "Import-MlTenant", "Invoke-MlFleetPlan", "New-MlBucket", "New-MlFolder", "Remove-MlSolution", "Repair-MlLayout", "Show-MlLayout", "Test-MlLayout", "Update-MlSolution", "Write-MlObject",
        };

        /// <summary>The parameter and output types users name in scripts.</summary>
        private static readonly string[] UserFacingTypes =
        {
            "S3MlLayout.Engine.Storage.MlBucket", "S3MlLayout.Engine.Storage.StorageKind", "S3MlLayout.Engine.Storage.BucketConnection",
            "S3MlLayout.Engine.Layouts.FolderNode", "S3MlLayout.Engine.Layouts.LayoutTemplate", "S3MlLayout.Engine.Layouts.FolderSpec",
            "S3MlLayout.Engine.Provisioning.FolderResult", "S3MlLayout.Engine.Operations.SolutionProvisionResult",
            "S3MlLayout.Engine.Operations.SolutionUpdateResult", "S3MlLayout.Engine.Operations.ObjectWriteResult", "S3MlLayout.Engine.Drift.DriftFinding", "S3MlLayout.Engine.Drift.DriftSummary", "S3MlLayout.Engine.Drift.Athena.MlDriftQuery",
            "S3MlLayout.Engine.Operations.RepairResult", "S3MlLayout.Engine.Provisioning.MlSolution", "S3MlLayout.Engine.Operations.SolutionRemoveResult", "S3MlLayout.Engine.S3.BucketSettings", "S3MlLayout.Engine.S3.LifecycleRuleSpec",
            "S3MlLayout.Engine.S3.BucketChange", "S3MlLayout.Engine.S3.BucketDefault", "S3MlLayout.Engine.Errors.MlLayoutException", "S3MlLayout.Engine.Operations.PlannedChange", "S3MlLayout.Engine.Operations.ChangeKind",
        };

        [Fact]
        public void Every_cmdlet_has_its_syntax_and_parameters_right_after_import()
        {
            var lines = FreshPwsh.Run(@"
foreach ($name in (Get-Module S3MlLayout).ExportedCmdlets.Keys | Sort-Object) {
    try { $null = Get-Command $name -Syntax -ErrorAction Stop; ""syntax $name ok"" }
    catch { ""syntax $name failed: $($_.Exception.Message)"" }
}
Get-Command -Module S3MlLayout | ForEach-Object {
    $count = try { @($_ | Select-Object -ExpandProperty Parameters -ErrorAction Stop).Keys.Count } catch { ""failed: $($_.Exception.Message)"" }
    ""parameters $($_.Name) $count""
}
'typed ' + (Get-Command Add-MlSolution).Parameters['Bucket'].ParameterType.FullName
'typed ' + (Get-Command Repair-MlLayout).Parameters['InputObject'].ParameterType.FullName
").Lines;
            foreach (var cmdlet in Cmdlets)
            {
                Assert.Contains($"syntax {cmdlet} ok", lines);
                var parameters = lines.Single(l => l.StartsWith($"parameters {cmdlet} ", StringComparison.Ordinal));
                Assert.True(int.TryParse(parameters.Split(' ')[2], out var count) && count > 0, parameters);
            }
            Assert.Contains("typed S3MlLayout.Engine.Storage.MlBucket", lines);
            Assert.Contains("typed S3MlLayout.Engine.Drift.DriftFinding[]", lines);
        }

        [Fact]
        public void User_facing_types_resolve_as_type_literals_in_the_default_context()
        {
            // Type literals as a script writes them, parsed and resolved after the import, before any cmdlet ran.
            var script = string.Join("\n", UserFacingTypes.Select(t =>
                $"try {{ $t = [{t}]; '{t} ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($t.Assembly).Name + ' ' + $t.Assembly.GetName().Name }} catch {{ '{t} unresolved: ' + $_.Exception.Message }}"));
            script += "\n'mlbucket-param ' + ((Get-Command Get-MlLayoutDrift).Parameters['Bucket'].ParameterType -eq [S3MlLayout.Engine.Storage.MlBucket])";
            var lines = FreshPwsh.Run(script).Lines;
            foreach (var type in UserFacingTypes)
                Assert.Contains($"{type} Default S3MlLayout.Engine", lines);
            Assert.Contains("mlbucket-param True", lines);
        }

        [Fact]
        public void Engine_types_load_in_the_default_context_and_AWSSDK_and_YamlDotNet_in_the_private_one()
        {
            var lines = FreshPwsh.Run(@"
$dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) ""s3ml-boundary-$PID"")
try {
    Set-Content (Join-Path $dir t.yaml) ""name: t`nversion: 1.0.0`nfolders:`n  - name: raw`n    partition: daily`n""
    $b = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $dir
    $results = $b | Add-MlSolution churn -Template (Join-Path $dir t.yaml) -Date 2024-01-01
    'results ' + @($results).Count
    'bucket-is-literal ' + ($b -is [S3MlLayout.Engine.Storage.MlBucket])
    'drift ' + @($b | Get-MlLayoutDrift).Count
    [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -match '^(S3MlLayout|AWSSDK|YamlDotNet|Parquet$|Microsoft\.IO\.RecyclableMemoryStream)' } | ForEach-Object {
        'loaded ' + $_.GetName().Name + ' ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
    }
}
finally { Remove-Item -Recurse -Force $dir }
").Lines;
            Assert.Contains("results 1", lines);
            Assert.Contains("bucket-is-literal True", lines);
            Assert.Contains("drift 0", lines);
            var loaded = lines.Where(l => l.StartsWith("loaded ", StringComparison.Ordinal)).Select(l => l.Substring(7)).ToList();
            // One copy of each: the engine core and the cmdlets in PowerShell's default context ...
            Assert.Single(loaded, "S3MlLayout.Engine Default");
            Assert.Single(loaded, "S3MlLayout.PowerShell Default");
            // ... the third-party half of the engine and its packages in the module's own.
            // (The Parquet half and Parquet.Net too, on PowerShell 7, where the private set is loaded as one; the
            // RecyclableMemoryStream package isolated though its name starts with Microsoft.)
            foreach (var isolated in new[] { "S3MlLayout.Engine.S3", "S3MlLayout.Engine.Yaml", "S3MlLayout.Engine.Parquet", "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.SecurityToken", "YamlDotNet",
                         "Parquet", "Microsoft.IO.RecyclableMemoryStream" })
                Assert.Single(loaded, $"{isolated} S3MlLayout");
            Assert.Equal(11, loaded.Count);
        }

        [Fact]
        public void Import_Remove_Import_in_one_session_resolves_and_runs()
        {
            var lines = FreshPwsh.Run(@"
function Probe([string] $when) {
    $s3 = try { [Reflection.Assembly]::Load('S3MlLayout.Engine.S3').GetName().Name } catch { 'unresolved' }
    ""$when $s3""
}
Probe 'imported'
Remove-Module S3MlLayout
Probe 'removed'
Import-Module $manifest
Probe 'reimported'
$null = Get-Command Add-MlSolution -Syntax -ErrorAction Stop
'reimported-type ' + [S3MlLayout.Engine.Storage.MlBucket].Assembly.GetName().Name
$dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) ""s3ml-reimport-$PID"")
try {
    $b = New-MlBucket -Override reimport-bucket -LocalPath $dir
    'provisioned ' + ($b | Add-MlSolution churn -Template simple-ml).Created
    'drift ' + @($b | Get-MlLayoutDrift).Count
    Remove-Module S3MlLayout
    Import-Module $manifest
    'again ' + ($b | Test-MlLayout)
}
finally { Remove-Item -Recurse -Force $dir }
").Lines;
            // The resolver is installed by the import, removed by Remove-Module, installed again by the next import.
            Assert.Contains("imported S3MlLayout.Engine.S3", lines);
            Assert.Contains("removed unresolved", lines);
            Assert.Contains("reimported S3MlLayout.Engine.S3", lines);
            Assert.Contains("reimported-type S3MlLayout.Engine", lines);
            Assert.Contains(lines, l => l.StartsWith("provisioned ", StringComparison.Ordinal) && int.Parse(l.Substring(12)) > 0);
            Assert.Contains("drift 0", lines);
            // A bucket object from before a re-import is still the module's bucket type.
            Assert.Contains("again True", lines);
        }
    }

    /// <summary>
    /// Another module's AWSSDK (Core, S3, SecurityToken) and YamlDotNet, of other builds and versions, loaded into
    /// the default context first: the module must still use its own, on S3 (moto), STS included.
    /// </summary>
    [Collection(S3Collection.Name)]
    [Trait("Category", "S3")]
    public sealed class DependencyCoexistenceTests
    {
        private readonly MotoServer _moto;

        public DependencyCoexistenceTests(MotoServer moto) { _moto = moto; }

        /// <summary>The versions the test loads are exactly those its csproj downloads (and none the cache merely holds).</summary>
        [Fact]
        public void The_other_builds_are_the_versions_the_test_project_names()
        {
            var project = System.Xml.Linq.XDocument.Load(Path.Combine(ModuleSession.RepositoryRoot, "tests", "S3MlLayout.Module.Tests", "S3MlLayout.Module.Tests.csproj"));
            var named = project.Descendants()
                .Where(e => e.Name.LocalName == "PackageDownload" || (e.Name.LocalName == "PackageReference" && (string?)e.Attribute("Include") == "YamlDotNet"))
                .ToDictionary(e => (string)e.Attribute("Include")!, e => ((string)e.Attribute("Version")!).Trim('[', ']'));
            Assert.Equal(new[] { "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.SecurityToken", "YamlDotNet" }, named.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (package, version) in named)
                Assert.Equal(version, FreshPwsh.DownloadedVersion(package));
        }

        [Fact]
        public void Other_AWSSDK_and_YamlDotNet_loaded_first_do_not_break_the_module_on_S3()
        {
            var others = new[]
            {
                FreshPwsh.OtherBuild("awssdk.core", "AWSSDK.Core"),
                FreshPwsh.OtherBuild("awssdk.s3", "AWSSDK.S3"),
                FreshPwsh.OtherBuild("awssdk.securitytoken", "AWSSDK.SecurityToken"),
                FreshPwsh.OtherBuild("yamldotnet", "YamlDotNet"),
            };
            var vars = _moto.Variables();
            string bucket = "coexist-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var loadOthers = string.Join("\n", others.Select(p => $"$null = [Reflection.Assembly]::LoadFrom('{p}')"));
            var lines = FreshPwsh.Run(loadOthers + $@"
Import-Module $manifest
$conn = @{{ EndpointUrl = '{vars["endpoint"]}'; AccessKey = '{vars["ak"]}'; SecretKey = '{vars["sk"]}'; ForcePathStyle = $true; Region = 'us-east-1' }}
$dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) ""s3ml-coexist-$PID"")
try {{
    Set-Content (Join-Path $dir t.yaml) ""name: t`nversion: 1.0.0`nextends: simple-ml`nadd:`n  - under: dataset`n    folders: [external]`n""
    $b = New-MlBucket -Override {bucket} @conn -WarningAction SilentlyContinue
    'created ' + $b.Created
    'connection ' + $b.Connection.CredentialSource
    'provisioned ' + ($b | Add-MlSolution churn -Template (Join-Path $dir t.yaml)).Created
    'drift ' + @($b | Get-MlLayoutDrift -WarningAction SilentlyContinue).Count
}}
finally {{ Remove-Item -Recurse -Force $dir }}
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -match '^(AWSSDK|YamlDotNet)' }} | ForEach-Object {{
    'loaded ' + $_.GetName().Name + ' ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name + ' ' + $_.Location
}}
", import: false).Lines;
            Assert.Contains("created True", lines);
            Assert.Contains("connection explicit keys (-AccessKey/-SecretKey)", lines);
            Assert.Contains(lines, l => l.StartsWith("provisioned ", StringComparison.Ordinal) && int.Parse(l.Substring(12)) > 0);
            Assert.Contains("drift 0", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("WARNING:", StringComparison.Ordinal)); // e.g. "The audit record could not be written"
            // Both copies of each are loaded: the other module's in the default context, the module's own in its context.
            foreach (var path in others)
                Assert.Contains($"loaded {Path.GetFileNameWithoutExtension(path)} Default {path}", lines);
            foreach (var name in new[] { "AWSSDK.Core", "AWSSDK.S3", "AWSSDK.SecurityToken", "YamlDotNet" })
                Assert.Contains(lines, l => l.StartsWith($"loaded {name} S3MlLayout ", StringComparison.Ordinal));

            // The audit records name the caller from STS: AWSSDK.SecurityToken worked in the private context too.
            var keys = _moto.Keys(bucket, ".s3mllayout/audit/");
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                string file = Path.GetTempFileName();
                _moto.Aws($"s3api get-object --bucket {bucket} --key {key} {file}");
                var record = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement;
                File.Delete(file);
                Assert.StartsWith("arn:aws:", record.GetProperty("caller").GetString());
            }
        }
    }

    /// <summary>Runs scripts in a fresh pwsh 7.6.9 (dotnet pwsh, the repository's tool manifest) with the built module imported.</summary>
    internal static class FreshPwsh
    {
        private static readonly Lazy<string> s_restore = new Lazy<string>(Restore);

        public sealed class Result
        {
            public Result(List<string> lines, string errors) { Lines = lines; Errors = errors; }
            public List<string> Lines { get; }
            public string Errors { get; }
        }

        /// <summary>Runs the script (after `Import-Module $manifest` unless <paramref name="import"/> is false); fails on any error or non-zero exit.</summary>
        public static Result Run(string script, bool import = true)
        {
            _ = s_restore.Value;
            string manifest = ModuleSession.ManifestPath.Replace("'", "''");
            string file = Path.Combine(Path.GetTempPath(), $"s3ml-{Guid.NewGuid():N}.ps1");
            File.WriteAllText(file,
                "$ErrorActionPreference = 'Stop'\n" +
                $"$manifest = '{manifest}'\n" +
                (import ? "Import-Module $manifest\n" : "") +
                script + "\n");
            try
            {
                // The same `dotnet pwsh -File` the quickstart tests use; any error output or non-zero exit fails.
                var run = Hosting.PwshProcess.RunFile(file, Array.Empty<string>()).AssertSucceeded();
                return new Result(run.Output.ToList(), string.Join("\n", run.Errors));
            }
            finally { File.Delete(file); }
        }

        /// <summary>
        /// An assembly of another build than the module's (net8.0), copied aside: of exactly the version this test
        /// project downloads (its csproj's PackageDownload items, and its YamlDotNet reference, compiled in as
        /// AssemblyMetadata "OtherBuild:{id}"). Never another version the NuGet cache happens to hold: an older one may
        /// have no net8.0 build (AWSSDK.SecurityToken 3.7.202), a newer one may need an AWSSDK.Core the test never loads.
        /// </summary>
        public static string OtherBuild(string package, string assembly)
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                              ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string version = DownloadedVersion(assembly);
            string folder = Path.Combine(packages, package, version.ToLowerInvariant());
            string source = Path.Combine(folder, "lib", "net8.0", assembly + ".dll");
            Assert.True(File.Exists(source), $"{source} is missing: restore tests/S3MlLayout.Module.Tests (it downloads these packages).");
            string directory = Path.Combine(Path.GetTempPath(), "s3ml-other-module", version, package);
            Directory.CreateDirectory(directory);
            string copy = Path.Combine(directory, assembly + ".dll");
            if (!File.Exists(copy)) File.Copy(source, copy, overwrite: true);
            return copy;
        }

        /// <summary>The version of <paramref name="package"/> the test project names (its csproj, compiled in at build time).</summary>
        public static string DownloadedVersion(string package) =>
            typeof(FreshPwsh).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>()
                .SingleOrDefault(a => string.Equals(a.Key, "OtherBuild:" + package, StringComparison.OrdinalIgnoreCase))?.Value
            ?? throw new Xunit.Sdk.XunitException($"The test assembly names no version of {package}: the RecordOtherBuildVersions target of S3MlLayout.Module.Tests.csproj did not run.");

        private static string Restore()
        {
            var (exit, stdout, stderr) = Dotnet("tool restore", TimeSpan.FromMinutes(5));
            if (exit != 0) throw new Xunit.Sdk.XunitException($"dotnet tool restore failed ({exit}): pwsh 7.6.9 cannot start.\n{stdout}\n{stderr}");
            var (versionExit, version, versionErr) = Dotnet("pwsh -NoProfile -NonInteractive -Command \"$PSVersionTable.PSVersion.ToString()\"", TimeSpan.FromMinutes(2));
            if (versionExit != 0 || version.Trim() != "7.6.9")
                throw new Xunit.Sdk.XunitException($"dotnet pwsh did not start as PowerShell 7.6.9 (exit {versionExit}): {version} {versionErr}");
            return version.Trim();
        }

        private static (int Exit, string Stdout, string Stderr) Dotnet(string arguments, TimeSpan timeout)
        {
            var start = new ProcessStartInfo("dotnet", arguments)
            {
                WorkingDirectory = ModuleSession.RepositoryRoot, // where .config/dotnet-tools.json is
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Plain text: no ANSI colours in what the assertions read.
            start.Environment["NO_COLOR"] = "1";
            start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
            start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            using var process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException("dotnet could not be started.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"dotnet {arguments} did not finish within {timeout.TotalSeconds:0} s.");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
