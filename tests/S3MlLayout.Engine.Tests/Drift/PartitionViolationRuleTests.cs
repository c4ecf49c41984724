using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

public sealed class PartitionViolationRuleTests
{
    private static readonly PartitionViolationRule Rule = new();

    [Theory]
    [InlineData("data/raw/a.csv", "no date path")]
    [InlineData("data/raw/2024/13/45/a.csv", "month 13")]
    [InlineData("data/raw/2024/1/5/a.csv", "two-digit month")]
    [InlineData("data/raw/2024/02/30/a.csv", "day 30")]
    [InlineData("data/raw/year=2024/month=01/day=05/a.csv", "Hive style")]
    [InlineData("data/raw/2024/01/a.csv", "stops before the day level")]
    [InlineData("data/raw/2024-01-05/a.csv", "four-digit year")]
    [InlineData("data/raw/misc/a.csv", "four-digit year")]
    [InlineData("data/events/2024/01/05/e.json", "not Hive style")]
    [InlineData("data/events/year=2024/e.json", "stops before the month level")]
    [InlineData("data/monthly/2024/a.bin", "stops before the month level")]
    public void A_file_outside_a_valid_date_path_is_reported(string key, string actual)
    {
        var finding = ContractLayout.Check(Rule, key);
        Assert.NotNull(finding);
        Assert.Equal((DriftCategory.PartitionViolation, ContractLayout.Root + key), (finding!.Kind, finding.Key));
        Assert.Contains(actual, finding.Actual);
        Assert.False(finding.Repairable);
    }

    [Theory]
    [InlineData("data/raw/2024/01/05/a.csv")]
    [InlineData("data/raw/2024/02/29/a.csv")]
    [InlineData("data/raw/2024/01/05/part=3/a.csv")] // below a valid leaf: the producer's business
    [InlineData("data/events/year=2024/month=01/day=05/e.json")]
    [InlineData("data/monthly/2024/12/a.bin")]
    [InlineData("data/processed/x.parquet")] // not partitioned
    [InlineData("data/stray.csv")] // unplaced, not a partition question
    public void A_file_under_a_valid_date_path_or_outside_any_partition_is_not_reported(string key) => Assert.Null(ContractLayout.Check(Rule, key));

    [Fact]
    public void The_fix_gives_the_right_spelling_when_a_date_can_be_read()
    {
        var finding = ContractLayout.Check(Rule, "data/raw/2024-01-05/a.csv")!;
        Assert.Equal("YYYY/MM/DD/ under solutions/churn/data/raw/", finding.Expected);
        Assert.Contains("s3://edge-dev-a001-us-east-1/solutions/churn/data/raw/2024/01/05/a.csv", finding.SuggestedFix);
        var hive = ContractLayout.Check(Rule, "data/raw/year=2024/month=01/day=05/a.csv")!;
        Assert.Contains("data/raw/2024/01/05/a.csv", hive.SuggestedFix);
        Assert.Contains("with its real date", ContractLayout.Check(Rule, "data/raw/a.csv")!.SuggestedFix);
        Assert.Contains("data/raw/2024/01/05/b.csv", ContractLayout.Check(Rule, "data/raw/2024/1/5/b.csv")!.SuggestedFix);
        Assert.Contains("with its real date", ContractLayout.Check(Rule, "data/raw/2024/13/45/b.csv")!.SuggestedFix);
    }

    [Fact]
    public async Task The_whole_check_reports_each_object_beside_the_prefix_finding()
    {
        using var target = new InMemoryS3Target();
        await ContractLayout.ProvisionAsync(target);
        target.Put(ContractLayout.Root + "data/raw/2024/13/01/a.csv", "x");
        target.Put(ContractLayout.Root + "data/raw/2024/01/05/ok.csv", "x");
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects);
        Assert.Equal(new[] { "InvalidPartition solutions/churn/data/raw/2024/13/", "PartitionViolation solutions/churn/data/raw/2024/13/01/a.csv" },
            findings.Select(f => $"{f.Category} {f.Key}").OrderBy(x => x, StringComparer.Ordinal));
    }
}
