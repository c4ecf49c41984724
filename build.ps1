<#
.SYNOPSIS
    Builds, documents, tests and packages S3MlLayout.
.DESCRIPTION
    Tasks run in the order given:
      Clean    removes bin/, out/ and the projects' obj/ and bin/ folders.
      Build    dotnet build: assembles the importable module at the repository root (bin/ beside S3MlLayout.psd1).
      Docs     regenerates module/en-US/S3MlLayout.PowerShell.dll-Help.xml from docs/help/*.yaml.
      Test     dotnet test (xunit: engine, and the cmdlets through the hosted PowerShell engine), then Pester when
               it is installed (tests/pester, results as NUnitXml in out/testResults.xml).
      Package  assembles out/S3MlLayout/<version>/ ready for Publish-Module.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test, Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Docs', 'Test', 'Package')]
    [string[]] $Task = @('Build', 'Test'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

foreach ($step in $Task) {
    Write-Verbose "== $step" -Verbose
    switch ($step) {
        'Clean' {
            $projects = Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests'), (Join-Path $root 'tools') -Directory
            $paths = @('bin', 'en-US', 'out' | ForEach-Object { Join-Path $root $_ }) + ($projects | ForEach-Object { Join-Path $_.FullName 'bin'; Join-Path $_.FullName 'obj' })
            $paths | Where-Object { Test-Path $_ } | Remove-Item -Recurse -Force
        }
        'Build' { Invoke-Dotnet build (Join-Path $root 'src/S3MlLayout.PowerShell') -c $Configuration --nologo }
        'Docs' {
            $env:S3MLLAYOUT_WRITE_HELP = '1'
            try { Invoke-Dotnet test (Join-Path $root 'tests/S3MlLayout.Module.Tests') -c $Configuration --nologo --filter 'FullyQualifiedName~HelpTests' }
            finally { Remove-Item Env:S3MLLAYOUT_WRITE_HELP }
        }
        'Test' {
            Invoke-Dotnet test (Join-Path $root 'S3MlLayout.sln') -c $Configuration --nologo
            if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0.0') {
                $config = New-PesterConfiguration
                $config.Run.Path = Join-Path $root 'tests/pester'
                $config.Run.Exit = $true
                $config.TestResult.Enabled = $true
                $config.TestResult.OutputFormat = 'NUnitXml'
                $config.TestResult.OutputPath = Join-Path $root 'out/testResults.xml'
                $null = New-Item -ItemType Directory -Force (Join-Path $root 'out')
                # A fresh process, so the module's assemblies load as they would for a user.
                & (Get-Process -Id $PID).Path -NoProfile -Command "Invoke-Pester -Configuration ([PesterConfiguration]`$args[0])" -args $config
                if ($LASTEXITCODE -ne 0) { throw 'Pester tests failed.' }
            }
            else { Write-Warning 'Pester 5 is not installed: skipped tests/pester (Install-Module Pester -MinimumVersion 5.0).' }
        }
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
            # about_ topics are found in the module base's culture folder.
            Copy-Item (Join-Path $root 'module/en-US') $target -Recurse
            Get-ChildItem $target -Recurse -Include *.pdb | Remove-Item
            Test-ModuleManifest (Join-Path $target 'S3MlLayout.psd1') | Out-Null
            "Packaged $target"
        }
    }
}
