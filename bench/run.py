#!/usr/bin/env python3
"""S3MlLayout provisioning benchmark (issue 3).

Provisions master-solution for 3 environments x 6 solutions through a loopback proxy that adds 50 ms to every
request (bench/s3_proxy.py in front of moto_server), and in the same run puts the same marker keys with a
sequential boto3 loop, a boto3 loop with 10 threads, and an `aws s3api put-object` loop on a 50-key subset.
Prints a markdown table (wall time, requests, ratio to S3MlLayout), checks the request counts (one PUT per
missing marker plus listing pages; zero PUTs on a re-run) and sweeps -ThrottleLimit.

    python3 bench/run.py            # about three minutes; writes bench/results/latest.md as well

Everything runs on 127.0.0.1; nothing leaves the machine.
"""
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELAY_MS = 50
ENVIRONMENTS = ["dev", "staging", "prod"]
CLI_SUBSET = 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, process, name):
    deadline = time.time() + 30
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited early")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{name} did not start")


def start_moto_and_proxy(delay_ms):
    """moto_server and the latency proxy (s3_proxy.py) in front of it, on free loopback ports, not yet waited for:
    returns (moto process, proxy process, moto's URL, the proxy's URL)."""
    moto_port, proxy_port = free_port(), free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    upstream, proxy = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}"
    proxy_process = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "s3_proxy.py"), "--port", str(proxy_port), "--upstream", upstream,
                                      "--delay-ms", str(delay_ms)], stdout=subprocess.DEVNULL)
    return moto, proxy_process, upstream, proxy


def pwsh_executable():
    """The pwsh that users start: the apphost in $PSHOME of the repository's PowerShell tool. `dotnet pwsh` first starts
    the dotnet CLI (a .NET program of its own) to find the tool in the manifest, then pwsh as its child: about 0.2 s
    that an installed pwsh does not pay (bench/startup.py measures both). Falls back to the launcher when there is no
    apphost."""
    home = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    apphost = os.path.join(home, "pwsh.exe" if os.name == "nt" else "pwsh")
    return [apphost] if os.access(apphost, os.X_OK) else ["dotnet", "pwsh"]


def bench_env():
    """The environment of a benchmarked process: no ambient AWS settings, fixed test credentials, no instance metadata."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIABENCHMARK0000001", AWS_SECRET_ACCESS_KEY="bench", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    return env


def proxy_stats(proxy):
    return json.loads(urllib.request.urlopen(f"{proxy}/__proxy/stats").read())


def proxy_reset(proxy):
    urllib.request.urlopen(urllib.request.Request(f"{proxy}/__proxy/reset", data=b"", method="POST"))


def main():
    import boto3
    from botocore.config import Config

    # PowerShell 7.6.9 as a local .NET tool (.config/dotnet-tools.json), and the module built in Release.
    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"], check=True)

    moto_port, proxy_port = free_port(), free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    upstream = f"http://127.0.0.1:{moto_port}"
    proxy = f"http://127.0.0.1:{proxy_port}"
    proxy_process = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "s3_proxy.py"), "--port", str(proxy_port),
                                      "--upstream", upstream, "--delay-ms", str(DELAY_MS)], stdout=subprocess.DEVNULL)
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIABENCHMARK0000001", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
        direct = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        companies = ["s3ml", "seq", "thr", "cli"] + [f"t{n}" for n in (8, 16, 32, 64, 128)]
        for company in companies:
            for environment in ENVIRONMENTS:
                direct.create_bucket(Bucket=f"{company}-{environment}-a001-us-east-1")

        def s3mllayout(company, throttle=0, keys_file=None):
            args = ["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", os.path.join(ROOT, "bench", "provision.ps1"),
                    "-Endpoint", proxy, "-Company", company]
            if throttle:
                args += ["-ThrottleLimit", str(throttle)]
            if keys_file:
                args += ["-KeysFile", keys_file]
            done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT)
            if done.returncode != 0:
                raise SystemExit(f"S3MlLayout run failed:\n{done.stdout}\n{done.stderr}")
            out = done.stdout
            runs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            return runs[0], runs[1]

        keys_file = os.path.join(ROOT, "bench", "results", "keys.txt")
        os.makedirs(os.path.dirname(keys_file), exist_ok=True)
        first, rerun = s3mllayout("s3ml", keys_file=keys_file)
        keys = [k for k in open(keys_file).read().splitlines() if k]
        total_keys = len(keys) * len(ENVIRONMENTS)

        client = boto3.client("s3", endpoint_url=proxy, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
                              config=Config(max_pool_connections=10, retries={"mode": "standard"}))

        def boto3_loop(company, threads):
            proxy_reset(proxy)
            jobs = [(f"{company}-{environment}-a001-us-east-1", key) for environment in ENVIRONMENTS for key in keys]
            start = time.perf_counter()
            if threads == 1:
                for bucket, key in jobs:
                    client.put_object(Bucket=bucket, Key=key, Body=b"")
            else:
                with concurrent.futures.ThreadPoolExecutor(threads) as pool:
                    list(pool.map(lambda job: client.put_object(Bucket=job[0], Key=job[1], Body=b""), jobs))
            return time.perf_counter() - start, proxy_stats(proxy)

        sequential = boto3_loop("seq", 1)
        threaded = boto3_loop("thr", 10)

        proxy_reset(proxy)
        start = time.perf_counter()
        for key in keys[:CLI_SUBSET]:
            subprocess.run(["aws", "--endpoint-url", proxy, "s3api", "put-object", "--bucket", "cli-dev-a001-us-east-1", "--key", key],
                           check=True, capture_output=True, env=env)
        cli_seconds = time.perf_counter() - start
        cli_stats = proxy_stats(proxy)

        sweep = {n: s3mllayout(f"t{n}", throttle=n)[0] for n in (8, 16, 32, 64, 128)}
    finally:
        proxy_process.terminate()
        moto.terminate()

    ours = first["seconds"]
    metadata_puts = first["declarations"] + len(ENVIRONMENTS)  # a declared layout per solution, an audit record per bucket
    marker_puts = first["stats"].get("PUT_OBJECT", 0) - metadata_puts
    lines = [
        f"Provisioning master-solution for {len(ENVIRONMENTS)} environments x 6 solutions: {total_keys} folder markers, "
        f"{DELAY_MS} ms added to every request by a loopback proxy in front of moto_server.",
        "",
        "| tool | keys | wall time (s) | requests | PUTs | LISTs | ratio to S3MlLayout |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| S3MlLayout Add-MlSolution (default ThrottleLimit) | {total_keys} | {ours:.2f} | {first['stats']['total']} | {first['stats'].get('PUT_OBJECT', 0)} | {first['stats'].get('LIST', 0)} | 1.00 |",
        f"| S3MlLayout re-run (nothing missing) | {total_keys} | {rerun['seconds']:.2f} | {rerun['stats']['total']} | {rerun['stats'].get('PUT_OBJECT', 0)} | {rerun['stats'].get('LIST', 0)} | {rerun['seconds'] / ours:.2f} |",
        f"| boto3 sequential loop | {total_keys} | {sequential[0]:.2f} | {sequential[1]['total']} | {sequential[1].get('PUT_OBJECT', 0)} | 0 | {sequential[0] / ours:.2f} |",
        f"| boto3 loop, 10 threads | {total_keys} | {threaded[0]:.2f} | {threaded[1]['total']} | {threaded[1].get('PUT_OBJECT', 0)} | 0 | {threaded[0] / ours:.2f} |",
        f"| aws s3api put-object loop (50 keys; time scaled to {total_keys}) | {CLI_SUBSET} | {cli_seconds:.2f} (~{cli_seconds / CLI_SUBSET * total_keys:.0f}) | {cli_stats['total']} | {cli_stats.get('PUT_OBJECT', 0)} | 0 | {cli_seconds / CLI_SUBSET * total_keys / ours:.2f} |",
        "",
        "Request counts (S3MlLayout, first run):",
        f"- marker PUTs: {marker_puts} for {first['created']} missing markers ({'exactly one each' if marker_puts == first['created'] else 'MISMATCH'}); "
        f"metadata PUTs: {metadata_puts} ({first['declarations']} declared layouts, {len(ENVIRONMENTS)} audit records); "
        f"LIST pages: {first['stats'].get('LIST', 0)}; other: {first['stats']['total'] - first['stats'].get('PUT_OBJECT', 0) - first['stats'].get('LIST', 0)} "
        "(bucket lookups, declared-layout reads, STS caller identity for the audit record)",
        f"- re-run: {rerun['stats'].get('PUT_OBJECT', 0)} PUTs ({'zero, as required' if rerun['stats'].get('PUT_OBJECT', 0) == 0 else 'NOT ZERO'}), "
        f"{rerun['stats'].get('LIST', 0)} LIST pages",
        "",
        "ThrottleLimit sweep (first run, same workload):",
        "",
        "| ThrottleLimit | wall time (s) | ratio to default |",
        "| ---: | ---: | ---: |",
    ] + [f"| {n} | {r['seconds']:.2f} | {r['seconds'] / ours:.2f} |" for n, r in sweep.items()]
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write(report + "\n")
    ok = marker_puts == first["created"] and rerun["stats"].get("PUT_OBJECT", 0) == 0 and first["failed"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
