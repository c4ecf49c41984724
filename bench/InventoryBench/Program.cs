using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Storage;

// Usage: InventoryBench <bucket directory> <manifest.json>
// Runs what Get-MlLayoutDrift -Scope Objects -InventoryManifest <manifest.json> runs on a local bucket (the folder
// check, then every row of the report through the object rules) and prints one JSON line: the time, the findings per
// kind, and the process's peak working set. INVENTORY_BENCH_FILES=N reads N data files at once (default: the engine's).
if (args.Length != 2) { Console.Error.WriteLine("usage: InventoryBench <bucket directory> <manifest.json>"); return 2; }
string directory = Path.GetFullPath(args[0]);
var bucket = new MlBucket { Name = Path.GetFileName(directory), Kind = StorageKind.Local, LocalPath = directory };
bucket.Uri = directory + Path.DirectorySeparatorChar;
var watch = Stopwatch.StartNew();
// INVENTORY_BENCH_PART=gunzip|parse|source: only that much of the work, to see where the time goes (steps and rules: below).
string? part = Environment.GetEnvironmentVariable("INVENTORY_BENCH_PART");
if (part == "gunzip" || part == "parse" || part == "source")
{
    var (files, only) = LocalInventoryReports.Open(Path.GetFullPath(args[1]));
    long count = 0;
    if (part == "source")
    {
        new InventorySource(files, only.Manifest).ReadAsync(new[] { "solutions/" }, page => { Interlocked.Add(ref count, page.Count); return System.Threading.Tasks.Task.CompletedTask; }, CancellationToken.None).GetAwaiter().GetResult();
    }
    else foreach (var file in only.Manifest.Files)
    {
        using var stream = files.OpenReadAsync("", file.Key, CancellationToken.None).GetAwaiter().GetResult()!;
        if (part == "gunzip")
        {
            using var gzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            var buffer = new byte[1 << 16];
            int n; while ((n = gzip.Read(buffer, 0, buffer.Length)) > 0) count += n;
        }
        else if (part == "source") { }
        else count += InventoryCsvReader.Read(stream, file, only.Manifest.Schema, file.Key, row => { }, CancellationToken.None);
    }
    Console.WriteLine($"{{\"part\":\"{part}\",\"count\":{count},\"seconds\":{watch.Elapsed.TotalSeconds:0.00}}}");
    return 0;
}
using var target = new LocalDirectoryTarget(bucket);
var (store, report) = LocalInventoryReports.Open(Path.GetFullPath(args[1]));
var source = new InventorySource(store, report.Manifest, int.TryParse(Environment.GetEnvironmentVariable("INVENTORY_BENCH_FILES"), out var parallel) ? parallel : 0);
var findings = new Dictionary<string, int>();
// INVENTORY_BENCH_PART=rules: the rows read into memory first, then the check times only the placing and the rules (one thread).
IObjectSource checkedSource = source;
if (part == "rules")
{
    var (files, only) = LocalInventoryReports.Open(Path.GetFullPath(args[1]));
    var records = new List<ObjectRecord>();
    foreach (var file in only.Manifest.Files)
    {
        using var stream = files.OpenReadAsync("", file.Key, CancellationToken.None).GetAwaiter().GetResult()!;
        InventoryCsvReader.Read(stream, file, only.Manifest.Schema, file.Key, row => records.Add(new ObjectRecord(row.Key, row.Size, storageClass: row.StorageClass)), CancellationToken.None);
    }
    checkedSource = new MemorySource(records);
    // Each step alone over the same records, one thread: where the per-object time goes.
    var names = DriftDetector.DeclaredSolutionsAsync(target, CancellationToken.None).GetAwaiter().GetResult();
    var map = new PrefixMap<SolutionFolders>();
    foreach (var name in names)
    {
        var declared = S3MlLayout.Engine.Provisioning.DeclaredLayout.ReadAsync(target, name, CancellationToken.None).GetAwaiter().GetResult()!;
        var nodes = S3MlLayout.Engine.Layouts.LayoutExpander.Expand(new S3MlLayout.Engine.Layouts.LayoutRequest(declared.ToTemplate()) { Solution = declared.Solution, Include = declared.Include });
        var f = new SolutionFolders(declared.Solution, nodes);
        map.Add(f.Root.Key, f);
    }
    var factory = new S3MlLayout.Engine.Drift.Rules.FindingFactory(target);
    for (int round = 0; round < 2; round++)
    {
        var step = Stopwatch.StartNew();
        long hits = 0;
        foreach (var r in records) if (map.FindFirst(r.Key) != null) hits++;
        double find = step.Elapsed.TotalMilliseconds; step.Restart();
        var placements = new List<ObjectPlacement?>(records.Count);
        foreach (var r in records) placements.Add(map.FindFirst(r.Key)!.Place(r));
        double place = step.Elapsed.TotalMilliseconds - find; step.Restart();
        var timing = new List<string>();
        foreach (var rule in ObjectRules.All)
        {
            step.Restart();
            foreach (var p in placements) if (p != null) rule.Check(p, factory);
            timing.Add($"{rule.GetType().Name} {step.Elapsed.TotalMilliseconds:0} ms");
        }
        Console.Error.WriteLine($"round {round}: find {find:0} ms, find+place {place + find:0} ms, {string.Join(", ", timing)}");
    }
    watch.Restart();
}
// INVENTORY_BENCH_PART=steps: single thread, the first 3 data files, once per step added (CPU time each): where a row's time goes.
if (part == "steps")
{
    var (files, only) = LocalInventoryReports.Open(Path.GetFullPath(args[1]));
    var names = DriftDetector.DeclaredSolutionsAsync(target, CancellationToken.None).GetAwaiter().GetResult();
    var byIndex = new List<SolutionFolders>(); var roots = new List<string>(); var allNodes = new List<S3MlLayout.Engine.Layouts.FolderNode>();
    foreach (var name in names)
    {
        var declared = S3MlLayout.Engine.Provisioning.DeclaredLayout.ReadAsync(target, name, CancellationToken.None).GetAwaiter().GetResult()!;
        var nodes = S3MlLayout.Engine.Layouts.LayoutExpander.Expand(new S3MlLayout.Engine.Layouts.LayoutRequest(declared.ToTemplate()) { Solution = declared.Solution, Include = declared.Include }).ToList();
        allNodes.AddRange(nodes);
        var f = new SolutionFolders(declared.Solution, nodes); byIndex.Add(f); roots.Add(f.Root.Key);
    }
    var map = new PrefixMap<object>();
    for (int i = 0; i < roots.Count; i++) map.Add(roots[i], i);
    var factory = new S3MlLayout.Engine.Drift.Rules.FindingFactory(target);
    var rules = ObjectRules.All.ToArray();
    for (int step = 0; step <= 5; step++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var folders = new ReportFolders(allNodes);
        var record = new ObjectRecord("", 0);
        ObjectPlacement? reused = null;
        long n = 0;
        foreach (var file in only.Manifest.Files.Take(3))
        {
            using var stream = files.OpenReadAsync("", file.Key, CancellationToken.None).GetAwaiter().GetResult()!;
            var partRec = folders.NewPart();
            InventoryCsvReader.Read(stream, file, only.Manifest.Schema, file.Key, row =>
            {
                record.Reuse(row);
                if (step >= 1) partRec.Add(record.KeySpan, row.Size);
                if (step < 2) return;
                int prefix = map.FindFirst(record.KeySpan) is int p ? p : -1;
                if (prefix < 0 || step < 3) return;
                if (record.IsFolderMarker) return;
                var placement = byIndex[prefix].Place(record, reused);
                reused = placement ?? reused;
                if (placement == null || step < 4) return;
                for (int r = 0; r < rules.Length; r++) if (rules[r].Check(placement, factory) != null) n++;
            }, CancellationToken.None);
            folders.Merge(partRec);
        }
        Console.Error.WriteLine($"step {step} (0 parse, 1 +folders, 2 +prefix, 3 +place, 4 +rules, 5 again): {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:0} ms CPU, {n} findings");
    }
    return 0;
}
// INVENTORY_BENCH_PART=folders: the folder check alone (what the object check adds to).
bool foldersOnly = part == "folders";
var detector = new DriftDetector(target, new DriftOptions { Scope = foldersOnly ? DriftScope.Folders : DriftScope.Objects, ObjectSource = foldersOnly ? null : checkedSource }, finding =>
{
    lock (findings) findings[finding.Kind.ToString()] = findings.TryGetValue(finding.Kind.ToString(), out var n) ? n + 1 : 1;
});
var solutions = detector.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
watch.Stop();
using var self = Process.GetCurrentProcess();
self.Refresh();
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
{
    seconds = Math.Round(watch.Elapsed.TotalSeconds, 2),
    rows = source.RowsRead,
    solutions = solutions.Count,
    findings = findings.OrderBy(f => f.Key).ToDictionary(f => f.Key, f => f.Value),
    peak_working_set_mb = Math.Round(self.PeakWorkingSet64 / 1048576.0),
    gc_heap_mb = Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0),
    gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2), allocated_mb = Math.Round(GC.GetTotalAllocatedBytes(true) / 1048576.0),
}));
return 0;

sealed class MemorySource : IObjectSource
{
    private readonly List<ObjectRecord> _records;
    public MemorySource(List<ObjectRecord> records) { _records = records; }
    public string Description => "memory";
    public DateTime? AsOf => null;
    public string? Report => null;
    public bool VouchesAtEnd => true;
    public async System.Threading.Tasks.Task ReadAsync(IReadOnlyCollection<string> prefixes, Func<IReadOnlyList<ObjectRecord>, System.Threading.Tasks.Task> onPage, CancellationToken cancellation)
    {
        for (int i = 0; i < _records.Count; i += 1000) await onPage(_records.GetRange(i, Math.Min(1000, _records.Count - i)));
    }
}
