# Pester 5. Tab completion through TabExpansion2, as a user's Tab reaches the module's completers.
BeforeAll {
    Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
    function Complete([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object { $_.CompletionText })
    }
    $buckets = (New-Item -ItemType Directory (Join-Path TestDrive: 'buckets')).FullName
    # Global, as a user's own variable at the prompt is.
    $global:S3mlCompletionBucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $buckets
    $global:S3mlCompletionBucket | Add-MlSolution churn, fraud-detection -Date 2024-01-01 | Out-Null
}

AfterAll {
    Remove-Variable -Scope Global -Name S3mlCompletionBucket -ErrorAction SilentlyContinue
}

Describe 'Solution names' {
    It 'come from the declared records of the bucket given to -Bucket' {
        Complete 'Get-MlLayoutDrift -Bucket $S3mlCompletionBucket -Solution ' | Should -Be @('churn', 'fraud-detection')
        Complete 'Add-MlDatePartition -Bucket $S3mlCompletionBucket -Solution fr' | Should -Be @('fraud-detection')
    }

    It 'come from the bucket variable piped to the command' {
        Complete '$S3mlCompletionBucket | Update-MlSolution -Solution c' | Should -Be @('churn')
        Complete '$S3mlCompletionBucket | Test-MlLayout -Solution ' | Should -Be @('churn', 'fraud-detection')
    }

    It 'offer nothing without a bucket on the command line' {
        Complete 'Get-MlLayoutDrift -Solution ' | Should -Not -Contain 'churn'
    }
}

Describe 'Bucket names' {
    It 'are the bucket directories under -LocalPath for Get-MlBucket' {
        $null = New-Item -ItemType Directory (Join-Path $buckets 'edge-prod-a001-us-west-2')
        $null = New-Item -ItemType Directory (Join-Path $buckets '.hidden')
        Complete "Get-MlBucket -LocalPath '$buckets' -BucketName edge-" | Should -Be @('edge-dev-a001-us-west-2', 'edge-prod-a001-us-west-2')
    }

    It 'are not offered where a new bucket is named' {
        Complete "New-MlBucket -LocalPath '$buckets' -Override edge-" | Should -Not -Contain 'edge-dev-a001-us-west-2'
    }
}

Describe 'AWS profile names' {
    BeforeEach {
        $saved = @{ Credentials = $env:AWS_SHARED_CREDENTIALS_FILE; Config = $env:AWS_CONFIG_FILE }
        $credentials = Join-Path (Get-Item TestDrive:).FullName 'credentials'
        $config = Join-Path (Get-Item TestDrive:).FullName 'config'
        Set-Content $credentials "[default]`naws_access_key_id = AKIAEXAMPLE`n[ml-admin]`naws_access_key_id = AKIAEXAMPLE2"
        Set-Content $config "[default]`nregion = us-west-2`n[profile from-config]`nregion = eu-west-1`n[sso-session corp]`nsso_region = us-east-1"
        $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
        $env:AWS_CONFIG_FILE = $config
    }

    AfterEach {
        $env:AWS_SHARED_CREDENTIALS_FILE = $saved.Credentials
        $env:AWS_CONFIG_FILE = $saved.Config
    }

    It 'come from the shared credentials and config files' {
        Complete 'Get-MlBucket -ProfileName ' | Should -Be @('default', 'from-config', 'ml-admin')
        Complete 'New-MlBucket -AWSProfileName ml' | Should -Be @('ml-admin')
    }

    It 'come from -ProfileLocation alone when it is given' {
        $other = Join-Path (Get-Item TestDrive:).FullName 'other-credentials'
        Set-Content $other "[ci-deployer]`naws_access_key_id = AKIAEXAMPLE3"
        Complete "Get-MlBucket -ProfileLocation '$other' -ProfileName " | Should -Be @('ci-deployer')
    }
}

Describe '-Template' {
    BeforeAll {
        $templates = (New-Item -ItemType Directory (Join-Path TestDrive: 'templates')).FullName
        Set-Content (Join-Path $templates 'acme-churn.yaml') 'name: acme-churn'
        Set-Content (Join-Path $templates 'other.yml') 'name: other'
        Set-Content (Join-Path $templates 'notes.txt') 'not a template'
        $null = New-Item -ItemType Directory (Join-Path $templates 'clients')
    }

    BeforeEach { Push-Location $templates }
    AfterEach { Pop-Location }

    It 'completes YAML files and directories after ./' {
        $sep = [IO.Path]::DirectorySeparatorChar
        Complete 'Add-MlSolution churn -Template ./' | Should -Be @('./clients', './acme-churn.yaml', './other.yml')
        Complete 'Add-MlSolution churn -Template ./ac' | Should -Be @('./acme-churn.yaml')
        Complete 'Update-MlSolution churn -Template acme' | Should -Be @(".${sep}acme-churn.yaml")
    }

    It 'offers the built-in names with the files' {
        $offered = Complete 'Get-MlLayout -Template '
        $offered | Should -Contain 'master-solution'
        $offered | Should -Contain ('.' + [IO.Path]::DirectorySeparatorChar + 'acme-churn.yaml')
        $offered | Should -Not -Contain ('.' + [IO.Path]::DirectorySeparatorChar + 'notes.txt')
    }

    It 'completes on every cmdlet that has it, New-MlBucket included' {
        foreach ($command in 'New-MlBucket', 'Add-MlSolution', 'Add-MlDatePartition', 'Update-MlSolution', 'Get-MlLayout', 'Show-MlLayout') {
            Complete "$command -Template master" | Should -Be @('master-solution') -Because $command
        }
    }
}
