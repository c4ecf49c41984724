<#
.SYNOPSIS
    Builds, documents, tests and packages S3MlLayout.
.DESCRIPTION
    Tasks run in the order given:
      Clean    removes bin/, out/ and the projects' obj/ and bin/ folders.
      Build    dotnet build: assembles the importable module at the repository root (bin/ beside S3MlLayout.psd1).
      Docs     regenerates module/en-US/S3MlLayout.PowerShell.dll-Help.xml from docs/help/*.yaml.
      Test     the test command of the README and of .ci/run: the xunit suites (engine; cmdlets through the hosted
               PowerShell engine) with no ambient AWS settings, the S3 integration tests (Category=S3) again with
               AWS_REGION, AWS_DEFAULT_REGION and a config-file profile region set to other regions, then the Pester
               suite (task Pester). Any failure fails the task.
      Pester   only the Pester suite (tests/pester): Pester 5.7.1 restored from NuGet (tests/pester/Pester.Download.csproj),
               run in a new process of the PowerShell that runs this script (pwsh, or powershell.exe 5.1), with no
               ambient AWS settings; results as NUnitXml in out/pester.<Edition>.xml.
      Package  assembles out/S3MlLayout/<version>/ ready for Publish-Module.
    The S3 integration tests (xunit and Pester) start moto_server on a free loopback port and fail, never skip,
    when it cannot start.
    Runs in PowerShell 7 (dotnet pwsh, pwsh) and in Windows PowerShell 5.1.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Build, Test
.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test, Package -Configuration Release
.EXAMPLE
    powershell.exe -NoProfile -File ./build.ps1 -Task Pester      # the Pester suite in Windows PowerShell 5.1
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    # Clean, Build, Docs, Test, Pester, Package.
    [Parameter(Position = 0)]
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Started with -File (dotnet pwsh ./build.ps1 -Task Build, Test), a list arrives as the strings 'Build,' and
    # 'Test': the rest of it lands here and is joined to -Task.
    [Parameter(ValueFromRemainingArguments = $true, DontShow = $true)]
    [string[]] $MoreTask
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$knownTasks = 'Clean', 'Build', 'Docs', 'Test', 'Pester', 'Package'
$Task = @(@($Task) + @($MoreTask) | ForEach-Object { "$_" -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($name in $Task) {
    if ($knownTasks -notcontains $name) { throw "Unknown task '$name'. Tasks: $($knownTasks -join ', ')." }
}

function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-WithoutAmbientAws {
    <# Runs $Script with every AWS_* variable of the caller dropped and $Set set instead; restores them after. #>
    param([hashtable] $Set, [scriptblock] $Script)
    $saved = @{}
    foreach ($item in @(Get-ChildItem Env: | Where-Object { $_.Name -like 'AWS_*' })) {
        $saved[$item.Name] = $item.Value
        Remove-Item -LiteralPath "Env:$($item.Name)"
    }
    try {
        foreach ($name in $Set.Keys) { Set-Item -LiteralPath "Env:$name" -Value $Set[$name] }
        & $Script
    }
    finally {
        foreach ($item in @(Get-ChildItem Env: | Where-Object { $_.Name -like 'AWS_*' })) { Remove-Item -LiteralPath "Env:$($item.Name)" }
        foreach ($name in $saved.Keys) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
    }
}

function Get-TrxCount {
    <# Passed, failed and skipped tests of the .trx files in a folder. #>
    param([string] $Folder)
    $count = @{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($file in @(Get-ChildItem -LiteralPath $Folder -Filter *.trx -ErrorAction SilentlyContinue)) {
        $counters = ([xml](Get-Content -LiteralPath $file.FullName -Raw)).TestRun.ResultSummary.Counters
        $count.Passed += [int]$counters.passed
        $count.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $count.Skipped += [int]$counters.notExecuted
    }
    $count
}

function Invoke-Xunit {
    <# dotnet test with results in out/test-results/<Name>/; returns the counts. #>
    param([string] $Name, [string[]] $Arguments)
    $results = Join-Path $root "out/test-results/$Name"
    if (Test-Path -LiteralPath $results) { Remove-Item -LiteralPath $results -Recurse -Force }
    & dotnet test @Arguments -c $Configuration --nologo --logger trx --results-directory $results | Out-Host
    $exitCode = $LASTEXITCODE
    $count = Get-TrxCount $results
    Write-Host "xunit ${Name}: $($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped"
    if ($exitCode -ne 0) { throw "dotnet test ($Name) failed with exit code $exitCode." }
    if ($count.Passed -eq 0) { throw "dotnet test ($Name) ran no test." }
    $count
}

function Get-PowerShellCommand {
    <#
    The PowerShell that runs this script, as the command line of a new process: $PSHOME's executable (pwsh, pwsh.exe,
    powershell.exe). Not (Get-Process -Id $PID).Path: under `dotnet pwsh` (PowerShell as a .NET tool) that is dotnet.
    Where $PSHOME has no runnable apphost, pwsh.dll through the dotnet that runs this process.
    #>
    $process = (Get-Process -Id $PID).Path
    $underDotnet = [IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet'
    foreach ($name in 'pwsh.exe', 'pwsh', 'powershell.exe') {
        $path = Join-Path $PSHOME $name
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { continue }
        if ($name -eq 'pwsh' -and (Get-Item -LiteralPath $path).PSObject.Properties['UnixMode'] -and (Get-Item -LiteralPath $path).UnixMode -notmatch 'x') { continue }
        return $path
    }
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path -LiteralPath $dll -PathType Leaf) {
        $dotnet = if ($underDotnet) { $process } else { 'dotnet' }
        return $dotnet, $dll
    }
    throw "No PowerShell executable found in $PSHOME."
}

function Get-PesterModule {
    <# Restores Pester (the version pinned in tests/pester/Pester.Download.csproj) from NuGet; returns its manifest. #>
    $project = Join-Path $root 'tests/pester/Pester.Download.csproj'
    $version = ([xml](Get-Content -LiteralPath $project -Raw)).Project.ItemGroup.PackageDownload.Version.Trim('[', ']')
    Invoke-Dotnet restore $project --nologo -v quiet
    # The global packages folder as NuGet resolved it (NUGET_PACKAGES, NuGet.Config, ~/.nuget/packages).
    $packages = (& dotnet msbuild $project -nologo -getProperty:NuGetPackageRoot | Out-String).Trim()
    if ($LASTEXITCODE -ne 0 -or -not $packages) { throw 'Cannot find the NuGet global packages folder.' }
    $folder = Join-Path (Join-Path $packages 'pester') $version
    $manifest = Get-ChildItem -LiteralPath $folder -Recurse -Filter Pester.psd1 | Select-Object -First 1
    if (-not $manifest) { throw "Pester.psd1 not found under $folder." }
    $manifest.FullName
}

function Invoke-PesterSuite {
    <# The Pester suite in a new process of this PowerShell; returns the counts. #>
    $pester = Get-PesterModule
    $edition = $PSVersionTable.PSEdition
    if (-not $edition) { $edition = 'Desktop' }
    $output = Join-Path $root "out/pester.$edition.xml"
    $null = New-Item -ItemType Directory -Force (Join-Path $root 'out')
    $command = @(Get-PowerShellCommand)
    $arguments = @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass',
        '-File', (Join-Path $root 'tests/pester/Invoke-PesterSuite.ps1'), '-PesterModule', $pester, '-OutputPath', $output)
    Write-Verbose "$($command[0]) $($arguments -join ' ')" -Verbose
    $empty = [IO.Path]::GetTempFileName()
    $dotnetRoot = $env:DOTNET_ROOT
    $process = (Get-Process -Id $PID).Path
    if (-not $dotnetRoot -and [IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        # Under `dotnet pwsh`, $PSHOME's apphost must find the runtime this process runs on, wherever dotnet is installed.
        $env:DOTNET_ROOT = Split-Path -Parent $process
    }
    try {
        Invoke-WithoutAmbientAws @{ AWS_CONFIG_FILE = $empty; AWS_SHARED_CREDENTIALS_FILE = $empty } {
            & $command[0] @arguments | Out-Host
        }
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:DOTNET_ROOT = $dotnetRoot
        Remove-Item -LiteralPath $empty -Force -ErrorAction SilentlyContinue
    }
    $results = [xml](Get-Content -LiteralPath $output -Raw -ErrorAction SilentlyContinue)
    $count = @{ Passed = 0; Failed = 0; Skipped = 0 }
    if ($results) {
        $summary = $results.'test-results'
        $count.Failed = [int]$summary.failures + [int]$summary.errors
        $count.Skipped = [int]$summary.skipped + [int]$summary.ignored + [int]$summary.'not-run' + [int]$summary.inconclusive
        $count.Passed = [int]$summary.total - $count.Failed - [int]$summary.'not-run' - [int]$summary.inconclusive - [int]$summary.skipped - [int]$summary.ignored
    }
    Write-Host "Pester (${edition}): $($count.Passed) passed, $($count.Failed) failed, $($count.Skipped) skipped"
    if ($exitCode -ne 0) { throw "The Pester suite failed (exit code $exitCode); results in $output." }
    $count
}

foreach ($step in $Task) {
    Write-Verbose "== $step" -Verbose
    switch ($step) {
        'Clean' {
            $projects = Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests'), (Join-Path $root 'tools') -Directory -ErrorAction SilentlyContinue
            $paths = @('bin', 'en-US', 'out' | ForEach-Object { Join-Path $root $_ }) + @($projects | ForEach-Object { Join-Path $_.FullName 'bin'; Join-Path $_.FullName 'obj' })
            $paths | Where-Object { Test-Path $_ } | Remove-Item -Recurse -Force
        }
        'Build' { Invoke-Dotnet build (Join-Path $root 'src/S3MlLayout.PowerShell') -c $Configuration --nologo }
        'Docs' {
            $env:S3MLLAYOUT_WRITE_HELP = '1'
            try { Invoke-Dotnet test (Join-Path $root 'tests/S3MlLayout.Module.Tests') -c $Configuration --nologo --filter 'FullyQualifiedName~HelpTests' }
            finally { Remove-Item Env:S3MLLAYOUT_WRITE_HELP }
        }
        'Test' {
            if (-not (Get-Command moto_server -ErrorAction SilentlyContinue)) {
                Write-Warning 'moto_server is not on PATH; the S3 integration tests will fail.'
            }
            $ambient = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-ambient-' + [guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory $ambient
            try {
                $empty = Join-Path $ambient 'empty'
                Set-Content -LiteralPath $empty -Value '' -NoNewline
                Write-Host '== xunit pass 1: all tests, no ambient AWS settings'
                $pass1 = Invoke-WithoutAmbientAws @{ AWS_CONFIG_FILE = $empty; AWS_SHARED_CREDENTIALS_FILE = $empty } {
                    # -m:1: the two test assemblies one after the other, so the engine's timing checks never share the
                    # two cores with the module tests' PowerShell hosts and moto (the engine's pass takes about 20 s).
                    Invoke-Xunit 'all' @((Join-Path $root 'S3MlLayout.sln'), '-m:1')
                }

                # Settings that leak from the environment show up: every region the environment names differs from the tests'.
                Set-Content -LiteralPath (Join-Path $ambient 'config') -Value "[default]`nregion = eu-central-1`n[profile ambient]`nregion = eu-central-1`n" -NoNewline
                Set-Content -LiteralPath (Join-Path $ambient 'credentials') -Value "[ambient]`naws_access_key_id = AKIAAMBIENTKEY000001`naws_secret_access_key = ambient-secret`n" -NoNewline
                Write-Host '== xunit pass 2: S3 integration tests with AWS_REGION, AWS_DEFAULT_REGION and profile regions set'
                $ambientSettings = @{
                    AWS_REGION = 'eu-west-1'; AWS_DEFAULT_REGION = 'ap-southeast-2'
                    AWS_CONFIG_FILE = (Join-Path $ambient 'config'); AWS_SHARED_CREDENTIALS_FILE = (Join-Path $ambient 'credentials')
                }
                $pass2 = Invoke-WithoutAmbientAws $ambientSettings {
                    Invoke-Xunit 'ambient-regions' @((Join-Path $root 'tests/S3MlLayout.Module.Tests'), '--no-build', '--filter', 'Category=S3')
                }
            }
            finally { Remove-Item -LiteralPath $ambient -Recurse -Force -ErrorAction SilentlyContinue }

            Write-Host '== Pester'
            $pester = Invoke-PesterSuite
            $passed = $pass1.Passed + $pass2.Passed + $pester.Passed
            $failed = $pass1.Failed + $pass2.Failed + $pester.Failed
            $skipped = $pass1.Skipped + $pass2.Skipped + $pester.Skipped
            Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
        }
        'Pester' { $null = Invoke-PesterSuite }
        'Package' {
            $manifest = Import-PowerShellDataFile (Join-Path $root 'S3MlLayout.psd1')
            $target = Join-Path $root "out/S3MlLayout/$($manifest.ModuleVersion)"
            if (Test-Path $target) { Remove-Item $target -Recurse -Force }
            $null = New-Item -ItemType Directory -Force $target
            Copy-Item (Join-Path $root 'S3MlLayout.psd1') $target
            Copy-Item (Join-Path $root 'bin') $target -Recurse
            $null = New-Item -ItemType Directory -Force (Join-Path $target 'module')
            Copy-Item (Join-Path $root 'module/*.ps1xml') (Join-Path $target 'module')
            Copy-Item (Join-Path $root 'module/templates') (Join-Path $target 'module') -Recurse
            Copy-Item (Join-Path $root 'module/schemas') (Join-Path $target 'module') -Recurse
            # about_ topics are found in the module base's culture folder.
            Copy-Item (Join-Path $root 'module/en-US') $target -Recurse
            Get-ChildItem $target -Recurse -Include *.pdb | Remove-Item
            Test-ModuleManifest (Join-Path $target 'S3MlLayout.psd1') | Out-Null
            "Packaged $target"
        }
    }
}
