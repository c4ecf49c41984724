using System.Collections.Concurrent;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tests.Drift;
using S3MlLayout.Engine.Tests.Support;
using Xunit.Abstractions;

namespace S3MlLayout.Engine.Tests.Inventory;

/// <summary>
/// InventorySource over a report the fixture tool wrote to a directory (a stand-in for the destination bucket): the
/// object rules see what a listing of the same keys would give them, several data files are read at once with
/// memory flat in the rows, and a report with a missing or damaged file reports nothing.
/// </summary>
[Collection(nameof(S3MlLayout.Engine.Tests.Layouts.TimingCollection))] // measures the managed heap
public sealed class InventorySourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _output;
    public InventorySourceTests(ITestOutputHelper output) { _output = output; }
    public void Dispose() => _temp.Dispose();

    /// <summary>The destination bucket as a directory: keys are paths under it.</summary>
    internal sealed class DirectoryReports : IInventoryReports
    {
        private readonly string _root;
        public DirectoryReports(string root) { _root = root; }
        public int OpenNow;
        public Task<IReadOnlyList<InventoryReportConfiguration>> ListInventoryConfigurationsAsync(CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<InventoryReportConfiguration>>(new List<InventoryReportConfiguration>());
        public Task<IReadOnlyList<string>> ListFoldersAsync(string bucket, string prefix, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<string>>(Directory.EnumerateDirectories(Path.Combine(_root, prefix)).Select(d => prefix + Path.GetFileName(d) + "/").ToList());
        public Task<byte[]?> ReadSmallAsync(string bucket, string key, int maxBytes, CancellationToken cancellation) =>
            Task.FromResult(File.Exists(Path.Combine(_root, key)) ? File.ReadAllBytes(Path.Combine(_root, key)) : null);
        public Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellation)
        {
            string path = Path.Combine(_root, key);
            if (!File.Exists(path)) return Task.FromResult<Stream?>(null);
            Interlocked.Increment(ref OpenNow);
            return Task.FromResult<Stream?>(new CountedStream(path, this));
        }
    }

    /// <summary>A stream that counts the files open at once.</summary>
    private sealed class CountedStream : FileStream
    {
        private readonly DirectoryReports _owner;
        public CountedStream(string path, DirectoryReports owner) : base(path, FileMode.Open, FileAccess.Read) { _owner = owner; }
        protected override void Dispose(bool disposing)
        {
            if (disposing) Interlocked.Decrement(ref _owner.OpenNow);
            base.Dispose(disposing);
        }
    }

    private (DirectoryReports Store, InventoryManifest Manifest) Write(int rows, int rowsPerFile)
    {
        var (manifestKey, written, files) = InventoryFixtureTool.Run("--synthetic", rows.ToString(), "--source", "big", "--to-dir", _temp.Root,
            "--rows-per-file", rowsPerFile.ToString(), "--config", $"c{rows}", "--when", "2026-12-04T00-00Z");
        Assert.Equal(rows, written);
        string path = Path.Combine(_temp.Root, manifestKey);
        var manifest = InventoryManifest.Parse(File.ReadAllBytes(path), File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "manifest.checksum")), path);
        Assert.Equal(files, manifest.Files.Count);
        return (new DirectoryReports(_temp.Root), manifest);
    }

    /// <summary>The fixture's synthetic tree judged against the contract layout, one declared solution per synthetic one.</summary>
    private static List<(string, IEnumerable<FolderNode>)> Solutions() =>
        Enumerable.Range(0, 40).Select(i => ($"solution-{i:00}", (IEnumerable<FolderNode>)LayoutExpander.Expand(new LayoutRequest(ContractLayout.Template()) { Solution = $"solution-{i:00}" }))).ToList();

    private static async Task<(List<DriftFinding> Findings, long Checked, Exception? Error)> Check(DirectoryReports store, InventoryManifest manifest)
    {
        using var target = new InMemoryS3Target();
        var findings = new ConcurrentQueue<DriftFinding>();
        var check = new ObjectDriftCheck(new InventorySource(store, manifest), new FindingFactory(target), ObjectRules.All, findings.Enqueue);
        Exception? error = null;
        try { await check.CheckAsync(Solutions(), CancellationToken.None); }
        catch (MlLayoutException e) { error = e; }
        return (findings.ToList(), check.ObjectsChecked, error);
    }

    [Fact]
    public async Task Data_files_are_read_several_at_once_with_memory_flat_in_the_rows()
    {
        async Task<(long Peak, long Rows, int MostOpen)> Run(int rows)
        {
            var (store, manifest) = Write(rows, rows / 8);
            var source = new InventorySource(store, manifest, parallelFiles: 4);
            long seen = 0, peak = 0, pages = 0;
            int mostOpen = 0;
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            await source.ReadAsync(new[] { "solutions/" }, page =>
            {
                Interlocked.Add(ref seen, page.Count);
                int open = Volatile.Read(ref store.OpenNow);
                int most;
                while (open > (most = Volatile.Read(ref mostOpen)) && Interlocked.CompareExchange(ref mostOpen, open, most) != most) { }
                if (Interlocked.Increment(ref pages) % 25 == 0)
                    lock (source) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                return Task.CompletedTask;
            }, CancellationToken.None);
            Assert.Equal(rows, source.RowsRead);
            return (peak, seen, mostOpen);
        }

        // Other test classes run beside this one on 2 cores: without threads to spare the pool would run the files one
        // after another, whatever the source asks; what is tested is that it asks for several at once.
        ThreadPool.GetMinThreads(out int workers, out int ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), ports);
        (long Peak, long Rows, int MostOpen) small, large;
        try
        {
            small = await Run(16_000);
            large = await Run(160_000);
        }
        finally { ThreadPool.SetMinThreads(workers, ports); }
        _output.WriteLine($"managed heap above baseline: {small.Peak:N0} bytes at 16,000 rows, {large.Peak:N0} at 160,000; at most {large.MostOpen} files open at once");
        Assert.Equal((16_000L, 160_000L), (small.Rows, large.Rows));
        Assert.True(large.MostOpen >= 2, $"at most {large.MostOpen} data file open at once");
        Assert.True(large.MostOpen <= 4);
        // 160,000 keys of ~60 characters held at once would take well over 15 MB; four pages and buffers a few MB.
        Assert.True(large.Peak < 8_000_000, $"peak {large.Peak:N0} bytes above the baseline at 160,000 rows (16,000: {small.Peak:N0})");
    }

    [Fact]
    public async Task A_report_with_a_missing_or_damaged_data_file_reports_nothing()
    {
        var (store, manifest) = Write(40_000, 10_000);
        var sound = await Check(store, manifest);
        Assert.Null(sound.Error);
        // Row 11 is the fixture's first planted stray file (the first data file): one UnplacedObject at least.
        Assert.Contains(sound.Findings, f => f.Key == "solutions/solution-11/stray file 11.csv" && f.Kind == DriftCategory.UnplacedObject);
        Assert.All(sound.Findings, f => Assert.Equal(manifest.Created, f.ReportDate));
        Assert.Equal(40_000, sound.Checked);

        string last = Path.Combine(_temp.Root, manifest.Files.Last().Key);
        var bytes = File.ReadAllBytes(last);
        bytes[4] ^= 0x5A; // the gzip header's time: still valid gzip, same size, another MD5
        File.WriteAllBytes(last, bytes);
        var damaged = await Check(store, manifest);
        Assert.Equal("InventoryFileCorrupt", Assert.IsType<MlLayoutException>(damaged.Error).ErrorId);
        Assert.Empty(damaged.Findings);

        File.Delete(last);
        var missing = await Check(store, manifest);
        Assert.Equal("InventoryFileMissing", Assert.IsType<MlLayoutException>(missing.Error).ErrorId);
        Assert.Equal($"s3://{manifest.DestinationBucket}/{manifest.Files.Last().Key}", ((MlLayoutException)missing.Error!).Target);
        Assert.Empty(missing.Findings);
    }
}
