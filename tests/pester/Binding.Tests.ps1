# Pester 5. Objects bind by name and by property: Import-Csv rows into New-MlBucket and on into Add-MlSolution,
# and a bucket that crossed a process boundary (Start-Job / Receive-Job) into Add-MlSolution.
# Syntax for PowerShell 7.2+ and Windows PowerShell 5.1.
Describe 'Binding by property name and across processes' {
    BeforeAll {
        $script:manifest = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))
        Import-Module $script:manifest -Force
        . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    }

    It 'provisions 3 tenants from Import-Csv | New-MlBucket | Add-MlSolution' {
        $root = Join-Path $TestDrive 'csv'
        $null = New-Item -ItemType Directory -Path $root
        $csv = Join-Path $TestDrive 'tenants.csv'
        Set-Content -Path $csv -Value @(
            'CompanyPrefix,Environment,TenantId,Region,Solution,Template,BucketName'
            'edge,dev,a001,us-west-2,churn;fraud,simple-ml,'
            'edge,prod,b002,us-east-1,forecast,,'
            ',staging,c003,,"vision, speech",simple-ml,acme-custom-c003'
        )

        $results = Import-Csv $csv | New-MlBucket -LocalPath $root | Add-MlSolution

        @($results | ForEach-Object { '{0}/{1}/{2}' -f $_.Bucket, $_.Solution, $_.Template }) | Should -Be @(
            'edge-dev-a001-us-west-2/churn/simple-ml', 'edge-dev-a001-us-west-2/fraud/simple-ml',
            'edge-prod-b002-us-east-1/forecast/master-solution',
            'acme-custom-c003/vision/simple-ml', 'acme-custom-c003/speech/simple-ml')
        Join-Path $root 'edge-dev-a001-us-west-2/solutions/fraud/dataset' | Should -Exist
        Join-Path $root 'edge-prod-b002-us-east-1/solutions/forecast/models' | Should -Exist
        Join-Path $root 'acme-custom-c003/solutions/speech/models' | Should -Exist

        $custom = Get-MlBucket acme-custom-c003 -LocalPath $root
        $custom.Environment | Should -Be 'staging'
        $custom.TenantId | Should -Be 'c003'
        (Get-MlBucket edge-prod-b002-us-east-1 -LocalPath $root).TenantId | Should -Be 'b002'
    }

    It '-Name, the former -Solution, binds when given directly, with a warning, and never by property name' {
        $root = Join-Path $TestDrive 'former-name'
        $null = New-Item -ItemType Directory -Path $root
        $bucket = New-MlBucket -Override former-name-bucket -LocalPath $root

        # Old scripts: -Name on each solution cmdlet works, and says it is now -Solution.
        $added = $bucket | Add-MlSolution -Name churn -Template master-solution -WarningVariable addWarnings 3>$null
        $added.Solution | Should -Be 'churn'
        ($addWarnings -join ' ') | Should -Match 'Add-MlSolution -Name is now -Solution'
        $dated = $bucket | Add-MlDatePartition -Name churn -Date 2024-01-02 -WarningVariable dateWarnings 3>$null
        $dated.Solution | Should -Be 'churn'
        ($dateWarnings -join ' ') | Should -Match 'Add-MlDatePartition -Name is now -Solution'
        Join-Path $root 'former-name-bucket/solutions/churn/data/raw/2024/01/02' | Should -Exist
        $updated = $bucket | Update-MlSolution -Name churn -Template master-solution -WarningVariable updateWarnings -ErrorAction SilentlyContinue -ErrorVariable updateErrors 3>$null
        ($updateWarnings -join ' ') | Should -Match 'Update-MlSolution -Name is now -Solution'
        # Bound to churn: the refusal (same version) names the solution, not a missing one.
        @($updateErrors | Where-Object { $_.FullyQualifiedErrorId -like 'SolutionMissing*' }).Count | Should -Be 0

        # Never from the pipeline: the bucket's own Name does not become a solution.
        foreach ($command in 'Add-MlSolution', 'Update-MlSolution', 'Add-MlDatePartition') {
            $name = (Get-Command $command).Parameters['Name']
            @($name.ParameterSets.Values | Where-Object { $_.ValueFromPipelineByPropertyName -or $_.ValueFromPipeline }).Count | Should -Be 0
            @($name.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and -not $_.DontShow }).Count | Should -Be 0
        }
        $bucket | Add-MlSolution -Template simple-ml -ErrorAction SilentlyContinue -ErrorVariable missing | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'SolutionMissing*'
        Join-Path $root 'former-name-bucket/solutions/former-name-bucket' | Should -Not -Exist

        # Both at once is refused before anything is written.
        { $bucket | Add-MlSolution -Name fraud -Solution fraud -ErrorAction Stop 3>$null } | Should -Throw -ErrorId 'SolutionGivenTwice*'
        Join-Path $root 'former-name-bucket/solutions/fraud' | Should -Not -Exist

        # Get-MlSolution and Remove-MlSolution keep -Name and accept -Solution.
        ($bucket | Get-MlSolution -Solution churn).Solution | Should -Be 'churn'
        ($bucket | Get-MlSolution -Name churn).Solution | Should -Be 'churn'
    }

    It 'takes a bucket from Start-Job | Receive-Job (local target)' {
        $root = Join-Path $TestDrive 'job'
        $null = New-Item -ItemType Directory -Path $root
        New-MlBucket -Override job-bucket -LocalPath $root | Out-Null

        $received = Start-Job -ArgumentList $script:manifest, $root -ScriptBlock {
            param($manifest, $root)
            Import-Module $manifest
            Get-MlBucket job-bucket -LocalPath $root
        } | Receive-Job -Wait -AutoRemoveJob

        $received.PSObject.TypeNames[0] | Should -Be 'Deserialized.S3MlLayout.Engine.Storage.MlBucket'
        $result = $received | Add-MlSolution churn -Template simple-ml
        $result.Created | Should -BeGreaterThan 0
        Join-Path $root 'job-bucket/solutions/churn' | Should -Exist
    }

    It 'takes a bucket from Start-Job | Receive-Job on S3, credentials from the environment' -Tag Integration {
        $moto = Start-MotoServer
        $saved = @{ Id = $env:AWS_ACCESS_KEY_ID; Secret = $env:AWS_SECRET_ACCESS_KEY }
        try {
            # The job inherits the environment; neither process is given a key on its command line or in the bucket.
            $env:AWS_ACCESS_KEY_ID = 'AKIAPESTERBINDING001'
            $env:AWS_SECRET_ACCESS_KEY = 'pester-binding-secret'
            $name = 'job-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
            New-MlBucket -Override $name -Region us-east-1 -EndpointUrl $moto.Endpoint -ForcePathStyle -WarningAction SilentlyContinue | Out-Null

            $received = Start-Job -ArgumentList $script:manifest, $name, $moto.Endpoint -ScriptBlock {
                param($manifest, $name, $endpoint)
                Import-Module $manifest
                Get-MlBucket $name -Region us-east-1 -EndpointUrl $endpoint -ForcePathStyle
            } | Receive-Job -Wait -AutoRemoveJob

            $received.Connection.EndpointUrl | Should -Be $moto.Endpoint
            ($received | Out-String) | Should -Not -Match 'pester-binding-secret'
            $result = $received | Add-MlSolution churn -Template simple-ml
            $result.Created | Should -BeGreaterThan 0
            (Get-MlLayoutDrift -BucketName $name -Region us-east-1 -EndpointUrl $moto.Endpoint -ForcePathStyle -Solution churn -Summary).Missing | Should -Be 0
        }
        finally {
            $env:AWS_ACCESS_KEY_ID = $saved.Id
            $env:AWS_SECRET_ACCESS_KEY = $saved.Secret
            Stop-MotoServer $moto
        }
    }
}
