#!/usr/bin/env python3
"""Pipeline benchmark (issue 18): the README's pipelines, timed as whole processes, against boto3 with 64 threads.

    python3 bench/pipeline.py                           # +200 ms and +50 ms, 20 buckets; about 10 minutes
    python3 bench/pipeline.py --before /path/to/S3MlLayout.psd1   # today's pipeline from another build, for "before"

Rows, each side on a moto_server of its own (started for it, so no side meets a store another side filled) behind the
loopback latency proxy (bench/s3_proxy.py); rows 1 and 2 run each side --repeat times (default 3), the sides
alternating, and report each side's median run, since this host's speed drifts by half between minutes:
  1. `Get-MlBucket x3 | Add-MlSolution` (3 environments x 6 solutions of master-solution) in a fresh pwsh that
     imports the module, against a fresh python that imports boto3 and puts the same marker keys with 64 threads;
     at +200 ms and at +50 ms per request.
  2. `Import-MlTenant | New-MlBucket | Add-MlSolution` over 20 buckets (10 tenants x dev, prod; 2 solutions each)
     in a fresh pwsh, against a fresh python that sends the same requests with boto3 through one pool of 64, each
     bucket's in the pipeline's order (boto3_bucket.provision_like_the_pipeline: the existence check, create,
     declaration, settings, their read-back, audit records, declarations, contracts, markers); for reference against
     boto3 sending only the writes (create, settings, markers, declarations); and the same pipeline of the build
     given with --before (today's main) at the same delay.
Both sides are timed from process start to exit (the module import and boto3's import included); pwsh is started as an
installed pwsh starts, from $PSHOME (bench/run.py pwsh_executable), not through `dotnet pwsh`. Buckets are new
for every run. Prints a Markdown table with the machine's load; writes bench/results/pipeline.md. Only 127.0.0.1.
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
from run import ROOT, start_moto_and_proxy, bench_env, wait_for, proxy_stats, proxy_reset, pwsh_executable  # noqa: E402

ENVIRONMENTS = ["dev", "staging", "prod"]
SIX = ["customer-churn", "demand-forecasting", "fraud-detection", "master-solution", "recommendation-engine", "sentiment-analysis"]
CONNECTION = "$conn = @{ EndpointUrl = $env:BENCH_ENDPOINT; ForcePathStyle = $true }; "

# The boto3 side, run as its own process: what it imports and builds is inside its time, as the module's import is.
BOTO3_SCRIPT = r'''
import concurrent.futures, json, sys
import boto3
from botocore.config import Config
job = json.load(open(sys.argv[1]))
sys.path.insert(0, job["bench"])
import boto3_bucket
client = boto3.client("s3", endpoint_url=job["endpoint"], region_name="us-east-1", config=Config(max_pool_connections=64, retries={"mode": "standard"}))

def settle(bucket):
    boto3_bucket.settle(client, bucket)

with concurrent.futures.ThreadPoolExecutor(64) as pool:
    if job.get("same_requests"):
        # The module's requests, bucket by bucket in its order, every request through the one pool of 64; one
        # coordinating thread per bucket waits on its steps (never a pool thread, so the pool never waits on itself).
        def send(calls):
            return [f.result() for f in [pool.submit(c) for c in calls]]
        with concurrent.futures.ThreadPoolExecutor(len(job["buckets"]) + 1) as coordinators:
            caller = coordinators.submit(lambda: send([lambda: boto3.client("sts", endpoint_url=job["endpoint"], region_name="us-east-1").get_caller_identity()]))
            list(coordinators.map(lambda b: boto3_bucket.provision_like_the_pipeline(client, b, job["keys"], job["solutions"], send), job["buckets"]))
            caller.result()
    else:
        if job["create"]:
            list(pool.map(settle, job["buckets"]))
        writes = [(b, k) for b in job["buckets"] for k in job["keys"]]
        if job["create"]:
            writes += [(b, f".s3mllayout/declared/solutions/{s}.json") for b in job["buckets"] for s in job["solutions"]]
        list(pool.map(lambda w: client.put_object(Bucket=w[0], Key=w[1], Body=b""), writes))
'''


PWSH = None


def pwsh_process(script, env, module):
    """A fresh pwsh ($PSHOME's pwsh of the repository's .NET tool, as an installed pwsh starts) that imports the module
    and runs the script: seconds from start to exit."""
    global PWSH
    PWSH = PWSH or pwsh_executable()
    command = f"Import-Module '{module}'; {CONNECTION}{script}"
    cpu, start = child_cpu(), time.perf_counter()
    done = subprocess.run(PWSH + ["-NoProfile", "-NonInteractive", "-Command", command], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or done.stderr.strip():
        raise SystemExit(f"pwsh failed:\n{done.stdout}\n{done.stderr}")
    return Timed(seconds, child_cpu() - cpu)


class Timed(float):
    """Wall seconds of a process, with the CPU seconds it used (user + system) as .cpu."""
    def __new__(cls, seconds, cpu):
        value = super().__new__(cls, seconds)
        value.cpu = cpu
        return value


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def boto3_process(job, env, work):
    """A fresh python that imports boto3 and sends the job's requests with 64 threads: seconds from start to exit."""
    job_file, script_file = os.path.join(work, "job.json"), os.path.join(work, "boto3_side.py")
    with open(job_file, "w") as f:
        json.dump(dict(job, bench=os.path.dirname(os.path.abspath(__file__))), f)
    with open(script_file, "w") as f:
        f.write(BOTO3_SCRIPT)
    cpu, start = child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, script_file, job_file], check=True, env=env)
    return Timed(time.perf_counter() - start, child_cpu() - cpu)


def warm_up(upstream):
    """A fresh moto_server loads its S3 backend on the first S3 request (about 2 s here): done before any timed run, so
    the side measured first does not pay it (row 2 times ours first on a new server). Straight to moto, untimed."""
    import boto3
    s3 = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="warm", aws_secret_access_key="up")
    s3.create_bucket(Bucket="bench-warm-up")
    s3.get_bucket_location(Bucket="bench-warm-up")
    s3.put_object(Bucket="bench-warm-up", Key="k", Body=b"")
    s3.list_objects_v2(Bucket="bench-warm-up")
    s3.delete_object(Bucket="bench-warm-up", Key="k")
    s3.delete_bucket(Bucket="bench-warm-up")


def tenant_files(directory, prefix, tenants, solutions):
    os.makedirs(directory, exist_ok=True)
    for n in range(tenants):
        with open(os.path.join(directory, f"tenant{n:03}.yaml"), "w") as f:
            f.write(f"companyPrefix: {prefix}\ntenantId: t{n:03}\nregions: [us-east-1]\ntemplate: master-solution\n"
                    f"solutions: [{', '.join(solutions)}]\nenvironments:\n  dev:\n  prod:\n")
    return [f"{prefix}-{e}-t{n:03}-us-east-1" for n in range(tenants) for e in ("dev", "prod")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delays", default="200,50", help="milliseconds added per request, one run of row 1 each")
    parser.add_argument("--fleet-delay-ms", type=float, default=200, help="the delay of row 2")
    parser.add_argument("--tenants", type=int, default=10, help="row 2: tenants of two environments each")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side of rows 1 and 2, the sides alternating; each side's median is reported")
    parser.add_argument("--before", default=os.path.join(os.path.dirname(ROOT), "main", "S3MlLayout.psd1"),
                        help="the module manifest of today's pipeline (a build of main)")
    args = parser.parse_args()

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    module = os.path.join(ROOT, "S3MlLayout.psd1")
    work = tempfile.mkdtemp(prefix="s3ml-pipeline-bench-")
    env = bench_env()
    rows = []

    def keys_of(solutions):
        out = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
                              f"Import-Module '{module}'; Get-MlLayout master-solution -Solution {','.join(solutions)} | ForEach-Object Key"],
                             capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        return sorted({line.strip() for line in out.stdout.splitlines() if line.strip()})

    six_keys, two_keys = keys_of(SIX), keys_of(SIX[:2])

    def measured(delay_ms, setup, run):
        """One side of a row on a moto_server and proxy of its own, started for it: no side meets a store another
        side has filled (moto slows as its store grows). setup(upstream) runs untimed, straight on moto; run() is
        timed through the proxy. Returns (seconds with .cpu, the proxy's request counts)."""
        moto, proxy_process, upstream, proxy = start_moto_and_proxy(delay_ms)
        try:
            wait_for(f"{upstream}/moto-api/", moto, "moto_server")
            wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
            env["BENCH_ENDPOINT"] = proxy
            warm_up(upstream)
            setup(upstream)
            proxy_reset(proxy)
            timed = run(proxy)
            return timed, proxy_stats(proxy)
        finally:
            # Reaped here, so their CPU is never counted in a later row's (RUSAGE_CHILDREN adds a child when it is waited for).
            for process in (proxy_process, moto):
                process.terminate()
                process.wait()

    def existing_buckets(company):
        """Row 1's buckets, made beforehand (untimed): the row times the pipeline that provisions them."""
        def setup(upstream):
            make = "; ".join(f"New-MlBucket -CompanyPrefix {company} -Environment {e} -TenantId a001 -Region us-east-1 -EndpointUrl '{upstream}' -ForcePathStyle -WarningAction SilentlyContinue | Out-Null"
                             for e in ENVIRONMENTS)
            subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", f"Import-Module '{module}'; {make}"], check=True, env=env, cwd=ROOT, capture_output=True)
        return setup

    all_runs = {}

    def median_of(name, ours_side, boto_side):
        """Each side measured --repeat times, the sides alternating (a slow spell of the host falls on both); for
        each side the median run (its seconds, CPU and requests), every run's seconds kept for the table."""
        runs = ([], [])
        for _ in range(args.repeat):
            runs[0].append(ours_side())
            runs[1].append(boto_side())
        all_runs[name] = tuple([round(float(t), 2) for t, _ in r] for r in runs)
        return [sorted(r, key=lambda run: float(run[0]))[len(r) // 2] for r in runs]

    for delay in [float(d) for d in args.delays.split(",")]:
        name = f"`Get-MlBucket` x3 `\\| Add-MlSolution` (3 x 6 solutions, {3 * len(six_keys)} markers), +{delay:.0f} ms"
        (ours, ours_stats), (boto, boto_stats) = median_of(name,
            lambda: measured(delay, existing_buckets("pone"), lambda proxy: pwsh_process(
                "'dev', 'staging', 'prod' | ForEach-Object { Get-MlBucket -BucketName \"pone-$_-a001-us-east-1\" @conn } | "
                f"Add-MlSolution {','.join(SIX)} -Template master-solution -Confirm:$false | Out-Null", env, module)),
            lambda: measured(delay, existing_buckets("ptwo"), lambda proxy: boto3_process(
                {"endpoint": proxy, "create": False, "buckets": [f"ptwo-{e}-a001-us-east-1" for e in ENVIRONMENTS], "keys": six_keys, "solutions": SIX}, env, work)))
        rows.append((name, ours, ours_stats, boto, boto_stats))

    ours_dir, before_dir = os.path.join(work, "ours"), os.path.join(work, "before")
    buckets = tenant_files(ours_dir, "fone", args.tenants, SIX[:2])
    tenant_files(before_dir, "fbef", args.tenants, SIX[:2])
    pipeline = "Import-MlTenant '{0}' | New-MlBucket @conn -WarningAction SilentlyContinue | Add-MlSolution -Confirm:$false | Out-Null"
    nothing = lambda upstream: None
    delay = args.fleet_delay_ms
    name = f"`Import-MlTenant \\| New-MlBucket \\| Add-MlSolution`, {len(buckets)} buckets x 2 solutions ({len(buckets) * len(two_keys)} markers), +{delay:.0f} ms"
    # The peer: boto3 sending the same requests as the pipeline, in its order (boto3_bucket.provision_like_the_pipeline).
    (ours, ours_stats), (boto, boto_stats) = median_of(name,
        lambda: measured(delay, nothing, lambda proxy: pwsh_process(pipeline.format(ours_dir), env, module)),
        lambda: measured(delay, nothing, lambda proxy: boto3_process(
            {"endpoint": proxy, "create": True, "same_requests": True, "buckets": [b.replace("fone", "ftwo") for b in buckets], "keys": two_keys, "solutions": SIX[:2]}, env, work)))
    rows.append((name, ours, ours_stats, boto, boto_stats))
    # For reference: boto3 sending only the writes (bucket, settings, declarations, markers; no reads, contracts or audit records).
    writes, writes_stats = measured(delay, nothing, lambda proxy: boto3_process(
        {"endpoint": proxy, "create": True, "buckets": [b.replace("fone", "fthr") for b in buckets], "keys": two_keys, "solutions": SIX[:2]}, env, work))
    rows.append(("same, against boto3 sending only the writes", ours, ours_stats, writes, writes_stats))
    if os.path.exists(args.before):
        before, before_stats = measured(delay, nothing, lambda proxy: pwsh_process(pipeline.format(before_dir), env, args.before))
        rows.append(("same, today's pipeline (" + os.path.relpath(args.before, os.path.dirname(ROOT)) + ")", before, before_stats, boto, boto_stats))

    load = os.getloadavg()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Pipeline benchmark, whole processes on both sides (a fresh `{'dotnet pwsh' if (PWSH or ['dotnet'])[0] == 'dotnet' else '$PSHOME/pwsh'}` importing the module; a fresh python importing boto3, 64 threads); "
        f"load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} cores (`{uptime}`).",
        "",
        f"Rows 1 and 2: the median of {args.repeat} runs of each side, the sides alternating, each on a moto of its own; every run's seconds in the last column.",
        "",
        "| pipeline | S3MlLayout (s) | CPU (s) | requests | boto3, 64 threads (s) | CPU (s) | requests | ratio | runs: S3MlLayout / boto3 (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, ours, ours_stats, boto, boto_stats in rows:
        runs = all_runs.get(name)
        shown = f"{', '.join(f'{t:.2f}' for t in runs[0])} / {', '.join(f'{t:.2f}' for t in runs[1])}" if runs else "one run each"
        lines.append(f"| {name} | {ours:.2f} | {ours.cpu:.2f} | {ours_stats['total']} | {boto:.2f} | {boto.cpu:.2f} | {boto_stats['total']} | {ours / boto:.2f} | {shown} |")
    before = [r for r in rows if r[0].startswith("same, today's")]
    if before:
        now = [r for r in rows if r[0].startswith("`Import-MlTenant")][0][1]
        lines += ["", f"The 20-bucket pipeline is {before[0][1] / now:.2f}x faster than today's ({before[0][1]:.2f} s before, {now:.2f} s now)."]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "pipeline.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
