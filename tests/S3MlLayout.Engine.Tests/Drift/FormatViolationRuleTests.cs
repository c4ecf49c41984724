using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

public sealed class FormatViolationRuleTests
{
    private static readonly FormatViolationRule Rule = new();

    [Theory]
    [InlineData("data/processed/train.csv", ".csv")]
    [InlineData("data/processed/train.PARQUET.bak", ".bak")]
    [InlineData("data/raw/2024/01/05/dump.csv.bz2", ".csv.bz2")]
    [InlineData("data/raw/2024/01/05/README", "no extension")]
    [InlineData("models/model.pt", ".pt")]
    [InlineData("data/events/year=2024/month=01/day=05/e.csv", ".csv")]
    public void A_format_the_folder_does_not_accept_is_reported_with_what_it_accepts(string key, string actual)
    {
        var finding = ContractLayout.Check(Rule, key);
        Assert.NotNull(finding);
        Assert.Equal(DriftCategory.FormatViolation, finding!.Kind);
        Assert.Equal(ContractLayout.Root + key, finding.Key);
        Assert.Equal("s3://edge-dev-a001-us-east-1/" + ContractLayout.Root + key, finding.Uri);
        Assert.Equal(actual, finding.Actual);
        Assert.False(finding.Repairable);
        Assert.StartsWith(finding.Folder!, finding.Key);
    }

    [Theory]
    [InlineData("data/processed/train.parquet")]
    [InlineData("data/processed/TRAIN.Parquet")]
    [InlineData("data/raw/2024/01/05/a b ü %41+x.csv.gz")]
    [InlineData("data/raw/2024/01/05/sales.xlsx")]
    [InlineData("data/monthly/2024/02/anything.weird")]
    [InlineData("docs/guides/notes.md")]
    [InlineData("models/model.onnx")]
    public void An_accepted_format_is_not_reported(string key) => Assert.Null(ContractLayout.Check(Rule, key));

    [Fact]
    public void The_finding_names_the_folder_the_contract_and_a_folder_that_would_take_the_file()
    {
        var finding = ContractLayout.Check(Rule, "data/processed/train.csv")!;
        Assert.Equal(ContractLayout.Root + "data/processed/", finding.Folder);
        Assert.Equal(".parquet", finding.Expected);
        Assert.Contains("Convert it to .parquet", finding.SuggestedFix);
        Assert.Contains("s3://edge-dev-a001-us-east-1/solutions/churn/data/raw/", finding.SuggestedFix);
    }

    [Fact]
    public void A_file_in_no_folder_that_takes_files_is_left_to_UnplacedObject()
    {
        Assert.Null(ContractLayout.Check(Rule, "data/stray.exe"));
        Assert.Null(ContractLayout.Check(Rule, "docs/readme.exe"));
    }

    [Fact]
    public async Task The_whole_check_finds_it_on_the_in_memory_target()
    {
        using var target = new InMemoryS3Target();
        await ContractLayout.ProvisionAsync(target);
        target.Put(ContractLayout.Root + "data/processed/train.csv", "a,b");
        target.Put(ContractLayout.Root + "data/processed/train.parquet", "PAR1");
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects);
        var finding = Assert.Single(findings);
        Assert.Equal((DriftCategory.FormatViolation, ContractLayout.Root + "data/processed/train.csv"), (finding.Kind, finding.Key));
    }
}
