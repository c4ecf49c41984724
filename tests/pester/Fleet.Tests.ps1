# Pester 5. The fleet examples run as written, in a new PowerShell process, on the local target with the example
# tenant files: onboard one tenant, plan (exit 2), apply the saved plan, plan again (exit 0), nightly drift (exit 0,
# JUnit clean), then drift one bucket (exit 1, exactly that bucket failing).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $tenants = Join-Path $root 'examples/tenants'
    function Invoke-Example([string] $Script, [string] $Arguments) {
        Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/$Script $Arguments; exit `$LASTEXITCODE"
    }
}

Describe 'The fleet examples' {
    BeforeEach {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-fleet-' + [guid]::NewGuid().ToString('N'))
        $buckets = Join-Path $work 'buckets'
        $null = New-Item -ItemType Directory -Force $buckets
    }
    AfterEach { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'onboards one tenant from its file' {
        $run = Invoke-Example 'onboard-tenant.ps1' "-TenantFile '$tenants/edge-a001.yaml' -LocalPath '$buckets'"
        $run.ExitCode | Should -Be 0
        Test-Path (Join-Path $buckets 'edge-dev-a001-us-east-1/solutions') | Should -BeTrue
        Test-Path (Join-Path $buckets 'edge-prod-a001-us-east-1/.s3mllayout/declared/bucket.json') | Should -BeTrue
        # What the tenant file asks for beyond the folders: date partitions and the client_config documents.
        Test-Path (Join-Path $buckets 'edge-prod-a001-us-east-1/solutions/customer-churn/data/raw/2024/01/07') | Should -BeTrue
        Get-Content (Join-Path $buckets 'edge-prod-a001-us-east-1/client_config/environments/prod.yaml') -Raw | Should -Match 'kmsKeyId: alias/edge-ml-prod'
    }

    It 'previews onboarding with -WhatIf on a -LocalPath that does not exist yet, creating nothing' {
        $new = Join-Path $work 'not-yet'
        $run = Invoke-Example 'onboard-tenant.ps1' "-TenantFile '$tenants/edge-a001.yaml' -LocalPath '$new' -WhatIf"
        $said = ($run.Output + $run.Errors) -join "`n"
        $run.ExitCode | Should -Be 0 -Because $said
        $run.Errors | Should -BeNullOrEmpty
        @($run.Output | Where-Object { $_ -like 'What if:*Create bucket*' }).Count | Should -Be 6 -Because $said
        $said | Should -Match ([regex]::Escape((Join-Path $new 'edge-prod-a001-us-east-1')))
        Test-Path -LiteralPath $new | Should -BeFalse
    }

    It 'names only example files that exist, in the examples'' help' {
        foreach ($script in Get-ChildItem (Join-Path $root 'examples') -Filter *.ps1) {
            $help = Get-Help $script.FullName -ErrorAction Stop
            foreach ($example in @($help.examples.example)) {
                $text = ($example.code + ' ' + (@($example.remarks | ForEach-Object Text) -join ' '))
                foreach ($match in [regex]::Matches($text, '\./examples/[\w./-]+\.(?:ya?ml|ps1|csv)')) {
                    Join-Path $root $match.Value | Should -Exist -Because "$($script.Name) names $($match.Value)"
                }
            }
        }
    }

    It 'plans, applies the reviewed plan, has nothing left to do and reports drift per bucket and solution' {
        $out = Join-Path $work 'fleet'
        $plan = Invoke-Example 'fleet-plan.ps1' "-Path '$tenants' -OutDirectory '$out' -LocalPath '$buckets'"
        $plan.ExitCode | Should -Be 2 -Because ($plan.Output + $plan.Errors -join "`n")
        Test-Path (Join-Path $out 'plan.json') | Should -BeTrue
        Get-Content (Join-Path $out 'plan.md') -Raw | Should -Match 'changes\*\* in 15 of 15 buckets'

        $apply = Invoke-Example 'fleet-apply.ps1' "-Path '$tenants' -PlanFile '$out/plan.json' -LocalPath '$buckets'"
        $apply.ExitCode | Should -Be 0 -Because ($apply.Output + $apply.Errors -join "`n")
        @(Get-ChildItem $buckets -Directory).Count | Should -Be 15

        (Invoke-Example 'fleet-plan.ps1' "-Path '$tenants' -OutDirectory '$out' -LocalPath '$buckets'").ExitCode | Should -Be 0

        $drift = Join-Path $work 'drift'
        $clean = Invoke-Example 'fleet-drift.ps1' "-Path '$tenants' -OutDirectory '$drift' -LocalPath '$buckets'"
        $clean.ExitCode | Should -Be 0 -Because ($clean.Output + $clean.Errors -join "`n")
        ([xml](Get-Content (Join-Path $drift 'drift.xml') -Raw)).testsuites.failures | Should -Be '0'

        Remove-Item (Join-Path $buckets 'edge-staging-a001-us-east-1/solutions/customer-churn/models') -Recurse -Force
        $drifted = Invoke-Example 'fleet-drift.ps1' "-Path '$tenants' -OutDirectory '$drift' -LocalPath '$buckets'"
        $drifted.ExitCode | Should -Be 1
        $failed = @(([xml](Get-Content (Join-Path $drift 'drift.xml') -Raw)).SelectNodes('//testcase[failure]'))
        $failed.Count | Should -Be 1
        $failed[0].classname | Should -Be 'edge-staging-a001-us-east-1'
    }
}

Describe 'README "Tenants as code: a fleet"' {
    It 'runs as written on a fresh checkout' {
        $lines = [IO.File]::ReadAllLines((Join-Path $root 'README.md'))
        $start = [array]::IndexOf($lines, '### Tenants as code: a fleet')
        $open = ($start + 1)..($lines.Count - 1) | Where-Object { $lines[$_] -eq '```powershell' } | Select-Object -First 1
        $close = ($open + 1)..($lines.Count - 1) | Where-Object { $lines[$_] -eq '```' } | Select-Object -First 1
        $block = $lines[($open + 1)..($close - 1)] -join "`n"
        Remove-Item (Join-Path $root 'out/fleet') -Recurse -Force -ErrorAction SilentlyContinue
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text ("`$ErrorActionPreference = 'Stop'`n" + $block)
        $said = ($run.Output + $run.Errors) -join "`n"
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0 -Because $said
        $run.Output | Should -Contain '2' -Because $said
        Test-Path (Join-Path $root 'out/fleet/drift.xml') | Should -BeTrue -Because $said
        ([xml](Get-Content (Join-Path $root 'out/fleet/drift.xml') -Raw)).testsuites.failures | Should -Be '0'
        # The onboarding pipeline gave edge-a001's six buckets everything the fleet would (dates, client_config
        # documents, settings): the plan made right after it has changes for the other tenants only.
        $saved = Get-Content (Join-Path $root 'out/fleet/plan.json') -Raw | ConvertFrom-Json
        @($saved.buckets | Where-Object bucket -like 'edge-*-a001-*').Count | Should -Be 6
        $left = @($saved.buckets | Where-Object bucket -like 'edge-*-a001-*' | ForEach-Object { $_.changes } | ForEach-Object { $_.target })
        $left | Should -BeNullOrEmpty -Because 'the pipeline left these to the fleet step'
        @($saved.buckets | Where-Object bucket -notlike 'edge-*-a001-*' | Where-Object { @($_.changes).Count -gt 0 }).Count | Should -Be 9
        Get-Content (Join-Path $root 'out/fleet/buckets/edge-prod-a001-us-west-2/client_config/environments/prod.yaml') -Raw | Should -Match 'kmsKeyId: alias/edge-ml-prod'
    }
}
