using System.Text;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Provisioning;

/// <summary>Get-MlBucket's listing on the local target: the directories that hold bucket.json, filtered, unreadable ones skipped.</summary>
public sealed class ManagedBucketsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private static CancellationToken None => CancellationToken.None;

    public void Dispose() => _temp.Dispose();

    private async Task DeclareAsync(string name, string company, string environment, string tenant)
    {
        var bucket = new MlBucket { Name = name, Kind = StorageKind.Local, LocalPath = _temp.PathOf(name), CompanyPrefix = company, Environment = environment, TenantId = tenant, Region = "us-west-2" };
        using var target = new LocalDirectoryTarget(bucket);
        target.CreateBucketDirectory();
        await DeclaredBucket.From(bucket).WriteAsync(target, None);
    }

    private MlBucket Location() => new() { Name = "", Kind = StorageKind.Local, LocalPath = _temp.Root, Uri = _temp.Root };

    [Fact]
    public async Task Lists_the_directories_that_hold_bucket_json_with_their_declared_parts_sorted_by_name()
    {
        await DeclareAsync("edge-prod-b002-us-west-2", "edge", "prod", "b002");
        await DeclareAsync("edge-dev-a001-us-west-2", "edge", "dev", "a001");
        Directory.CreateDirectory(_temp.PathOf("not-a-bucket", "solutions"));
        _temp.WriteFile("a-file.txt", "x");
        var skipped = new List<string>();

        var buckets = await ManagedBuckets.ListAsync(Location(), new BucketListOptions { Skipped = skipped.Add }, None);

        Assert.Equal(new[] { "edge-dev-a001-us-west-2", "edge-prod-b002-us-west-2" }, buckets.Select(b => b.Name));
        var dev = buckets[0];
        Assert.Equal(StorageKind.Local, dev.Kind);
        Assert.Equal(_temp.PathOf("edge-dev-a001-us-west-2"), dev.LocalPath);
        Assert.Equal(_temp.PathOf("edge-dev-a001-us-west-2") + Path.DirectorySeparatorChar, dev.Uri);
        Assert.Equal(("edge", "dev", "a001", "us-west-2"), (dev.CompanyPrefix, dev.Environment, dev.TenantId, dev.Region));
        Assert.NotNull(dev.CreatedUtc);
        Assert.Null(dev.Settings);
        Assert.Empty(skipped);
    }

    [Fact]
    public async Task The_filter_sees_the_declared_parts()
    {
        await DeclareAsync("edge-prod-b002-us-west-2", "edge", "prod", "b002");
        await DeclareAsync("edge-dev-a001-us-west-2", "edge", "dev", "a001");
        await DeclareAsync("acme-dev-a001-us-west-2", "acme", "dev", "a001");
        var buckets = await ManagedBuckets.ListAsync(Location(), new BucketListOptions { Filter = b => b.Environment == "dev" && b.CompanyPrefix == "edge" }, None);
        Assert.Equal(new[] { "edge-dev-a001-us-west-2" }, buckets.Select(b => b.Name));
    }

    [Fact]
    public async Task A_bucket_json_that_cannot_be_read_is_skipped_with_a_reason_not_an_error()
    {
        await DeclareAsync("edge-dev-a001-us-west-2", "edge", "dev", "a001");
        _temp.WriteFile(Path.Combine("broken-bucket", ".s3mllayout", "declared", "bucket.json"), "{not json");
        var skipped = new List<string>();
        var buckets = await ManagedBuckets.ListAsync(Location(), new BucketListOptions { Skipped = skipped.Add }, None);
        Assert.Equal(new[] { "edge-dev-a001-us-west-2" }, buckets.Select(b => b.Name));
        var line = Assert.Single(skipped);
        Assert.Contains("broken-bucket", line);
        Assert.Contains("DeclarationInvalid", line);
    }

    [Fact]
    public async Task Tags_mark_a_managed_bucket()
    {
        Assert.True(ManagedBuckets.IsManaged(new Dictionary<string, string> { ["managed-by"] = "S3MlLayout" }));
        Assert.False(ManagedBuckets.IsManaged(new Dictionary<string, string> { ["managed-by"] = "terraform" }));
        Assert.False(ManagedBuckets.IsManaged(new Dictionary<string, string>()));
        var bucket = new MlBucket { Name = "x" };
        ManagedBuckets.ApplyTags(bucket, new Dictionary<string, string> { ["company"] = "edge", ["environment"] = "dev", ["tenant"] = "a001" });
        Assert.Equal(("edge", "dev", "a001"), (bucket.CompanyPrefix, bucket.Environment, bucket.TenantId));
        await Task.CompletedTask;
    }
}
