#!/usr/bin/env python3
"""Write-MlObject benchmark (issue 15): one large file and many small files, against `aws s3 cp` through the same proxy.

    python3 bench/write_object.py                           # 1 GiB and 2,000 small files at +50 ms per request
    python3 bench/write_object.py --big-mib 256             # a smaller large file (a shared or small machine)
    python3 bench/write_object.py --quick                   # 64 MiB and 200 files: a smoke run

Rows, all measured in one run on one moto_server behind the loopback latency proxy (bench/s3_proxy.py):
  1. one large file: Write-MlObject (multipart, 8 MiB parts, 10 in flight) against `aws s3 cp` (its defaults: 8 MiB
     parts, 10 requests in flight);
  2. the small files: `Get-ChildItem | Write-MlObject` against `aws s3 cp --recursive`.
Each tool writes into its own folders of one data-lifecycle solution (Write-MlObject into data/raw and
data/monitoring, whose contracts take .csv and .json; the CLI into data/interim and data/features), so neither meets
the other's objects. Both are timed as whole processes (start, import or CLI start-up included); Write-MlObject is
also timed inside PowerShell around the command, as the first command of its process (JIT and connection included). Requests are counted by the
proxy. Prints a Markdown table with the machine's load; writes it to bench/results/write-object.md. Only 127.0.0.1 is used.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, bench_env, start_moto_and_proxy, wait_for, proxy_stats, proxy_reset  # noqa: E402

BUCKET = "bench-dev-w001-us-east-1"
SOLUTION = "bench"


def pwsh_timed(script, env):
    """Runs a script in a fresh pwsh; returns (whole-process seconds, the JSON object it printed last)."""
    start = time.perf_counter()
    done = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or "Exception" in done.stderr:
        raise SystemExit(f"pwsh failed:\n{done.stdout}\n{done.stderr}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return seconds, (lines[-1] if lines else {})


def aws_timed(arguments, env, endpoint):
    start = time.perf_counter()
    subprocess.run(["aws", "--endpoint-url", endpoint, "--region", "us-east-1", "--only-show-errors"] + arguments, check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--big-mib", type=int, default=1024)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--small-bytes", type=int, default=4096)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.big_mib, args.small = 64, 200

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"], check=True)

    work = tempfile.mkdtemp(prefix="s3ml-write-bench-")
    big = os.path.join(work, "big.csv")
    with open(big, "wb") as f:
        chunk = os.urandom(1024 * 1024)
        for _ in range(args.big_mib):
            f.write(chunk)
    small = os.path.join(work, "small")
    os.makedirs(small)
    payload = b"x" * args.small_bytes
    for n in range(args.small):
        with open(os.path.join(small, f"part-{n:05}.json"), "wb") as f:
            f.write(payload)

    moto, proxy_process, upstream, proxy = start_moto_and_proxy(args.delay_ms)
    env = bench_env()
    module = os.path.join(ROOT, "S3MlLayout.psd1")
    connection = f"-BucketName {BUCKET} -Region us-east-1 -EndpointUrl {proxy} -ForcePathStyle"
    rows = []
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        pwsh_timed(f"Import-Module '{module}'; New-MlBucket -Name {BUCKET} -Region us-east-1 -EndpointUrl {upstream} -ForcePathStyle -WarningAction SilentlyContinue | "
                   f"Add-MlSolution {SOLUTION} -Template data-lifecycle | Out-Null", env)

        def write(files, folder):
            """Write-MlObject in a fresh pwsh: whole-process time, and the command's own time (its first command: JIT and connection included)."""
            script = (f"Import-Module '{module}'; "
                      f"$w = [Diagnostics.Stopwatch]::StartNew(); "
                      f"$out = @({files} | Write-MlObject {connection} -Solution {SOLUTION} -Folder {folder}); $w.Stop(); "
                      "@{ seconds = $w.Elapsed.TotalSeconds; written = @($out | Where-Object Outcome -eq Written).Count } | ConvertTo-Json -Compress")
            proxy_reset(proxy)
            whole, result = pwsh_timed(script, env)
            return whole, result["seconds"], result["written"], proxy_stats(proxy)

        def cli(arguments):
            proxy_reset(proxy)
            seconds = aws_timed(arguments, env, proxy)
            return seconds, proxy_stats(proxy)

        # 1. the large file
        whole, inner, written, stats = write(f"Get-Item '{big}'", "data/raw")
        assert written == 1, written
        aws_seconds, aws_stats = cli(["s3", "cp", big, f"s3://{BUCKET}/solutions/{SOLUTION}/data/interim/big.csv"])
        rows.append((f"one {args.big_mib} MiB file", inner, whole, aws_seconds, stats, aws_stats))

        # 2. the small files
        whole, inner, written, stats = write(f"Get-ChildItem '{small}' -File", "data/monitoring")
        assert written == args.small, written
        aws_seconds, aws_stats = cli(["s3", "cp", "--recursive", small, f"s3://{BUCKET}/solutions/{SOLUTION}/data/features/"])
        rows.append((f"{args.small} files of {args.small_bytes} bytes", inner, whole, aws_seconds, stats, aws_stats))
    finally:
        proxy_process.terminate()
        moto.terminate()
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    lines = [f"Write-MlObject against `aws s3 cp` through the loopback proxy at +{args.delay_ms:g} ms per request, moto_server; "
             f"one run, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs.", "",
             "| Row | Write-MlObject (command) | Write-MlObject (whole process) | aws s3 cp (whole process) | ratio command / aws | ratio process / aws | requests (ours / aws) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, inner, whole, aws_seconds, stats, aws_stats in rows:
        lines.append(f"| {name} | {inner:.2f} s | {whole:.2f} s | {aws_seconds:.2f} s | {inner / aws_seconds:.2f}x | {whole / aws_seconds:.2f}x | "
                     f"{stats.get('total', 0)} / {aws_stats.get('total', 0)} |")
    text = "\n".join(lines) + "\n"
    print(text)
    results = os.path.join(ROOT, "bench", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "write-object.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
