<#
.SYNOPSIS
    Plans what a fleet of tenant files needs, for review in a pull request: writes the plan as JSON and Markdown
    and exits 0 (nothing to do), 2 (changes pending) or 1 (errors), as `terraform plan -detailed-exitcode` does.
.DESCRIPTION
    Reads the tenant files (or folders of them), plans every bucket's creation, settings, declarations, folders
    and client_config documents without changing anything, lists what is provisioned but no longer declared
    (exit code 2 as well; nothing is removed for it), writes plan.json (what fleet-apply.ps1 checks the
    buckets against before it applies) and plan.md (for a pull-request comment), and appends the Markdown to the
    job summary on GitHub Actions. Each bucket is reached with its tenant file's connection (connection: profile:,
    endpoint:); -ProfileName (and -ProfileLocation) override the files' profile, e.g. where CI names its own.
    Without a profile, credentials come from the environment (OIDC role, AWS_PROFILE, keys).
.EXAMPLE
    ./examples/fleet-plan.ps1 -Path ./tenants -OutDirectory ./out/fleet
.EXAMPLE
    ./examples/fleet-plan.ps1 -Path ./tenants/acme.yaml -LocalPath ./out/buckets    # offline, on the local target
.EXAMPLE
    ./examples/fleet-plan.ps1 -Path ./tenants -ProfileName ci-planner    # instead of the profiles the files name
#>
[CmdletBinding()]
param(
    [string[]] $Path = @('./tenants'),
    [string] $OutDirectory = './out/fleet',
    [string] $LocalPath,
    [string] $EndpointUrl,
    [string[]] $Environment,
    # Overrides the profile the tenant files name (connection: profile:).
    [string] $ProfileName,
    [string] $ProfileLocation
)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'S3MlLayout.psd1'))

$null = New-Item -ItemType Directory -Force $OutDirectory
$options = @{
    Path         = $Path
    OutFile      = [IO.Path]::Combine($OutDirectory, 'plan.json')
    MarkdownFile = [IO.Path]::Combine($OutDirectory, 'plan.md')
}
if ($LocalPath) { $options.LocalPath = $LocalPath }
if ($EndpointUrl) { $options.EndpointUrl = $EndpointUrl; $options.ForcePathStyle = $true }
if ($Environment) { $options.Environment = $Environment }
if ($ProfileName) { $options.ProfileName = $ProfileName }
if ($ProfileLocation) { $options.ProfileLocation = $ProfileLocation }

try {
    $plan = Get-MlFleetPlan @options
}
catch {
    Write-Error $_ -ErrorAction Continue
    exit 1
}
if ($env:GITHUB_STEP_SUMMARY) { Get-Content $options.MarkdownFile | Add-Content $env:GITHUB_STEP_SUMMARY }
$plan.ToText()      # totals, one row per bucket, and what the tenant files no longer declare
exit $plan.ExitCode
