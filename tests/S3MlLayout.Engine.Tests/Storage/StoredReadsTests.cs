using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Storage;

/// <summary>The module's records are read with one listing per folder and a GET only for what exists, with the same results as a GET per key.</summary>
public sealed class StoredReadsTests
{
    private static readonly string[] Declarations = Enumerable.Range(1, 6).Select(i => $".s3mllayout/declared/solutions/s{i}.json").ToArray();
    private static readonly string[] Contracts = Enumerable.Range(1, 6).Select(i => $".s3mllayout/contracts/s{i}.md").ToArray();

    [Fact]
    public async Task Twelve_absent_records_in_two_folders_cost_two_listings_and_no_GET()
    {
        var target = new InMemoryS3Target { Exists = true };

        var reads = await StoredReads.ReadAsync(target, Declarations.Concat(Contracts), CancellationToken.None);

        Assert.Equal(12, reads.Count);
        Assert.All(reads.Values, Assert.Null);
        Assert.Equal(2, target.Requests.List);
        Assert.Equal(0, target.Requests.Get);
    }

    [Fact]
    public async Task Existing_records_are_fetched_with_their_ETag_and_the_others_are_null()
    {
        var target = new InMemoryS3Target { Exists = true };
        target.Put(Declarations[1], "{\"template\":\"a\"}");
        target.Put(Contracts[4], "# s5");
        target.Put(".s3mllayout/contracts/other.md", "not asked for");

        var reads = await StoredReads.ReadAsync(target, Declarations.Concat(Contracts), CancellationToken.None);

        Assert.Equal("{\"template\":\"a\"}", System.Text.Encoding.UTF8.GetString(reads[Declarations[1]]!.Content));
        Assert.False(string.IsNullOrEmpty(reads[Declarations[1]]!.ETag));
        Assert.Equal("# s5", System.Text.Encoding.UTF8.GetString(reads[Contracts[4]]!.Content));
        Assert.Equal(10, reads.Values.Count(v => v == null));
        Assert.DoesNotContain(".s3mllayout/contracts/other.md", reads.Keys);
        Assert.Equal(2, target.Requests.List);
        Assert.Equal(2, target.Requests.Get);
    }

    [Fact]
    public async Task A_folder_of_fewer_keys_than_ListFrom_is_read_key_by_key()
    {
        var target = new InMemoryS3Target { Exists = true };
        target.Put(Contracts[0], "# s1");

        var reads = await StoredReads.ReadAsync(target, Contracts.Take(StoredReads.ListFrom - 1), CancellationToken.None);

        Assert.NotNull(reads[Contracts[0]]);
        Assert.Null(reads[Contracts[1]]);
        Assert.Equal(0, target.Requests.List);
        Assert.Equal(StoredReads.ListFrom - 1, target.Requests.Get);
    }

    [Fact]
    public async Task A_folder_that_fills_a_listing_page_is_read_key_by_key_so_nothing_past_the_page_is_missed()
    {
        var target = new InMemoryS3Target { Exists = true };
        // A page's worth of entries sorts before the records asked for: a truncated listing would not show them.
        for (int i = 0; i < StoredReads.PageEntries; i++) target.Put($".s3mllayout/declared/solutions/a{i:0000}.json", "{}");
        target.Put(Declarations[5], "{\"template\":\"b\"}");

        var reads = await StoredReads.ReadAsync(target, Declarations, CancellationToken.None);

        Assert.NotNull(reads[Declarations[5]]);
        Assert.Equal(1, target.Requests.List);
        Assert.Equal(Declarations.Length, target.Requests.Get);
    }

    [Fact]
    public async Task On_the_local_target_a_record_that_is_a_link_out_of_the_bucket_is_refused_as_a_GET_of_it_is()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.PathOf("outside"));
        File.WriteAllText(temp.PathOf("outside", "secret.md"), "not the bucket's");
        using var target = new LocalDirectoryTarget(new MlBucket { Name = "b", Kind = StorageKind.Local, LocalPath = temp.PathOf("bucket") });
        target.CreateBucketDirectory();
        Directory.CreateDirectory(temp.PathOf("bucket", ".s3mllayout", "contracts"));
        File.CreateSymbolicLink(temp.PathOf("bucket", ".s3mllayout", "contracts", "s3.md"), temp.PathOf("outside", "secret.md"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => StoredReads.ReadAsync(target, Contracts, CancellationToken.None));

        Assert.Equal("PathOutsideBucket", error.ErrorId);
        Assert.Equal(target.Describe(Contracts[2]), error.Target);
    }

    [Fact]
    public async Task On_the_local_target_listed_reads_match_a_GET_per_key()
    {
        using var temp = new TempDirectory();
        using var target = new LocalDirectoryTarget(new MlBucket { Name = "b", Kind = StorageKind.Local, LocalPath = temp.PathOf("bucket") });
        target.CreateBucketDirectory();
        await target.WriteObjectAsync(Contracts[0], "# one"u8.ToArray(), "text/markdown", WriteCondition.None, CancellationToken.None);
        await target.WriteObjectAsync(Contracts[3], "# four"u8.ToArray(), "text/markdown", WriteCondition.None, CancellationToken.None);

        var listed = await StoredReads.ReadAsync(target, Contracts, CancellationToken.None);

        foreach (var key in Contracts)
        {
            var one = await target.ReadObjectWithETagAsync(key, CancellationToken.None);
            Assert.Equal(one?.Content, listed[key]?.Content);
            Assert.Equal(one?.ETag, listed[key]?.ETag);
        }
        Assert.NotNull(listed[Contracts[3]]);
    }
}
