#!/usr/bin/env python3
"""Start-up of a fresh process (issue 18): how long from starting pwsh to the module's first S3 request, and what it
is made of.

Each row is the median of --runs fresh processes of PowerShell 7.6.9 from the repository's tool manifest, started as an
installed pwsh starts ($PSHOME/pwsh); the first row starts it through the tool's launcher (`dotnet pwsh`) instead:

  bare `dotnet pwsh`   dotnet pwsh -NoProfile -Command exit (the dotnet CLI finds the tool, then starts pwsh)
  bare pwsh            pwsh -NoProfile -Command exit
  + Import-Module      the same, importing S3MlLayout.psd1
  + a local command    Import-Module, then Get-MlBucketName (engine loaded and jitted, no AWSSDK)
  first S3 request     from spawning pwsh to the first request reaching the loopback proxy (bench/s3_proxy.py
                       --trace, one monotonic clock for both), for `Get-MlBucket -BucketName … -EndpointUrl …`

and, inside one process, the first `Get-MlBucket` call against the second (same bucket, same connection): the
difference is what the first call pays once (AWSSDK loaded into the private context and jitted, connection and
credentials resolved, the client built, the first connection opened).

    python3 bench/startup.py [--runs 5]

Everything runs on 127.0.0.1; nothing leaves the machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, bench_env, free_port, wait_for, pwsh_executable  # noqa: E402

MANIFEST = os.path.join(ROOT, "S3MlLayout.psd1")
BUCKET = "startup-dev-a001-us-east-1"


PWSH = None


def pwsh(command, launcher=False):
    return (["dotnet", "pwsh"] if launcher else PWSH) + ["-NoProfile", "-NonInteractive", "-Command", command]


def timed(command, env, launcher=False):
    start = time.monotonic()
    done = subprocess.run(pwsh(command, launcher), cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pwsh failed: {command}\n{done.stdout}\n{done.stderr}")
    return start, time.monotonic() - start, done.stdout


def first_request_after(trace_path, start):
    with open(trace_path) as f:
        starts = [json.loads(line)["start"] for line in f if line.strip()]
    later = [s for s in starts if s >= start]
    if not later:
        raise SystemExit("no request reached the proxy")
    return min(later) - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    global PWSH
    PWSH = pwsh_executable()
    moto_port, proxy_port = free_port(), free_port()
    upstream, proxy = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}"
    trace = tempfile.NamedTemporaryFile(prefix="startup-trace-", suffix=".jsonl", delete=False)
    trace.close()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy_process = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "s3_proxy.py"), "--port", str(proxy_port), "--upstream", upstream,
                                      "--delay-ms", "0", "--trace", trace.name], stdout=subprocess.DEVNULL)
    env = bench_env()
    env["AWS_REGION"] = "us-east-1"
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        import boto3
        boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b").create_bucket(Bucket=BUCKET)

        get = f"Get-MlBucket -BucketName {BUCKET} -EndpointUrl {proxy} -ForcePathStyle"
        launcher = "bare `dotnet pwsh` (the .NET tool's launcher, for comparison)"
        rows = {launcher: [], "bare pwsh": [], "+ Import-Module": [], "+ a local command": [], "first S3 request": []}
        first_calls, second_calls = [], []
        for _ in range(args.runs):
            rows[launcher].append(timed("exit", env, launcher=True)[1])
            rows["bare pwsh"].append(timed("exit", env)[1])
            rows["+ Import-Module"].append(timed(f"Import-Module '{MANIFEST}'", env)[1])
            rows["+ a local command"].append(timed(f"Import-Module '{MANIFEST}'; $null = Get-MlBucketName -CompanyPrefix s -Environment dev -TenantId a001 -Region us-east-1", env)[1])
            start, _, _ = timed(f"Import-Module '{MANIFEST}'; $null = {get}", env)
            rows["first S3 request"].append(first_request_after(trace.name, start))
            _, _, out = timed(
                f"Import-Module '{MANIFEST}'; "
                f"$a = [Diagnostics.Stopwatch]::StartNew(); $null = {get}; $a.Stop(); "
                f"$b = [Diagnostics.Stopwatch]::StartNew(); $null = {get}; $b.Stop(); "
                "'{0} {1}' -f $a.Elapsed.TotalSeconds, $b.Elapsed.TotalSeconds", env)
            first, second = (float(x) for x in out.split())
            first_calls.append(first)
            second_calls.append(second)
    finally:
        proxy_process.terminate()
        moto.terminate()
        os.unlink(trace.name)

    median = {name: statistics.median(values) for name, values in rows.items()}
    load = os.getloadavg()
    print(f"Start-up, median of {args.runs} fresh processes each; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} cores\n")
    print("| step | seconds | step's own share |")
    print("| --- | ---: | ---: |")
    previous = 0.0
    for name, seconds in median.items():
        print(f"| {name} | {seconds:.3f} | {'' if name == launcher else f'{seconds - previous:+.3f}'} |")
        if name != launcher:
            previous = seconds
    f, s = statistics.median(first_calls), statistics.median(second_calls)
    print(f"\nIn one process: first Get-MlBucket {f:.3f} s, second {s:.3f} s: the first pays {f - s:.3f} s once "
          "(AWSSDK loaded and jitted, connection and credentials resolved, client built, first connection).")


if __name__ == "__main__":
    main()
