# Dot-sourced by the Pester files: moto_server on a free loopback port (Start-MotoServer throws when it cannot
# start, so the tests that need it fail, never skip), and new PowerShell processes like the one running the tests.
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

function Get-PowerShellCommand {
    <#
    The PowerShell running the tests, as the command line of a new process: $PSHOME's executable (pwsh, pwsh.exe,
    powershell.exe); under `dotnet pwsh` (PowerShell as a .NET tool) the process itself is dotnet. Where $PSHOME
    has no runnable apphost, pwsh.dll through dotnet.
    #>
    foreach ($name in 'pwsh.exe', 'pwsh', 'powershell.exe') {
        $path = Join-Path $PSHOME $name
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { continue }
        $item = Get-Item -LiteralPath $path
        if ($name -eq 'pwsh' -and $item.PSObject.Properties['UnixMode'] -and $item.UnixMode -notmatch 'x') { continue }
        return $path
    }
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path -LiteralPath $dll -PathType Leaf) { return 'dotnet', $dll }
    throw "No PowerShell executable found in $PSHOME."
}

function Invoke-PowerShellScript {
    <#
    Runs a script text in a new PowerShell process (Get-PowerShellCommand) in $WorkingDirectory, with $Environment
    added to this process's environment; returns its exit code and its output lines without colour codes.
    #>
    param([string] $Text, [string] $WorkingDirectory, [hashtable] $Environment = @{})
    $temp = Join-Path ([IO.Path]::GetTempPath()) ('s3mllayout-script-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory $temp
    $file = Join-Path $temp 'script.ps1'
    # UTF-8 with a byte order mark, so Windows PowerShell 5.1 reads it as UTF-8 too.
    [IO.File]::WriteAllText($file, $Text, (New-Object System.Text.UTF8Encoding $true))
    $command = @(Get-PowerShellCommand)
    # The executable is the first word; under `dotnet pwsh.dll` the second word belongs to the arguments.
    $arguments = @(if ($command.Count -gt 1) { $command[1..($command.Count - 1)] }) + @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', "`"$file`"")
    $saved = @{}
    foreach ($name in @($Environment.Keys) + 'NO_COLOR') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    try {
        foreach ($name in $Environment.Keys) { [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        [Environment]::SetEnvironmentVariable('NO_COLOR', '1')
        $process = Start-Process -FilePath $command[0] -ArgumentList $arguments -WorkingDirectory $WorkingDirectory -NoNewWindow -PassThru `
            -RedirectStandardOutput (Join-Path $temp 'out.txt') -RedirectStandardError (Join-Path $temp 'err.txt')
        $null = $process.Handle # Windows PowerShell 5.1 reports the exit code only with the handle held
        if (-not $process.WaitForExit(600000)) { $process.Kill(); throw "The script did not finish within 10 minutes: $file" }
        $ansi = [char]27 + '\[[0-9;?]*[A-Za-z]'
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = @(Get-Content -LiteralPath (Join-Path $temp 'out.txt') | ForEach-Object { $_ -replace $ansi, '' })
            Errors   = @(Get-Content -LiteralPath (Join-Path $temp 'err.txt') | ForEach-Object { $_ -replace $ansi, '' } | Where-Object { $_.Trim() })
        }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item -LiteralPath $temp -Recurse -Force -ErrorAction SilentlyContinue
    }
}
