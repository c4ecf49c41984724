using System.Linq;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// Issue 18: Import-Module starts paying the first S3 request's one-time cost (AWSSDK loaded into the private
    /// context, its request pipeline jitted) on a spare core. It must never send anything, need no credentials, and
    /// never reach the session with an error.
    /// </summary>
    public sealed class StartupWarmUpTests
    {
        [Fact]
        public void The_warm_up_at_import_runs_through_without_credentials_sends_nothing_and_writes_no_error()
        {
            // Every way a request could leave: endpoints and proxies all point at this listener, which must stay silent.
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                string trap = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
                var result = FreshPwsh.Run($@"
foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION') {{ Remove-Item ""env:$name"" -ErrorAction Ignore }}
$missing = Join-Path ([IO.Path]::GetTempPath()) ""s3ml-no-such-file-$PID""
$env:AWS_CONFIG_FILE = $missing; $env:AWS_SHARED_CREDENTIALS_FILE = $missing
foreach ($name in 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY') {{ Set-Item ""env:$name"" '{trap}' }}
$env:AWS_EC2_METADATA_SERVICE_ENDPOINT = '{trap}'
Import-Module $manifest
$warmUp = [S3MlLayout.PowerShell.Common.DependencyIsolation].Assembly.GetType('S3MlLayout.PowerShell.Common.ModuleWarmUp', $true).GetProperty('Completion', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)
'finished ' + $warmUp.Wait(60000)
'ran-through ' + $warmUp.Result
'errors ' + $Error.Count
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -eq 'AWSSDK.S3' }} | ForEach-Object {{ 'loaded AWSSDK.S3 ' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }}
", import: false);
                Assert.Contains("finished True", result.Lines);
                // It ran through (the request pipeline was exercised, in memory), before any cmdlet ran ...
                Assert.Contains("ran-through True", result.Lines);
                Assert.Contains("loaded AWSSDK.S3 S3MlLayout", result.Lines);
                // ... and left nothing in the session: no error record, no error output.
                Assert.Contains("errors 0", result.Lines);
                Assert.Equal("", result.Errors);
                // Nothing connected anywhere.
                Assert.False(listener.Pending(), "the warm-up opened a connection");
            }
            finally { listener.Stop(); }
        }
    }
}
