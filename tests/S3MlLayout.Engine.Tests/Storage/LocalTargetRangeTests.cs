using System.Diagnostics;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Storage;

/// <summary>
/// -VerifyContent's ranged reads on the local target: at most the bytes asked for, from the start or the end, of a
/// regular file inside the bucket directory only (never through a link out of it, never a FIFO).
/// </summary>
public sealed class LocalTargetRangeTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LocalDirectoryTarget _target;

    public LocalTargetRangeTests()
    {
        Directory.CreateDirectory(_temp.PathOf("outside"));
        _target = new LocalDirectoryTarget(new MlBucket { Name = "b", Kind = StorageKind.Local, LocalPath = _temp.PathOf("bucket") });
        _target.CreateBucketDirectory();
        Directory.CreateDirectory(_temp.PathOf("bucket", "data"));
    }

    public void Dispose()
    {
        _target.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Reads_the_first_or_the_last_bytes_and_no_more_one_GET_each()
    {
        File.WriteAllText(_temp.PathOf("bucket", "data", "a.parquet"), "PAR1" + new string('x', 10_000) + "PAR1");
        File.WriteAllText(_temp.PathOf("bucket", "data", "short.csv"), "ab");

        Assert.Equal("PAR1xx", Encoding.ASCII.GetString((await _target.ReadRangeAsync("data/a.parquet", 0, 6, false, default))!));
        Assert.Equal("PAR1", Encoding.ASCII.GetString((await _target.ReadRangeAsync("data/a.parquet", 0, 4, true, default))!));
        Assert.Equal("xxxx", Encoding.ASCII.GetString((await _target.ReadRangeAsync("data/a.parquet", 100, 4, false, default))!));
        Assert.Equal("ab", Encoding.ASCII.GetString((await _target.ReadRangeAsync("data/short.csv", 0, 64, false, default))!));
        Assert.Equal("ab", Encoding.ASCII.GetString((await _target.ReadRangeAsync("data/short.csv", 0, 4, true, default))!));
        Assert.Null(await _target.ReadRangeAsync("data/gone.csv", 0, 64, false, default));
        Assert.Equal(6, _target.Requests.Get);
    }

    [Fact]
    public async Task A_link_leading_out_of_the_bucket_is_never_read()
    {
        File.WriteAllText(_temp.PathOf("outside", "secret.parquet"), "PAR1 secret PAR1");
        File.CreateSymbolicLink(_temp.PathOf("bucket", "data", "x.parquet"), _temp.PathOf("outside", "secret.parquet"));

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => _target.ReadRangeAsync("data/x.parquet", 0, 64, false, default));
        Assert.Equal("PathOutsideBucket", error.ErrorId);
    }

    [Fact]
    public async Task A_FIFO_is_refused_at_once_instead_of_blocking()
    {
        if (OperatingSystem.IsWindows()) return; // no FIFOs in the file system there
        using (var mkfifo = Process.Start("mkfifo", _temp.PathOf("bucket", "data", "pipe.csv"))) mkfifo.WaitForExit();
        var read = Task.Run(() => _target.ReadRangeAsync("data/pipe.csv", 0, 64, false, default));
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))));
        var error = await Assert.ThrowsAsync<MlLayoutException>(() => read);
        Assert.Equal("FileNotRegular", error.ErrorId);
    }
}
