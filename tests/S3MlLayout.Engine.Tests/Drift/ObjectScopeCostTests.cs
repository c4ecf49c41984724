using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>What -Scope Folders and -Scope Objects cost, and that object checking holds one page, never the keys.</summary>
[Collection(nameof(S3MlLayout.Engine.Tests.Layouts.TimingCollection))] // measures the managed heap
public sealed class ObjectScopeCostTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    public ObjectScopeCostTests(Xunit.Abstractions.ITestOutputHelper output) { _output = output; }

    private static async Task<InMemoryS3Target> BucketWith(int objects)
    {
        var target = new InMemoryS3Target();
        await ContractLayout.ProvisionAsync(target);
        for (int i = 0; i < objects; i++) target.Put($"{ContractLayout.Root}data/raw/2024/01/{1 + i % 28:00}/part-{i:00000}.csv", "x");
        return target;
    }

    [Fact]
    public async Task Folders_scope_costs_the_same_at_200_and_5000_objects_and_Objects_scope_adds_one_request_per_1000_keys()
    {
        using var small = await BucketWith(200);
        using var large = await BucketWith(5000);
        var (smallFindings, smallFolders) = await ContractLayout.DriftAsync(small, DriftScope.Folders);
        var (largeFindings, largeFolders) = await ContractLayout.DriftAsync(large, DriftScope.Folders);
        Assert.Empty(smallFindings);
        Assert.Empty(largeFindings);
        Assert.Equal(smallFolders, largeFolders);

        var (objectFindings, objectRequests) = await ContractLayout.DriftAsync(large, DriftScope.Objects);
        Assert.Empty(objectFindings);
        int keys = large.Keys.Count(k => k.StartsWith(ContractLayout.Root, StringComparison.Ordinal)); // objects and markers
        Assert.True(keys > 5000);
        Assert.Equal(largeFolders + (keys + 999) / 1000, objectRequests);
        _output.WriteLine($"Folders: {smallFolders} requests at 200 objects, {largeFolders} at 5,000; Objects: {objectRequests} for {keys} keys");
    }

    /// <summary>A source of any number of valid objects, made up page by page as a listing would deliver them.</summary>
    private sealed class SyntheticSource : IObjectSource
    {
        private readonly int _objects;
        public SyntheticSource(int objects) { _objects = objects; }
        public string Description => "synthetic";
        public long PeakBytes { get; private set; }

        public DateTime? AsOf => null;
        public string? Report => null;
        public bool VouchesAtEnd => false;

        public async Task ReadAsync(IReadOnlyCollection<string> prefixes, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation)
        {
            for (int start = 0; start < _objects; start += 1000)
            {
                var page = Enumerable.Range(start, Math.Min(1000, _objects - start))
                    .Select(i => new ObjectRecord($"{prefixes.Single()}data/raw/2024/01/05/{new string('k', 150)}-{i:0000000}.csv", 10, "\"etag\"", "STANDARD", DateTime.UtcNow))
                    .ToList();
                await onPage(page);
                if (start % 50_000 == 0) PeakBytes = Math.Max(PeakBytes, GC.GetTotalMemory(forceFullCollection: true));
            }
        }
    }

    [Fact]
    public async Task Objects_are_judged_a_page_at_a_time_so_memory_stays_flat()
    {
        async Task<(long Peak, long Checked, int Findings)> Run(int objects)
        {
            using var target = new InMemoryS3Target();
            var source = new SyntheticSource(objects);
            int findings = 0;
            var check = new ObjectDriftCheck(source, new FindingFactory(target), ObjectRules.All, _ => Interlocked.Increment(ref findings));
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            await check.CheckAsync("churn", ContractLayout.Nodes(), CancellationToken.None);
            return (source.PeakBytes - baseline, check.ObjectsChecked, findings);
        }

        var small = await Run(20_000);
        var large = await Run(200_000);
        Assert.Equal((20_000L, 0), (small.Checked, small.Findings));
        Assert.Equal((200_000L, 0), (large.Checked, large.Findings));
        _output.WriteLine($"managed heap above baseline: {small.Peak:N0} bytes at 20,000 objects, {large.Peak:N0} at 200,000");
        // 200,000 keys of ~190 characters held at once would take well over 70 MB; a page is a few hundred KB.
        Assert.True(large.Peak < 8_000_000, $"peak {large.Peak:N0} bytes above the baseline at 200,000 objects (20,000: {small.Peak:N0})");
    }
}
