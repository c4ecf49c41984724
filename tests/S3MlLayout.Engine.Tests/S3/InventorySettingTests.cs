using System.Text.Json.Nodes;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.Engine.Tests.S3;

/// <summary>
/// Issue 17, item 1: an S3 Inventory configuration as a bucket setting: what a tenant file declares, how a read
/// configuration is compared with it, and how the destination's policy statement is merged.
/// </summary>
public sealed class InventorySettingTests
{
    private const string Head = "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n";

    [Fact]
    public void Tenant_inventory_defaults_to_the_bucket_itself_daily_CSV_current_versions_and_the_rules_fields()
    {
        var dev = TenantCatalog.Parse(Head + "environments: [dev]\nsettings:\n  inventory: true\n", "t.yaml").Single();

        var inventory = dev.ToBucketSettings().Inventory!;
        Assert.Equal(("s3mllayout", "Daily", "CSV", "Current"), (inventory.Id, inventory.Frequency, inventory.Format, inventory.IncludedVersions));
        Assert.Equal(("edge-dev-a001-us-west-2", "inventory"), (inventory.DestinationBucket, inventory.DestinationPrefix));
        Assert.Equal(new[] { "Size", "LastModifiedDate", "StorageClass", "ETag" }, inventory.OptionalFields);
    }

    [Fact]
    public void Tenant_inventory_values_are_spelled_canonically_fields_add_to_the_rules_ones_and_an_environment_can_turn_it_off()
    {
        var specs = TenantCatalog.Parse(Head + "environments:\n  dev:\n  prod:\n    settings:\n      inventory: false\n" +
            "settings:\n  inventory:\n    frequency: weekly\n    format: parquet\n    versions: all\n    id: nightly\n    fields: [etag, IsMultipartUploaded]\n    destination: s3://central-inventory/reports/\n", "t.yaml");

        var dev = specs.Single(s => s.Environment == "dev").ToBucketSettings().Inventory!;
        Assert.Equal(("nightly", "Weekly", "Parquet", "All"), (dev.Id, dev.Frequency, dev.Format, dev.IncludedVersions));
        // The trailing '/' is dropped: S3 would write manifest keys with '//' otherwise.
        Assert.Equal(("central-inventory", "reports"), (dev.DestinationBucket, dev.DestinationPrefix));
        Assert.Equal(new[] { "Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded" }, dev.OptionalFields);
        Assert.Null(specs.Single(s => s.Environment == "prod").ToBucketSettings().Inventory);
    }

    [Fact]
    public void Compare_reports_the_configuration_and_the_policy_and_ignores_the_order_of_fields()
    {
        var want = InventorySpec.Create("src", null, null, null, "s3://dst/inv", null, null);
        var same = InventorySpec.Create("src", null, null, null, "s3://dst/inv", null, null);
        same.OptionalFields.Reverse();
        var desired = new BucketSettings { Inventory = want };

        Assert.Empty(BucketSettings.Compare(desired, new BucketSettings { Inventory = same, InventoryPolicy = true }));

        var allVersions = InventorySpec.Create("src", null, null, null, "s3://dst/inv", null, "All");
        var differences = BucketSettings.Compare(desired, new BucketSettings { Inventory = allVersions, InventoryPolicy = false });
        Assert.Equal(new[] { "Inventory", "InventoryPolicy" }, differences.Select(d => d.Setting));
        Assert.Contains("current versions", differences[0].Expected);
        Assert.Contains("all versions", differences[0].Actual);

        var none = BucketSettings.Compare(desired, new BucketSettings());
        Assert.Equal("(none)", none[0].Actual);
        // Planned as two changes, in the order they are applied.
        Assert.Equal(new[] { "Inventory", "InventoryPolicy" }, S3BucketAdmin.Plan(desired, new BucketSettings()).Select(c => c.Setting));
    }

    [Fact]
    public void Destination_policy_statement_is_added_by_Sid_keeping_every_user_statement_and_is_recognised_by_meaning()
    {
        var inventory = InventorySpec.Create("src-bucket", null, null, null, "s3://dst/inv", null, null);
        const string user = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"UserRead\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::dst/*\"}}";
        Assert.False(S3BucketAdmin.GrantsInventory(user, inventory, "src-bucket", "123456789012"));

        string once = S3BucketAdmin.WithStatement(user, S3BucketAdmin.InventoryStatement(inventory, "src-bucket", "123456789012"));
        string twice = S3BucketAdmin.WithStatement(once, S3BucketAdmin.InventoryStatement(inventory, "src-bucket", "123456789012"));

        Assert.Equal(once, twice);
        var statements = JsonNode.Parse(twice)!["Statement"]!.AsArray();
        Assert.Equal(new[] { "UserRead", "S3MlLayoutInventory-src-bucket" }, statements.Select(s => s!["Sid"]!.ToString()));
        var ours = statements[1]!;
        Assert.Equal("arn:aws:s3:::dst/inv/*", ours["Resource"]!.ToString());
        Assert.Equal("arn:aws:s3:::src-bucket", ours["Condition"]!["ArnLike"]!["aws:SourceArn"]!.ToString());
        Assert.Equal("123456789012", ours["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.ToString());
        Assert.True(S3BucketAdmin.GrantsInventory(twice, inventory, "src-bucket", "123456789012"));
        // Another account, another source, or another prefix is not our statement as it should be.
        Assert.False(S3BucketAdmin.GrantsInventory(twice, inventory, "src-bucket", "999999999999"));
        Assert.False(S3BucketAdmin.GrantsInventory(twice, inventory, "other-bucket", "123456789012"));
        Assert.False(S3BucketAdmin.GrantsInventory(twice, InventorySpec.Create("src-bucket", null, null, null, "s3://dst/elsewhere", null, null), "src-bucket", "123456789012"));
        // S3 may hand a one-item list back for a string: the same statement.
        Assert.True(S3BucketAdmin.GrantsInventory(twice.Replace("\"Action\":\"s3:PutObject\"", "\"Action\":[\"s3:PutObject\"]"), inventory, "src-bucket", "123456789012"));
    }

    [Theory]
    [InlineData("s3://dst", "dst", "inventory")]
    [InlineData("s3://dst/", "dst", "inventory")]
    [InlineData("s3://dst/a/b/", "dst", "a/b")]
    public void Destination_parses_to_a_bucket_and_a_prefix_without_slashes(string text, string bucket, string prefix) =>
        Assert.Equal((bucket, prefix), InventorySpec.ParseDestination(text, "src"));

    [Theory]
    [InlineData("s3://src/solutions/x")]
    [InlineData("s3://src/.s3mllayout/x")]
    [InlineData("src/inventory")]
    public void Destination_refused_where_it_would_mix_with_the_layout_or_is_not_an_s3_uri(string text)
    {
        var error = Assert.Throws<S3MlLayout.Engine.Errors.MlLayoutException>(() => InventorySpec.ParseDestination(text, "src"));
        Assert.Equal("InventoryInvalid", error.ErrorId);
    }
}
