#!/usr/bin/env python3
"""Object drift from an S3 Inventory report, at scale (issue 17).

Writes a synthetic report with shared/tools/s3_inventory_fixture.py (--synthetic N --rows-per-file 1000000: 40
solutions of a data-lifecycle tree, a few planted misfits) into a destination bucket on moto_server, declares the 40
solutions in the source bucket, then times in a fresh pwsh process

    $b | Get-MlLayoutDrift -Scope Objects -Inventory -Summary

(the whole check: folder walk, report found, manifest and every data file checked, every row through the rules) and
takes the process's peak working set (ru_maxrss of the child). A -Scope Folders run of the same bucket in the same
way gives the baseline of a pwsh process with the module loaded, so the report's own cost shows as the difference.

    python3 bench/inventory_drift.py                      # 1,000,000 and 10,000,000 rows
    python3 bench/inventory_drift.py --rows 1000000       # one size

Everything runs on 127.0.0.1. The data files are served by moto (HTTP on loopback), not read from disk.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, bench_env, free_port, wait_for  # noqa: E402

SOLUTIONS = [f"solution-{i:02d}" for i in range(40)]


def fixture_tool():
    here = ROOT
    while True:
        candidate = os.path.join(here, "shared", "tools", "s3_inventory_fixture.py")
        if os.path.exists(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            raise SystemExit("shared/tools/s3_inventory_fixture.py not found beside the repository or above it")
        here = parent


def measured(script, env):
    """Runs a pwsh script in its own process (under /usr/bin/time for its peak RSS); returns (its JSON lines, peak MB)."""
    done = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", "dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"pwsh failed:\n{done.stdout}\n{done.stderr}")
    rss_kb = max(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS"))
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")], rss_kb / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append", help="rows of the synthetic report (repeatable); default 1,000,000 and 10,000,000")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per size")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000, 10_000_000]

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"], check=True)
    import boto3

    env = bench_env()
    module = os.path.join(ROOT, "S3MlLayout.psd1")
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = []
    try:
        wait_for(f"{endpoint}/moto-api/", moto, "moto_server")
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        for rows in sizes:
            bucket, destination = f"invb-dev-r{rows // 1000:06d}-us-east-1", f"invb-dest-{rows // 1000:06d}"
            connection = f"-EndpointUrl {endpoint} -ForcePathStyle"
            subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
                            f"Import-Module '{module}'; New-MlBucket -Name {bucket} -Region us-east-1 {connection} -WarningAction SilentlyContinue | "
                            f"Add-MlSolution {', '.join(SOLUTIONS)} -Template data-lifecycle | Out-Null"], check=True, env=env, cwd=ROOT, capture_output=True)
            s3.create_bucket(Bucket=destination)
            s3.put_bucket_inventory_configuration(Bucket=bucket, Id="daily", InventoryConfiguration={
                "Id": "daily", "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
                "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{destination}", "Format": "CSV", "Prefix": "inventory"}}})
            start = time.perf_counter()
            written = subprocess.run([sys.executable, fixture_tool(), "--endpoint", endpoint, "--source", bucket, "--dest", destination,
                                      "--synthetic", str(rows), "--rows-per-file", "1000000"], check=True, capture_output=True, text=True,
                                     env=dict(env, AWS_ACCESS_KEY_ID="a", AWS_SECRET_ACCESS_KEY="b"))
            report = json.loads(written.stdout.strip().splitlines()[-1])
            listed = s3.list_objects_v2(Bucket=destination, Prefix=f"inventory/{bucket}/daily/data/")
            report_bytes = sum(o["Size"] for o in listed.get("Contents", []))
            print(f"{rows:,} rows: report of {report['files']} files, {report_bytes / 1e6:.0f} MB written in {time.perf_counter() - start:.0f} s", flush=True)

            def check(scope):
                extra = "-Scope Objects -Inventory" if scope == "Inventory" else "-Scope Folders"
                script = (f"Import-Module '{module}'; $b = Get-MlBucket {bucket} -Region us-east-1 {connection}; "
                          f"$w = [Diagnostics.Stopwatch]::StartNew(); $rows = @($b | Get-MlLayoutDrift {extra} -Summary -WarningAction SilentlyContinue); $w.Stop(); "
                          "$sum = @{}; foreach ($p in 'FormatViolation','UnplacedObject','PartitionViolation','InvalidPartition','Missing','Unexpected','NamingViolation') "
                          "{ $sum[$p] = ($rows | Measure-Object -Property $p -Sum).Sum }; "
                          "[pscustomobject]@{ seconds = $w.Elapsed.TotalSeconds; requests = $rows[0].Requests; findings = $sum } | ConvertTo-Json -Compress")
                (line,), peak = measured(script, env)
                return line, peak

            for run in range(args.runs):
                folders, folders_peak = check("Folders")
                inventory, inventory_peak = check("Inventory")
                result = {"rows": rows, "files": report["files"], "mb": round(report_bytes / 1e6), "seconds": round(inventory["seconds"], 2),
                          "rows_per_second": round(rows / inventory["seconds"]), "peak_mb": round(inventory_peak), "folders_seconds": round(folders["seconds"], 2),
                          "folders_peak_mb": round(folders_peak), "requests": inventory["requests"], "findings": inventory["findings"]}
                results.append(result)
                print(json.dumps(result), flush=True)
            # Free moto's memory before the next size.
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=destination):
                for o in page.get("Contents", []):
                    s3.delete_object(Bucket=destination, Key=o["Key"])
    finally:
        moto.terminate()
        moto.wait()

    print()
    print("| rows | data files | MB (gzip) | -Inventory check | rows/s | peak working set | -Scope Folders alone | its peak | requests |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['rows']:,} | {r['files']} | {r['mb']} | {r['seconds']} s | {r['rows_per_second']:,} | {r['peak_mb']} MB | {r['folders_seconds']} s | {r['folders_peak_mb']} MB | {r['requests']} |")
    print(f"\nload average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
