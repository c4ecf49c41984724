using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;

namespace S3MlLayout.Engine.Tests.Inventory;

/// <summary>
/// Which runtimes read Parquet reports (S3MlLayout.Engine.Parquet is net8.0: PowerShell 7.4+), and the Parquet
/// manifest's fileSchema (a message type with snake_case names) read like a CSV one.
/// </summary>
public sealed class InventoryParquetRuntimeTests
{
    private const string Uri = "s3://inv/inventory/src/daily/2026-12-01T00-00Z/manifest.json";

    [Theory]
    [InlineData(".NET Framework 4.8.9290.0", 4)]   // Windows PowerShell 5.1
    [InlineData(".NET 6.0.36", 6)]                 // PowerShell 7.2
    [InlineData(".NET 7.0.20", 7)]                 // PowerShell 7.3
    public void A_parquet_report_on_a_runtime_that_cannot_load_the_reader_is_refused_with_what_to_do(string framework, int major)
    {
        var e = Assert.Throws<MlLayoutException>(() => InventorySource.EnsureParquetRuntime(framework, new Version(major, 0), Uri));
        Assert.Equal("InventoryParquetNeedsPowerShell7", e.ErrorId);
        Assert.Equal(Uri, e.Target);
        Assert.Contains("PowerShell 7.4", e.Message);
        Assert.Contains("CSV", e.Message);
        Assert.Contains(framework, e.Message);
    }

    [Theory]
    [InlineData(".NET 8.0.11", 8)]
    [InlineData(".NET 10.0.12", 10)]
    public void A_parquet_report_on_net8_or_later_is_read(string framework, int major) =>
        InventorySource.EnsureParquetRuntime(framework, new Version(major, 0), Uri);

    [Fact]
    public void The_parquet_message_schema_of_a_manifest_names_its_fields_like_the_csv_schema()
    {
        var schema = InventorySchema.Parse(
            "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); " +
            "optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); " +
            "optional binary e_tag (UTF8); optional binary storage_class (UTF8);}", Uri);
        Assert.Equal((1, 5, 8, 3, 4, 6, 2), (schema.Key, schema.Size, schema.StorageClass, schema.IsLatest, schema.IsDeleteMarker, schema.LastModified, schema.VersionId));
    }
}
