# Pester 5. Mirrors tests/S3MlLayout.Module.Tests/LocalProvisioningTests.cs and BadInputTests.cs on the local target.
BeforeAll {
    Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
    $parts = @{ CompanyPrefix = 'edge'; Environment = 'dev'; TenantId = 'a001'; Region = 'us-west-2' }
}

Describe 'Provisioning on the local target' {
    BeforeEach {
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
    }

    It 'creates the bucket and both solutions from one pipeline' {
        $results = New-MlBucket @parts -LocalPath $dir | Add-MlSolution customer-churn, fraud-detection
        $results.Solution | Should -Be @('customer-churn', 'fraud-detection')
        $results[0].Created | Should -Be @(Get-MlLayout master-solution -Solution customer-churn).Count
        Join-Path $dir 'edge-dev-a001-us-west-2/solutions/fraud-detection/data/raw/archive' | Should -Exist
    }

    It 'is idempotent' {
        New-MlBucket @parts -LocalPath $dir | Add-MlSolution churn | Out-Null
        $again = New-MlBucket @parts -LocalPath $dir | Add-MlSolution churn
        $again.Created | Should -Be 0
        $again.AlreadyPresent | Should -BeGreaterThan 100
    }

    It 'writes nothing under -WhatIf' {
        $bucket = New-MlBucket @parts -LocalPath $dir
        $bucket | Add-MlSolution churn -Template simple-ml -WhatIf | Out-Null
        Join-Path $dir 'edge-dev-a001-us-west-2/solutions' | Should -Not -Exist
    }

    It 'creates only the folder nodes piped to New-MlFolder' {
        $bucket = New-MlBucket @parts -LocalPath $dir
        Get-MlLayout master-solution -Solution churn | Where-Object Depth -LE 3 | New-MlFolder -Bucket $bucket | Out-Null
        (Get-ChildItem (Join-Path $dir 'edge-dev-a001-us-west-2/solutions/churn') -Directory).Count | Should -Be 7
    }

    It 'creates date partitions from the declared layout' {
        $bucket = New-MlBucket @parts -LocalPath $dir
        $bucket | Add-MlSolution churn | Out-Null
        $result = $bucket | Add-MlDatePartition churn -From 2024-01-30 -To 2024-02-02
        $result.Created | Should -Be 42
        Join-Path $dir 'edge-dev-a001-us-west-2/solutions/churn/data/raw/2024/02/02' | Should -Exist
    }

    It 'draws the reference tree of a template' {
        $lines = Show-MlLayout -Template master-solution -Date 2024-01-01
        $lines[0] | Should -Be 's3://{company_prefix}-{environment}-{tenant_id}-{region}/'
        $lines[1] | Should -Be '└── solutions/'
        $lines | Should -Contain '        ├── artifacts/'
    }
}

Describe 'Bad input' {
    It '<Id> for <Script>' -ForEach @(
        @{ Id = 'CompanyPrefixInvalidCharacter'; Script = { New-MlBucket -CompanyPrefix Edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath TestDrive: } }
        @{ Id = 'EnvironmentUnknown'; Script = { New-MlBucket -CompanyPrefix edge -Environment qa -TenantId a001 -Region us-west-2 -LocalPath TestDrive: } }
        @{ Id = 'RegionUnknown'; Script = { Get-MlBucketName -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-9 } }
        @{ Id = 'BucketNameReservedSuffix'; Script = { Get-MlBucketName -Override my-bucket-s3alias } }
        @{ Id = 'LocalPathNotFound'; Script = { New-MlBucket -Override my-bucket -LocalPath TestDrive:/missing } }
        @{ Id = 'TemplateNotFound'; Script = { Get-MlLayout -Template master-solutoin } }
    ) {
        $before = @(Get-ChildItem TestDrive: -Recurse).Count
        { & $Script } | Should -Throw -ErrorId "$Id,*"
        @(Get-ChildItem TestDrive: -Recurse).Count | Should -Be $before
    }
}
