# Pester 5. The README's "Use in CI" script, examples/ci-check.ps1, run as a CI job runs it (a new PowerShell
# process, the one of $PSHOME) on the local target: it must fail its job on a bad tenant file and on drift, and pass
# only when the buckets are in sync with their tenant files.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    Import-Module (Join-Path $root 'S3MlLayout.psd1') -Force
    function Invoke-CiCheck([string] $Tenants, [string] $Buckets) {
        Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/ci-check.ps1 -Path '$Tenants' -LocalPath '$Buckets'; exit `$LASTEXITCODE"
    }
}

Describe 'examples/ci-check.ps1' {
    BeforeEach {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-ci-' + [guid]::NewGuid().ToString('N'))
        $tenants = Join-Path $work 'tenants'
        $buckets = Join-Path $work 'buckets'
        $null = New-Item -ItemType Directory -Force $tenants, $buckets
        $tenantFile = Join-Path $tenants 'ci-t001.yaml'
        Set-Content -LiteralPath $tenantFile -Value "companyPrefix: ci`ntenantId: t001`nregions: [us-west-2]`nenvironments: [dev]`ntemplate: simple-ml`nsolutions: [churn]"
        $solution = Join-Path $buckets 'ci-dev-t001-us-west-2/solutions/churn'
    }
    AfterEach { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'exits 2 with changes pending, 0 in sync, 3 on drift' {
        $pending = Invoke-CiCheck $tenants $buckets
        $pending.ExitCode | Should -Be 2 -Because (($pending.Output + $pending.Errors) -join "`n")

        Invoke-MlFleetPlan $tenants -LocalPath $buckets -Confirm:$false | Out-Null
        $inSync = Invoke-CiCheck $tenants $buckets
        $inSync.ExitCode | Should -Be 0 -Because (($inSync.Output + $inSync.Errors) -join "`n")
        $inSync.Output | Should -Match '^In sync: 1 buckets'

        # A folder nobody declared: the plan has nothing to add, Test-MlLayout returns $false.
        $null = New-Item -ItemType Directory (Join-Path $solution 'models/Stray')
        $drifted = Invoke-CiCheck $tenants $buckets
        $drifted.ExitCode | Should -Be 3 -Because (($drifted.Output + $drifted.Errors) -join "`n")
        $drifted.Output | Should -Match 'Drift in 1 buckets: ci-dev-t001-us-west-2'
        # A declared folder removed: the plan would write it again.
        Remove-Item -LiteralPath (Join-Path $solution 'models') -Recurse -Force
        (Invoke-CiCheck $tenants $buckets).ExitCode | Should -Be 2
    }

    It 'exits 1 on a bad tenant file, naming file:line:column, and writes nothing' {
        Add-Content -LiteralPath $tenantFile -Value 'solution: [fraud]'
        $bad = Invoke-CiCheck $tenants $buckets
        $said = ($bad.Output + $bad.Errors) -join "`n"
        $bad.ExitCode | Should -Be 1 -Because $said
        $said | Should -Match 'ci-t001\.yaml:7:1'
        $said | Should -Match "did you mean 'solutions'"
        @(Get-ChildItem -LiteralPath $buckets).Count | Should -Be 0
    }
}
