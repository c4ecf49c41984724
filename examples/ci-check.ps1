<#
.SYNOPSIS
    A CI gate for tenant files and their buckets: fails the job on a bad tenant file or a failed command, on changes
    the files declare that the buckets lack, and on a bucket that has drifted from its declared layout.
.DESCRIPTION
    Plans the fleet of tenant files without changing anything (Get-MlFleetPlan), then checks every bucket of the
    files against its declared layout and settings (Test-MlLayout). Nothing is written to any bucket.

    Exit codes:
      0  in sync: the plan has nothing to do and every bucket matches what was declared.
      1  an error: a bad tenant file, a plan with problems, a failed command (no credentials, access denied ...).
         $ErrorActionPreference = 'Stop' turns every error into one that ends the script, and PowerShell ends a
         script run with -File on such an error with exit code 1.
      2  changes pending: the tenant files declare something the buckets lack (apply with fleet-apply.ps1).
      3  drift: a bucket no longer matches its declared layout (see Get-MlLayoutDrift, Repair-MlLayout).
    Credentials and regions come from the tenant files' connections and the environment (OIDC role, profile,
    keys). Runs in PowerShell 7 and Windows PowerShell 5.1.
.EXAMPLE
    pwsh -NonInteractive -File ./examples/ci-check.ps1 -Path ./tenants
.EXAMPLE
    pwsh -NonInteractive -File ./examples/ci-check.ps1 -Path ./examples/tenants/edge-a001.yaml -LocalPath ./out/buckets   # the local target
#>
[CmdletBinding()]
param(
    # Tenant files, or folders of them.
    [string[]] $Path = @('./tenants'),
    # The local target: the directory that holds the bucket directories.
    [string] $LocalPath,
    # An S3-compatible endpoint (path-style addressing is used for it).
    [string] $EndpointUrl
)
# Without this, an error a command writes (a folder that failed, a bucket that could not be read) lets the script go
# on to its end, and the job passes with exit code 0.
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'S3MlLayout.psd1'))

$target = @{}
if ($LocalPath) { $target.LocalPath = $LocalPath }
if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl; $target.ForcePathStyle = $true }

# A bad tenant file stops here (TenantUnknownKey, TenantRegionUnknown ... at file:line:column): exit code 1.
$plan = Get-MlFleetPlan -Path $Path @target
if ($plan.ExitCode -eq 1) {
    foreach ($problem in $plan.Problems) { Write-Warning $problem.Message }
    throw "The plan found $(@($plan.Problems).Count) problems (listed above)."
}
if ($plan.ExitCode -eq 2) {
    "Changes pending: $($plan.Pending) changes in $(@($plan.Buckets).Count) buckets; review them with Get-MlFleetPlan -MarkdownFile, apply them with fleet-apply.ps1."
    exit 2
}

# Test-MlLayout returns $true or $false and never ends the script by itself: the script says what failing means.
# One result per bucket: with several, '-not $results' would be false as soon as the list is not empty.
$drifted = @(foreach ($spec in Import-MlTenant -Path $Path @target) {
    $connection = @{}
    if ($LocalPath) { $connection.LocalPath = $LocalPath }
    else {
        $connection.Region = $spec.Region
        if ($spec.ProfileName) { $connection.ProfileName = $spec.ProfileName }
        if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl; $connection.ForcePathStyle = $true }
    }
    $bucket = Get-MlBucket -BucketName $spec.Name @connection
    if (-not ($bucket | Test-MlLayout)) { $bucket.Name }
})
if ($drifted.Count -gt 0) {
    "Drift in $($drifted.Count) buckets: $($drifted -join ', '). See: Get-MlBucket <name> | Get-MlLayoutDrift"
    exit 3
}
"In sync: $(@($plan.Buckets).Count) buckets match their tenant files and declared layouts."
exit 0
