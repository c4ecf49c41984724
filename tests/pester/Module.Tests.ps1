# Pester 5. Mirrors tests/S3MlLayout.Module.Tests/HelpTests.cs: the manifest, the exported cmdlets, their help.
BeforeDiscovery {
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    Import-Module (Join-Path $root 'S3MlLayout.psd1') -Force
    $script:cmdlets = (Get-Command -Module S3MlLayout -CommandType Cmdlet).Name
}

BeforeAll {
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    Import-Module (Join-Path $root 'S3MlLayout.psd1') -Force
}

Describe 'S3MlLayout manifest' {
    It 'is a valid manifest for Desktop and Core' {
        $manifest = Test-ModuleManifest (Join-Path $root 'S3MlLayout.psd1')
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be '5.1'
    }

    It 'exports exactly the listed cmdlets, no functions, variables or aliases' {
        (Get-Module S3MlLayout).ExportedCmdlets.Keys | Sort-Object |
            Should -Be @('Add-MlDatePartition', 'Add-MlSolution', 'Export-MlDriftQuery', 'Export-MlDriftReport', 'Get-MlBucket', 'Get-MlBucketName', 'Get-MlFleetPlan', 'Get-MlLayout', 'Get-MlLayoutDrift', 'Get-MlLayoutTemplate', 'Get-MlSolution', 'Import-MlTenant', 'Invoke-MlFleetPlan', 'New-MlBucket', 'New-MlFolder', 'Remove-MlSolution', 'Repair-MlLayout', 'Show-MlLayout', 'Test-MlLayout', 'Update-MlSolution', 'Write-MlObject')
        (Get-Module S3MlLayout).ExportedFunctions.Count | Should -Be 0
    }
}

Describe 'Help of <_>' -ForEach $cmdlets {
    BeforeAll { $help = Get-Help $_ -Full; $command = Get-Command $_ }

    It 'has a synopsis, a description and at least two examples' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^$_ "
        $help.description.Text | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameter = $help.parameters.parameter | Where-Object name -EQ $name
            ($parameter.description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$name needs help text"
        }
    }
}
