using System.Diagnostics;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Inventory;

/// <summary>
/// A downloaded report's files come from other people: its manifest, checksum and data files are read bounded and
/// only when regular (a device reports length 0 and never ends; a FIFO never answers), for -InventoryManifest and
/// Export-MlDriftQuery alike.
/// </summary>
public sealed class LocalReportFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _stamp;

    public LocalReportFileTests()
    {
        _stamp = _temp.PathOf("inventory", "src-bucket", "daily", "2026-12-01T01-00Z");
        Directory.CreateDirectory(_stamp);
    }

    public void Dispose() => _temp.Dispose();

    private string Manifest => Path.Combine(_stamp, "manifest.json");
    private string Checksum => Path.Combine(_stamp, "manifest.checksum");

    private static void Fifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", path)!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public void A_manifest_that_is_a_device_is_refused_at_once()
    {
        File.CreateSymbolicLink(Manifest, "/dev/zero");
        File.WriteAllText(Checksum, "00000000000000000000000000000000\n");
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<MlLayoutException>(() => LocalInventoryReports.ReadManifest(Manifest));
        Assert.Equal("FileNotRegular", e.ErrorId);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_checksum_that_is_a_fifo_is_refused_without_waiting()
    {
        File.WriteAllText(Manifest, "{}");
        Fifo(Checksum);
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<MlLayoutException>(() => LocalInventoryReports.ReadManifest(Manifest));
        Assert.Equal("FileNotRegular", e.ErrorId);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_data_file_that_is_a_fifo_or_a_device_is_refused_and_small_reads_are_bounded()
    {
        var store = new LocalInventoryReports(_temp.Root);
        Directory.CreateDirectory(_temp.PathOf("inventory", "src-bucket", "daily", "data"));
        Fifo(_temp.PathOf("inventory", "src-bucket", "daily", "data", "pipe.csv.gz"));
        File.CreateSymbolicLink(_temp.PathOf("inventory", "src-bucket", "daily", "data", "zero.csv.gz"), "/dev/zero");
        foreach (var name in new[] { "pipe.csv.gz", "zero.csv.gz" })
        {
            var e = await Assert.ThrowsAsync<MlLayoutException>(() => store.OpenReadAsync("dest", $"inventory/src-bucket/daily/data/{name}", CancellationToken.None));
            Assert.Equal("FileNotRegular", e.ErrorId);
        }
        File.WriteAllBytes(_temp.PathOf("inventory", "src-bucket", "daily", "big.json"), new byte[4096]);
        var tooLarge = await Assert.ThrowsAsync<MlLayoutException>(() => store.ReadSmallAsync("dest", "inventory/src-bucket/daily/big.json", 1024, CancellationToken.None));
        Assert.Equal("InventoryFileTooLarge", tooLarge.ErrorId);
    }
}
