# Pester 5. Fleet plans people can read, on the local target: what left the tenant file shows (plan object, Markdown,
# exit code, drift summary) and nothing is deleted for it; Invoke-MlFleetPlan asks before applying an unreviewed plan
# and writes nothing where it cannot ask; the console views at 120 columns show rows, not type names, and keep the
# folder in view; a stale saved plan says how much moved in one sentence and lists it under -Verbose.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $manifest = Join-Path $root 'S3MlLayout.psd1'
    Import-Module $manifest -Force

    function Write-Tenant([string] $Path, [string[]] $Environments, [string[]] $Solutions) {
        $text = "companyPrefix: acme`ntenantId: t001`nenvironments: [{0}]`nregions: [us-east-1]`ntemplate: simple-ml`nsolutions: [{1}]`n" -f
            ($Environments -join ', '), ($Solutions -join ', ')
        [IO.File]::WriteAllText($Path, $text)
    }
    # Every file and directory under a path with its size: what "nothing was written or deleted" is checked by.
    function Get-Tree([string] $Path) {
        @(Get-ChildItem -LiteralPath $Path -Recurse -Force | ForEach-Object { '{0}|{1}' -f $_.FullName, $(if ($_.PSIsContainer) { 'dir' } else { $_.Length }) } | Sort-Object)
    }
    # Type names as PowerShell prints an object it has no view for: {S3MlLayout.Engine.Operations.FleetBucketPlan, ...}.
    $typeName = 'S3MlLayout\.Engine\.'
}

Describe 'A solution or an environment taken out of a tenant file' {
    BeforeEach {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-fleetplan-' + [guid]::NewGuid().ToString('N'))
        $buckets = Join-Path $work 'buckets'
        $null = New-Item -ItemType Directory -Force $buckets
        $tenant = Join-Path $work 'acme.yaml'
        Write-Tenant $tenant dev, prod churn, fraud, forecast
        Invoke-MlFleetPlan $tenant -LocalPath $buckets -Confirm:$false | Out-Null
        # fraud holds data; forecast holds only its folders.
        [IO.File]::WriteAllText((Join-Path $buckets 'acme-dev-t001-us-east-1/solutions/fraud/dataset/raw/part.csv'), "a,b`n1,2`n")
        Write-Tenant $tenant dev churn
    }
    AfterEach { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'shows in the plan object, the Markdown and the exit code, and applying deletes nothing' {
        $markdown = Join-Path $work 'plan.md'
        $plan = Get-MlFleetPlan $tenant -LocalPath $buckets -MarkdownFile $markdown
        $plan.Pending | Should -Be 0
        $plan.HasChanges | Should -BeTrue
        $plan.ExitCode | Should -Be 2 -Because 'something provisioned is no longer declared: changes pending, as terraform shows a removed resource'

        $solutions = @($plan.NoLongerDeclared | Where-Object Kind -EQ 'Solution' | Sort-Object Solution)
        $solutions.Solution | Should -Be @('forecast', 'fraud')
        $fraud = $solutions[1]
        $fraud.Bucket | Should -Be 'acme-dev-t001-us-east-1'
        $fraud.Uri | Should -Be (Join-Path $buckets 'acme-dev-t001-us-east-1/solutions/fraud/')
        $fraud.Objects | Should -Be 1
        $fraud.Bytes | Should -Be 8
        $fraud.Folders | Should -BeGreaterThan 10
        $solutions[0].Objects | Should -Be 0
        $bucket = @($plan.NoLongerDeclared | Where-Object Kind -EQ 'Bucket')
        $bucket.Bucket | Should -Be 'acme-prod-t001-us-east-1'
        $bucket.Solutions | Should -Be @('churn', 'forecast', 'fraud')

        $text = Get-Content -LiteralPath $markdown -Raw
        $text | Should -Match '\*\*3 no longer declared\*\*'
        $text | Should -Match '### No longer declared'
        $text | Should -Match ([regex]::Escape('`' + $fraud.Uri + '`'))
        $text | Should -Match '1 objects\\, 8 bytes'
        $text | Should -Match 'acme-prod-t001-us-east-1'
        $text | Should -Match 'Remove-MlSolution'

        # The example CI script exits 2 ("changes pending") on it.
        $out = Join-Path $work 'out'
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/fleet-plan.ps1 -Path '$tenant' -OutDirectory '$out' -LocalPath '$buckets'; exit `$LASTEXITCODE"
        $run.ExitCode | Should -Be 2 -Because ($run.Output + $run.Errors -join "`n")
        (Get-Content -LiteralPath (Join-Path $out 'plan.json') -Raw | ConvertFrom-Json).notDeclared.Count | Should -Be 3

        $before = Get-Tree $buckets
        $summary = Invoke-MlFleetPlan $tenant -LocalPath $buckets -Confirm:$false | Select-Object -Last 1
        $summary.NoLongerDeclared | Should -Be 3
        Get-Tree $buckets | Where-Object { $_ -notmatch '[\\/]\.s3mllayout[\\/]' } | Should -Be ($before | Where-Object { $_ -notmatch '[\\/]\.s3mllayout[\\/]' })
    }

    It 'is flagged by the drift summary of a bucket that comes from the tenant spec, and Remove-MlSolution acts on it' {
        $rows = @(Import-MlTenant $tenant -LocalPath $buckets | New-MlBucket | Get-MlLayoutDrift -Summary)
        ($rows | Where-Object Solution -EQ 'churn').InSync | Should -BeTrue
        $fraud = $rows | Where-Object Solution -EQ 'fraud'
        $fraud.InSync | Should -BeFalse -Because 'the tenant file no longer declares fraud, so drift must not say "in sync"'
        $fraud.NotDeclared | Should -Be 1
        $fraud.Findings[0].Category | Should -Be 'NotDeclared'
        $fraud.Findings[0].SuggestedFix | Should -Match 'Remove-MlSolution'
        $junit = Join-Path $work 'drift.xml'
        $rows | Export-MlDriftReport $junit
        @(([xml](Get-Content -LiteralPath $junit -Raw)).SelectNodes('//testcase[failure]')).name | Should -Be @('forecast', 'fraud')

        # Without the tenant file's list (a bucket named by hand), drift has nothing to compare with: no flag.
        @(Get-MlBucket acme-dev-t001-us-east-1 -LocalPath $buckets | Get-MlLayoutDrift -Summary | Where-Object { -not $_.InSync }).Count | Should -Be 0

        # The way to act: Remove-MlSolution removes the empty one (it refuses the one holding data).
        Get-MlBucket acme-dev-t001-us-east-1 -LocalPath $buckets | Remove-MlSolution forecast -Force | Out-Null
        $left = (Get-MlFleetPlan $tenant -LocalPath $buckets).NoLongerDeclared | Where-Object Kind -EQ 'Solution'
        $left.Solution | Should -Be 'fraud'
    }

    It 'is not reported for what a filter leaves out' {
        Write-Tenant $tenant dev, prod churn, fraud, forecast
        $plan = Get-MlFleetPlan $tenant -LocalPath $buckets -Environment dev
        @($plan.NoLongerDeclared).Count | Should -Be 0
        $plan.ExitCode | Should -Be 0
    }
}

Describe 'Invoke-MlFleetPlan without a saved plan' {
    BeforeEach {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-fleetplan-' + [guid]::NewGuid().ToString('N'))
        $buckets = Join-Path $work 'buckets'
        $null = New-Item -ItemType Directory -Force $buckets
        $tenant = Join-Path $work 'acme.yaml'
        Write-Tenant $tenant dev churn
    }
    AfterEach { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'asks first (ConfirmImpact High); under -NonInteractive without -Confirm:$false it writes nothing and says what CI passes' {
        $attribute = (Get-Command Invoke-MlFleetPlan).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
        $script = "Import-Module '$manifest'`ntry { Invoke-MlFleetPlan '$tenant' -LocalPath '$buckets' -ErrorAction Stop; 'applied' } catch { 'refused ' + `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text $script
        $said = $run.Output + $run.Errors -join "`n"
        $run.Output[0] | Should -Match '^refused FleetApplyNotConfirmed' -Because $said
        $said | Should -Match 'Nothing was written'
        $said | Should -Match '-Confirm:\$false'
        @(Get-Tree $buckets).Count | Should -Be 0 -Because 'nothing may be written when nobody could be asked'

        # The same run with -Confirm:$false applies: the check above would have seen writes.
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text "Import-Module '$manifest'`nInvoke-MlFleetPlan '$tenant' -LocalPath '$buckets' -Confirm:`$false | Out-Null"
        $run.Errors | Should -BeNullOrEmpty
        @(Get-Tree $buckets).Count | Should -BeGreaterThan 10
    }
}

Describe 'Console views at 120 columns' {
    BeforeAll {
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-fleetview-' + [guid]::NewGuid().ToString('N'))
        $buckets = Join-Path $work 'buckets'
        $null = New-Item -ItemType Directory -Force $buckets
        $tenant = Join-Path $work 'acme.yaml'
        Write-Tenant $tenant dev, prod churn, fraud
    }
    AfterAll { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'show the plan as one row per bucket, the Markdown names its folders, the apply as rows and a total' {
        $markdown = Join-Path $work 'plan.md'
        $plan = Get-MlFleetPlan $tenant -LocalPath $buckets -MarkdownFile $markdown
        $shown = $plan | Out-String -Width 120
        $shown | Should -Not -Match $typeName
        $shown | Should -Match '(?m)^Bucket\s+Create\s+Settings\s+Declarations\s+Folders\s+Documents\s+NotDeclared\s+Problems$'
        $shown | Should -Match '(?m)^acme-dev-t001-us-east-1\s+yes\s+\d+\s+2\s+31\s+\d+\s+0\s+0$'
        $shown | Should -Match 'exit code 2'
        $shown | Should -Not -Match 'Fingerprints|sha256'
        $plan.Buckets | Out-String -Width 120 | Should -Not -Match $typeName
        # The Markdown names the folders: 31 per bucket, folded.
        $text = Get-Content -LiteralPath $markdown -Raw
        $text | Should -Match '<details><summary>Create 31 folders</summary>'
        $text | Should -Match '(?m)^- `solutions/churn/dataset/raw/`$'
        $text | Should -Not -Match 'Create folder: 31 folders'

        $applied = Invoke-MlFleetPlan $tenant -LocalPath $buckets -Confirm:$false
        $shown = $applied | Out-String -Width 120
        $shown | Should -Not -Match $typeName
        $shown | Should -Not -Match '(?m)^\w+\s+: ' -Because 'no list blocks between the rows'
        @($shown -split "`n" | Where-Object { $_ -match '^acme-(dev|prod)-t001-us-east-1\s+yes\s' }).Count | Should -Be 2
        $shown | Should -Match 'Applied to 2 buckets: 2 created, .*62 folders created'
        $applied[-1].FoldersCreated | Should -Be 62

        # A few folders are listed as they are.
        Remove-Item (Join-Path $buckets 'acme-dev-t001-us-east-1/solutions/churn/logs') -Recurse
        Get-MlFleetPlan $tenant -LocalPath $buckets -MarkdownFile $markdown | Out-Null
        $text = Get-Content -LiteralPath $markdown -Raw
        $text | Should -Match '(?m)^- Create folder: `solutions/churn/logs/training/`$'
        $text | Should -Not -Match 'Create \d+ folders'
    }

    It 'keep the folder of a drift finding in view, and fit the summary in a row' {
        $bucket = Get-MlBucket acme-dev-t001-us-east-1 -LocalPath $buckets
        Remove-Item (Join-Path $buckets 'acme-dev-t001-us-east-1/solutions/fraud/dataset/processed') -Recurse
        $shown = $bucket | Get-MlLayoutDrift | Out-String -Width 120
        $shown | Should -Not -Match $typeName
        $shown | Should -Match 'Bucket: acme-dev-t001-us-east-1'
        $shown | Should -Match '(?m)^Missing\s+fraud\s+.*solutions/fraud/dataset/processed/\s*$' -Because 'the folder must not be cut'
        $summary = $bucket | Get-MlLayoutDrift -Summary | Out-String -Width 120
        $summary | Should -Match '(?m)^acme-dev-t001-us-east-1\s+fraud\s+False\s+\d+\s+1 Missing\s*$'
    }

    It 'say how much a stale saved plan moved in one sentence, and list it under -Verbose' {
        $saved = Join-Path $work 'plan.json'
        Get-MlFleetPlan $tenant -LocalPath $buckets -OutFile $saved | Out-Null
        Write-Tenant $tenant dev, prod churn, fraud, forecast, pricing
        $verbose = [Collections.Generic.List[object]]::new()
        $failed = $null
        try { Invoke-MlFleetPlan $tenant -LocalPath $buckets -PlanFile $saved -Confirm:$false -Verbose 4>&1 | ForEach-Object { $verbose.Add($_) } }
        catch { $failed = @($_) }
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Match '^FleetPlanStale'
        $message = $failed[0].ErrorDetails.Message
        $message | Should -Not -Match "`n"
        $message | Should -Match '1 tenant files changed since the plan, \d+ changes or buckets needed now, not in the plan \(in 2 buckets\)'
        $message | Should -Match '-Verbose'
        @($verbose | Where-Object { "$_" -like 'needed now, not in the plan: *' }).Count | Should -BeGreaterThan 20
        $shown = $failed[0] | Out-String -Width 120
        $shown | Should -Not -Match 'needed now, not in the plan: ' -Because 'the console gets the counts, -Verbose the list'
        $shown.Split("`n").Count | Should -BeLessThan 16
        $failed[0].Exception.Message | Should -Match 'needed now, not in the plan: acme-dev-t001-us-east-1' -Because 'scripts and logs keep the whole list'
    }
}
