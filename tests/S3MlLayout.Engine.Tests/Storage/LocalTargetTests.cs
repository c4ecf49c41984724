using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Storage;

public sealed class LocalTargetTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LocalDirectoryTarget _target;

    public LocalTargetTests()
    {
        _target = new LocalDirectoryTarget(new MlBucket { Name = "edge-dev-a001-us-west-2", Kind = StorageKind.Local, LocalPath = _temp.PathOf("bucket") });
    }

    public void Dispose()
    {
        _target.Dispose();
        _temp.Dispose();
    }

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public void Constructor_WithoutLocalPath_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LocalDirectoryTarget(new MlBucket { Name = "b", Kind = StorageKind.Local }));
    }

    [Fact]
    public void StorageTargets_OpensALocalBucket()
    {
        using var target = StorageTargets.Open(new MlBucket { Name = "b", Kind = StorageKind.Local, LocalPath = _temp.PathOf("b") });
        Assert.IsType<LocalDirectoryTarget>(target);
        Assert.Equal(1, target.DefaultConcurrency);
    }

    [Fact]
    public async Task CreateBucketDirectory_CreatesItOnceAndCountsIt()
    {
        Assert.False(await _target.BucketExistsAsync(None));

        Assert.True(_target.CreateBucketDirectory());
        Assert.False(_target.CreateBucketDirectory());

        Assert.True(Directory.Exists(_temp.PathOf("bucket")));
        Assert.True(await _target.BucketExistsAsync(None));
        Assert.Equal(3, _target.Requests.Other); // two existence checks and one creation
        Assert.Equal(3, _target.Requests.Total);
    }

    [Fact]
    public void CreateBucketDirectory_WhereAFileIs_IsBucketPathIsFile()
    {
        File.WriteAllText(_temp.PathOf("bucket"), "not a directory");

        var error = Assert.Throws<MlLayoutException>(() => _target.CreateBucketDirectory());

        Assert.Equal("BucketPathIsFile", error.ErrorId);
    }

    [Fact]
    public async Task CreateFolderMarker_CreatesTheDirectoryThenReportsItExists()
    {
        _target.CreateBucketDirectory();

        Assert.Equal(MarkerOutcome.Created, await _target.CreateFolderMarkerAsync("solutions/churn/data/", None));
        Assert.Equal(MarkerOutcome.AlreadyExists, await _target.CreateFolderMarkerAsync("solutions/churn/data/", None));

        Assert.True(Directory.Exists(_temp.PathOf("bucket", "solutions", "churn", "data")));
        Assert.Equal(2, _target.Requests.Put);
    }

    [Fact]
    public async Task CreateFolderMarker_WhereAFileIs_IsFolderCreateFailed()
    {
        _target.CreateBucketDirectory();
        File.WriteAllText(_temp.PathOf("bucket", "data"), "x");

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.CreateFolderMarkerAsync("data/", None));

        Assert.Equal("FolderCreateFailed", error.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, error.Kind);
    }

    [Theory]
    [InlineData("../escape/")]
    [InlineData("a/../../escape/")]
    [InlineData("./here/")]
    public async Task KeysWithDotSegments_AreKeyInvalid(string key)
    {
        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.CreateFolderMarkerAsync(key, None));

        Assert.Equal("KeyInvalid", error.ErrorId);
        Assert.False(Directory.Exists(_temp.PathOf("escape")));
    }

    [Fact]
    public async Task FindFolderMarkers_ReturnsTheExistingOnesWithOneListRequest()
    {
        _target.CreateBucketDirectory();
        Directory.CreateDirectory(_temp.PathOf("bucket", "a", "b"));
        long before = _target.Requests.List;

        var found = await _target.FindFolderMarkersAsync(new[] { "a/", "a/b/", "a/c/", "z/" }, None);

        Assert.Equal(new[] { "a/", "a/b/" }, found.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(before + 1, _target.Requests.List);
    }

    private void MakeTree()
    {
        _target.CreateBucketDirectory();
        Directory.CreateDirectory(_temp.PathOf("bucket", "solutions", "churn", "data", "raw", "2024"));
        Directory.CreateDirectory(_temp.PathOf("bucket", "solutions", "churn", "code"));
        Directory.CreateDirectory(_temp.PathOf("bucket", "solutions", "churn", "models"));
        File.WriteAllText(_temp.PathOf("bucket", "solutions", "churn", "README.md"), "hello");
        File.WriteAllText(_temp.PathOf("bucket", "solutions", "churn", "data", "raw", "customers.csv"), "id\n1\n");
    }

    [Fact]
    public async Task List_Delimited_ReturnsOneLevel()
    {
        MakeTree();

        var listing = await _target.ListAsync("solutions/churn/", delimited: true, None);

        Assert.Equal("solutions/churn/", listing.Prefix);
        Assert.Equal(new[] { "solutions/churn/code/", "solutions/churn/data/", "solutions/churn/models/" }, listing.CommonPrefixes);
        Assert.Equal(new[] { ("solutions/churn/", 0L), ("solutions/churn/README.md", 5L) }, listing.Objects.Select(o => (o.Key, o.Size)));
        Assert.True(listing.Objects[0].IsFolderMarker);
        Assert.False(listing.Objects[1].IsFolderMarker);
    }

    [Fact]
    public async Task List_Recursive_ReturnsEveryObjectAndNoCommonPrefixes()
    {
        MakeTree();

        var listing = await _target.ListAsync("solutions/churn/", delimited: false, None);

        Assert.Empty(listing.CommonPrefixes);
        Assert.Equal(new[]
        {
            "solutions/churn/",
            "solutions/churn/README.md",
            "solutions/churn/code/",
            "solutions/churn/data/",
            "solutions/churn/data/raw/",
            "solutions/churn/data/raw/2024/",
            "solutions/churn/data/raw/customers.csv",
            "solutions/churn/models/",
        }, listing.Objects.Select(o => o.Key));
        Assert.Equal(5, listing.Objects.Single(o => o.Key.EndsWith("customers.csv", StringComparison.Ordinal)).Size);
        Assert.Equal(6, listing.Objects.Count(o => o.IsFolderMarker));
    }

    [Fact]
    public async Task List_OfTheBucketRoot_HasNoMarkerForTheRoot()
    {
        MakeTree();

        var listing = await _target.ListAsync("", delimited: true, None);

        Assert.Empty(listing.Objects);
        Assert.Equal(new[] { "solutions/" }, listing.CommonPrefixes);
    }

    [Fact]
    public async Task List_OfAMissingPrefix_IsEmpty()
    {
        MakeTree();

        var listing = await _target.ListAsync("solutions/nothing/", delimited: false, None);

        Assert.Empty(listing.Objects);
        Assert.Empty(listing.CommonPrefixes);
        Assert.Equal(1, _target.Requests.List);
    }

    [Fact]
    public async Task WriteAndReadObject_RoundTripAndCount()
    {
        var content = Encoding.UTF8.GetBytes("{\"a\":1}");

        await _target.WriteObjectAsync(".s3mllayout/declared/x.json", content, "application/json", None);
        var read = await _target.ReadObjectAsync(".s3mllayout/declared/x.json", None);
        var missing = await _target.ReadObjectAsync(".s3mllayout/declared/none.json", None);

        Assert.Equal(content, read);
        Assert.Null(missing);
        Assert.True(File.Exists(_temp.PathOf("bucket", ".s3mllayout", "declared", "x.json")));
        Assert.Equal((1L, 2L, 0L, 0L), (_target.Requests.Put, _target.Requests.Get, _target.Requests.List, _target.Requests.Other));
        Assert.Equal("LIST 0, PUT 1, GET 2, other 0", _target.Requests.ToString());
    }

    [Fact]
    public void Describe_GivesTheLocalPath()
    {
        string root = _temp.PathOf("bucket");
        char sep = Path.DirectorySeparatorChar;

        Assert.Equal(root + sep, _target.Describe(""));
        Assert.Equal(Path.Combine(root, "solutions", "churn") + sep, _target.Describe("solutions/churn/"));
        Assert.Equal(Path.Combine(root, "a", "b.json"), _target.Describe("a/b.json"));
    }

    [Fact]
    public void RequestCounter_CountsEachKindConcurrently()
    {
        var counter = new RequestCounter();

        Parallel.For(0, 1000, i =>
        {
            switch (i % 4)
            {
                case 0: counter.CountList(); break;
                case 1: counter.CountPut(); break;
                case 2: counter.CountGet(); break;
                default: counter.CountOther(); break;
            }
        });

        Assert.Equal((250L, 250L, 250L, 250L, 1000L), (counter.List, counter.Put, counter.Get, counter.Other, counter.Total));
    }

    [Theory]
    [InlineData("a/", 0, true)]
    [InlineData("a/", 3, false)]
    [InlineData("a", 0, false)]
    public void StoredObject_IsFolderMarker_WhenEmptyAndEndingInSlash(string key, long size, bool marker)
    {
        Assert.Equal(marker, new StoredObject(key, size).IsFolderMarker);
    }
}
