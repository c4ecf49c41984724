#!/usr/bin/env python3
"""Fleet benchmark (issue 10): S3MlLayout's fleet apply against boto3 with 64 threads doing the same requests.

    python3 bench/fleet.py                        # +200 ms per request; about 10 minutes
    python3 bench/fleet.py --delay-ms 50 --tenants 20
    python3 bench/fleet.py --quick                # 4 tenants, 2 buckets one after another: a smoke run

Rows, all measured in one run on one moto_server behind the loopback latency proxy (bench/s3_proxy.py):
  1. one tenant, 3 environments x 6 solutions of master-solution (Invoke-MlFleetPlan), bucket creation included;
  2. a fleet of N tenants x 3 environments x 2 solutions (Invoke-MlFleetPlan), bucket creation with secure settings;
  3. the fleet again with nothing to do (no writes; its wall time against 4 round trips plus listing);
  4. boto3 with 64 threads sending the same writes (buckets, settings, markers, declarations) for rows 1 and 2;
  5. today's per-bucket pipeline, one bucket after another (Import-MlTenant | New-MlBucket | Add-MlSolution, a
     bucket at a time), on a subset of the fleet, scaled to the whole fleet;
  6. boto3 with 64 threads sending the re-run's reads, and only its listings (the "listing time");
  7. the fleet again on new buckets with -ThrottleLimit 256: what moto_server serves at most.
S3MlLayout's times are taken inside PowerShell around the command, without the process start and module import;
the single run is timed twice: as the first command of its process, and after a small run in the same process
(warm: code compiled, as boto3's client is built and its modules imported before its timer starts); the fleet
and the re-runs are timed warm.
Prints a Markdown table with the machine's load; writes it to bench/results/fleet.md (fleet-50ms.md for --delay-ms 50). Only 127.0.0.1 is used.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, free_port, wait_for, proxy_stats, proxy_reset  # noqa: E402
import boto3_bucket  # noqa: E402

ENVIRONMENTS = ["dev", "staging", "prod"]
SIX = ["customer-churn", "demand-forecasting", "fraud-detection", "master-solution", "recommendation-engine", "sentiment-analysis"]


def tenant_files(directory, prefix, tenants, solutions):
    os.makedirs(directory, exist_ok=True)
    for n in range(tenants):
        with open(os.path.join(directory, f"tenant{n:03}.yaml"), "w") as f:
            f.write(f"companyPrefix: {prefix}\ntenantId: t{n:03}\nregions: [us-east-1]\ntemplate: master-solution\n"
                    f"solutions: [{', '.join(solutions)}]\n")
    return [f"{prefix}-{e}-t{n:03}-us-east-1" for n in range(tenants) for e in ENVIRONMENTS]


def pwsh(script, env):
    """Runs a script in pwsh (the repository's .NET tool) and returns the JSON lines it printed."""
    done = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"pwsh failed:\n{done.stdout}\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay-ms", type=float, default=200)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--sequential-buckets", type=int, default=6, help="buckets run one after another, then scaled")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.tenants, args.sequential_buckets = 4, 2

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"], check=True)
    import boto3
    from botocore.config import Config

    moto_port, proxy_port = free_port(), free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    upstream, proxy = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}"
    proxy_process = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "s3_proxy.py"), "--port", str(proxy_port), "--upstream", upstream,
                                      "--delay-ms", str(args.delay_ms)], stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="s3ml-fleet-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIABENCHMARK0000001", AWS_SECRET_ACCESS_KEY="bench", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    module = os.path.join(ROOT, "S3MlLayout.psd1")
    connection = f"-EndpointUrl {proxy} -ForcePathStyle"
    rows = []
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        client = boto3.client("s3", endpoint_url=proxy, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
                              config=Config(max_pool_connections=64, retries={"mode": "standard"}))

        def keys_of(solutions):
            lines = pwsh(f"Import-Module '{module}'; Get-MlLayout master-solution -Solution {','.join(solutions)} | ForEach-Object {{ @{{ key = $_.Key }} | ConvertTo-Json -Compress }}", env)
            return sorted({line["key"] for line in lines})

        def fleet(directory, warm=None, throttle=64):
            """Invoke-MlFleetPlan on the tenant files in directory; with warm, after a run on those first (JIT and first connection done, as boto3's client is built before its timer)."""
            first = (f"Invoke-MlFleetPlan '{warm}' {connection} -Confirm:$false -WarningAction SilentlyContinue | Out-Null; "
                     f"Invoke-RestMethod -Method Post '{proxy}/__proxy/reset' | Out-Null; ") if warm else ""
            script = (f"Import-Module '{module}'; {first}$w = [Diagnostics.Stopwatch]::StartNew(); "
                      f"$out = @(Invoke-MlFleetPlan '{directory}' {connection} -ThrottleLimit {throttle} -Confirm:$false -WarningAction SilentlyContinue); $w.Stop(); "
                      "@{ seconds = $w.Elapsed.TotalSeconds; created = ($out | Where-Object { $_.Solution } | Measure-Object Created -Sum).Sum } | ConvertTo-Json -Compress")
            proxy_reset(proxy)
            result = pwsh(script, env)[0]
            return result["seconds"], result["created"] or 0, proxy_stats(proxy)

        def boto3_same(buckets, keys):
            """The same writes with 64 threads: per bucket, create and settings in order; then every marker and record."""
            def settle(bucket):
                boto3_bucket.settle(client, bucket)
            proxy_reset(proxy)
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(64) as pool:
                list(pool.map(settle, buckets))
                list(pool.map(lambda job: client.put_object(Bucket=job[0], Key=job[1], Body=b""), [(b, k) for b in buckets for k in keys]))
            return time.perf_counter() - start, proxy_stats(proxy)

        def boto3_reads(buckets, solutions):
            """The reads a no-change plan needs, with 64 threads: per bucket, its location, its seven settings, its declarations and one listing."""
            def getter(call, **kw):
                def run(bucket):
                    try:
                        call(Bucket=bucket, **kw)
                    except client.exceptions.ClientError:
                        pass  # a setting that is not configured answers 404, as it does for S3MlLayout
                return run
            reads = [getter(client.get_bucket_location), getter(client.get_public_access_block), getter(client.get_bucket_ownership_controls),
                     getter(client.get_bucket_encryption), getter(client.get_bucket_versioning), getter(client.get_bucket_policy),
                     getter(client.get_bucket_tagging), getter(client.get_bucket_lifecycle_configuration),
                     getter(client.get_object, Key=".s3mllayout/declared/bucket.json"), getter(client.list_objects_v2, Prefix="solutions/", MaxKeys=1000)]
            reads += [getter(client.get_object, Key=f".s3mllayout/declared/solutions/{s}.json") for s in solutions]
            return timed([(read, bucket) for bucket in buckets for read in reads])

        def boto3_listing(buckets):
            """Listing time: one listing of solutions/ per bucket, 64 threads."""
            return timed([(lambda b: client.list_objects_v2(Bucket=b, Prefix="solutions/", MaxKeys=1000), bucket) for bucket in buckets])

        def timed(jobs, threads=64):
            proxy_reset(proxy)
            start = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda job: job[0](job[1]), jobs))
            return time.perf_counter() - start, proxy_stats(proxy)

        def one_after_another(directory, buckets):
            script = (f"Import-Module '{module}'; $w = [Diagnostics.Stopwatch]::StartNew(); "
                      f"Import-MlTenant '{directory}' | Select-Object -First {buckets} | ForEach-Object {{ $_ | New-MlBucket {connection} -WarningAction SilentlyContinue | "
                      "Add-MlSolution -Confirm:$false | Out-Null }; $w.Stop(); @{ seconds = $w.Elapsed.TotalSeconds } | ConvertTo-Json -Compress")
            return pwsh(script, env)[0]["seconds"]

        # 1. One tenant, 3 environments x 6 solutions.
        single_dir = os.path.join(work, "single")
        single_buckets = tenant_files(single_dir, "sone", 1, SIX)
        single_keys = keys_of(SIX)
        ours_single = fleet(single_dir)
        warm_dir = os.path.join(work, "warm")
        tenant_files(warm_dir, "swarm", 1, SIX[:1])
        warm_single_dir = os.path.join(work, "single-warm")
        tenant_files(warm_single_dir, "shot", 1, SIX)
        ours_single_warm = fleet(warm_single_dir, warm_dir)
        rerun_single = fleet(single_dir, warm_dir)
        listing_single = boto3_listing(single_buckets)
        tenant_files(os.path.join(work, "single-boto"), "stwo", 1, SIX)
        boto_single = boto3_same([b.replace("sone", "stwo") for b in single_buckets], single_keys)

        # 2. The fleet.
        fleet_dir = os.path.join(work, "fleet")
        fleet_buckets = tenant_files(fleet_dir, "fone", args.tenants, SIX[:2])
        fleet_keys = keys_of(SIX[:2])
        ours_fleet = fleet(fleet_dir, warm_dir)
        rerun = fleet(fleet_dir, warm_dir)
        boto_rerun = boto3_reads(fleet_buckets, SIX[:2])
        listing = boto3_listing(fleet_buckets)
        boto_fleet = boto3_same([b.replace("fone", "ftwo") for b in fleet_buckets], fleet_keys)
        # What the server gives at most: the same fleet with four times the requests in flight.
        wide_dir = os.path.join(work, "wide")
        tenant_files(wide_dir, "fwide", args.tenants, SIX[:2])
        wide = fleet(wide_dir, warm_dir, throttle=256)
        sequential_dir = os.path.join(work, "sequential")
        tenant_files(sequential_dir, "fseq", args.tenants, SIX[:2])
        sequential = one_after_another(sequential_dir, args.sequential_buckets)
        sequential_scaled = sequential / args.sequential_buckets * len(fleet_buckets)
    finally:
        proxy_process.terminate()
        moto.terminate()

    load = os.getloadavg()
    def writes(stats):
        return stats.get("PUT_OBJECT", 0) + stats.get("PUT_BUCKET", 0) + stats.get("POST", 0) + stats.get("DELETE", 0)
    lines = [
        f"Fleet benchmark, +{args.delay_ms:.0f} ms per request through the loopback proxy in front of moto_server; load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} cores.",
        "",
        "| workload | tool | wall time (s) | requests | writes | ratio to boto3, 64 threads |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
        f"| 1 tenant x 3 environments x 6 solutions ({len(single_buckets)} buckets, {len(single_keys) * 3} markers) | S3MlLayout Invoke-MlFleetPlan, first command of the process | {ours_single[0]:.2f} | {ours_single[2]['total']} | {writes(ours_single[2])} | {ours_single[0] / boto_single[0]:.2f} |",
        f"| same | S3MlLayout Invoke-MlFleetPlan, after one small run in the process | {ours_single_warm[0]:.2f} | {ours_single_warm[2]['total']} | {writes(ours_single_warm[2])} | {ours_single_warm[0] / boto_single[0]:.2f} |",
        f"| same | boto3, 64 threads, same writes | {boto_single[0]:.2f} | {boto_single[1]['total']} | {writes(boto_single[1])} | 1.00 |",
        f"| same, nothing to do | S3MlLayout Invoke-MlFleetPlan (re-run) | {rerun_single[0]:.2f} | {rerun_single[2]['total']} | {writes(rerun_single[2])} | |",
        f"| same, listing only | boto3, 64 threads, one listing per bucket | {listing_single[0]:.2f} | {listing_single[1]['total']} | 0 | |",
        f"| {args.tenants} tenants x 3 environments x 2 solutions ({len(fleet_buckets)} buckets, {len(fleet_keys) * len(fleet_buckets)} markers) | S3MlLayout Invoke-MlFleetPlan, after one small run in the process | {ours_fleet[0]:.2f} | {ours_fleet[2]['total']} | {writes(ours_fleet[2])} | {ours_fleet[0] / boto_fleet[0]:.2f} |",
        f"| same | boto3, 64 threads, same writes | {boto_fleet[0]:.2f} | {boto_fleet[1]['total']} | {writes(boto_fleet[1])} | 1.00 |",
        f"| same | S3MlLayout per-bucket pipeline, one bucket after another ({args.sequential_buckets} buckets, scaled to {len(fleet_buckets)}) | ~{sequential_scaled:.0f} | | | {sequential_scaled / boto_fleet[0]:.2f} |",
        f"| same, nothing to do | S3MlLayout Invoke-MlFleetPlan (re-run) | {rerun[0]:.2f} | {rerun[2]['total']} | {writes(rerun[2])} | {rerun[0] / boto_rerun[0]:.2f} (to the row below) |",
        f"| same, nothing to do | boto3, 64 threads, the same reads | {boto_rerun[0]:.2f} | {boto_rerun[1]['total']} | {writes(boto_rerun[1])} | 1.00 |",
        f"| same, listing only | boto3, 64 threads, one listing per bucket | {listing[0]:.2f} | {listing[1]['total']} | 0 | |",
        "",
        f"- Fleet apply against one bucket after another: {sequential_scaled / ours_fleet[0]:.1f}x faster "
        f"(boto3 with 64 threads: {sequential_scaled / boto_fleet[0]:.1f}x).",
        f"- Requests in flight bound the fleet: with 64 at a time and {args.delay_ms:.0f} ms each, its {ours_fleet[2]['total']} requests take at least "
        f"{ours_fleet[2]['total'] * args.delay_ms / 1000 / 64:.1f} s (boto3's {boto_fleet[1]['total']}: {boto_fleet[1]['total'] * args.delay_ms / 1000 / 64:.1f} s), "
        f"at most {sequential_scaled / (ours_fleet[2]['total'] * args.delay_ms / 1000 / 64):.1f}x faster than one bucket after another. "
        f"The fleet ran at {ours_fleet[2]['total'] / ours_fleet[0]:.0f} requests/s; with -ThrottleLimit 256 (four times as many in flight) it took {wide[0]:.2f} s, "
        f"{wide[2]['total'] / wide[0]:.0f} requests/s: what moto_server serves at most here, which bounds any client to "
        f"{sequential_scaled / (ours_fleet[2]['total'] / (wide[2]['total'] / wide[0])):.1f}x.",
        f"- Re-run of the single tenant: {writes(rerun_single[2])} writes, {rerun_single[0]:.2f} s; 4 round trips plus its listing time are "
        f"{4 * args.delay_ms / 1000 + listing_single[0]:.2f} s.",
        f"- Re-run of the fleet: {writes(rerun[2])} writes, {rerun[2].get('LIST', 0)} LIST pages, {rerun[0]:.2f} s "
        f"({rerun[0] / (args.delay_ms / 1000):.1f} round trips of {args.delay_ms:.0f} ms); 4 round trips plus the listing time are "
        f"{4 * args.delay_ms / 1000 + listing[0]:.2f} s.",
    ]
    report = "\n".join(lines)
    print(report)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    name = "fleet.md" if args.delay_ms == 200 else f"fleet-{args.delay_ms:g}ms.md"
    with open(os.path.join(ROOT, "bench", "results", name), "w") as f:
        f.write(report + "\n")


if __name__ == "__main__":
    main()
