<#
.SYNOPSIS
    Onboards one tenant from its tenant file: every environment's bucket with secure defaults, its solutions and
    date partitions, in one pipeline. Safe to run again; -WhatIf shows every change first.
.EXAMPLE
    ./examples/onboard-tenant.ps1 -TenantFile ./examples/tenants/acme-churn.yaml -LocalPath ./out/buckets -WhatIf
.EXAMPLE
    ./examples/onboard-tenant.ps1 -TenantFile ./tenants/acme.yaml -Environment dev
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $TenantFile,
    [string[]] $Environment,
    [string] $LocalPath
)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'S3MlLayout.psd1'))

$import = @{ Path = $TenantFile }
if ($Environment) { $import.Environment = $Environment }
if ($LocalPath) {
    $null = New-Item -ItemType Directory -Force $LocalPath
    $import.LocalPath = $LocalPath
}
Import-MlTenant @import | New-MlBucket -WhatIf:$WhatIfPreference | Add-MlSolution -WhatIf:$WhatIfPreference
