<#
.SYNOPSIS
    Provisions a tenant bucket with two ML solutions and shows its tree: on the local target by default, on
    Amazon S3 or an S3-compatible endpoint with -S3, -EndpointUrl or -ProfileName.
.DESCRIPTION
    The embedded default needs no AWS account: the bucket is a directory named after the bucket.
    Builds the module first when it has not been built. Safe to run again: what exists is left alone.
    Runs in PowerShell 7 (dotnet pwsh, pwsh) and Windows PowerShell 5.1.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./examples/quickstart.ps1
.EXAMPLE
    pwsh ./examples/quickstart.ps1
.EXAMPLE
    pwsh ./examples/quickstart.ps1 -LocalPath ~/ml-buckets -TenantId b001 -Solution demand-forecasting
.EXAMPLE
    pwsh ./examples/quickstart.ps1 -EndpointUrl http://127.0.0.1:9000     # MinIO, LocalStack, moto ...
.EXAMPLE
    pwsh ./examples/quickstart.ps1 -ProfileName ml-admin -Region eu-west-1 -CompanyPrefix acme
#>
[CmdletBinding()]
param(
    # Directory that holds the bucket directory; default: out/quickstart in the repository.
    [string] $LocalPath,
    [string] $CompanyPrefix = 'edge',
    [string] $Environment = 'dev',
    [string] $TenantId = 'a001',
    [string] $Region = 'us-west-2',
    [string[]] $Solution = @('customer-churn', 'fraud-detection'),
    [string] $Template = 'master-solution',
    # The day whose date partitions are created under every date-partitioned folder; default: today (UTC).
    [datetime] $Date = [datetime]::UtcNow.Date,
    # Amazon S3 with the default credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, the default profile, roles).
    [switch] $S3,
    # An S3-compatible endpoint (path-style addressing is used for it).
    [string] $EndpointUrl,
    # A named AWS profile.
    [string] $ProfileName
)
$ErrorActionPreference = 'Stop'
$root = [IO.Path]::GetDirectoryName($PSScriptRoot)

if (-not [IO.File]::Exists([IO.Path]::Combine($root, 'bin', 'S3MlLayout.PowerShell.dll'))) {
    & dotnet build ([IO.Path]::Combine($root, 'src', 'S3MlLayout.PowerShell')) --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw "Building the module failed (dotnet build exit code $LASTEXITCODE)." }
}
Import-Module ([IO.Path]::Combine($root, 'S3MlLayout.psd1')) -Force

$target = @{}
if ($S3 -or $EndpointUrl -or $ProfileName) {
    if ($EndpointUrl) { $target.EndpointUrl = $EndpointUrl; $target.ForcePathStyle = $true }
    if ($ProfileName) { $target.ProfileName = $ProfileName }
}
else {
    if (-not $LocalPath) { $LocalPath = [IO.Path]::Combine($root, 'out', 'quickstart') }
    $null = [IO.Directory]::CreateDirectory($LocalPath)
    $target.LocalPath = $LocalPath
}

$bucket = New-MlBucket -CompanyPrefix $CompanyPrefix -Environment $Environment -TenantId $TenantId -Region $Region @target -Confirm:$false
"Bucket $($bucket.Name) at $(if ($bucket.LocalPath) { $bucket.LocalPath } else { $bucket.Uri })"
$bucket | Add-MlSolution -Solution $Solution -Template $Template -Date $Date -Confirm:$false | ForEach-Object {
    "  $($_.Solution): $($_.Created) folders created, $($_.AlreadyPresent) already present, $($_.Failed) failed"
}
''
$bucket | Show-MlLayout
