#!/usr/bin/env python3
"""DuckDB running Export-MlDriftQuery's SQL (the object rules and the census) over a synthetic S3 Inventory report.

For comparison with the in-process inventory check on the same files: the time and peak memory (max RSS of the
process that runs the query) of DuckDB executing the generated findings query and the census, after the same
rewrite the tests use (docs/athena.md, tests/S3MlLayout.Module.Tests/Hosting/AthenaToDuckDb.cs, ported below).

  1. writes the report with shared/tools/s3_inventory_fixture.py --synthetic N (kept in --work for later runs);
  2. provisions a local bucket whose 40 solutions declare the synthetic tree (data/{raw,interim,processed,features,
     monitoring}, models/registry; daily, with formats) and runs Export-MlDriftQuery -InventoryManifest (dotnet pwsh);
  3. runs each query in a child process that loads the DuckDB engine the test project restores
     (DuckDB.NET.Bindings.Full's libduckdb.so, through its C API) and reads every result row; one child per run.

  python3 bench/inventory_sql.py --rows 10000000 --rows-per-file 1000000      # the issue's 10M-row report (325 MB)
  python3 bench/inventory_sql.py --rows 1000000 --runs 3
The module must be built (dotnet build -c Release) and the test project restored (its NuGet cache holds libduckdb).
"""
import argparse, ctypes, glob, json, os, re, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = "bench-inventory-bucket"
TEMPLATE = """name: synthetic-bench
version: 1.0.0
style: kebab-case
folders:
  - name: data
    files: false
    folders:
      - name: raw
        partition: daily
        formats: [csv, json]
      - name: interim
        partition: daily
        formats: [parquet]
      - name: processed
        partition: daily
        formats: [parquet]
      - name: features
        partition: daily
        formats: [parquet]
      - name: monitoring
        partition: daily
        formats: [csv, json]
  - name: models
    files: false
    folders:
      - name: registry
        partition: daily
        formats: [joblib]
"""

def find_tool():
    up = os.path.dirname(ROOT)
    while True:
        candidate = os.path.join(up, "shared", "tools", "s3_inventory_fixture.py")
        if os.path.exists(candidate): return candidate
        if os.path.dirname(up) == up: sys.exit("shared/tools/s3_inventory_fixture.py not found beside or above the repository")
        up = os.path.dirname(up)

def find_duckdb():
    """libduckdb.so of exactly the DuckDB.NET version the module test project pins (never another one the cache holds)."""
    project = open(os.path.join(ROOT, "tests", "S3MlLayout.Module.Tests", "S3MlLayout.Module.Tests.csproj")).read()
    pinned = re.search(r'<PackageReference Include="DuckDB\.NET\.Data\.Full" Version="([^"]+)"', project)
    if not pinned: sys.exit("tests/S3MlLayout.Module.Tests pins no DuckDB.NET.Data.Full version")
    home = os.environ.get("NUGET_PACKAGES", os.path.expanduser("~/.nuget/packages"))
    path = os.path.join(home, "duckdb.net.bindings.full", pinned.group(1).lower(), "runtimes", "linux-x64", "native", "libduckdb.so")
    if not os.path.exists(path): sys.exit(f"{path} not found: restore the test project (dotnet restore tests/S3MlLayout.Module.Tests) first")
    return path

# The rewrite of AthenaToDuckDb.cs (docs/athena.md), same three rules.
DDL = re.compile(r"^CREATE EXTERNAL TABLE IF NOT EXISTS `(?P<db>[a-z0-9_]+)`\.`(?P<table>[a-z0-9_]+)` \((?P<columns>[^)]*)\)\s*PARTITIONED BY \(dt string\)[\s\S]*?LOCATION '(?P<location>s3://[^']+)'")

def rewrite(sql, local_path):
    m = DDL.match(sql)
    if m:
        columns = re.findall(r"`([a-z0-9_]+)` string", m.group("columns"))
        hive = local_path(m.group("location"))
        parts = []
        for folder in sorted(glob.glob(os.path.join(hive, "dt=*"))):
            dt = os.path.basename(folder)[3:]
            files = [local_path(l) for l in open(os.path.join(folder, "symlink.txt")).read().splitlines() if l]
            cols = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
            parts.append(f"SELECT *, '{dt}' AS dt FROM read_csv([{', '.join(repr(f) for f in files)}], header = false, delim = ',', quote = '\"', "
                         f"escape = '\"', compression = 'gzip', auto_detect = false, columns = {{{cols}}})")
        return [f'CREATE SCHEMA IF NOT EXISTS "{m.group("db")}"', f'CREATE OR REPLACE VIEW "{m.group("db")}"."{m.group("table")}" AS\n' + "\nUNION ALL\n".join(parts)]
    sql = re.sub(r'\burl_decode\("([a-z0-9_]+)"\)', "url_decode(replace(\"\\1\", '+', '%20'))", sql)
    return [re.sub(r"\bregexp_like\(", "regexp_matches(", sql)]

def child(lib, statements_file):
    """Runs the statements in one in-memory DuckDB; prints the last one's row count and its time."""
    duck = ctypes.CDLL(lib)
    db, con = ctypes.c_void_p(), ctypes.c_void_p()
    assert duck.duckdb_open(None, ctypes.byref(db)) == 0 and duck.duckdb_connect(db, ctypes.byref(con)) == 0
    duck.duckdb_row_count.restype = ctypes.c_uint64
    duck.duckdb_result_error.restype = ctypes.c_char_p
    statements = json.load(open(statements_file))
    result = ctypes.create_string_buffer(128)  # duckdb_result (48 bytes), with room to spare
    rows, took = 0, 0.0
    for i, sql in enumerate(statements):
        start = time.perf_counter()
        state = duck.duckdb_query(con, sql.encode("utf-8"), result)
        took = time.perf_counter() - start
        if state != 0: sys.exit("DuckDB: " + (duck.duckdb_result_error(result) or b"?").decode())
        rows = duck.duckdb_row_count(result)
        duck.duckdb_destroy_result(result)
    print(json.dumps({"rows": rows, "seconds": took}))

def run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0: sys.exit(f"{cmd[0]} failed: {done.stderr[-2000:]}")
    return done.stdout

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000); ap.add_argument("--rows-per-file", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=1); ap.add_argument("--work", default=os.path.join("/tmp", "s3mllayout-inventory-sql"))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(*a.child)
    lib = find_duckdb()
    report = os.path.join(a.work, f"report-{a.rows}-{a.rows_per_file}")
    manifest = glob.glob(os.path.join(report, "inventory", SOURCE, "daily", "*", "manifest.json"))
    if not manifest:
        start = time.perf_counter()
        out = run(["python3", find_tool(), "--synthetic", str(a.rows), "--rows-per-file", str(a.rows_per_file), "--source", SOURCE,
                   "--to-dir", report, "--when", "2024-02-01T00-00Z"])
        manifest = [os.path.join(report, json.loads(out.strip().splitlines()[-1])["manifest"])]
        print(f"report: {a.rows:,} rows written in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(report, "inventory", SOURCE, "daily", "data", "*.csv.gz")))

    sql_dir = os.path.join(a.work, "sql")
    template = os.path.join(a.work, "synthetic-bench.yaml")
    open(template, "w").write(TEMPLATE)
    script = (f"Import-Module '{os.path.join(ROOT, 'S3MlLayout.psd1')}'\n$ErrorActionPreference = 'Stop'\n"
              f"$root = '{os.path.join(a.work, 'buckets')}'; $null = New-Item -ItemType Directory -Force $root\n"
              f"if (-not (Test-Path (Join-Path $root '{SOURCE}'))) {{ New-MlBucket -Override {SOURCE} -LocalPath $root | Add-MlSolution (0..39 | ForEach-Object {{ 'solution-{{0:00}}' -f $_ }}) -Template '{template}' | Out-Null }}\n"
              f"Get-MlBucket {SOURCE} -LocalPath $root | Export-MlDriftQuery -InventoryManifest '{manifest[0]}' -Path '{sql_dir}' -Force | Out-Null\n")
    run(["dotnet", "pwsh", "-NoProfile", "-NonInteractive", "-Command", script], cwd=ROOT)
    local = lambda uri: os.path.join(report, uri[len("s3://local/"):])
    table = rewrite(open(os.path.join(sql_dir, "inventory-table.sql")).read().rstrip().rstrip(";"), local)

    results = []
    for name in ("object-findings", "census"):
        statements = table + rewrite(open(os.path.join(sql_dir, name + ".sql")).read().rstrip().rstrip(";"), local)
        path = os.path.join(a.work, name + ".json"); json.dump(statements, open(path, "w"))
        for _ in range(a.runs):
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", lib, path], stdout=subprocess.PIPE, text=True)
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            if status != 0: sys.exit(f"{name}: the DuckDB child failed")
            got = json.loads(out)
            row = {"query": name, "objects": a.rows, "files": len(glob.glob(os.path.join(report, "inventory", SOURCE, "daily", "data", "*.csv.gz"))),
                   "report_mb": round(size / 1e6), "rows": got["rows"], "query_s": round(got["seconds"], 2), "process_s": round(wall, 2),
                   "peak_rss_mb": round(usage.ru_maxrss / 1024), "cores": os.cpu_count()}
            results.append(row)
            print(json.dumps(row))
    print("\n| query | objects | report | result rows | query time | process time | peak memory |", file=sys.stderr)
    print("|---|---|---|---|---|---|---|", file=sys.stderr)
    for r in results:
        print(f"| {r['query']} | {r['objects']:,} | {r['report_mb']} MB in {r['files']} files | {r['rows']} | {r['query_s']} s | {r['process_s']} s | {r['peak_rss_mb']} MB |", file=sys.stderr)

if __name__ == "__main__":
    main()
