#!/usr/bin/env python3
"""The performance rows of issue 17, measured in one run on the same files (docs/drift.md, "Inventory reports").

Row 1, a synthetic S3 Inventory report (shared/tools/s3_inventory_fixture.py --synthetic N --rows-per-file 1000000,
seed 1, source big-bucket; written under --reports when absent, reused when present) at 1,000,000 and 10,000,000 rows:

  a. the in-process check as users run it: a fresh `dotnet pwsh` importing the module and running
     Get-MlLayoutDrift -Scope Objects -InventoryManifest <local manifest.json> -Summary on a local bucket that declares
     the synthetic tree (40 solutions); its wall time and peak working set (max RSS, /usr/bin/time). A -Scope Folders
     run of the same process shape gives pwsh's own baseline.
  b. the same engine check alone in a plain .NET process (bench/InventoryBench, net10.0): the check's own peak working
     set, without pwsh's.
  c. DuckDB running Export-MlDriftQuery's findings query on the same files (bench/inventory_sql.py's rewrite and child
     process), and DuckDB running only the two simple rules the issue measured (a date-path regexp and a format suffix
     check over url_decode(key)); time and max RSS of the child.

Row 2 (--moto-objects, default 100,000; 0 skips it): a bucket on moto_server behind bench/s3_proxy.py at +50 ms per
request, populated directly on moto (boto3, threads), its report written by the fixture tool from moto's listing:
-Scope Objects -Inventory against -Scope Objects by listing, findings asserted identical.

    python3 bench/inventory_compare.py                         # both rows
    python3 bench/inventory_compare.py --rows 1000000 --moto-objects 0
Prints a markdown table, the ratios, and the load average (uptime) before and after. 2 cores here: run it alone.
"""
import argparse, glob, json, os, random, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory_sql  # noqa: E402  (the template, the DuckDB rewrite and child)
from run import ROOT, bench_env, free_port, wait_for, start_moto_and_proxy  # noqa: E402

SOURCE = "big-bucket"
MODULE = os.path.join(ROOT, "S3MlLayout.psd1")
SOLUTIONS = [f"solution-{i:02d}" for i in range(40)]


def sh(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def timed(cmd, env=None):
    """Runs a process under /usr/bin/time; returns (stdout, wall seconds, peak RSS MB)."""
    start = time.perf_counter()
    done = sh(["/usr/bin/time", "-f", "MAXRSS %M"] + cmd, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    rss = max(int(l.split()[1]) for l in done.stderr.splitlines() if l.startswith("MAXRSS"))
    return done.stdout, wall, rss / 1024


def pwsh(script, env=None):
    return timed(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], env)


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def report_of(reports, rows):
    """The manifest of the synthetic report of that many rows, written when absent."""
    folder = os.path.join(reports, f"{rows // 1_000_000}m" if rows % 1_000_000 == 0 else str(rows))
    found = sorted(glob.glob(os.path.join(folder, "inventory", SOURCE, "daily", "*", "manifest.json")))
    if found:
        return found[-1]
    start = time.perf_counter()
    out = sh(["python3", inventory_sql.find_tool(), "--synthetic", str(rows), "--rows-per-file", "1000000", "--seed", "1", "--source", SOURCE,
              "--to-dir", folder]).stdout
    print(f"report of {rows:,} rows written in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return os.path.join(folder, json.loads(out.strip().splitlines()[-1])["manifest"])


SUMMARY = ("$sum = @{}; foreach ($p in 'FormatViolation','UnplacedObject','PartitionViolation') { $sum[$p] = [int](($rows | Measure-Object -Property $p -Sum).Sum) }; "
           "[pscustomobject]@{ seconds = $w.Elapsed.TotalSeconds; findings = $sum } | ConvertTo-Json -Compress")

SIMPLE_RULES = r"""SELECT key, CASE WHEN regexp_matches(key, '^solutions/[^/]+/[^/]+/[^/]+/[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}/[^/]+$') THEN 'FormatViolation' ELSE 'PartitionViolation' END AS category
FROM (SELECT url_decode(replace(key, '+', '%20')) AS key FROM {view})
WHERE NOT regexp_matches(key, '^solutions/[^/]+/[^/]+/[^/]+/[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}/[^/]+$')
   OR NOT regexp_matches(key, '\.(csv|json|parquet|joblib)$')"""


def duckdb(lib, work, statements, name):
    path = os.path.join(work, name + ".json")
    json.dump(statements, open(path, "w"))
    out, wall, rss = timed([sys.executable, inventory_sql.__file__, "--child", lib, path])
    got = json.loads(out)
    return {"rows": got["rows"], "query_s": got["seconds"], "process_s": wall, "peak_mb": rss}


def report_row(args, rows, work, harness, lib):
    manifest = report_of(args.reports, rows)
    data = glob.glob(os.path.join(os.path.dirname(os.path.dirname(manifest)), "data", "*.csv.gz"))
    mb = sum(os.path.getsize(f) for f in data) / 1e6
    buckets = os.path.join(work, "buckets")
    get = f"Import-Module '{MODULE}'; $b = Get-MlBucket {SOURCE} -LocalPath '{buckets}'; $w = [Diagnostics.Stopwatch]::StartNew(); "
    out, wall, rss = pwsh(get + f"$rows = @($b | Get-MlLayoutDrift -Scope Objects -InventoryManifest '{manifest}' -Summary -WarningAction SilentlyContinue); $w.Stop(); " + SUMMARY)
    ours = json.loads(out.strip().splitlines()[-1])
    _, base_wall, base_rss = pwsh(get + "$rows = @($b | Get-MlLayoutDrift -Scope Folders -Summary); $w.Stop(); " + SUMMARY)
    out, engine_wall, engine_rss = timed(["dotnet", harness, os.path.join(buckets, SOURCE), manifest])
    engine = json.loads(out.strip().splitlines()[-1])
    # The object findings of both (the folder findings of a synthetic report, which lists no markers, are Implicit and Missing ones).
    objects = ("FormatViolation", "UnplacedObject", "PartitionViolation")
    assert {k: v for k, v in engine["findings"].items() if v and k in objects} == {k: v for k, v in ours["findings"].items() if v}, (engine, ours)

    # DuckDB: the generated findings query, then the two simple rules, over the same files.
    sql_dir = os.path.join(work, f"sql-{rows}")
    sh(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
        f"Import-Module '{MODULE}'; $ErrorActionPreference = 'Stop'; Get-MlBucket {SOURCE} -LocalPath '{buckets}' | Export-MlDriftQuery -InventoryManifest '{manifest}' -Path '{sql_dir}' -Force | Out-Null"], cwd=ROOT)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(manifest)))))  # {root}/inventory/{source}/{config}/{stamp}/
    local = lambda uri: os.path.join(root, uri.split("/", 3)[3])  # s3://{destination}/{key}
    table = inventory_sql.rewrite(open(os.path.join(sql_dir, "inventory-table.sql")).read().rstrip().rstrip(";"), local)
    view = re.search(r'CREATE OR REPLACE VIEW ("[^"]+"\."[^"]+")', table[-1]).group(1)
    full = duckdb(args.lib, work, table + inventory_sql.rewrite(open(os.path.join(sql_dir, "object-findings.sql")).read().rstrip().rstrip(";"), local), f"full-{rows}")
    simple = duckdb(args.lib, work, table + [SIMPLE_RULES.format(view=view)], f"simple-{rows}")
    ours_findings = sum(ours["findings"].values())
    return {"rows": rows, "files": len(data), "mb": round(mb), "pwsh_s": round(ours["seconds"], 2), "pwsh_process_s": round(wall, 2), "pwsh_peak_mb": round(rss),
            "pwsh_folders_peak_mb": round(base_rss), "pwsh_folders_process_s": round(base_wall, 2),
            "engine_s": engine["seconds"], "engine_process_s": round(engine_wall, 2), "engine_peak_mb": round(engine_rss), "findings": ours["findings"],
            "object_findings": ours_findings, "duckdb_full": full, "duckdb_simple": simple}


def moto_row(args, env):
    """-Scope Objects -Inventory against the listing, on moto behind the +50 ms proxy."""
    import boto3
    n = args.moto_objects
    moto, proxy_process, upstream, proxy = start_moto_and_proxy(50)
    try:
        wait_for(f"{upstream}/moto-api/", moto, "moto_server")
        wait_for(f"{proxy}/__proxy/stats", proxy_process, "s3_proxy.py")
        bucket, destination = "invcmp-dev-a001-us-east-1", "invcmp-inventory"
        template = os.path.join(args.work, "synthetic-bench.yaml")
        conn = f"-EndpointUrl {upstream} -ForcePathStyle"
        sh(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
            f"Import-Module '{MODULE}'; $ErrorActionPreference = 'Stop'; New-MlBucket -Name {bucket} -Region us-east-1 {conn} -WarningAction SilentlyContinue | "
            f"Add-MlSolution {', '.join(SOLUTIONS)} -Template '{template}' | Out-Null"], env=env, cwd=ROOT)
        s3 = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        rng = random.Random(1)
        stages = [("data/raw", ".csv"), ("data/interim", ".parquet"), ("data/processed", ".parquet"), ("data/features", ".parquet"), ("data/monitoring", ".json"), ("models/registry", ".joblib")]
        keys = []
        for i in range(n):
            stage, ext = stages[i % len(stages)]
            day = f"2024/{1 + i % 12:02d}/{1 + i % 28:02d}"
            r = rng.random()
            if r < 0.001: ext = ".txt"                      # FormatViolation
            elif r < 0.002: day = "2024/13/01"              # PartitionViolation
            elif r < 0.003: stage, day = "data", None       # UnplacedObject (data/ holds sub-folders only)
            keys.append(f"solutions/{SOLUTIONS[i % 40]}/{stage}/" + (f"{day}/" if day else "") + f"part-{i:07d}{ext}")
        start = time.perf_counter()
        def put(chunk):
            c = boto3.client("s3", endpoint_url=upstream, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
            for k in chunk: c.put_object(Bucket=bucket, Key=k, Body=b"")
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(put, [keys[i::8] for i in range(8)]))
        populate = time.perf_counter() - start
        print(f"moto: {n:,} objects put in {populate:.0f} s", file=sys.stderr)
        s3.create_bucket(Bucket=destination)
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="daily", InventoryConfiguration={
            "Id": "daily", "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
            "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{destination}", "Format": "CSV", "Prefix": "inventory"}}})
        sh([sys.executable, inventory_sql.find_tool(), "--endpoint", upstream, "--source", bucket, "--dest", destination, "--prefix", "inventory"],
           env=dict(env, AWS_ACCESS_KEY_ID="a", AWS_SECRET_ACCESS_KEY="b"))
        comparable = ("$out = @($b | Get-MlLayoutDrift {extra} -WarningAction SilentlyContinue); $w.Stop(); "
                      "$keys = @($out | Where-Object {{ $_.Category -and $_.Category -ne 'BucketSetting' }} | ForEach-Object {{ \"$($_.Category)|$($_.Key)|$($_.Expected)|$($_.Actual)\" }} | Sort-Object); "
                      "[pscustomobject]@{{ seconds = $w.Elapsed.TotalSeconds; findings = $keys; errors = @($Error | ForEach-Object {{ \"$($_.FullyQualifiedErrorId): $_\" }}) }} | ConvertTo-Json -Compress -Depth 3")
        get = f"Import-Module '{MODULE}'; $b = Get-MlBucket {bucket} -Region us-east-1 -EndpointUrl {proxy} -ForcePathStyle -TimeoutSec 600; $w = [Diagnostics.Stopwatch]::StartNew(); "
        out, _, listing_rss = pwsh(get + comparable.format(extra="-Scope Objects"), env)
        listing = json.loads(out.strip().splitlines()[-1])
        out, _, inventory_rss = pwsh(get + comparable.format(extra="-Scope Objects -Inventory"), env)
        inventory = json.loads(out.strip().splitlines()[-1])
        if listing["findings"] != inventory["findings"]:
            a, b = set(listing["findings"] or []), set(inventory["findings"] or [])
            raise SystemExit(f"the inventory check and the listing differ: {len(a)} vs {len(b)} findings; only listed: {sorted(a - b)[:5]}; "
                             f"only in the report: {sorted(b - a)[:5]}; errors: {listing['errors'][:3]} / {inventory['errors'][:3]}")
        assert len(listing["findings"]) > 0
        objects = sum(1 for f in listing["findings"] if f.split("|")[0] in ("FormatViolation", "UnplacedObject", "PartitionViolation"))
        return {"objects": n, "populate_s": round(populate), "listing_s": round(listing["seconds"], 2), "inventory_s": round(inventory["seconds"], 2),
                "speedup": round(listing["seconds"] / inventory["seconds"], 1), "object_findings": objects, "findings": len(listing["findings"]),
                "listing_peak_mb": round(listing_rss), "inventory_peak_mb": round(inventory_rss)}
    finally:
        for p in (proxy_process, moto):
            p.terminate(); p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, action="append", help="rows of the synthetic report (repeatable); default 1,000,000 and 10,000,000")
    ap.add_argument("--reports", default="/tmp/inv", help="where the synthetic reports are kept ({reports}/1m, /10m)")
    ap.add_argument("--work", default="/tmp/s3mllayout-inventory-compare")
    ap.add_argument("--moto-objects", type=int, default=100_000)
    ap.add_argument("--no-reports", action="store_true", help="only the moto row")
    args = ap.parse_args()
    sizes = args.rows or [1_000_000, 10_000_000]
    os.makedirs(args.work, exist_ok=True)
    args.lib = inventory_sql.find_duckdb()
    env = bench_env()
    sh(["dotnet", "tool", "restore"], cwd=ROOT)
    sh(["dotnet", "build", os.path.join(ROOT, "src", "S3MlLayout.PowerShell"), "-c", "Release", "--nologo", "-v", "quiet"])
    harness_dir = os.path.join(args.work, "harness")
    sh(["dotnet", "build", os.path.join(HERE, "InventoryBench"), "-c", "Release", "--nologo", "-v", "quiet", "-o", harness_dir])
    harness = os.path.join(harness_dir, "InventoryBench.dll")
    template = os.path.join(args.work, "synthetic-bench.yaml")
    open(template, "w").write(inventory_sql.TEMPLATE)
    buckets = os.path.join(args.work, "buckets")
    if not os.path.isdir(os.path.join(buckets, SOURCE)):
        os.makedirs(buckets, exist_ok=True)
        sh(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
            f"Import-Module '{MODULE}'; $ErrorActionPreference = 'Stop'; New-MlBucket -Override {SOURCE} -LocalPath '{buckets}' | "
            f"Add-MlSolution {', '.join(SOLUTIONS)} -Template '{template}' | Out-Null"], cwd=ROOT)

    load_before = uptime()
    results = []
    for rows in ([] if args.no_reports else sizes):
        r = report_row(args, rows, args.work, harness, args.lib)
        results.append(r)
        print(json.dumps(r), flush=True)
    moto = moto_row(args, env) if args.moto_objects > 0 else None
    if moto:
        print(json.dumps(moto), flush=True)
    load_after = uptime()

    print("\n| rows | report | Get-MlLayoutDrift in pwsh (check / process) | its peak | pwsh -Scope Folders peak | engine alone (check / process) | its peak | DuckDB generated SQL (query / process) | its peak | DuckDB two simple rules (query / process) | its peak | ours / DuckDB SQL, processes | ours / DuckDB simple, processes (engine) | ours / DuckDB simple, check / query (engine) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        f, s = r["duckdb_full"], r["duckdb_simple"]
        print(f"| {r['rows']:,} | {r['mb']} MB, {r['files']} files | {r['pwsh_s']} s / {r['pwsh_process_s']} s | {r['pwsh_peak_mb']} MB | {r['pwsh_folders_peak_mb']} MB "
              f"| {r['engine_s']} s / {r['engine_process_s']} s | {r['engine_peak_mb']} MB | {f['query_s']:.2f} s / {f['process_s']:.2f} s | {f['peak_mb']:.0f} MB "
              f"| {s['query_s']:.2f} s / {s['process_s']:.2f} s | {s['peak_mb']:.0f} MB | {r['pwsh_process_s'] / f['process_s']:.2f} (engine {r['engine_process_s'] / f['process_s']:.2f}) "
              f"| {r['pwsh_process_s'] / s['process_s']:.2f} (engine {r['engine_process_s'] / s['process_s']:.2f}) "
              f"| {r['pwsh_s'] / s['query_s']:.2f} (engine {r['engine_s'] / s['query_s']:.2f}) |")
    for r in results:
        print(f"{r['rows']:,} rows: findings {r['findings']}; DuckDB generated SQL returned {r['duckdb_full']['rows']} rows, the simple rules {r['duckdb_simple']['rows']}")
    if moto:
        print(f"\n| objects on moto (+50 ms) | -Scope Objects by listing | -Scope Objects -Inventory | speed-up | findings, identical (of them object findings) | peaks |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(f"| {moto['objects']:,} | {moto['listing_s']} s | {moto['inventory_s']} s | {moto['speedup']}x | {moto['findings']} ({moto['object_findings']}) | {moto['listing_peak_mb']} / {moto['inventory_peak_mb']} MB |")
    print(f"\nload before: {load_before}\nload after:  {load_after}\ncores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
