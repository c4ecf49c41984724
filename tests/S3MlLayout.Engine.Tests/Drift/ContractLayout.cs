using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Rules;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Drift;

/// <summary>
/// A small layout whose folders carry contracts, built with the template object model (no YAML): the object rules'
/// tests place keys in it directly, or provision it on the in-memory target and run the whole check.
/// </summary>
internal static class ContractLayout
{
    public const string Root = "solutions/churn/";

    private static FolderContract Formats(params string[] formats) => new() { Formats = formats };

    /// <summary>
    /// data/ (sub-folders only) with raw/ (daily YYYY/MM/DD: .csv .json .xlsx .csv.gz), processed/ (.parquet),
    /// events/ (daily, Hive style: .json) and monthly/ (monthly, any format); models/ (.pkl .joblib .onnx);
    /// docs/ (Files: false, with guides/ taking any format).
    /// </summary>
    public static LayoutTemplate Template()
    {
        var folders = new List<FolderSpec>
        {
            new()
            {
                Name = "data", Folders =
                {
                    new() { Name = "raw", Partition = PartitionGranularity.Daily, Contract = Formats(".csv", ".json", ".xlsx", ".csv.gz") },
                    new() { Name = "processed", Contract = Formats(".parquet") },
                    new() { Name = "events", Partition = PartitionGranularity.Daily, PartitionStyle = PartitionStyle.Hive, Contract = Formats(".json") },
                    new() { Name = "monthly", Partition = PartitionGranularity.Monthly },
                },
            },
            new() { Name = "models", Contract = Formats(".pkl", ".joblib", ".onnx") },
            new() { Name = "docs", Contract = new FolderContract { Files = false }, Folders = { new() { Name = "guides" } } },
        };
        return new LayoutTemplate("contract-test", "1.0.0", null, null, "test", false, PartitionStyle.Ymd, folders,
            new List<FolderSpec>(), new List<RenameMigration>(), new List<string>(), "");
    }

    public static IReadOnlyList<FolderNode> Nodes() => LayoutExpander.Expand(new LayoutRequest(Template()) { Solution = "churn" });

    public static SolutionFolders Folders() => new("churn", Nodes());

    /// <summary>Runs one rule on one key of the layout; null when the key is not placed or the rule says nothing.</summary>
    public static DriftFinding? Check(IObjectRule rule, string relativeKey, long size = 10)
    {
        using var target = new InMemoryS3Target();
        var placement = Folders().Place(new ObjectRecord(Root + relativeKey, size));
        return placement == null ? null : rule.Check(placement, new FindingFactory(target));
    }

    /// <summary>Provisions the layout (markers and declaration) for solution churn on the target.</summary>
    public static async Task ProvisionAsync(InMemoryS3Target target)
    {
        target.Exists = true;
        var context = new OperationContext(target, "Add-MlSolution", new Dictionary<string, object?> { ["Name"] = "churn" });
        var plan = await AddSolutionPlan.CreateAsync(context, new AddSolutionRequest(Template(), new[] { "churn" }), CancellationToken.None);
        await plan.ApplyAsync(plan.Changes.ToList(), new RecordingSink(), CancellationToken.None);
    }

    /// <summary>Runs the whole drift check of solution churn; returns its findings and the requests it sent.</summary>
    public static async Task<(List<DriftFinding> Findings, long Requests)> DriftAsync(InMemoryS3Target target, DriftScope scope, bool verifyContent = false, int concurrency = 16)
    {
        var findings = new List<DriftFinding>();
        long before = target.Requests.Total;
        await new DriftDetector(target, new DriftOptions { Solutions = new[] { "churn" }, Scope = scope, BucketSettings = false, VerifyContent = verifyContent, Concurrency = concurrency },
            f => { lock (findings) findings.Add(f); }).RunAsync(CancellationToken.None);
        return (findings, target.Requests.Total - before);
    }
}
