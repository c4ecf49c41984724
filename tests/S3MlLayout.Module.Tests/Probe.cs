using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;
using Xunit.Abstractions;
public class Probe
{
    private readonly ITestOutputHelper _out;
    public Probe(ITestOutputHelper o) { _out = o; }
    [Fact]
    public void Run()
    {
        using var ps = PowerShell.Create(InitialSessionState.CreateDefault2());
        ps.AddScript(@"
Import-Module /work/main/S3MlLayout.psd1 -ErrorAction Stop
Get-Command -Module S3MlLayout | ForEach-Object { $_.Name }
Get-MlLayoutTemplate | ForEach-Object { '{0} {1} {2}' -f $_.Name, $_.Version, $_.FolderCount }
$d = [IO.Path]::Combine([IO.Path]::GetTempPath(), [guid]::NewGuid().ToString()); $null = [IO.Directory]::CreateDirectory($d)
$b = New-MlBucket -CompanyPrefix edge -Environment dev -TenantId a001 -Region us-west-2 -LocalPath $d
$b | Add-MlSolution customer-churn,fraud-detection | ForEach-Object { $_.ToString() }
Show-MlLayout -Template master-solution -Date 2024-01-01
[S3MlLayout.Engine.Layouts.LayoutTemplate].Assembly.FullName
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([S3MlLayout.Engine.Layouts.LayoutTemplate].Assembly).Name
");
        var results = ps.Invoke();
        foreach (var r in results) _out.WriteLine(r?.ToString());
        foreach (var e in ps.Streams.Error) _out.WriteLine("ERR " + e + " " + e.FullyQualifiedErrorId);
    }
}
