# Pester 5. Mirrors tests/S3MlLayout.Module.Tests/DriftTests.cs (LocalDriftTests) on the local target.
BeforeAll {
    Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
}

Describe 'Drift on the local target' {
    BeforeEach {
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        $bucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $dir
        $bucket | Add-MlSolution churn -Date 2024-01-01 | Out-Null
        $root = Join-Path $bucket.LocalPath 'solutions/churn'
    }

    It 'finds nothing in a freshly provisioned bucket' {
        $bucket | Get-MlLayoutDrift | Should -BeNullOrEmpty
        $bucket | Test-MlLayout | Should -BeTrue
    }

    It 'reports each kind of drift and serialises to JSON' {
        Remove-Item (Join-Path $root 'models/registry/staging')
        New-Item -ItemType Directory (Join-Path $root 'notebooks/Scratch-Pad') | Out-Null
        New-Item -ItemType Directory (Join-Path $root 'data/raw/2024-01-05') | Out-Null
        $findings = $bucket | Get-MlLayoutDrift
        # Category is an enum: sort by its name, not its number.
        $findings | ForEach-Object { $_.Category.ToString() } | Sort-Object | Should -Be @('InvalidPartition', 'Missing', 'NamingViolation')
        ($findings | ConvertTo-Json -Depth 3 | ConvertFrom-Json).Count | Should -Be 3
        $bucket | Test-MlLayout | Should -BeFalse
    }

    It 'repairs what is safe and leaves data alone' {
        Remove-Item (Join-Path $root 'models/registry/staging')
        New-Item -ItemType Directory (Join-Path $root 'notebooks/Scratch-Pad') | Out-Null
        $results = $bucket | Get-MlLayoutDrift | Repair-MlLayout -WarningAction SilentlyContinue
        ($results | Where-Object Action -EQ 'Created').Key | Should -Be 'solutions/churn/models/registry/staging/'
        ($results | Where-Object Action -EQ 'LeftAlone').Key | Should -Be 'solutions/churn/notebooks/Scratch-Pad/'
        Join-Path $root 'notebooks/Scratch-Pad' | Should -Exist
    }
}
