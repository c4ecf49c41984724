# Pester 5. Output that reads well: names in JSON, the setting in the table, progress, -Verbose, region advice.
BeforeAll {
    $manifest = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))
    Import-Module $manifest -Force
}

Describe 'Drift findings and buckets' {
    BeforeEach {
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        $bucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $dir
        $bucket | Add-MlSolution churn, fraud -Date 2024-01-01 | Out-Null
        Remove-Item (Join-Path $bucket.LocalPath 'solutions/churn/models/registry/staging')
    }

    It 'serialise categories and targets as names without -EnumsAsStrings' {
        $json = $bucket | Get-MlLayoutDrift | ConvertTo-Json -Compress
        $json | Should -Match '"Category":"Missing"'
        $bucket | ConvertTo-Json -Depth 1 -Compress -WarningAction SilentlyContinue | Should -Match '"Target":"Local"'
        $repaired = $bucket | Get-MlLayoutDrift | Repair-MlLayout | ConvertTo-Json -Compress
        $repaired | Should -Match '"Category":"Missing"'
    }

    It 'filter and sort by category name' {
        New-Item -ItemType Directory (Join-Path $bucket.LocalPath 'solutions/churn/notebooks/Scratch-Pad') | Out-Null
        $findings = $bucket | Get-MlLayoutDrift
        ($findings | Where-Object Category -EQ 'Missing').Key | Should -Be 'solutions/churn/models/registry/staging/'
        ($findings | Sort-Object Category).Category | Should -Be @('Missing', 'NamingViolation')
    }

    It 'repair from findings read back from JSON' {
        $json = $bucket | Get-MlLayoutDrift | ConvertTo-Json
        $findings = [S3MlLayout.Engine.Drift.DriftFinding[]] @($json | ConvertFrom-Json)
        $findings[0].Category | Should -Be 'Missing'
        ($findings | Repair-MlLayout -Bucket $bucket).Action | Should -Be 'Created'
    }

    It 'show a progress bar: fresh records with a status line, completed at the end' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($Manifest, $Path) Import-Module $Manifest; Get-MlBucket edge-dev-a001-us-west-2 -LocalPath $Path | Get-MlLayoutDrift').
                AddArgument($manifest).AddArgument((Get-Item $dir).FullName)
            $findings = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $findings.Count | Should -Be 1
            $records = @($ps.Streams.Progress)
            $records.Count | Should -BeGreaterThan 1
            $records[0].StatusDescription | Should -Match '^\d+ of 2 solutions, \d+ folders checked$'
            $records[-1].RecordType | Should -Be 'Completed'
            $records[0].ActivityId | Should -Be $records[-1].ActivityId
            # One object per update: a host may keep the record it was given.
            $identities = $records | ForEach-Object { [Runtime.CompilerServices.RuntimeHelpers]::GetHashCode($_) }
            @($identities | Select-Object -Unique).Count | Should -Be $records.Count
        }
        finally { $ps.Dispose() }
    }

    It 'shows which setting drifted in the table' {
        $finding = [S3MlLayout.Engine.Drift.DriftFinding] @{ Category = 'BucketSetting'; Bucket = 'b'; Uri = 's3://b/'; Key = 'Tag:environment'; Expected = 'dev'; Actual = '(none)' }
        $other = [S3MlLayout.Engine.Drift.DriftFinding] @{ Category = 'BucketSetting'; Bucket = 'b'; Uri = 's3://b/'; Key = 'Tag:tenant'; Expected = 'a001'; Actual = '(none)' }
        $table = $finding, $other | Format-Table | Out-String -Width 120
        $table | Should -Match 'Bucket: b'
        $table | Should -Match 'BucketSetting\s+dev\s+\(none\)\s+Tag:environment'
        $table | Should -Match 'BucketSetting\s+a001\s+\(none\)\s+Tag:tenant'
    }
}

Describe 'Connection sources' {
    It 'go to -Verbose, and a non-interactive session shows them without prompting' {
        $exe = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $script = "Import-Module '$($manifest.Replace("'", "''"))'; " +
            "Get-MlBucket -BucketName edge-dev-a001-us-west-2 -Region us-west-2 -EndpointUrl http://127.0.0.1:9 -AccessKey AKIAEXAMPLE -SecretKey not-a-secret -TimeoutSec 2 -Verbose -ErrorAction SilentlyContinue 4>&1 | ForEach-Object { [string]`$_ }"
        # dotnet pwsh (the repository's tool) runs pwsh.dll under dotnet; pwsh and powershell.exe run themselves.
        $arguments = @('-NoProfile', '-NonInteractive', '-Command', $script)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $arguments = @((Join-Path $PSHOME 'pwsh.dll')) + $arguments }
        $output = & $exe $arguments 2>&1 | ForEach-Object { [string]$_ }
        $output | Should -Contain 'Endpoint: http://127.0.0.1:9 (-EndpointUrl).'
        $output | Should -Contain 'Region: us-west-2 (-Region).'
        ($output -join "`n") | Should -Not -Match 'not-a-secret|Continue with this operation'
    }
}

Describe 'Region suggestions' {
    It 'put the closest region first for a transposition' {
        { Get-MlBucketName -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-wset-2 } |
            Should -Throw -ErrorId 'RegionUnknown*' -ExpectedMessage "*(did you mean us-west-2*"
    }
}

Describe 'Folder contracts in layout output' {
    It 'show each folder''s formats in the Get-MlLayout table and beside the Show-MlLayout tree' {
        $table = Get-MlLayout data-lifecycle -Solution churn | Format-Table | Out-String -Width 160
        $table | Should -Match 'Formats'
        $table | Should -Match 'Folder\s+KebabCase\s+None\s+\.csv \.json \.xlsx\s+solutions/churn/data/raw/'
        $table | Should -Match 'folders only\s+solutions/churn/data/'
        Show-MlLayout data-lifecycle -Solution churn -Formats | Should -Contain '            ├── interim/      .parquet'
    }

    It 'carry the contract in JSON with the default depth, without a truncation warning' {
        $json = Get-MlLayout data-lifecycle -Solution churn | Where-Object Name -EQ interim | ConvertTo-Json -WarningVariable truncated
        $truncated | Should -BeNullOrEmpty
        ($json | ConvertFrom-Json).Contract.Formats | Should -Be '.parquet'
        ($json | ConvertFrom-Json).Contract.Producers | Should -Be 'data_prep.py'
    }
}
