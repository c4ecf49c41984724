<#
.SYNOPSIS
    The S3MlLayout side of the benchmark: provisions master-solution for every environment and solution in
    existing buckets, through the loopback proxy, and reports wall time and the proxy's request counts as JSON.
    Run by bench/run.py in `dotnet pwsh` (PowerShell 7.6.9 as a local .NET tool).
#>
param(
    [Parameter(Mandatory)] [string] $Endpoint,
    [Parameter(Mandatory)] [string] $Company,
    [string[]] $Environment = @('dev', 'staging', 'prod'),
    [string[]] $Solution = @('customer-churn', 'demand-forecasting', 'fraud-detection', 'master-solution', 'recommendation-engine', 'sentiment-analysis'),
    [int] $ThrottleLimit = 0,
    [string] $KeysFile
)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine([IO.Path]::GetDirectoryName($PSScriptRoot), 'S3MlLayout.psd1'))
$http = [System.Net.Http.HttpClient]::new()
function Get-ProxyStats { $http.GetStringAsync("$Endpoint/__proxy/stats").GetAwaiter().GetResult() }
function Reset-Proxy { $null = $http.PostAsync("$Endpoint/__proxy/reset", [System.Net.Http.StringContent]::new('')).GetAwaiter().GetResult() }

$conn = @{ EndpointUrl = $Endpoint; AccessKey = 'AKIABENCHMARK0000001'; SecretKey = 'bench'; ForcePathStyle = $true }
$buckets = $Environment | ForEach-Object { Get-MlBucket -CompanyPrefix $Company -Environment $_ -TenantId a001 -Region us-east-1 @conn }
if ($KeysFile) {
    $keys = $Solution | ForEach-Object { Get-MlLayout master-solution -Solution $_ } | ForEach-Object { $_.Key }
    [IO.File]::WriteAllLines($KeysFile, [string[]][System.Collections.Generic.SortedSet[string]]::new([string[]]$keys))
}
$extra = @{}
if ($ThrottleLimit -gt 0) { $extra.ThrottleLimit = $ThrottleLimit }

$runs = foreach ($run in 'first', 'rerun') {
    Reset-Proxy
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $results = $buckets | ForEach-Object { $_ | Add-MlSolution $Solution -Template master-solution @extra -Confirm:$false }
    $watch.Stop()
    $created = 0; $present = 0; $failed = 0
    $results | ForEach-Object { $created += $_.Created; $present += $_.AlreadyPresent; $failed += $_.Failed }
    '{{"run":"{0}","seconds":{1},"created":{2},"present":{3},"failed":{4},"declarations":{5},"stats":{6}}}' -f $run,
        $watch.Elapsed.TotalSeconds.ToString([cultureinfo]::InvariantCulture), $created, $present, $failed, @($results).Count, (Get-ProxyStats)
}
$runs
