<#
.SYNOPSIS
    Applies a reviewed fleet plan: exactly the changes the plan showed, or nothing when anything moved since.
.DESCRIPTION
    Plans the tenant files again and compares with the saved plan.json (its tenant files' hashes and its changes).
    When they agree, every change is applied, all buckets at once with one bounded pool of requests; when they do
    not, it stops with FleetPlanStale and lists what moved, so the pull request is planned and reviewed again.
.EXAMPLE
    ./examples/fleet-apply.ps1 -Path ./tenants -PlanFile ./out/fleet/plan.json
#>
[CmdletBinding()]
param(
    [string[]] $Path = @('./tenants'),
    [Parameter(Mandatory)] [string] $PlanFile,
    [string] $LocalPath,
    [string] $EndpointUrl
)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'S3MlLayout.psd1'))

$options = @{ Path = $Path; PlanFile = $PlanFile; Confirm = $false }
if ($LocalPath) { $options.LocalPath = $LocalPath }
if ($EndpointUrl) { $options.EndpointUrl = $EndpointUrl; $options.ForcePathStyle = $true }
# One row per bucket as it finishes, then the totals.
Invoke-MlFleetPlan @options
