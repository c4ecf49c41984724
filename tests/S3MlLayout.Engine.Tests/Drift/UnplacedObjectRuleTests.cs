using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

public sealed class UnplacedObjectRuleTests
{
    private static readonly UnplacedObjectRule Rule = new();

    [Theory]
    [InlineData("stray.csv", "solutions/churn/")]
    [InlineData("data/stray.csv", "solutions/churn/data/")]
    [InlineData("docs/notes.md", "solutions/churn/docs/")]
    [InlineData("data/ä ö %2B+.parquet", "solutions/churn/data/")]
    public void A_file_where_the_contract_keeps_sub_folders_only_is_unplaced(string key, string folder)
    {
        var finding = ContractLayout.Check(Rule, key);
        Assert.NotNull(finding);
        Assert.Equal((DriftCategory.UnplacedObject, ContractLayout.Root + key, folder), (finding!.Kind, finding.Key, finding.Folder));
        Assert.Contains("sub-folders only", finding.Actual);
        Assert.Contains("Move it into", finding.SuggestedFix);
        Assert.False(finding.Repairable);
    }

    [Fact]
    public void The_fix_names_the_sub_folders_that_accept_the_file()
    {
        var finding = ContractLayout.Check(Rule, "data/train.parquet")!;
        Assert.Contains("s3://edge-dev-a001-us-east-1/solutions/churn/data/processed/", finding.SuggestedFix);
        Assert.DoesNotContain("data/raw/", finding.SuggestedFix); // raw/ takes no .parquet
    }

    [Theory]
    [InlineData("models/m.pkl")]
    [InlineData("models/m.txt")] // a format question, not a placement one
    [InlineData("docs/guides/a.md")]
    [InlineData("data/raw/2024/01/05/a.csv")]
    [InlineData("data/raw/a.csv")] // a partitioned folder takes files in its date leaves: PartitionViolation's business
    public void A_file_in_a_folder_that_takes_files_is_placed(string key) => Assert.Null(ContractLayout.Check(Rule, key));

    [Fact]
    public void A_file_under_an_undeclared_prefix_is_left_to_the_folder_rules()
    {
        // scratch/ is reported once, as Unexpected; its objects are not judged one by one.
        Assert.Null(ContractLayout.Folders().Place(new S3MlLayout.Engine.Drift.Sources.ObjectRecord(ContractLayout.Root + "scratch/a.csv", 1)));
    }

    [Fact]
    public async Task The_whole_check_finds_it_and_never_judges_folder_markers()
    {
        using var target = new InMemoryS3Target();
        await ContractLayout.ProvisionAsync(target);
        target.Put(ContractLayout.Root + "notes.txt", "x");
        target.Put(ContractLayout.Root + "data/raw/2024/01/05/", ""); // a marker someone made for a date: not an object
        var (findings, _) = await ContractLayout.DriftAsync(target, DriftScope.Objects);
        var finding = Assert.Single(findings);
        Assert.Equal((DriftCategory.UnplacedObject, ContractLayout.Root + "notes.txt"), (finding.Kind, finding.Key));
    }
}
