# Dot-sourced by the Pester files that need a real S3 API: moto_server on a free loopback port.
# Start-MotoServer throws when it cannot start, so the tests that need it fail, never skip.
# PowerShell 7.2+ and Windows PowerShell 5.1.

function Start-MotoServer {
    $listener = New-Object System.Net.Sockets.TcpListener ([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $log = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-moto-' + [guid]::NewGuid().ToString('N'))
    try {
        $process = Start-Process moto_server -ArgumentList '-H', '127.0.0.1', '-p', $port -PassThru -NoNewWindow `
            -RedirectStandardOutput "$log.out" -RedirectStandardError "$log.err" -ErrorAction Stop
    }
    catch {
        throw "Cannot start moto_server: $($_.Exception.Message). The Integration tests need it (pip install 'moto[server]')."
    }
    $moto = [pscustomobject]@{ Process = $process; Port = $port; Endpoint = "http://127.0.0.1:$port"; Log = $log }
    $deadline = (Get-Date).AddSeconds(30)
    $progress = $ProgressPreference
    $ProgressPreference = 'SilentlyContinue'
    try {
        while ($true) {
            if ($process.HasExited) {
                $errors = Get-Content -LiteralPath "$log.err" -Raw -ErrorAction SilentlyContinue
                Stop-MotoServer $moto
                throw "moto_server exited with code $($process.ExitCode) before serving $($moto.Endpoint): $errors"
            }
            try {
                $null = Invoke-WebRequest "$($moto.Endpoint)/moto-api/" -UseBasicParsing -TimeoutSec 2
                return $moto
            }
            catch { Start-Sleep -Milliseconds 200 }
            if ((Get-Date) -gt $deadline) {
                Stop-MotoServer $moto
                throw "moto_server did not serve $($moto.Endpoint) within 30 seconds."
            }
        }
    }
    finally { $ProgressPreference = $progress }
}

function Stop-MotoServer {
    param($Moto)
    if (-not $Moto) { return }
    $process = $Moto.Process
    if (-not $process.HasExited) {
        if ($PSVersionTable.PSEdition -eq 'Core') { $process.Kill($true) }                  # the whole tree
        else { $null = & taskkill.exe /PID $process.Id /T /F 2>&1 }                          # Windows PowerShell 5.1
        $null = $process.WaitForExit(5000)
    }
    Remove-Item -LiteralPath "$($Moto.Log).out", "$($Moto.Log).err" -Force -ErrorAction SilentlyContinue
}
