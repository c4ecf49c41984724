<#
.SYNOPSIS
    Onboards one tenant from its tenant file: every environment's bucket with secure defaults, its solutions and
    date partitions, in one pipeline. Safe to run again; -WhatIf shows every change first.
.EXAMPLE
    ./examples/onboard-tenant.ps1 -TenantFile ./examples/tenants/edge-a001.yaml -LocalPath ./out/buckets -WhatIf
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
    $directory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($LocalPath)
    if (-not (Test-Path -LiteralPath $directory -PathType Container)) {
        if (-not $PSCmdlet.ShouldProcess($directory, 'Create the directory that holds the buckets')) {
            # -WhatIf on a directory that does not exist yet: nothing is there to compare with, so every bucket of the
            # file would be created; say so from the file alone, and create nothing (not even the directory).
            foreach ($spec in Import-MlTenant @import) {
                $null = $PSCmdlet.ShouldProcess([IO.Path]::Combine($directory, $spec.Name) + [IO.Path]::DirectorySeparatorChar,
                    "Create bucket, then solutions $($spec.Solution -join ', ')")
            }
            return
        }
        $null = New-Item -ItemType Directory -Force $directory
    }
    $import.LocalPath = $directory
}
Import-MlTenant @import | New-MlBucket -WhatIf:$WhatIfPreference | Add-MlSolution -WhatIf:$WhatIfPreference
