# Pester 5. The contract a user can run: the types and the load contexts in a fresh process, coexistence with other
# builds of AWSSDK and YamlDotNet loaded first, and the behaviour of the cmdlets the other files do not cover, on
# the local target.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $manifest = Join-Path $root 'S3MlLayout.psd1'
    Import-Module $manifest -Force
}

Describe 'A fresh PowerShell process' {
    It 'shows every cmdlet''s syntax and parameters, and the bucket type, straight after Import-Module' {
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
foreach (`$command in Get-Command -Module S3MlLayout) { `$null = Get-Command `$command.Name -Syntax; 'syntax ' + `$command.Name }
'parameters ' + @(Get-Command -Module S3MlLayout | Select-Object -ExpandProperty Parameters).Count
'type ' + [S3MlLayout.Engine.Storage.MlBucket].FullName
"@
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        @($run.Output | Where-Object { $_ -like 'syntax *' }).Count | Should -Be @(Get-Command -Module S3MlLayout).Count
        $run.Output | Should -Contain 'type S3MlLayout.Engine.Storage.MlBucket'
    }

    It 'works beside other builds of AWSSDK.Core and YamlDotNet loaded first' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        # Exactly the versions the module test project pins (never whatever else the NuGet cache holds).
        [xml] $project = Get-Content -Raw (Join-Path $root 'tests/S3MlLayout.Module.Tests/S3MlLayout.Module.Tests.csproj')
        $coreVersion = ($project.Project.ItemGroup.PackageDownload | Where-Object Include -eq 'AWSSDK.Core').Version.Trim('[]')
        $yamlVersion = ($project.Project.ItemGroup.PackageReference | Where-Object Include -eq 'YamlDotNet').Version
        $core = Join-Path $packages "awssdk.core/$coreVersion/lib/net8.0/AWSSDK.Core.dll"
        $yaml = Join-Path $packages "yamldotnet/$yamlVersion/lib/net8.0/YamlDotNet.dll"
        Test-Path $core | Should -BeTrue -Because "the test project downloads AWSSDK.Core $coreVersion"
        Test-Path $yaml | Should -BeTrue -Because "the test project references YamlDotNet $yamlVersion"
        $run = Invoke-PowerShellScript -WorkingDirectory $root -Text @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$core'
Add-Type -Path '$yaml'
Import-Module '$manifest'
(Get-MlLayoutTemplate).Count
Get-MlBucketName -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2
"@
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -Contain '4'
        $run.Output | Should -Contain 'edge-dev-a001-us-west-2'
    }
}

Describe 'Cmdlets on the local target' {
    BeforeEach {
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        $bucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $dir
        $bucket | Add-MlSolution churn, fraud -Template simple-ml | Out-Null
    }

    It 'lists the templates, names buckets and lists the buckets the module manages' {
        (Get-MlLayoutTemplate).Name | Should -Contain 'master-solution'
        Get-MlBucketName -CompanyPrefix edge -Environment prod -TenantId a001 -Region us-west-2 | Should -Be 'edge-prod-a001-us-west-2'
        New-MlBucket -CompanyPrefix edge -Environment prod -TenantId b002 -Region us-west-2 -LocalPath $dir | Out-Null
        (Get-MlBucket -LocalPath $dir).Name | Should -Be @('edge-dev-a001-us-west-2', 'edge-prod-b002-us-west-2')
        (Get-MlBucket -LocalPath $dir -Tenant 'b*').Name | Should -Be 'edge-prod-b002-us-west-2'
    }

    It 'lists solutions, and removes one only while no data lies under it' {
        ($bucket | Get-MlSolution).Solution | Should -Be @('churn', 'fraud')
        Set-Content (Join-Path $bucket.LocalPath 'solutions/fraud/dataset/raw/x.csv') 'data'
        { $bucket | Remove-MlSolution fraud -Force -ErrorAction Stop } | Should -Throw -ErrorId 'SolutionHoldsData*'
        Test-Path (Join-Path $bucket.LocalPath 'solutions/fraud/dataset/raw/x.csv') | Should -BeTrue
        $bucket | Remove-MlSolution churn -Force
        ($bucket | Get-MlSolution).Solution | Should -Be 'fraud'
        Test-Path (Join-Path $bucket.LocalPath 'solutions/churn') | Should -BeFalse
    }

    It 'tests, reports and draws the bucket' {
        $bucket | Test-MlLayout | Should -BeTrue
        Remove-Item (Join-Path $bucket.LocalPath 'solutions/churn/models') -Recurse
        $bucket | Test-MlLayout | Should -BeFalse
        $rows = @($bucket | Get-MlLayoutDrift -Summary)
        ($rows | Where-Object Solution -eq 'churn').InSync | Should -BeFalse
        ($rows | Export-MlDriftReport (Join-Path $dir 'drift.md')).Name | Should -Be 'drift.md'
        ($bucket | Show-MlLayout) -join "`n" | Should -Match 'solutions'
    }

    It 'moves a solution to a newer template version with its renames' {
        Set-Content (Join-Path $dir 'v1.yaml') "name: team`nversion: 1.0.0`nfolders:`n  - name: inputs`n"
        Set-Content (Join-Path $dir 'v2.yaml') "name: team`nversion: 1.1.0`nfolders:`n  - name: sources`nrename:`n  - from: inputs`n    to: sources`n"
        $bucket | Add-MlSolution team -Template (Join-Path $dir 'v1.yaml') | Out-Null
        $update = $bucket | Update-MlSolution team -Template (Join-Path $dir 'v2.yaml')
        $update.ToVersion | Should -Be '1.1.0'
        Test-Path (Join-Path $bucket.LocalPath 'solutions/team/sources') | Should -BeTrue
        Test-Path (Join-Path $bucket.LocalPath 'solutions/team/inputs') | Should -BeFalse
    }
}
