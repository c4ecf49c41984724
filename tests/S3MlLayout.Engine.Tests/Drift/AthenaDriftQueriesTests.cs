using System.Security.Cryptography;
using System.Text;
using S3MlLayout.Engine.Drift.Athena;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>
/// The text AthenaDriftQueries writes. That the findings query finds what the in-process rules find is shown by
/// running it (tests/S3MlLayout.Module.Tests/AthenaQueryTests.cs, in DuckDB); these check its shape and its inputs.
/// </summary>
public sealed class AthenaDriftQueriesTests
{
    private static readonly IReadOnlyList<(string, IReadOnlyList<S3MlLayout.Engine.Layouts.FolderNode>)> Churn = new[] { ("churn", ContractLayout.Nodes()) };

    private static DriftQueryOptions Options(string fields = "Bucket, Key, Size, StorageClass") => new()
    {
        HiveLocation = "s3://inv/inventory/src/daily/hive/", Fields = AthenaDriftQueries.FieldsOf(fields, "m"), ReportTime = "2024-02-01-00-00", Database = "drift",
    };

    [Theory]
    [InlineData("Bucket", "bucket")]
    [InlineData("Key", "key")]
    [InlineData("VersionId", "version_id")]
    [InlineData("IsLatest", "is_latest")]
    [InlineData("IsDeleteMarker", "is_delete_marker")]
    [InlineData("LastModifiedDate", "last_modified_date")]
    [InlineData("ETag", "e_tag")]
    [InlineData("StorageClass", "storage_class")]
    [InlineData("IsMultipartUploaded", "is_multipart_uploaded")]
    [InlineData("ObjectLockRetainUntilDate", "object_lock_retain_until_date")]
    [InlineData("IntelligentTieringAccessTier", "intelligent_tiering_access_tier")]
    [InlineData("BucketKeyStatus", "bucket_key_status")]
    public void Fields_become_the_column_names_the_S3_documentation_uses(string field, string column) =>
        Assert.Equal(column, AthenaDriftQueries.ColumnOf(field));

    [Fact]
    public void The_table_has_the_report_columns_in_fileSchema_order_over_the_hive_folder_with_dt_projected()
    {
        var queries = AthenaDriftQueries.Generate("my-bucket.x", Churn, Options("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass"));
        Assert.Equal(new[] { "inventory-table", "object-findings", "census" }, queries.Select(q => q.Name));
        string table = queries[0].Sql;
        Assert.StartsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `drift`.`inventory_my_bucket_x` (\n  `bucket` string,\n  `key` string,\n  `version_id` string,\n  `is_latest` string,", table);
        Assert.Contains("PARTITIONED BY (dt string)", table);
        Assert.Contains("INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'", table);
        Assert.Contains("LOCATION 's3://inv/inventory/src/daily/hive/'", table);
        Assert.Contains("'projection.dt.format' = 'yyyy-MM-dd-HH-mm'", table);
        Assert.Contains("'projection.dt.range' = '2023-02-01-00-00,NOW'", table);
        // A report of all versions is narrowed to what a listing sees.
        Assert.Contains("AND \"is_latest\" = 'true'", queries[1].Sql);
        Assert.Contains("AND \"is_delete_marker\" <> 'true'", queries[1].Sql);
        Assert.Contains("FROM \"drift\".\"inventory_my_bucket_x\"", queries[2].Sql);
        Assert.Contains("p.storage_class", queries[2].Sql);
    }

    [Fact]
    public void Objects_are_placed_in_the_deepest_declared_folder_and_every_contract_is_a_literal()
    {
        var findings = AthenaDriftQueries.Generate("b", Churn, Options())[1].Sql;
        // One equality join per folder depth (solutions/churn/ is 2, data/raw/ 4), the deepest found winning.
        Assert.Contains("COALESCE(f4.folder_key, f3.folder_key, f2.folder_key) AS folder_key", findings);
        Assert.Contains("LEFT JOIN folders f4 ON f4.folder_key = (CASE WHEN k.slashes >= 4 THEN split_part(k.object_key, '/', 1) || '/' || split_part(k.object_key, '/', 2) || '/' || " +
                        "split_part(k.object_key, '/', 3) || '/' || split_part(k.object_key, '/', 4) || '/' END)", findings);
        Assert.Contains("('solutions/churn/data/raw/', 'churn', true, 3, false, 'data/raw/', true, '.csv .json .xlsx .csv.gz')", findings);
        Assert.Contains("('solutions/churn/data/events/', 'churn', true, 3, true, 'data/events/', true, '.json')", findings);
        Assert.Contains("('solutions/churn/data/monthly/', 'churn', true, 2, false, 'data/monthly/', false, CAST(NULL AS varchar))", findings); // any format
        Assert.Contains("('solutions/churn/docs/', 'churn', false, 0, false, 'docs/', false, CAST(NULL AS varchar))", findings);
        Assert.Contains("('solutions/churn/data/raw/', '.csv.gz')", findings);
        // .csv.gz has two parts: the names' last two suffixes are looked up too, never more.
        Assert.Contains("AS s2", findings);
        Assert.DoesNotContain("AS s3", findings);
        Assert.Contains("WHERE dt = '2024-02-01-00-00'", findings);
    }

    [Fact]
    public void Without_a_report_time_the_queries_take_dt_as_a_parameter()
    {
        var options = Options();
        options.ReportTime = null;
        var queries = AthenaDriftQueries.Generate("b", Churn, options);
        Assert.Contains("WHERE dt = ?", queries[1].Sql);
        Assert.Contains("'projection.dt.range' = '2016-11-01-00-00,NOW'", queries[0].Sql);
    }

    [Theory]
    [InlineData("https://inv/hive/", null, null, "Bucket, Key", "InventoryLocationInvalid")]
    [InlineData("s3://inv/it's/hive/", null, null, "Bucket, Key", "InventoryLocationInvalid")]
    [InlineData("s3://inv/hive/", "2024-02-01", null, "Bucket, Key", "InventoryReportTimeInvalid")]
    [InlineData("s3://inv/hive/", null, "Bad-Table", "Bucket, Key", "AthenaNameInvalid")]
    [InlineData("s3://inv/hive/", null, null, "Bucket, Key, Key", "InventoryManifestInvalid")]
    [InlineData("s3://inv/hive/", null, null, "Bucket, Key, Sïze", "InventoryManifestInvalid")]
    public void Bad_options_are_refused_with_a_stable_error(string location, string? time, string? table, string fields, string errorId)
    {
        var options = new DriftQueryOptions { HiveLocation = location, ReportTime = time, Table = table, Fields = AthenaDriftQueries.FieldsOf(fields, "m") };
        var error = Assert.Throws<MlLayoutException>(() => AthenaDriftQueries.Generate("b", Churn, options));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Theory]
    [InlineData("CSV", null)]
    [InlineData("Parquet", "InventoryFormatNotSupported")]
    [InlineData("ORC", "InventoryFormatNotSupported")]
    public void A_manifest_gives_the_fields_the_hive_folder_and_the_dt_of_a_CSV_report(string format, string? errorId)
    {
        string json = "{\"sourceBucket\":\"src\",\"destinationBucket\":\"arn:aws:s3:::inv\",\"version\":\"2016-11-30\",\"creationTimestamp\":\"1706745600000\"," +
                      $"\"fileFormat\":\"{format}\",\"fileSchema\":\"Bucket, Key, Size\",\"files\":[{{\"key\":\"inventory/src/daily/data/a.csv.gz\",\"size\":1,\"MD5checksum\":\"00\"}}]}}";
        var bytes = Encoding.UTF8.GetBytes(json);
        var manifest = InventoryManifest.Parse(bytes, Convert.ToHexString(MD5.HashData(bytes)), "m.json");
        if (errorId != null)
        {
            Assert.Equal(errorId, Assert.Throws<MlLayoutException>(() => AthenaDriftQueries.FromManifest(manifest)).ErrorId);
            return;
        }
        var options = AthenaDriftQueries.FromManifest(manifest);
        Assert.Equal("s3://inv/inventory/src/daily/hive/", options.HiveLocation);
        Assert.Equal(new[] { "Bucket", "Key", "Size" }, options.Fields);
        Assert.Equal("2024-02-01-00-00", options.ReportTime);
    }
}
