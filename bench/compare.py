#!/usr/bin/env python3
"""Before/after: the same provisioning workload with this checkout's module and with an earlier commit's, in one run.

    python3 bench/compare.py 623817b            # the commit before the issue-8 refactor, say
    python3 bench/compare.py 623817b --rounds 3 --delay-ms 50

Builds REF's module in a temporary git worktree, then alternates rounds (before, after, before, after ...) of
bench/provision.ps1 (master-solution, 3 environments x 6 solutions = 2,001 markers) against fresh buckets on one
moto_server behind the loopback latency proxy, and prints a markdown table of the medians with their ratio.
Everything runs on 127.0.0.1.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, ENVIRONMENTS, free_port, wait_for  # noqa: E402


def build(root):
    subprocess.run(["dotnet", "build", os.path.join(root, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"],
                   check=True, cwd=root)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ref", help="the earlier commit to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delay-ms", type=float, default=50)
    args = parser.parse_args()

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True)
    before = tempfile.mkdtemp(prefix="s3ml-before-")
    subprocess.run(["git", "worktree", "add", "--detach", before, args.ref], cwd=ROOT, check=True, capture_output=True)
    moto = proxy_process = None
    try:
        build(before)
        build(ROOT)
        moto_port, proxy_port = free_port(), free_port()
        moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        upstream, proxy = f"http://127.0.0.1:{moto_port}", f"http://127.0.0.1:{proxy_port}"
        proxy_process = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "s3_proxy.py"), "--port", str(proxy_port),
                                          "--upstream", upstream, "--delay-ms", str(args.delay_ms)], stdout=subprocess.DEVNULL)
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        import boto3
        direct = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIABENCHMARK0000001", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")

        def once(root, company):
            for environment in ENVIRONMENTS:
                direct.create_bucket(Bucket=f"{company}-{environment}-a001-us-east-1")
            # Run from this checkout's pwsh tool, with the module of `root` (provision.ps1 imports the manifest beside it).
            done = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-File", os.path.join(root, "bench", "provision.ps1"),
                                   "-Endpoint", proxy, "-Company", company], capture_output=True, text=True, env=env, cwd=ROOT)
            if done.returncode != 0:
                raise SystemExit(f"provision.ps1 in {root} failed:\n{done.stdout}\n{done.stderr}")
            return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]

        results = {"before": [], "after": []}
        for n in range(args.rounds):
            for side, root in (("before", before), ("after", ROOT)):
                first, rerun = once(root, f"{side[0]}{n}x")
                results[side].append((first, rerun))
    finally:
        for process in (proxy_process, moto):
            if process:
                process.terminate()
        subprocess.run(["git", "worktree", "remove", "--force", before], cwd=ROOT, capture_output=True)
        shutil.rmtree(before, ignore_errors=True)

    def median(side, run, field):
        return statistics.median(r[run][field] if field != "requests" else r[run]["stats"]["total"] for r in results[side])

    rows = [
        "| run | before: wall time (s) | after: wall time (s) | after / before | before: requests | after: requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run, label in ((0, "first run (2,001 markers)"), (1, "re-run (nothing missing)")):
        b, a = median("before", run, "seconds"), median("after", run, "seconds")
        rows.append(f"| {label} | {b:.2f} | {a:.2f} | {a / b:.2f} | {median('before', run, 'requests'):.0f} | {median('after', run, 'requests'):.0f} |")
    print(f"Before ({args.ref}) and after (this checkout), medians of {args.rounds} alternating rounds, +{args.delay_ms:.0f} ms per request:\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
