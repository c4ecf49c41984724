<#
.SYNOPSIS
    Checks a bucket against its declared layout and settings for CI: writes the findings as JSON and exits 1
    when the bucket has drifted.
.DESCRIPTION
    Imports S3MlLayout from this repository checkout (building it with dotnet build when bin/ is missing), opens
    the bucket with Get-MlBucket, runs Get-MlLayoutDrift, and writes every finding to -OutFile with ConvertTo-Json:
    an array of findings, or [] when the bucket is in sync. Publish that file as a build artefact.

    Exit code 0: in sync. Exit code 1: drift (at least one finding of any category). An error (no credentials,
    access denied, bucket or declared layout not found) stops the script with an error, which fails the job too;
    -OutFile is then not written.

    The script only reads: it needs s3:ListBucket, s3:GetBucketLocation and s3:GetObject on
    .s3mllayout/declared/*, and for the bucket settings the s3:GetBucket*/GetEncryptionConfiguration/
    GetLifecycleConfiguration read permissions (see docs/drift.md). Credentials and the region come from the
    environment, as for the AWS CLI: OIDC web identity, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile ...
    Runs in PowerShell 7 (pwsh).
.EXAMPLE
    pwsh ./examples/drift-check.ps1 -BucketName acme-prod-t001-us-west-2 -Region us-west-2
.EXAMPLE
    pwsh ./examples/drift-check.ps1 -BucketName acme-dev-t001-us-west-2 -Solution customer-churn -OutFile out/drift.json
.EXAMPLE
    pwsh ./examples/drift-check.ps1 -BucketName acme-ml-sandbox -EndpointUrl http://127.0.0.1:9000   # MinIO, moto ...
.EXAMPLE
    pwsh ./examples/drift-check.ps1 -BucketName acme-prod-t001-us-west-2 -Scope Objects -VerifyContent   # every file's bytes too
#>
[CmdletBinding()]
param(
    # The bucket to check, such as acme-prod-t001-us-west-2.
    [Parameter(Mandatory)]
    [string] $BucketName,
    # The region of the bucket; default: AWS_REGION, AWS_DEFAULT_REGION or the profile.
    [string] $Region,
    # Check only these solutions (no bucket-root folders, no bucket settings); default: the whole bucket.
    [string[]] $Solution,
    # Where to write the findings as JSON; relative to the current location.
    [string] $OutFile = 'drift.json',
    # An S3-compatible endpoint (path-style addressing is used for it).
    [string] $EndpointUrl,
    # Folders: the declared tree and settings (cost independent of the data); Objects: also every object against
    # its folder's contract (FormatViolation, UnplacedObject, PartitionViolation; one LIST per 1,000 objects).
    [ValidateSet('Folders', 'Objects')]
    [string] $Scope = 'Folders',
    # With -Scope Objects: also read each object's first bytes and report ContentMismatch when they are not what
    # its extension claims (one ranged GET per object, two for Parquet; needs s3:GetObject on the solutions).
    [switch] $VerifyContent
)
$ErrorActionPreference = 'Stop'
$root = [IO.Path]::GetDirectoryName($PSScriptRoot)

if (-not [IO.File]::Exists([IO.Path]::Combine($root, 'bin', 'S3MlLayout.PowerShell.dll'))) {
    & dotnet build ([IO.Path]::Combine($root, 'src', 'S3MlLayout.PowerShell')) --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw "Building the module failed (dotnet build exit code $LASTEXITCODE)." }
}
Import-Module ([IO.Path]::Combine($root, 'S3MlLayout.psd1')) -Force

$connection = @{}
if ($Region) { $connection.Region = $Region }
if ($EndpointUrl) { $connection.EndpointUrl = $EndpointUrl; $connection.ForcePathStyle = $true }
$bucket = Get-MlBucket $BucketName @connection
if (-not $bucket) { throw "Bucket '$BucketName' could not be opened." }

$scope = @{ Scope = $Scope }
if ($Solution) { $scope.Solution = $Solution }
if ($VerifyContent) { $scope.VerifyContent = $true }
$findings = @($bucket | Get-MlLayoutDrift @scope)

# -InputObject keeps the array shape: one finding is still [ {...} ], none is []. -EnumsAsStrings writes the
# category as its name (Missing, Unexpected ...) instead of a number.
$json = ConvertTo-Json -InputObject $findings -Depth 4 -EnumsAsStrings
$path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$directory = [IO.Path]::GetDirectoryName($path)
if ($directory) { $null = [IO.Directory]::CreateDirectory($directory) }
[IO.File]::WriteAllText($path, $json + [Environment]::NewLine, [Text.UTF8Encoding]::new($false))

$where = if ($Solution) { "$($bucket.Uri) ($($Solution -join ', '))" } else { $bucket.Uri }
if ($findings.Count -eq 0) {
    "In sync: $where matches its declared layout$(if (-not $Solution) { ' and settings' }). Wrote [] to $path."
    exit 0
}

$counts = [ordered]@{}
foreach ($finding in $findings) { $counts["$($finding.Category)"] = 1 + [int]$counts["$($finding.Category)"] }
$summary = "$($findings.Count) findings in $where ($(@($counts.Keys | ForEach-Object { "$_ $($counts[$_])" }) -join ', '))"
"Drift: $summary. Wrote them to $path."
foreach ($finding in $findings) {
    '  {0,-16} {1}' -f $finding.Category, $finding.Uri
    '  {0,-16} expected {1}; actual {2}. {3}' -f '', $finding.Expected, $finding.Actual, $finding.SuggestedFix
}
# Annotations for the CI run's summary page (plain output lines; the module itself never writes them).
if ($env:GITHUB_ACTIONS -eq 'true') { "::error title=Layout drift::$summary" }
if ($env:TF_BUILD) { "##vso[task.logissue type=error]Layout drift: $summary" }
exit 1
