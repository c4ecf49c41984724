<#
.SYNOPSIS
    Nightly drift check of the buckets of some tenant files: a JUnit report for the CI system's test tab, a
    Markdown summary, and a failing exit code when any bucket or solution has drifted. Each bucket is reached with
    its tenant file's connection (connection: profile:, endpoint:); -ProfileName overrides the files' profile.
.EXAMPLE
    ./examples/fleet-drift.ps1 -Path ./tenants -OutDirectory ./out/drift
.EXAMPLE
    ./examples/fleet-drift.ps1 -Path ./tenants -ProfileName ci-reader   # instead of the profiles the files name
.EXAMPLE
    ./examples/fleet-drift.ps1 -Path ./tenants -Scope Objects   # also every object against its folder's contract
.EXAMPLE
    ./examples/fleet-drift.ps1 -Path ./tenants -Inventory       # every object, read from each bucket's newest S3 Inventory report
#>
[CmdletBinding()]
param(
    [string[]] $Path = @('./tenants'),
    [string] $OutDirectory = './out/drift',
    [string] $LocalPath,
    [string] $EndpointUrl,
    # Overrides the profile the tenant files name (connection: profile:).
    [string] $ProfileName,
    [string] $ProfileLocation,
    # Folders: the declared tree and settings (cost independent of the data); Objects: also every object (1 LIST per 1,000).
    [ValidateSet('Folders', 'Objects')]
    [string] $Scope = 'Folders',
    # Every object (-Scope Objects), read from each bucket's newest S3 Inventory report instead of listing it: a few
    # requests per bucket whatever its size. A bucket whose report is missing or damaged is an error for that bucket
    # (listed at the end, and the run fails); the other buckets are still in the report.
    [switch] $Inventory
)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'S3MlLayout.psd1'))

$null = New-Item -ItemType Directory -Force $OutDirectory
$connection = @{}
if ($LocalPath) { $connection.LocalPath = $LocalPath }
if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl; $connection.ForcePathStyle = $true }
if ($ProfileName) { $connection.ProfileName = $ProfileName }
if ($ProfileLocation) { $connection.ProfileLocation = $ProfileLocation }
$check = @{ Summary = $true; Scope = $Scope }
if ($Inventory) {
    $check.Scope = 'Objects'
    $check.Inventory = $true
    # A report that cannot be read fails its bucket alone: collected here, so the other buckets still make the report.
    $check.ErrorAction = 'Continue'
    $check.ErrorVariable = 'reportErrors'
}
$reportErrors = @()
# A spec is a bucket: its connection (the file's, with the overrides above) reaches it.
$rows = Import-MlTenant $Path @connection |
    Get-MlLayoutDrift @check |
    Export-MlDriftReport ([IO.Path]::Combine($OutDirectory, 'drift.xml')) -PassThru |
    Export-MlDriftReport ([IO.Path]::Combine($OutDirectory, 'drift.md')) -PassThru
if ($env:GITHUB_STEP_SUMMARY) { Get-Content ([IO.Path]::Combine($OutDirectory, 'drift.md')) | Add-Content $env:GITHUB_STEP_SUMMARY }
$drifted = @($rows | Where-Object { -not $_.InSync })
"{0} of {1} buckets and solutions have drifted." -f $drifted.Count, @($rows).Count
foreach ($e in $reportErrors) { "Not checked: {0} ({1}): {2}" -f $e.TargetObject, $e.FullyQualifiedErrorId.Split(',')[0], $e.Exception.Message }
if ($drifted.Count -gt 0 -or @($reportErrors).Count -gt 0) { exit 1 }
