#!/usr/bin/env python3
"""Object drift benchmark (issue 15): Get-MlLayoutDrift -Scope Objects against a boto3 script classifying the same keys.

    python3 bench/object_drift.py                    # 100,000 objects in 2 solutions, +50 ms per request
    python3 bench/object_drift.py --objects 20000    # a smaller bucket (a shared or small machine)
    python3 bench/object_drift.py --quick            # 5,000 objects: a smoke run

Three buckets on one moto_server, each with two solutions of a data-lifecycle template with a daily-partitioned
stage added (data/events, .parquet and .json.gz), filled directly on moto (not through the proxy) with zero-byte
objects: N objects, N/10 objects and 200 objects. About 1 % of the keys break a rule (a .csv in the Parquet-only
processed/ stage, a .pkl in monitoring/, stray files in data/ and at the solution root, 2024/13/45, 2024/1/5, Hive
spelling, no date); the rest lie at valid date paths and formats, with spaces, unicode, '%', '+' and 900-character names
among them. Rows, all measured in one run behind the loopback latency proxy (bench/s3_proxy.py):
  a. Get-MlLayoutDrift -Scope Objects on the N-object bucket, timed inside pwsh around the command after a small
     check in the same process (warm: code compiled, as boto3's client is built before its timer), its requests
     counted by the proxy, its findings per category;
  b. boto3, 64 threads, one paginator per solution prefix, classifying the same keys by the same rules, read from
     the declared layout the bucket holds (.s3mllayout/declared/solutions/*.json): the same findings are required;
  c. -Scope Folders on the 200-object bucket and on the N-object bucket: the same request count;
  d. the peak working set of a fresh pwsh process running -Scope Objects on the N/10 and N buckets (findings
     streamed to a counter, not collected).
Prints a Markdown table with the machine's load; writes it to bench/results/object-drift.md. Only 127.0.0.1 is used.
"""
import argparse
import concurrent.futures
import datetime
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import ROOT, bench_env, start_moto_and_proxy, wait_for, proxy_stats, proxy_reset  # noqa: E402

SOLUTIONS = ["churn", "fraud"]
CATEGORIES = ["FormatViolation", "UnplacedObject", "PartitionViolation"]
# The bench template: data-lifecycle's stages and contracts (seed 001), plus one daily-partitioned stage.
TEMPLATE = """name: bench-lifecycle
version: 1.0.0
extends: data-lifecycle
add:
  - under: data
    folders:
      - name: events
        description: Event extracts, one daily partition each.
        partition: daily
        formats: [parquet, json.gz]
"""
# The planted violations, one every VIOLATION_EVERY keys, in turn: (relative key, category).
VIOLATIONS = [
    ("data/processed/extract-{i}.csv", "FormatViolation"),
    ("data/stray-{i}.parquet", "UnplacedObject"),
    ("notes-{i}.txt", "UnplacedObject"),
    ("data/events/2024/13/45/part-{i}.parquet", "PartitionViolation"),
    ("data/events/part-{i}.parquet", "PartitionViolation"),
    ("data/events/2024/1/5/part-{i}.parquet", "PartitionViolation"),
    ("data/events/year=2024/month=01/day=05/part-{i}.parquet", "PartitionViolation"),
    ("data/monitoring/model-{i}.pkl", "FormatViolation"),
]


def relative_keys(count, violation_every):
    """count keys of one solution, and the findings planted among them, by category."""
    planted = dict.fromkeys(CATEGORIES, 0)
    keys = []
    for i in range(count):
        if i % violation_every == 0:
            key, category = VIOLATIONS[(i // violation_every) % len(VIOLATIONS)]
            keys.append(key.format(i=i))
            planted[category] += 1
            continue
        slot = i % 100
        if slot < 70:  # every month of 2024 is present in any bucket of a few hundred keys, so folder listings match
            day = datetime.date(2024, i % 12 + 1, (i // 12) % 28 + 1)
            keys.append(f"data/events/{day:%Y/%m/%d}/part-{i}.{'json.gz' if slot % 7 == 0 else 'parquet'}")
        elif slot < 80:
            name = f"customer export {i} üñí+100%.csv" if slot % 2 else f"transactions-{i}.json"
            keys.append(f"data/raw/{'x' * 900 if i % 1000 == 71 else ''}{name}")
        elif slot < 90:
            keys.append(f"data/processed/train-{i}.parquet")
        elif slot < 95:
            keys.append(f"data/monitoring/drift_{i}.json")
        else:
            keys.append(f"data/predictions/model_v5_outputs-{i}.csv")
    return keys, planted


# ---- (b) the same rules in Python, from the declared layout the bucket holds ----------------------------------------

def declared_folders(document):
    """key (relative, ending in '/') -> (takes files, formats or None for any, partition, style), contracts resolved as
    the engine resolves them: formats inherited from the parent, files = declared, else (no sub-folders or partitioned)."""
    folders = {"": (False, None, None, None)}

    def walk(entries, prefix, parent_formats):
        for entry in entries:
            contract = entry.get("contract") or {}
            formats = contract.get("formats", parent_formats)
            partition = entry.get("partition")
            files = contract.get("files", not entry.get("folders") or bool(partition))
            key = prefix + entry["name"] + "/"
            if formats is not None and any(f in ("any", "*") for f in formats):
                formats = None
            folders[key] = (files, formats, partition, entry.get("partitionStyle", document.get("partitionStyle", "YYYY/MM/DD")))
            walk(entry.get("folders") or [], key, contract.get("formats", parent_formats))
    walk(document["folders"], "", None)
    return folders


def level_problem(level, name, hive, year, month):
    prefix = ("year=", "month=", "day=")[level]
    if hive != name.startswith(prefix):
        return True
    digits = name[len(prefix):] if hive else name
    if not digits.isdigit() or len(digits) != (4, 2, 2)[level] or not digits.isascii():
        return True
    value = int(digits)
    if level == 0:
        return not 1900 <= value <= 2999
    if level == 1:
        return not 1 <= value <= 12
    return not 1 <= value <= (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day


def partition_bad(path, partition, style):
    levels = 3 if partition == "daily" else 2
    if not path:
        return True
    hive, year, month = style == "hive", 0, 0
    for level in range(min(levels, len(path))):
        if level_problem(level, path[level], hive, year, month):
            return True
        value = int(path[level].split("=")[-1])
        year, month = (value, month) if level == 0 else (year, value)
    return len(path) < levels


def classify(relative, folders):
    """The categories one key breaks (deepest declared folder; undeclared prefixes below an unpartitioned folder are the folder check's)."""
    folder, start = "", 0
    while True:
        slash = relative.find("/", start)
        if slash < 0 or relative[:slash + 1] not in folders:
            break
        folder, start = relative[:slash + 1], slash + 1
    rest = relative[len(folder):].split("/")
    files, formats, partition, style = folders[folder]
    if len(rest) > 1 and not partition:
        return []
    name = rest[-1]
    if not files:
        return ["UnplacedObject"]
    found = []
    if partition and partition_bad(rest[:-1], partition, style):
        found.append("PartitionViolation")
    if formats is not None and not any(len(name) > len(f) and name.lower().endswith(f.lower()) for f in formats):
        found.append("FormatViolation")
    return found


def boto3_classify(client, bucket):
    """64 threads, one paginator per solution prefix: every key of every declared solution through the rules."""
    listing = client.list_objects_v2(Bucket=bucket, Prefix=".s3mllayout/declared/solutions/")
    solutions = [o["Key"].rsplit("/", 1)[1][:-len(".json")] for o in listing.get("Contents", []) if o["Key"].endswith(".json")]

    def one(solution):
        document = json.loads(client.get_object(Bucket=bucket, Key=f".s3mllayout/declared/solutions/{solution}.json")["Body"].read())
        folders = declared_folders(document)
        root = f"solutions/{solution}/"
        counts, objects = dict.fromkeys(CATEGORIES, 0), 0
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=root, PaginationConfig={"PageSize": 1000}):
            for item in page.get("Contents", []):
                if item["Key"].endswith("/"):
                    continue  # a folder marker
                objects += 1
                for category in classify(item["Key"][len(root):], folders):
                    counts[category] += 1
        return counts, objects

    with concurrent.futures.ThreadPoolExecutor(64) as pool:
        results = list(pool.map(one, solutions))
    return {c: sum(r[0][c] for r in results) for c in CATEGORIES}, sum(r[1] for r in results)


def pwsh(script, env):
    done = subprocess.run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0 or "Exception" in done.stderr:
        raise SystemExit(f"pwsh failed:\n{done.stdout}\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=100_000, help="objects in the large bucket (both solutions together)")
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--quick", action="store_true", help="5,000 objects: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.objects = 5000

    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"], check=True)
    import boto3
    from botocore.config import Config

    work = tempfile.mkdtemp(prefix="s3ml-object-drift-bench-")
    template = os.path.join(work, "bench-lifecycle.yaml")
    with open(template, "w") as f:
        f.write(TEMPLATE)
    moto, proxy_process, upstream, proxy = start_moto_and_proxy(args.delay_ms)
    env = bench_env()
    module = os.path.join(ROOT, "S3MlLayout.psd1")
    sizes = {"large": args.objects, "tenth": args.objects // 10, "small": 200}
    buckets = {name: f"objd-dev-{name[0]}001-us-east-1" for name in sizes}
    planted = {}
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        config = Config(max_pool_connections=64, retries={"mode": "standard"})
        direct = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b", config=config)
        client = boto3.client("s3", endpoint_url=proxy, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b", config=config)

        # Provision the three buckets and fill them, directly on moto.
        provision = f"Import-Module '{module}'; " + "; ".join(
            f"New-MlBucket -Name {bucket} -Region us-east-1 -EndpointUrl {upstream} -ForcePathStyle -WarningAction SilentlyContinue | "
            f"Add-MlSolution {', '.join(SOLUTIONS)} -Template '{template}' | Out-Null" for bucket in buckets.values())
        pwsh(provision, env)
        fill_start = time.perf_counter()
        jobs = []
        for name, count in sizes.items():
            keys, counts = relative_keys(count // len(SOLUTIONS), 100 if count > 1000 else 10)
            planted[name] = {c: n * len(SOLUTIONS) for c, n in counts.items()}
            jobs += [(buckets[name], f"solutions/{s}/{k}") for s in SOLUTIONS for k in keys]
        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            list(pool.map(lambda job: direct.put_object(Bucket=job[0], Key=job[1], Body=b""), jobs))
        fill_seconds = time.perf_counter() - fill_start
        print(f"filled {len(jobs):,} objects in {fill_seconds:.0f} s", file=sys.stderr, flush=True)

        connection = f"-Region us-east-1 -EndpointUrl {proxy} -ForcePathStyle"
        reset = f"Invoke-RestMethod -Method Post '{proxy}/__proxy/reset' | Out-Null"
        stats = f"(Invoke-RestMethod '{proxy}/__proxy/stats')"

        # a and c, in one process: a warm-up check on the small bucket, then the timed commands.
        script = (f"Import-Module '{module}'; $ErrorActionPreference = 'Stop'; "
                  f"$small = Get-MlBucket {buckets['small']} {connection}; $large = Get-MlBucket {buckets['large']} {connection}; "
                  "$null = @($small | Get-MlLayoutDrift -Scope Objects); "
                  f"{reset}; $w = [Diagnostics.Stopwatch]::StartNew(); $f = @($large | Get-MlLayoutDrift -Scope Objects); $w.Stop(); $s = {stats}; "
                  "$c = @{}; $f | Group-Object Category | ForEach-Object { $c[$_.Name] = $_.Count }; "
                  "@{ row = 'objects'; seconds = $w.Elapsed.TotalSeconds; stats = $s; categories = $c; findings = $f.Count } | ConvertTo-Json -Compress -Depth 4; "
                  + "; ".join(f"{reset}; $w = [Diagnostics.Stopwatch]::StartNew(); $f = @(${b} | Get-MlLayoutDrift); $w.Stop(); "
                              f"@{{ row = 'folders-{b}'; seconds = $w.Elapsed.TotalSeconds; stats = {stats}; findings = $f.Count }} | ConvertTo-Json -Compress -Depth 4"
                              for b in ("small", "large")))
        rows = {r["row"]: r for r in pwsh(script, env)}

        # b: boto3 with the same rules; the client is built before the timer, as pwsh's module is loaded before its own.
        proxy_reset(proxy)
        start = time.perf_counter()
        boto_counts, boto_objects = boto3_classify(client, buckets["large"])
        boto_seconds = time.perf_counter() - start
        boto_stats = proxy_stats(proxy)

        # d: peak working set of a fresh process, findings streamed to a counter.
        memory = {}
        for name in ("tenth", "large"):
            script = (f"Import-Module '{module}'; $ErrorActionPreference = 'Stop'; $b = Get-MlBucket {buckets[name]} {connection}; "
                      "$before = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64; $n = 0; $w = [Diagnostics.Stopwatch]::StartNew(); "
                      "$b | Get-MlLayoutDrift -Scope Objects | ForEach-Object { $n++ }; $w.Stop(); "
                      "@{ before = $before; after = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64; findings = $n; seconds = $w.Elapsed.TotalSeconds } | ConvertTo-Json -Compress")
            memory[name] = pwsh(script, env)[0]
    finally:
        proxy_process.terminate()
        moto.terminate()
        shutil.rmtree(work, ignore_errors=True)

    ours, small_folders, large_folders = rows["objects"], rows["folders-small"], rows["folders-large"]
    ours_counts = {c: ours["categories"].get(c, 0) for c in CATEGORIES}
    expected = planted["large"]
    same = ours_counts == boto_counts == expected
    objects = args.objects
    object_pages = ours["stats"].get("LIST", 0) - large_folders["stats"].get("LIST", 0)
    load = os.getloadavg()
    mib = 1024 * 1024

    def counts(c):
        return ", ".join(f"{k} {c[k]}" for k in CATEGORIES)

    def kinds(s):
        return ", ".join(f"{k} {v}" for k, v in sorted(s.items()) if k not in ("total", "faults") and v)
    lines = [
        f"Object drift on moto_server behind the loopback proxy at +{args.delay_ms:g} ms per request; {objects:,} objects in "
        f"{len(SOLUTIONS)} solutions of data-lifecycle with a daily-partitioned stage; one run, load average at the end "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} cores (filling the buckets directly on moto took {fill_seconds:.0f} s).",
        "",
        "| row | tool | wall time (s) | requests | findings | ratio to boto3 |",
        "| --- | --- | ---: | ---: | --- | ---: |",
        f"| a. {objects:,} objects | Get-MlLayoutDrift -Scope Objects, after a small check in the process | {ours['seconds']:.2f} | "
        f"{ours['stats']['total']} ({kinds(ours['stats'])}) | {counts(ours_counts)} | {ours['seconds'] / boto_seconds:.2f} |",
        f"| b. same keys | boto3, 64 threads, one paginator per solution, same rules | {boto_seconds:.2f} | {boto_stats['total']} ({kinds(boto_stats)}) | "
        f"{counts(boto_counts)} | 1.00 |",
        f"| c. 200 objects | Get-MlLayoutDrift -Scope Folders | {small_folders['seconds']:.2f} | {small_folders['stats']['total']} ({kinds(small_folders['stats'])}) | "
        f"{small_folders['findings']} | |",
        f"| c. {objects:,} objects | Get-MlLayoutDrift -Scope Folders | {large_folders['seconds']:.2f} | {large_folders['stats']['total']} ({kinds(large_folders['stats'])}) | "
        f"{large_folders['findings']} | |",
        f"| d. {objects // 10:,} objects | -Scope Objects in a fresh pwsh: peak working set {memory['tenth']['after'] / mib:.0f} MiB "
        f"(after import {memory['tenth']['before'] / mib:.0f} MiB) | {memory['tenth']['seconds']:.2f} | | {memory['tenth']['findings']} (all categories) | |",
        f"| d. {objects:,} objects | -Scope Objects in a fresh pwsh: peak working set {memory['large']['after'] / mib:.0f} MiB "
        f"(after import {memory['large']['before'] / mib:.0f} MiB) | {memory['large']['seconds']:.2f} | | {memory['large']['findings']} (all categories) | |",
        "",
        f"- Findings: planted {counts(expected)}; S3MlLayout and boto3 {'find exactly those' if same else 'DIFFER'}. "
        f"boto3 classified {boto_objects:,} objects.",
        f"- Requests of -Scope Objects: {ours['stats']['total']} = the {large_folders['stats']['total']} reads of -Scope Folders + {object_pages} object "
        f"LIST pages ({ours['stats']['total'] - large_folders['stats']['total']} more requests in all); the budget is ceil({objects:,} / 1000) = "
        f"{math.ceil(objects / 1000)} pages plus the folder reads (pages are counted per solution prefix: "
        f"{len(SOLUTIONS)} x ceil({objects // len(SOLUTIONS):,} / 1000) = {len(SOLUTIONS) * math.ceil(objects / len(SOLUTIONS) / 1000)}).",
        f"- -Scope Folders: {small_folders['stats']['total']} requests at 200 objects, {large_folders['stats']['total']} at {objects:,} "
        f"({'equal' if small_folders['stats']['total'] == large_folders['stats']['total'] else 'NOT EQUAL'}). A Delimiter='/' listing returns a folder's "
        "own objects with its sub-prefixes, 1,000 entries to a page (docs/drift.md, Cost): the date partitions add nothing, but the "
        f"{int(objects * 0.3):,} or so objects lying directly in the unpartitioned stages (raw, processed, monitoring, predictions: data-lifecycle's "
        "seed puts its files there) add a page per 1,000 beyond the first.",
        f"- Peak working set: {memory['tenth']['after'] / mib:.0f} MiB at {objects // 10:,} objects, {memory['large']['after'] / mib:.0f} MiB at {objects:,}.",
    ]
    report = "\n".join(lines)
    print(report)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "object-drift.md"), "w") as f:
        f.write(report + "\n")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
