# Pester 5, tagged Integration. Mirrors tests/S3MlLayout.Module.Tests/S3IntegrationTests.cs against moto_server
# on a free loopback port; fails (never skips) when moto_server cannot start.
Describe 'S3 target' -Tag Integration {
    BeforeAll {
        Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
        . (Join-Path $PSScriptRoot 'TestSupport.ps1')
        $moto = Start-MotoServer
        $conn = @{ EndpointUrl = $moto.Endpoint; AccessKey = 'AKIAPESTERTEST000001'; SecretKey = 'pester-secret'; ForcePathStyle = $true }
    }

    AfterAll { Stop-MotoServer $moto }

    It 'creates a secure bucket, provisions solutions, and a re-run creates nothing' {
        $company = 'p' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $bucket = New-MlBucket -CompanyPrefix $company -Environment dev -TenantId a001 -Region us-east-1 @conn -WarningAction SilentlyContinue
        $bucket.Settings.BlockPublicAccess | Should -BeTrue
        $bucket.Settings.Versioning | Should -Be 'Enabled'
        $bucket.Settings.ObjectOwnership | Should -Be 'BucketOwnerEnforced'

        $first = $bucket | Add-MlSolution customer-churn, fraud-detection
        ($first | Measure-Object Created -Sum).Sum | Should -BeGreaterThan 200
        $again = $bucket | Add-MlSolution customer-churn, fraud-detection
        ($again | Measure-Object Created -Sum).Sum | Should -Be 0
    }

    It 'sends nothing under -WhatIf' {
        $company = 'w' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        New-MlBucket -CompanyPrefix $company -Environment dev -TenantId a001 -Region us-east-1 @conn -WhatIf | Should -BeNullOrEmpty
        { Get-MlBucket -CompanyPrefix $company -Environment dev -TenantId a001 -Region us-east-1 @conn -ErrorAction Stop } | Should -Throw -ErrorId 'BucketNotFound,*'
    }
}
