using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Storage;

/// <summary>
/// The local target never creates, writes, reads, lists or deletes outside its bucket directory, whatever symbolic
/// links lie inside it, and never deletes through a link; a bucket directory reached through a link works normally.
/// </summary>
public sealed class LocalTargetLinkTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LocalDirectoryTarget _target;

    public LocalTargetLinkTests()
    {
        Directory.CreateDirectory(_temp.PathOf("outside"));
        _target = new LocalDirectoryTarget(new MlBucket { Name = "b", Kind = StorageKind.Local, LocalPath = _temp.PathOf("bucket") });
        _target.CreateBucketDirectory();
        Directory.CreateDirectory(_temp.PathOf("bucket", "solutions"));
    }

    public void Dispose()
    {
        _target.Dispose();
        _temp.Dispose();
    }

    private static CancellationToken None => CancellationToken.None;

    private string[] Outside() =>
        Directory.EnumerateFileSystemEntries(_temp.PathOf("outside"), "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_temp.PathOf("outside"), p)).OrderBy(p => p, StringComparer.Ordinal).ToArray();

    private void LinkSolutionOutside() => Directory.CreateSymbolicLink(_temp.PathOf("bucket", "solutions", "churn"), _temp.PathOf("outside"));

    [Fact]
    public async Task CreateFolderMarker_ThroughALinkLeavingTheBucket_IsPathOutsideBucket_AndCreatesNothingThere()
    {
        LinkSolutionOutside();

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.CreateFolderMarkerAsync("solutions/churn/data/", None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Equal(_target.Describe("solutions/churn/data/"), error.Target);
        Assert.Empty(Outside());
    }

    [Fact]
    public async Task FindFolderMarkers_ThroughALinkLeavingTheBucket_IsPathOutsideBucket()
    {
        LinkSolutionOutside();
        Directory.CreateDirectory(_temp.PathOf("outside", "data"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.FindFolderMarkersAsync(new[] { "solutions/", "solutions/churn/data/" }, None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
    }

    [Fact]
    public async Task WriteObject_UnderALinkedMetadataFolder_IsPathOutsideBucket_AndWritesNothingThere()
    {
        Directory.CreateSymbolicLink(_temp.PathOf("bucket", ".s3mllayout"), _temp.PathOf("outside"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.WriteObjectAsync(".s3mllayout/declared/bucket.json", Encoding.UTF8.GetBytes("{}"), "application/json", None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
        Assert.Empty(Outside());
    }

    [Fact]
    public async Task WriteObject_OverADanglingLinkLeavingTheBucket_IsPathOutsideBucket_AndCreatesNoFileThere()
    {
        Directory.CreateDirectory(_temp.PathOf("bucket", ".s3mllayout", "declared"));
        File.CreateSymbolicLink(_temp.PathOf("bucket", ".s3mllayout", "declared", "bucket.json"), _temp.PathOf("outside", "planted.json"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.WriteObjectAsync(".s3mllayout/declared/bucket.json", Encoding.UTF8.GetBytes("{}"), "application/json", None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
        Assert.Empty(Outside());
    }

    [Fact]
    public async Task ReadObject_ThroughALinkLeavingTheBucket_IsPathOutsideBucket()
    {
        File.WriteAllText(_temp.PathOf("outside", "secret.txt"), "secret");
        File.CreateSymbolicLink(_temp.PathOf("bucket", "notes.txt"), _temp.PathOf("outside", "secret.txt"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.ReadObjectAsync("notes.txt", None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
    }

    [Fact]
    public async Task DeleteFolderMarker_ThroughALinkLeavingTheBucket_DeletesNothingThere()
    {
        Directory.CreateDirectory(_temp.PathOf("outside", "old"));
        LinkSolutionOutside();

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.DeleteFolderMarkerAsync(new StoredObject("solutions/churn/old/", 0), None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
        Assert.True(Directory.Exists(_temp.PathOf("outside", "old")));
    }

    [Fact]
    public async Task DeleteFolderMarker_ThroughALinkStayingInTheBucket_IsRefused_AndDeletesNothing()
    {
        Directory.CreateDirectory(_temp.PathOf("bucket", "real", "old"));
        Directory.CreateSymbolicLink(_temp.PathOf("bucket", "solutions", "churn"), _temp.PathOf("bucket", "real"));

        var through = await Assert.ThrowsAsync<MlLayoutException>(() => _target.DeleteFolderMarkerAsync(new StoredObject("solutions/churn/old/", 0), None));
        var link = await Assert.ThrowsAsync<MlLayoutException>(() => _target.DeleteFolderMarkerAsync(new StoredObject("solutions/churn/", 0), None));

        Assert.Equal("PathThroughLink", through.ErrorId);
        Assert.Equal("PathThroughLink", link.ErrorId);
        Assert.True(Directory.Exists(_temp.PathOf("bucket", "real", "old")));
        Assert.True(Directory.Exists(_temp.PathOf("bucket", "solutions", "churn")));
    }

    [Fact]
    public async Task CreateFolderMarker_ThroughALinkStayingInTheBucket_CreatesInTheBucket()
    {
        Directory.CreateDirectory(_temp.PathOf("bucket", "real"));
        Directory.CreateSymbolicLink(_temp.PathOf("bucket", "solutions", "churn"), _temp.PathOf("bucket", "real"));

        Assert.Equal(MarkerOutcome.Created, await _target.CreateFolderMarkerAsync("solutions/churn/data/", None));

        Assert.True(Directory.Exists(_temp.PathOf("bucket", "real", "data")));
    }

    [Fact]
    public async Task List_NeverWalksOutOfTheBucket()
    {
        Directory.CreateDirectory(_temp.PathOf("outside", "data", "raw"));
        File.WriteAllText(_temp.PathOf("outside", "data", "raw", "customers.csv"), "id\n");
        LinkSolutionOutside();

        var recursive = await _target.ListAsync("", delimited: false, None);
        var delimited = await _target.ListAsync("solutions/", delimited: true, None);

        Assert.DoesNotContain(recursive.Objects, o => o.Key.StartsWith("solutions/churn/", StringComparison.Ordinal));
        Assert.DoesNotContain("solutions/churn/", delimited.CommonPrefixes);
        await Assert.ThrowsAsync<MlLayoutException>(() => _target.ListAsync("solutions/churn/", delimited: false, None));
    }

    [Fact]
    public async Task List_Recursive_DoesNotLoopThroughALinkToAnAncestor()
    {
        Directory.CreateDirectory(_temp.PathOf("bucket", "solutions", "churn"));
        Directory.CreateSymbolicLink(_temp.PathOf("bucket", "solutions", "churn", "loop"), _temp.PathOf("bucket", "solutions"));

        var listing = await _target.ListAsync("", delimited: false, None);

        Assert.True(listing.Objects.Count < 10, string.Join(", ", listing.Objects.Select(o => o.Key)));
    }

    [Fact]
    public async Task ABucketDirectoryReachedThroughALink_WorksNormally_DeletesIncluded()
    {
        Directory.CreateDirectory(_temp.PathOf("real-parent"));
        Directory.CreateSymbolicLink(_temp.PathOf("linked-parent"), _temp.PathOf("real-parent"));
        using var target = new LocalDirectoryTarget(new MlBucket { Name = "c", Kind = StorageKind.Local, LocalPath = _temp.PathOf("linked-parent", "c") });

        Assert.True(target.CreateBucketDirectory());
        Assert.Equal(MarkerOutcome.Created, await target.CreateFolderMarkerAsync("solutions/churn/old/", None));
        await target.WriteObjectAsync(".s3mllayout/declared/bucket.json", Encoding.UTF8.GetBytes("{}"), "application/json", None);
        var listing = await target.ListAsync("solutions/", delimited: false, None);
        await target.DeleteFolderMarkerAsync(new StoredObject("solutions/churn/old/", 0), None);

        Assert.Equal(new[] { "solutions/", "solutions/churn/", "solutions/churn/old/" }, listing.Objects.Select(o => o.Key));
        Assert.False(Directory.Exists(_temp.PathOf("real-parent", "c", "solutions", "churn", "old")));
        Assert.True(File.Exists(_temp.PathOf("real-parent", "c", ".s3mllayout", "declared", "bucket.json")));
        Assert.Equal(Path.Combine(_temp.PathOf("linked-parent", "c"), "solutions", "churn") + Path.DirectorySeparatorChar, target.Describe("solutions/churn/"));
    }
}
