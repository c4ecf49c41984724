<#
.SYNOPSIS
    Runs the Pester suite of tests/pester with Invoke-Pester -CI semantics: results as NUnitXml, a non-zero exit
    code when any test, block or file fails, or when no test ran.
.DESCRIPTION
    build.ps1 (tasks Test and Pester) restores Pester from NuGet and starts this script in a new process of the
    PowerShell that runs it (pwsh, or powershell.exe 5.1). Written for PowerShell 7.2+ and Windows PowerShell 5.1.
.EXAMPLE
    ./build.ps1 -Task Pester
#>
[CmdletBinding()]
param(
    # Pester.psd1 of the Pester to use (5.7.1, restored by build.ps1).
    [Parameter(Mandatory = $true)]
    [string] $PesterModule,
    # The NUnitXml results file.
    [Parameter(Mandatory = $true)]
    [string] $OutputPath,
    # Only tests with these tags (Integration: the S3 tests against moto_server).
    [string[]] $Tag,
    [string[]] $ExcludeTag
)
$ErrorActionPreference = 'Stop'
# Windows PowerShell ships Pester 3; never let it answer for 5.
Get-Module Pester | Remove-Module -Force
Import-Module $PesterModule -Force
"PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)) at $PSHOME, Pester $((Get-Module Pester).Version)"

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = $OutputPath
if ($Tag) { $config.Filter.Tag = $Tag }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag }
$null = New-Item -ItemType Directory -Force (Split-Path -Parent $OutputPath)

$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
if ($result.Result -ne 'Passed' -or $failed -gt 0) { exit 1 }
if ($result.PassedCount -eq 0) { Write-Error 'No Pester test ran.' -ErrorAction Continue; exit 1 }
exit 0
