@{
    # Composes the module: the binary cmdlets in bin/ (built by `dotnet build`), their isolated dependencies in
    # bin/Dependencies/, and the non-compiled parts in module/. The same relative layout is packaged by build.ps1.
    RootModule             = 'bin/S3MlLayout.PowerShell.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '6f0d3c9e-8b4a-4c1e-9a57-2f6d9e1b7c42'
    Author                 = 'S3MlLayout contributors'
    CompanyName            = 'S3MlLayout'
    Copyright              = '(c) S3MlLayout contributors. MIT License.'
    Description            = 'Provisions, verifies and evolves the storage layout of machine-learning projects on Amazon S3, S3-compatible stores and local folders: bucket naming, secure buckets, solution folder templates, date partitions and drift.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('module/S3MlLayout.Format.ps1xml')
    TypesToProcess         = @('module/S3MlLayout.Types.ps1xml')
    CmdletsToExport        = @(
        'Add-MlDatePartition'
        'Add-MlSolution'
        'Export-MlDriftQuery'
        'Export-MlDriftReport'
        'Get-MlBucket'
        'Get-MlBucketName'
        'Get-MlFleetPlan'
        'Get-MlLayout'
        'Get-MlLayoutDrift'
        'Get-MlLayoutTemplate'
        'Get-MlSolution'
        'Import-MlTenant'
        'Invoke-MlFleetPlan'
        'New-MlBucket'
        'New-MlFolder'
        'Remove-MlSolution'
        'Repair-MlLayout'
        'Show-MlLayout'
        'Test-MlLayout'
        'Update-MlSolution'
        'Write-MlObject'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    FileList               = @(
        'S3MlLayout.psd1'
        'bin/S3MlLayout.PowerShell.dll'
        'bin/S3MlLayout.Engine.dll'
        'bin/Dependencies/S3MlLayout.Engine.S3.dll'
        'bin/Dependencies/S3MlLayout.Engine.Yaml.dll'
        'bin/Dependencies/S3MlLayout.Engine.Parquet.dll'
        'module/S3MlLayout.Format.ps1xml'
        'module/S3MlLayout.Types.ps1xml'
        'module/templates/master-solution.yaml'
        'module/templates/data-lifecycle.yaml'
        'module/templates/simple-ml.yaml'
        'module/templates/databricks.yaml'
        'module/schemas/tenant.schema.json'
        'module/schemas/fleet-plan.schema.json'
    )
    PrivateData            = @{
        PSData = @{
            Tags         = @('S3', 'AWS', 'MLOps', 'MachineLearning', 'Storage', 'Layout', 'Drift', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'Connection: one set of connection parameters on every cmdlet that connects (now also Get-/Remove-MlSolution with -BucketName, Import-MlTenant and the fleet cmdlets with -ProfileLocation), new -Credential (PSCredential: access key id and secret key), AWS Tools session defaults $StoredAWSRegion and $StoredAWSCredentials honoured after the explicit parameters; a tenant spec (or any object with BucketName) is a bucket in every bucket cmdlet, with its own connection; on Import-MlTenant, Get-MlFleetPlan and Invoke-MlFleetPlan the region filter is now -TenantRegion, and -Region is the connection region (one region; wildcards refused with RegionIsNotAFilter) Old scripts: -Name, the former name of -Solution on Add-MlSolution, Update-MlSolution and Add-MlDatePartition, binds again when given directly and warns that it is now -Solution (it never binds from the pipeline, so a bucket''s Name cannot become a solution); -Solution is no longer mandatory for the binder (none given is SolutionMissing, never a prompt); Get-MlSolution and Remove-MlSolution keep -Name and take -Solution. Errors that teach: one region suggestion for tenant files and -Region; misspelt keys get the closest key (solution: did you mean solutions); keys indented too deep are named; tabs are reported where they are . Folder contracts (formats, producers, consumers per folder; built in from the seeds; a contract document per solution under .s3mllayout/contracts/), Get-MlLayoutDrift -Scope Objects and -VerifyContent, Write-MlObject. Hostile input: device files and FIFOs refused, lifecycle rules reaching .s3mllayout/ refused, endpoint URLs with credentials refused, Markdown/JUnit/terminal output escaped, saved fleet plans checked against a schema and a digest (plans saved by earlier versions must be written again). New-MlBucket -TenantSpec carries every property of a tenant spec. First release: bucket naming, layout templates, secure buckets and folder provisioning on S3 and local folders, audit records, drift checks, repair and template upgrades.'
        }
    }
}
