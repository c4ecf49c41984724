# Pester 5. Mirrors tests/S3MlLayout.Module.Tests/ImportMlTenantTests.cs: Import-MlTenant in a real PowerShell.
BeforeAll {
    Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
    $examples = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../examples/tenants'))
}

Describe 'Import-MlTenant' {
    It 'reads the example tenants: one spec per tenant, environment and region' {
        $specs = Import-MlTenant $examples | Select-Object Name, Environment, Region, TenantId, Solution
        $specs.Count | Should -Be 15
        ($specs | Where-Object TenantId -eq 'a001' | Sort-Object Name | Select-Object -First 1).Name | Should -Be 'edge-dev-a001-us-east-1'
        ($specs | Where-Object Name -eq 'acme-analytics-prod-eu').Solution | Should -Be @('sensor-analytics')
    }

    It 'takes folders from Get-ChildItem and filters with wildcards' {
        $specs = Get-Item $examples | Import-MlTenant -Environment prod -Tenant '*001' -TenantRegion 'eu-*'
        $specs.Name | Sort-Object | Should -Be @('acme-analytics-prod-eu', 'nova-prod-d001-eu-central-1')
    }

    It 'stops on a bad file with file:line:column and emits nothing' {
        $dir = Join-Path TestDrive: ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $dir
        Set-Content (Join-Path $dir 'bad.yaml') "companyPrefix: edge`ntenantId: a001`nregions: [us-west-2]`ntemplate: master-solutions`n"
        $emitted = @()
        { $script:emitted = @(Import-MlTenant $dir -ErrorAction Stop) } | Should -Throw -ErrorId 'TenantTemplateNotFound*'
        $emitted.Count | Should -Be 0
        try { Import-MlTenant $dir -ErrorAction Stop } catch { $_.TargetObject | Should -BeLike '*bad.yaml:4:11' }
    }
}
