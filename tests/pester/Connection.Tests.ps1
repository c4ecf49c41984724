# Pester 5. One home for the connection (issue 16, items 1 and 4): a tenant spec is a bucket in every bucket cmdlet,
# on the local target and on moto with the spec's own connection (a profile in a temporary config file, the
# endpoint); AWS Tools' session defaults ($StoredAWSRegion, $StoredAWSCredentials) are used and lose to explicit
# parameters; and every cmdlet that connects declares the same connection parameters with the same attributes.
BeforeAll {
    Import-Module ([IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../S3MlLayout.psd1'))) -Force
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')

    function New-TenantFile([string] $Directory, [string] $Company, [string] $Connection = '') {
        $file = Join-Path $Directory "$Company.yaml"
        Set-Content -LiteralPath $file -Value @"
companyPrefix: $Company
tenantId: t001
regions: [us-east-1]
template: master-solution
solutions: [customer-churn]
dates: [2024-03-01]
environments: [dev]
$Connection
"@
        $file
    }

    # Each bucket cmdlet, given one spec from the pipeline (and what else it needs), returns what it returned.
    function Invoke-EveryBucketCmdlet($Spec, [hashtable] $Extra = @{}) {
        $file = Join-Path ([IO.Path]::GetTempPath()) ('pester-conn-' + [guid]::NewGuid().ToString('N') + '.csv')
        Set-Content -LiteralPath $file -Value "id`n1"
        try {
            [ordered]@{
                'New-MlBucket'        = @($Spec | New-MlBucket @Extra -WarningAction SilentlyContinue)
                'Get-MlBucket'        = @($Spec | Get-MlBucket @Extra)
                'Add-MlSolution'      = @($Spec | Add-MlSolution @Extra -WarningAction SilentlyContinue)
                'Update-MlSolution'   = @($Spec | Update-MlSolution -Force @Extra -WarningAction SilentlyContinue)
                'Add-MlDatePartition' = @($Spec | Add-MlDatePartition -Date 2024-03-05 @Extra)
                'New-MlFolder'        = @(New-MlFolder -Bucket $Spec -Key solutions/customer-churn/scratch/ @Extra)  # -Bucket: the pipeline is its folders
                'Write-MlObject'      = @($Spec | Write-MlObject -Solution customer-churn -Folder data/raw -Path $file @Extra)
                'Show-MlLayout'       = @($Spec | Show-MlLayout @Extra)
                'Get-MlSolution'      = @($Spec | Get-MlSolution @Extra)
                'Test-MlLayout'       = @($Spec | Test-MlLayout @Extra)
                'Get-MlLayoutDrift'   = @($Spec | Get-MlLayoutDrift -Summary @Extra)
                'Repair-MlLayout'     = @($Spec | Get-MlLayoutDrift @Extra | Repair-MlLayout @Extra)
                # It reaches the bucket and refuses: Write-MlObject put data under the solution, and data is never deleted.
                'Remove-MlSolution'   = @(try { $Spec | Remove-MlSolution customer-churn -Force @Extra } catch { $_.FullyQualifiedErrorId })
            }
        }
        finally { Remove-Item -LiteralPath $file -Force }
    }
}

Describe 'A tenant spec is a bucket in every bucket cmdlet' {
    It 'on the local target' {
        $root = Join-Path $TestDrive 'buckets'
        $null = New-Item -ItemType Directory $root
        $spec = Import-MlTenant (New-TenantFile $TestDrive 'loc') -LocalPath $root
        $results = Invoke-EveryBucketCmdlet $spec -Extra @{ ErrorAction = 'Stop' }
        $results['New-MlBucket'][0].Uri | Should -Be ((Join-Path $root 'loc-dev-t001-us-east-1') + [IO.Path]::DirectorySeparatorChar)
        # The spec's dates ride on the bucket Get-MlBucket returns, as its solutions and template do.
        $results['Get-MlBucket'][0].Date | Should -Be ([datetime]'2024-03-01')
        ($results['Add-MlSolution'] | Measure-Object Created -Sum).Sum | Should -BeGreaterThan 10
        $results['Add-MlDatePartition'].Count | Should -BeGreaterThan 0
        $results['Write-MlObject'].Count | Should -Be 1
        $results['Get-MlSolution'].Solution | Should -Be 'customer-churn'
        # Checked, not in sync: New-MlFolder added an undeclared folder and Write-MlObject a file.
        $results['Test-MlLayout'] | Should -BeOfType [bool]
        $results['Get-MlLayoutDrift'].Bucket | Should -Contain 'loc-dev-t001-us-east-1'
        $results['Repair-MlLayout'].Count | Should -BeGreaterThan 0
        $results['Show-MlLayout'].Count | Should -BeGreaterThan 10
        $results['Remove-MlSolution'] | Should -BeLike 'SolutionHoldsData,*'
        Test-Path (Join-Path $root 'loc-dev-t001-us-east-1/solutions/customer-churn/') | Should -BeTrue
    }

    It 'a CSV row (any object with BucketName and connection properties) is a bucket too' {
        $root = Join-Path $TestDrive 'csv'
        $null = New-Item -ItemType Directory $root
        $null = New-MlBucket csv-bucket-0001 -LocalPath $root -WarningAction SilentlyContinue
        [pscustomobject]@{ BucketName = 'csv-bucket-0001'; LocalPath = $root } | Test-MlLayout -ErrorAction Stop | Should -Be $true
        # A Name alone is still not a bucket.
        { [pscustomobject]@{ Name = 'csv-bucket-0001' } | Test-MlLayout -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound,*'
    }
}

Describe 'The spec''s connection on S3' -Tag Integration {
    BeforeAll {
        $moto = Start-MotoServer
        $saved = @{}
        foreach ($name in 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            # Removed, not emptied: an empty AWS_CONFIG_FILE would break the moto_server of later tests (it inherits it).
            Remove-Item -LiteralPath "Env:$name" -ErrorAction SilentlyContinue
        }
        # The only credentials anywhere: the profile the tenant file names, in a temporary config file.
        $config = Join-Path $TestDrive 'config'
        $credentials = Join-Path $TestDrive 'credentials'
        Set-Content -LiteralPath $config -Value "[profile tenant-profile]`nregion = us-east-1"
        Set-Content -LiteralPath $credentials -Value "[tenant-profile]`naws_access_key_id = AKIATENANTPROFILE001`naws_secret_access_key = tenant-secret`nregion = us-east-1"
        # The new processes of the example scripts find the profile through the environment; in this process the SDK
        # may have fixed the shared files' location already (an earlier test used it), so -ProfileLocation names it.
        $env:AWS_CONFIG_FILE = $config
        $env:AWS_SHARED_CREDENTIALS_FILE = $credentials
        $at = @{ ProfileLocation = $credentials }
        $tenantConnection = "connection:`n  profile: tenant-profile`n  endpoint: $($moto.Endpoint)`n  forcePathStyle: true"
    }

    AfterAll {
        Stop-MotoServer $moto
        foreach ($name in $saved.Keys) {
            if ($null -ne $saved[$name]) { Set-Item -LiteralPath "Env:$name" -Value $saved[$name] }
            else { Remove-Item -LiteralPath "Env:$name" -ErrorAction SilentlyContinue }
        }
        Remove-Variable -Scope Global -Name StoredAWSRegion, StoredAWSCredentials -ErrorAction SilentlyContinue
    }

    AfterEach { Remove-Variable -Scope Global -Name StoredAWSRegion, StoredAWSCredentials -ErrorAction SilentlyContinue }

    It 'every bucket cmdlet reaches the bucket with the profile and endpoint the tenant file names' {
        $spec = Import-MlTenant (New-TenantFile $TestDrive ('s' + [guid]::NewGuid().ToString('N').Substring(0, 8)) $tenantConnection) @at
        $spec.ProfileName | Should -Be 'tenant-profile'
        $spec.ProfileLocation | Should -Be $credentials
        $results = Invoke-EveryBucketCmdlet $spec -Extra @{ ErrorAction = 'Stop' }
        $results['New-MlBucket'][0].Connection.ProfileName | Should -Be 'tenant-profile'
        $results['Get-MlBucket'][0].Date | Should -Be ([datetime]'2024-03-01')
        $results['Get-MlSolution'].Solution | Should -Be 'customer-churn'
        $results['Test-MlLayout'] | Should -BeOfType [bool]
        $results['Get-MlLayoutDrift'].Bucket | Should -Contain $spec.Name
        $results['Write-MlObject'].Count | Should -Be 1
        $results['Remove-MlSolution'] | Should -BeLike 'SolutionHoldsData,*'
    }

    It 'an explicit parameter overrides the spec''s connection, the same way in each cmdlet' {
        $spec = Import-MlTenant (New-TenantFile $TestDrive ('o' + [guid]::NewGuid().ToString('N').Substring(0, 8)) ($tenantConnection -replace 'tenant-profile', 'missing-profile')) @at
        { $spec | Test-MlLayout -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,*'
        $null = $spec | New-MlBucket -ProfileName tenant-profile -WarningAction SilentlyContinue -ErrorAction Stop
        $spec | Test-MlLayout -ProfileName tenant-profile -ErrorAction Stop | Should -Be $true  # reached: it exists, nothing declared yet
        $spec | Get-MlBucket -AccessKey AKIAEXPLICIT00000001 -SecretKey explicit -ErrorAction Stop | Should -Not -BeNullOrEmpty
        $lines = $spec | Get-MlSolution -ProfileName tenant-profile -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($lines -join "`n") | Should -Match "profile 'tenant-profile' \(-ProfileName\)"
    }

    It 'the fleet examples reach the buckets with the tenant file''s profile, and -ProfileName overrides it' {
        $root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
        $dir = Join-Path $TestDrive ('ex' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory $dir
        $company = 'x' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $file = New-TenantFile $dir $company $tenantConnection
        $spec = Import-MlTenant $file @at
        $null = $spec | New-MlBucket -WarningAction SilentlyContinue -ErrorAction Stop
        $null = $spec | Add-MlSolution -WarningAction SilentlyContinue -ErrorAction Stop
        # fleet-drift.ps1 honours the file's profile (there are no other credentials to fall back to).
        $drift = Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/fleet-drift.ps1 -Path '$file' -OutDirectory '$dir/drift'; exit `$LASTEXITCODE"
        $drift.ExitCode | Should -Be 0 -Because ($drift.Output -join "`n")
        # fleet-plan.ps1 with a file naming a profile that is not here: -ProfileName overrides it.
        $missing = New-TenantFile (New-Item -ItemType Directory (Join-Path $dir 'm')).FullName $company ($tenantConnection -replace 'tenant-profile', 'absent-profile')
        $failed = Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/fleet-plan.ps1 -Path '$missing' -OutDirectory '$dir/plan'; exit `$LASTEXITCODE"
        $failed.ExitCode | Should -Be 1
        $plan = Invoke-PowerShellScript -WorkingDirectory $root -Text "& ./examples/fleet-plan.ps1 -Path '$missing' -OutDirectory '$dir/plan' -ProfileName tenant-profile; exit `$LASTEXITCODE"
        $plan.ExitCode | Should -Be 0 -Because ($plan.Output -join "`n")
    }

    It 'uses $StoredAWSRegion and $StoredAWSCredentials, and explicit parameters win over them' {
        $name = 'sess-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        $endpoint = @{ EndpointUrl = $moto.Endpoint; ForcePathStyle = $true }
        $global:StoredAWSRegion = 'eu-west-1'
        # A stand-in for AWS Tools' credentials object: GetCredentials() returns the keys, as AWSCredentials does.
        $global:StoredAWSCredentials = [pscustomobject]@{ Name = 'stand-in' } |
            Add-Member -PassThru ScriptMethod GetCredentials { [pscustomobject]@{ AccessKey = 'AKIASTOREDSESSION001'; SecretKey = 'stored'; Token = $null } }
        $verbose = New-MlBucket $name @endpoint -Verbose -WarningAction SilentlyContinue 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose -join "`n"
        $text | Should -Match 'Region: eu-west-1 \(\$StoredAWSRegion'
        $text | Should -Match 'Credentials: keys in \$StoredAWSCredentials'

        $verbose = Get-MlBucket $name @endpoint -Region us-east-1 -AccessKey AKIAEXPLICIT00000001 -SecretKey explicit -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose -join "`n"
        $text | Should -Match 'Region: us-east-1 \(-Region\)'
        $text | Should -Match 'Credentials: explicit keys \(-AccessKey/-SecretKey\)'

        $credential = [pscredential]::new('AKIACREDENTIAL000001', (ConvertTo-SecureString 'from-credential' -AsPlainText -Force))
        $text = (Test-MlLayout -BucketName $name @endpoint -Credential $credential -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        $text | Should -Match 'Credentials: explicit keys \(-Credential\)'
        $text | Should -Not -Match 'from-credential'

        # The shape Set-AWSCredential leaves: a wrapper whose AWSCredentials sit in a non-public Credentials property.
        if (-not ('PesterStoredCredentials' -as [type])) {
            Add-Type -TypeDefinition @'
public sealed class PesterImmutableCredentials { public string AccessKey = "AKIAWRAPPEDSESSION01"; public string SecretKey = "wrapped"; public string Token = null; }
public sealed class PesterAwsCredentials { public PesterImmutableCredentials GetCredentials() { return new PesterImmutableCredentials(); } }
public sealed class PesterStoredCredentials {
    internal PesterAwsCredentials Credentials { get { return new PesterAwsCredentials(); } }
    internal string Name { get { return "wrapped"; } }
    public override string ToString() { return Name; }
}
'@
        }
        $global:StoredAWSCredentials = [PesterStoredCredentials]::new()
        $text = (Test-MlLayout -BucketName $name @endpoint -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        $text | Should -Match 'Credentials: keys in \$StoredAWSCredentials'

        # A profile name in $StoredAWSCredentials (as older scripts set it) names the profile; -ProfileName still wins.
        $global:StoredAWSCredentials = 'tenant-profile'
        $text = (Test-MlLayout -BucketName $name @endpoint @at -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        $text | Should -Match "Credentials: profile 'tenant-profile' \(\`$StoredAWSCredentials\)"
        $global:StoredAWSCredentials = 'no-such-profile'
        { Test-MlLayout -BucketName $name @endpoint -ErrorAction Stop } | Should -Throw -ErrorId 'ProfileNotFound,*'
        Test-MlLayout -BucketName $name @endpoint @at -ProfileName tenant-profile -ErrorAction Stop | Should -Be $true
    }
}

Describe 'One set of connection parameters' {
    It 'every cmdlet that connects declares the same connection parameters with the same attributes' {
        $connection = 'Region', 'LocalPath', 'ProfileName', 'ProfileLocation', 'Credential', 'AccessKey', 'SecretKey', 'SessionToken',
            'EndpointUrl', 'ForcePathStyle', 'SkipCertificateCheck', 'ExpectedBucketOwner', 'TimeoutSec'
        $offline = 'Get-MlBucketName', 'Get-MlLayout', 'Get-MlLayoutTemplate', 'Export-MlDriftReport'
        $connecting = Get-Command -Module S3MlLayout | Where-Object Name -notin $offline
        # Export-MlDriftQuery reads the bucket's declared layout, so it connects too.
        $connecting.Count | Should -Be 17
        function Describe-Parameter($Command, [string] $Name) {
            $p = $Command.Parameters[$Name]
            if (-not $p) { return "$($Command.Name): no -$Name" }
            $sets = if ($p.ParameterSets.Keys -contains '__AllParameterSets') { 'all sets' } else { ($p.ParameterSets.Keys | Sort-Object) -join ',' }
            $attributes = $p.Attributes | Where-Object { $_ -isnot [System.Management.Automation.ParameterAttribute] } | ForEach-Object {
                $a = $_
                switch ($a) {
                    { $a -is [System.Management.Automation.ArgumentCompleterAttribute] } { "completer $($a.Type.Name)"; break }
                    { $a -is [System.Management.Automation.ValidatePatternAttribute] } { "pattern $($a.RegexPattern)"; break }
                    { $a -is [System.Management.Automation.ValidateRangeAttribute] } { "range $($a.MinRange)..$($a.MaxRange)"; break }
                    { $a -is [System.Management.Automation.AliasAttribute] } { break }
                    default { $a.GetType().Name }
                }
            } | Sort-Object
            $pipeline = @($p.ParameterSets.Values | ForEach-Object { "$($_.ValueFromPipelineByPropertyName)/$($_.IsMandatory)/$($_.Position)" } | Sort-Object -Unique) -join ';'
            '{0} [{1}] aliases {2}; {3}; {4}; {5}' -f $Name, $p.ParameterType.Name, (($p.Aliases | Sort-Object) -join ','), $sets, ($attributes -join ','), $pipeline
        }
        $reference = Get-Command Test-MlLayout
        $expected = $connection | ForEach-Object { Describe-Parameter $reference $_ }
        $expected | Where-Object { $_ -match 'no -' } | Should -BeNullOrEmpty
        ($expected -join "`n") | Should -Match 'ProfileName \[String\] aliases AWSProfileName; all sets; .*completer ProfileNameCompleter'
        ($expected -join "`n") | Should -Match 'Region \[String\] aliases ; all sets; .*completer RegionCompleter'
        ($expected -join "`n") | Should -Match 'Credential \[PSCredential\]'
        foreach ($command in $connecting) {
            $actual = $connection | ForEach-Object { Describe-Parameter $command $_ }
            foreach ($i in 0..($connection.Count - 1)) {
                "$($command.Name): $($actual[$i])" | Should -Be "$($command.Name): $($expected[$i])"
            }
        }
        # The one cmdlet of the name parts that connects nowhere has none of them but -Region, the name part.
        $offlineParameters = (Get-Command Get-MlBucketName).Parameters.Keys
        $connection | Where-Object { $_ -ne 'Region' -and $_ -in $offlineParameters } | Should -BeNullOrEmpty
    }

    It '-Region on the tenant cmdlets is the connection''s region: one name selects that region, wildcards are -TenantRegion''s' {
        $file = New-TenantFile $TestDrive 'reg'
        (Import-MlTenant $file -Region us-east-1).Count | Should -Be 1
        @(Import-MlTenant $file -Region eu-west-1).Count | Should -Be 0
        @(Import-MlTenant $file -TenantRegion 'us-*').Count | Should -Be 1
        { Import-MlTenant $file -Region 'us-*' -ErrorAction Stop } | Should -Throw -ErrorId 'RegionIsNotAFilter,*'
        { Import-MlTenant $file -AccessKey AKIA00000000000000 -SecretKey x -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionParameterNotCarried,*'
    }
}

Describe 'Completion of the tenant filters, -Include and the solution cmdlets' {
    It 'completes environments and tenants from the files, optional folders from the template, solutions from the bucket' {
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        $file = New-TenantFile $TestDrive 'cmp'
        Complete "Import-MlTenant -Path '$file' -Environment " | Should -Be 'dev'
        Complete "Import-MlTenant -Path '$file' -Tenant " | Should -Be 't001'
        Complete "Add-MlSolution churn -Template master-solution -Include " | Should -Contain '/client_config'
        $root = Join-Path $TestDrive 'cmp-buckets'
        $null = New-Item -ItemType Directory $root
        $null = New-MlBucket cmp-completion-01 -LocalPath $root -WarningAction SilentlyContinue | Add-MlSolution customer-churn
        Complete "Get-MlSolution -BucketName cmp-completion-01 -LocalPath '$root' " | Should -Be 'customer-churn'
        Complete "Remove-MlSolution -BucketName cmp-completion-01 -LocalPath '$root' -Name cust" | Should -Be 'customer-churn'
    }
}
