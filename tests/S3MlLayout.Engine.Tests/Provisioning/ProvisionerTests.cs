using System.Collections.Concurrent;
using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Provisioning;

public sealed class ProvisionerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LocalDirectoryTarget _target;

    public ProvisionerTests()
    {
        _target = new LocalDirectoryTarget(new MlBucket { Name = "edge-dev-a001-us-west-2", Kind = StorageKind.Local, LocalPath = _temp.PathOf("bucket") });
        _target.CreateBucketDirectory();
    }

    public void Dispose()
    {
        _target.Dispose();
        _temp.Dispose();
    }

    private static CancellationToken None => CancellationToken.None;

    private static IReadOnlyList<string> MasterKeys(DateTime[]? dates = null) =>
        LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.GetBuiltIn("master-solution")) { Solution = "customer-churn", Dates = dates ?? Array.Empty<DateTime>() }).Select(n => n.Key).ToList();

    private async Task<List<FolderResult>> Execute(FolderProvisioner provisioner, IReadOnlyList<string> keys)
    {
        var results = new ConcurrentQueue<FolderResult>();
        await provisioner.ExecuteAsync(keys, results.Enqueue, None);
        return results.ToList();
    }

    private string DirectoryOf(string key) => Path.Combine(new[] { _temp.PathOf("bucket") }.Concat(key.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToArray());

    // ---- FolderProvisioner -----------------------------------------------------------------------------------

    [Fact]
    public async Task PlanThenExecute_CreatesEveryFolderAndASecondPlanFindsThemAll()
    {
        var keys = MasterKeys(new[] { new DateTime(2024, 1, 1) });
        var provisioner = new FolderProvisioner(_target);

        var plan = await provisioner.PlanAsync(keys, None);
        Assert.Equal(keys.Count, plan.Missing.Count);
        Assert.Empty(plan.Present);

        var results = await Execute(provisioner, plan.Missing);

        Assert.Equal(keys.Count, results.Count);
        Assert.All(results, r => Assert.Equal(FolderOutcome.Created, r.Outcome));
        Assert.All(keys, k => Assert.True(Directory.Exists(DirectoryOf(k)), $"{k} was not created"));
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), results.Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal));

        var second = await provisioner.PlanAsync(keys, None);
        Assert.Empty(second.Missing);
        Assert.Equal(keys.Count, second.Present.Count);
    }

    [Fact]
    public async Task Plan_OrdersParentsFirstAndDropsDuplicates()
    {
        var provisioner = new FolderProvisioner(_target);

        var plan = await provisioner.PlanAsync(new[] { "a/b/c/", "b/", "a/", "a/b/", "a/" }, None);

        Assert.Equal(new[] { "a/", "b/", "a/b/", "a/b/c/" }, plan.Missing);
    }

    [Fact]
    public async Task Plan_SplitsPresentAndMissing()
    {
        Directory.CreateDirectory(DirectoryOf("solutions/churn/data/"));
        var provisioner = new FolderProvisioner(_target);

        var plan = await provisioner.PlanAsync(new[] { "solutions/", "solutions/churn/", "solutions/churn/data/", "solutions/churn/code/" }, None);

        Assert.Equal(new[] { "solutions/", "solutions/churn/", "solutions/churn/data/" }, plan.Present);
        Assert.Equal(new[] { "solutions/churn/code/" }, plan.Missing);
    }

    [Fact]
    public async Task Execute_ReportsCreatedAndAlreadyExists()
    {
        Directory.CreateDirectory(DirectoryOf("solutions/churn/"));
        var provisioner = new FolderProvisioner(_target);

        var results = await Execute(provisioner, new[] { "solutions/", "solutions/churn/", "solutions/churn/data/" });

        var outcomes = results.ToDictionary(r => r.Key, r => r.Outcome);
        Assert.Equal(FolderOutcome.AlreadyExists, outcomes["solutions/"]);
        Assert.Equal(FolderOutcome.AlreadyExists, outcomes["solutions/churn/"]);
        Assert.Equal(FolderOutcome.Created, outcomes["solutions/churn/data/"]);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(_target.Describe("solutions/churn/data/"), results.Single(r => r.Key == "solutions/churn/data/").Uri);
    }

    [Fact]
    public async Task Execute_FileBlockingAFolder_FailsThatFolderAndTheOthersSucceed()
    {
        Directory.CreateDirectory(DirectoryOf("solutions/churn/"));
        File.WriteAllText(DirectoryOf("solutions/churn/data"), "a file where a folder should be");
        var keys = new[] { "solutions/churn/code/", "solutions/churn/data/", "solutions/churn/data/raw/", "solutions/churn/models/", "solutions/churn/models/v1/" };
        var provisioner = new FolderProvisioner(_target);

        var results = (await Execute(provisioner, keys)).ToDictionary(r => r.Key);

        Assert.Equal(keys.Length, results.Count);
        var blocked = results["solutions/churn/data/"];
        Assert.Equal(FolderOutcome.Failed, blocked.Outcome);
        Assert.NotNull(blocked.Error);
        Assert.Equal("FolderCreateFailed", blocked.Error!.ErrorId);
        Assert.Contains("a file of that name exists", blocked.Error.Message);
        // the child of the blocked folder cannot be created either, and says so
        Assert.Equal(FolderOutcome.Failed, results["solutions/churn/data/raw/"].Outcome);
        Assert.Equal("FolderCreateFailed", results["solutions/churn/data/raw/"].Error!.ErrorId);
        // the others go on
        foreach (var key in new[] { "solutions/churn/code/", "solutions/churn/models/", "solutions/churn/models/v1/" })
        {
            Assert.Equal(FolderOutcome.Created, results[key].Outcome);
            Assert.True(Directory.Exists(DirectoryOf(key)));
        }
        Assert.True(File.Exists(DirectoryOf("solutions/churn/data")), "the blocking file must be left alone");
    }

    [Fact]
    public async Task Execute_InvalidKey_IsReportedAsFailedAndTheOthersGoOn()
    {
        // ExecuteAsync: "a failure of one key is reported and the others go on".
        var provisioner = new FolderProvisioner(_target);
        var results = new ConcurrentQueue<FolderResult>();

        var thrown = await Record.ExceptionAsync(() => provisioner.ExecuteAsync(new[] { "ok/", "../escape/", "ok/child/" }, results.Enqueue, None));

        Assert.Null(thrown);
        var byKey = results.ToDictionary(r => r.Key);
        Assert.Equal(FolderOutcome.Failed, byKey["../escape/"].Outcome);
        Assert.Equal("KeyInvalid", byKey["../escape/"].Error!.ErrorId);
        Assert.Equal(FolderOutcome.Created, byKey["ok/"].Outcome);
        Assert.Equal(FolderOutcome.Created, byKey["ok/child/"].Outcome);
        Assert.False(Directory.Exists(_temp.PathOf("escape")));
    }

    [Fact]
    public async Task Execute_WritesParentsBeforeChildren()
    {
        var order = new ConcurrentQueue<string>();
        var provisioner = new FolderProvisioner(_target, concurrency: 8);

        await provisioner.ExecuteAsync(new[] { "a/b/c/", "a/b/", "a/", "x/y/", "x/" }, r => order.Enqueue(r.Key), None);

        var list = order.ToList();
        Assert.Equal(5, list.Count);
        foreach (var key in list)
        {
            int depth = key.Count(c => c == '/');
            int index = list.IndexOf(key);
            Assert.All(list.Take(index), earlier => Assert.True(earlier.Count(c => c == '/') <= depth, $"{earlier} written before {key}"));
        }
    }

    [Fact]
    public async Task Execute_WithConcurrency_CreatesEverything()
    {
        var keys = MasterKeys(new[] { new DateTime(2024, 1, 1), new DateTime(2024, 1, 2) });
        var provisioner = new FolderProvisioner(_target, concurrency: 16);

        var results = await Execute(provisioner, (await provisioner.PlanAsync(keys, None)).Missing);

        Assert.Equal(keys.Count, results.Count(r => r.Outcome == FolderOutcome.Created));
        Assert.Equal(keys.Count, _target.Requests.Put);
    }

    [Fact]
    public async Task Execute_AlreadyCancelled_Throws()
    {
        var provisioner = new FolderProvisioner(_target);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provisioner.ExecuteAsync(new[] { "a/" }, _ => { }, cancel.Token));

        Assert.False(Directory.Exists(DirectoryOf("a/")));
    }

    [Fact]
    public async Task RequestCounter_CountsOneListForThePlanAndOnePutPerFolder()
    {
        var keys = MasterKeys();
        var provisioner = new FolderProvisioner(_target);
        long otherBefore = _target.Requests.Other; // CreateBucketDirectory

        var plan = await provisioner.PlanAsync(keys, None);
        Assert.Equal((1L, 0L), (_target.Requests.List, _target.Requests.Put));

        await Execute(provisioner, plan.Missing);
        Assert.Equal((1L, (long)keys.Count, 0L), (_target.Requests.List, _target.Requests.Put, _target.Requests.Get));

        await provisioner.PlanAsync(keys, None);
        Assert.Equal(2L, _target.Requests.List);
        Assert.Equal(2L + keys.Count + otherBefore, _target.Requests.Total);
    }

    // ---- DeclaredLayout --------------------------------------------------------------------------------------

    private static List<(string Key, FolderKind Kind, string Name, int Depth, NamingStyle Style, PartitionGranularity Partition, PartitionStyle PartitionStyle, string? Description, bool Optional, string TemplatePath)> Shape(IEnumerable<FolderNode> nodes) =>
        nodes.Where(n => n.Kind != FolderKind.Solution) // the solution node carries the template description, which is not declared
             .Select(n => (n.Key, n.Kind, n.Name, n.Depth, n.Style, n.Partition, n.PartitionStyle, n.Description, n.Optional, n.TemplatePath)).ToList();

    [Fact]
    public async Task DeclaredLayout_RoundTripExpandsToTheSameKeys()
    {
        var template = TemplateCatalog.GetBuiltIn("master-solution");
        var dates = new[] { new DateTime(2024, 1, 1), new DateTime(2024, 2, 29) };
        var original = LayoutExpander.Expand(new LayoutRequest(template) { Solution = "customer-churn", Dates = dates, Include = new[] { "/shared" } });

        var declared = DeclaredLayout.From(template, "customer-churn", new[] { "/shared/" });
        await declared.WriteAsync(_target, None);
        var read = await DeclaredLayout.ReadAsync(_target, "customer-churn", None);

        Assert.NotNull(read);
        Assert.True(File.Exists(_temp.PathOf("bucket", ".s3mllayout", "declared", "solutions", "customer-churn.json")));
        Assert.Equal(("customer-churn", "master-solution", "1.0.0", "built-in", "YYYY/MM/DD"), (read!.Solution, read.Template, read.TemplateVersion, read.TemplateSource, read.PartitionStyle));
        Assert.Equal(new[] { "/shared" }, read.Include);

        var roundTripped = read.ToTemplate();
        var again = LayoutExpander.Expand(new LayoutRequest(roundTripped) { Solution = "customer-churn", Dates = dates });

        Assert.Equal(original.Select(n => n.Key), again.Select(n => n.Key));
        Assert.Equal(Shape(original), Shape(again));
        Assert.Contains(again, n => n.Key == "shared/infrastructure/");
    }

    [Fact]
    public async Task DeclaredLayout_RoundTripKeepsRenamesHivePartitionsAndStyles()
    {
        string path = _temp.WriteFile("templates/lake.yaml", """
            name: lake
            version: 3.2.1
            partitionStyle: hive
            style: snake_case
            folders:
              - name: bronze
                partition: daily
                description: Landing zone.
              - name: silver
                partition: monthly
                partitionStyle: YYYY/MM/DD
              - name: web-exports
                style: kebab-case
                folders: [by-day]
              - name: gold_tables
            rename:
              - from: gold
                to: gold_tables
            """);
        var template = TemplateCatalog.LoadFile(path);
        var dates = new[] { new DateTime(2024, 7, 14) };

        var declared = DeclaredLayout.From(template, "lake", Array.Empty<string>());
        await declared.WriteAsync(_target, None);
        var read = (await DeclaredLayout.ReadAsync(_target, "lake", None))!;
        var roundTripped = read.ToTemplate();

        Assert.Equal(PartitionStyle.Hive, roundTripped.PartitionStyle);
        Assert.Equal(new[] { "gold -> gold_tables" }, roundTripped.Renames.Select(r => r.ToString()));
        Assert.Equal(path, roundTripped.Source);
        var original = LayoutExpander.Expand(new LayoutRequest(template) { Dates = dates });
        var again = LayoutExpander.Expand(new LayoutRequest(roundTripped) { Dates = dates });
        Assert.Equal(Shape(original), Shape(again));
        Assert.Contains(again, n => n.Key == "solutions/lake/bronze/year=2024/month=07/day=14/");
        Assert.Contains(again, n => n.Key == "solutions/lake/silver/2024/07/");
    }

    [Fact]
    public void DeclaredLayout_Json_UsesCamelCaseAndOmitsNulls()
    {
        var declared = DeclaredLayout.From(TemplateCatalog.GetBuiltIn("simple-ml"), "churn", Array.Empty<string>());

        string json = Encoding.UTF8.GetString(declared.ToJson());

        Assert.Contains("\"solution\": \"churn\"", json);
        Assert.Contains("\"template\": \"simple-ml\"", json);
        Assert.Contains("\"templateVersion\": \"1.0.0\"", json);
        Assert.DoesNotContain("\"partition\": null", json);
        Assert.Equal(".s3mllayout/declared/solutions/churn.json", DeclaredLayout.KeyFor("churn"));
    }

    [Fact]
    public async Task DeclaredLayout_ReadOfAMissingDeclaration_IsNull()
    {
        Assert.Null(await DeclaredLayout.ReadAsync(_target, "nothing-here", None));
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"folders\": \"not a list\"}")]
    public async Task DeclaredLayout_ReadOfInvalidJson_IsDeclarationInvalid(string content)
    {
        await _target.WriteObjectAsync(DeclaredLayout.KeyFor("broken"), Encoding.UTF8.GetBytes(content), "application/json", None);

        var error = await Assert.ThrowsAsync<MlLayoutException>(() => DeclaredLayout.ReadAsync(_target, "broken", None));

        Assert.Equal("DeclarationInvalid", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(_target.Describe(DeclaredLayout.KeyFor("broken")), error.Target);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public async Task DeclaredBucket_RoundTripsAndRefusesInvalidJson()
    {
        var bucket = new MlBucket { Name = "edge-dev-a001-us-west-2", CompanyPrefix = "edge", Environment = "dev", TenantId = "a001", Region = "us-west-2", CreatedUtc = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        await DeclaredBucket.From(bucket).WriteAsync(_target, None);
        var read = await DeclaredBucket.ReadAsync(_target, None);

        Assert.NotNull(read);
        var copy = new MlBucket { Name = read!.Name };
        read.ApplyTo(copy);
        Assert.Equal(("edge", "dev", "a001", "us-west-2", bucket.CreatedUtc), (copy.CompanyPrefix, copy.Environment, copy.TenantId, copy.Region, copy.CreatedUtc));

        await _target.WriteObjectAsync(DeclaredBucket.Key, Encoding.UTF8.GetBytes("not json"), "application/json", None);
        var error = await Assert.ThrowsAsync<MlLayoutException>(() => DeclaredBucket.ReadAsync(_target, None));
        Assert.Equal("DeclarationInvalid", error.ErrorId);
    }
}
