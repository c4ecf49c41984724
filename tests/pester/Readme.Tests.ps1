# Pester 5. The README's "Use" blocks run as written, each in a new PowerShell process (the one of $PSHOME) in the
# repository root: the first on the local target, as on a fresh machine; the second (Amazon S3, profile ml-admin)
# against moto_server, with that profile and AWS_ENDPOINT_URL_S3 in its environment.
BeforeAll {
    $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    function Get-ReadmeBlock {
        <# The ```powershell blocks of the README between the heading $Section and the next heading. #>
        param([string] $Section)
        $blocks = New-Object System.Collections.Generic.List[string]
        $inSection = $false
        $current = $null
        foreach ($line in [IO.File]::ReadAllLines((Join-Path $root 'README.md'))) {
            if ($null -ne $current) {
                if ($line -match '^```\s*$') { $blocks.Add(($current -join "`n")); $current = $null }
                else { $current += $line }
                continue
            }
            if ($line -match '^#{1,6} ') { $inSection = $line -eq $Section; continue }
            if ($inSection -and $line -match '^```powershell\s*$') { $current = @() }
        }
        , $blocks.ToArray()
    }

    # Errors stop the script, and a native command (dotnet build) that fails stops it too (PowerShell 7.4+).
    $prelude = "`$ErrorActionPreference = 'Stop'`n`$PSNativeCommandUseErrorActionPreference = `$true`n"
    $blocks = Get-ReadmeBlock '## Use'
    $buckets = Join-Path $root 'out/buckets'
}

Describe 'README "Use"' {
    It 'has two PowerShell blocks: the local target, then Amazon S3' {
        $blocks.Count | Should -Be 2
        $blocks[0] | Should -Match '-LocalPath ./out/buckets'
        $blocks[0] | Should -Not -Match '-ProfileName|-EndpointUrl|~'
        $blocks[1] | Should -Match '-ProfileName ml-admin'
    }

    It 'runs the local block as written' {
        $run = Invoke-PowerShellScript -Text ($prelude + $blocks[0]) -WorkingDirectory $root
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output | Should -Contain 'edge-prod-b001-us-west-2'
        $run.Output | Should -Contain 's3://edge-dev-a001-us-west-2/'
        ($run.Output -match '^What if: ').Count | Should -BeGreaterThan 10
        $bucket = Join-Path $buckets 'edge-dev-a001-us-west-2/solutions'
        Join-Path $bucket 'fraud-detection/data/raw/archive' | Should -Exist
        Join-Path $bucket 'customer-churn/data/raw/2024/01/31' | Should -Exist
        Join-Path $bucket 'demand-forecasting/models' | Should -Exist
        Join-Path $bucket 'recommendation-engine' | Should -Not -Exist
    }
}

Describe 'README "Use" on Amazon S3' -Tag Integration {
    BeforeAll {
        Import-Module (Join-Path $root 'S3MlLayout.psd1') -Force
        $moto = Start-MotoServer
        $profiles = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-readme-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $profiles
        [IO.File]::WriteAllText((Join-Path $profiles 'config'), "[profile ml-admin]`nregion = us-west-2`n")
        [IO.File]::WriteAllText((Join-Path $profiles 'credentials'), "[ml-admin]`naws_access_key_id = AKIAREADMETEST000001`naws_secret_access_key = readme-secret`n")
        $environment = @{
            AWS_CONFIG_FILE = Join-Path $profiles 'config'; AWS_SHARED_CREDENTIALS_FILE = Join-Path $profiles 'credentials'
            AWS_ENDPOINT_URL_S3 = $moto.Endpoint; AWS_EC2_METADATA_DISABLED = 'true'
        }
    }

    AfterAll {
        Stop-MotoServer $moto
        if ($profiles) { Remove-Item -LiteralPath $profiles -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'runs the S3 block as written, after the import of the first block' {
        $import = @($blocks[0] -split "`n" | Where-Object { $_ -match '^Import-Module ' })
        $import.Count | Should -Be 1
        $run = Invoke-PowerShellScript -Text ($prelude + $import[0] + "`n" + $blocks[1]) -WorkingDirectory $root -Environment $environment
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")

        $conn = @{ EndpointUrl = $moto.Endpoint; AccessKey = 'AKIAREADMETEST000001'; SecretKey = 'readme-secret' }
        $bucket = Get-MlBucket edge-prod-a001-us-west-2 -Region us-west-2 @conn
        $bucket | Test-MlLayout | Should -BeTrue
        $today = (Get-Date).ToString('yyyy/MM/dd')
        $partitions = $bucket | Add-MlDatePartition customer-churn -Date (Get-Date)
        $partitions.Created | Should -Be 0 -Because "the block created the partitions of $today"
    }
}

Describe 'README "Writing files into a solution"' {
    BeforeAll {
        $write = Get-ReadmeBlock '### Writing files into a solution'
        # The session of "Use": the module and a bucket on the local target, in a directory of its own with the files the block names.
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-readme-write-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory (Join-Path $work 'exports'), (Join-Path $work 'out/buckets')
        [IO.File]::WriteAllText((Join-Path $work 'new_customer_data.csv'), "id,churned`n1,0`n")
        [IO.File]::WriteAllText((Join-Path $work 'model.joblib'), 'model bytes')
        foreach ($name in 'customers.csv', 'transactions.json') { [IO.File]::WriteAllText((Join-Path $work "exports/$name"), '{}') }
        $session = "Import-Module '$(Join-Path $root 'S3MlLayout.psd1')'`n" +
            '$bucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath ./out/buckets' + "`n"
    }

    AfterAll { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'runs the block as written: each file lands at the key its solution, folder and contract give it' {
        $write.Count | Should -Be 1
        $write[0] | Should -Match 'Get-ChildItem ./exports -File \| Write-MlObject'
        $run = Invoke-PowerShellScript -Text ($prelude + $session + $write[0]) -WorkingDirectory $work
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $solutions = Join-Path $work 'out/buckets/edge-dev-a001-us-west-2/solutions'
        Get-Content -Raw (Join-Path $solutions 'customer-data/data/raw/new_customer_data.csv') | Should -Be "id,churned`n1,0`n"
        Get-Content -Raw (Join-Path $solutions 'churn-model/models/v1/model.joblib') | Should -Be 'model bytes'
        foreach ($name in 'customers.csv', 'transactions.json') {
            # One "What if:" line per key from the preview, then the file itself from the write (bound by Get-ChildItem's PSPath).
            @($run.Output -match "^What if: .*customer-data[/\\]data[/\\]raw[/\\]$([regex]::Escape($name))").Count | Should -Be 1
            Join-Path $solutions "customer-data/data/raw/$name" | Should -Exist
        }
    }
}

Describe 'README "Folder contracts and object drift"' {
    BeforeAll {
        $contracts = Get-ReadmeBlock '### Folder contracts and object drift'
        # The session of "Use": the module and a bucket on the local target, in a directory of its own.
        $work = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-readme-contracts-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory (Join-Path $work 'out/buckets')
        $session = "Import-Module '$(Join-Path $root 'S3MlLayout.psd1')'`n" +
            '$bucket = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath ./out/buckets' + "`n"
    }

    AfterAll { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

    It 'runs the block as written: the formats beside the tree, nothing at folder scope, the two planted objects at object scope' {
        $contracts.Count | Should -Be 1
        $contracts[0] | Should -Match 'Show-MlLayout data-lifecycle -Formats'
        $contracts[0] | Should -Match 'Get-MlLayoutDrift -Solution sales -Scope Objects'
        $run = Invoke-PowerShellScript -Text ($prelude + $session + $contracts[0]) -WorkingDirectory $work
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        # Show-MlLayout -Formats: each stage with its formats, data/ kept for sub-folders.
        $run.Output -match '^\s*\S+ processed/\s+\.parquet$' | Should -Not -BeNullOrEmpty
        $run.Output -match '^\s*\S+ raw/\s+\.csv \.json \.xlsx$' | Should -Not -BeNullOrEmpty
        $run.Output -match '^\s*\S+ data/\s+folders only$' | Should -Not -BeNullOrEmpty
        # The object check: exactly the two findings, in Format-List's "Name : value" lines (the folder check adds none).
        $categories = @($run.Output -match '^Category\s*:' | ForEach-Object { ($_ -split ':', 2)[1].Trim() })
        $categories | Sort-Object | Should -Be @('FormatViolation', 'UnplacedObject')
        $keys = @($run.Output -match '^Key\s*:' | ForEach-Object { ($_ -split ':', 2)[1].Trim() })
        $keys | Sort-Object | Should -Be @('solutions/sales/data/notes.txt', 'solutions/sales/data/processed/filtered_sales.csv')
        $run.Output -match 'Missing|Implicit|Unexpected|InvalidPartition' | Should -BeNullOrEmpty
        $run.Output -match '^Expected\s*:\s*\.parquet$' | Should -Not -BeNullOrEmpty
        $run.Output -match '^Actual\s*:\s*\.csv$' | Should -Not -BeNullOrEmpty
        # Nothing was moved or deleted.
        Join-Path $work 'out/buckets/edge-dev-a001-us-west-2/solutions/sales/data/processed/filtered_sales.csv' | Should -Exist
    }
}

Describe 'README on -BucketName' {
    It 'says every cmdlet that works in a bucket also takes -BucketName, and that holds' {
        Import-Module (Join-Path $root 'S3MlLayout.psd1') -Force
        $text = [IO.File]::ReadAllText((Join-Path $root 'README.md')) -replace '\s+', ' '
        $text | Should -Match 'Every cmdlet that works in a bucket also takes `-BucketName`' -Because 'the README says which cmdlets take -BucketName'
        $withBucket = @(Get-Command -Module S3MlLayout | Where-Object { $_.Parameters.ContainsKey('Bucket') })
        $withBucket.Count | Should -BeGreaterThan 10
        @($withBucket | Where-Object { -not $_.Parameters.ContainsKey('BucketName') } | ForEach-Object Name) | Should -BeNullOrEmpty
    }
}

Describe 'README links' {
    It 'points only at files inside the repository, and they exist' {
        $text = [IO.File]::ReadAllText((Join-Path $root 'README.md'))
        $text | Should -Not -Match '\.\./' -Because 'a path outside the repository does not exist in a clone'
        foreach ($link in [regex]::Matches($text, '\]\(([^)#\s]+)(?:#[^)]*)?\)')) {
            $target = $link.Groups[1].Value
            if ($target -match '^[a-z]+:') { continue }
            $full = [IO.Path]::GetFullPath((Join-Path $root $target))
            $full.StartsWith($root) | Should -BeTrue -Because "$target lies outside the repository"
            Test-Path -LiteralPath $full | Should -BeTrue -Because "README links $target"
        }
    }
}
