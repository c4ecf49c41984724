using System.Text;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Provisioning;

/// <summary>
/// Issue 15, item 3: the contract is part of the declared layout in .s3mllayout/, so a solution is checked against the
/// contract it was provisioned with, Update-MlSolution replaces it, and declarations older than contracts still read.
/// </summary>
public sealed class ContractDeclarationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private static CancellationToken None => CancellationToken.None;

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Targets => new() { "local", "s3" };

    private IStorageTarget Open(string kind)
    {
        if (kind == "s3") return new InMemoryS3Target { Exists = true };
        var target = new LocalDirectoryTarget(new MlBucket { Name = "edge-dev-a001-us-west-2", Kind = StorageKind.Local, LocalPath = _temp.PathOf("edge-dev-a001-us-west-2") });
        target.CreateBucketDirectory();
        return target;
    }

    private static OperationContext Context(IStorageTarget target) => new(target, "Test-Operation", new Dictionary<string, object?> { ["Name"] = "churn" });

    private static async Task AddAsync(IStorageTarget target, LayoutTemplate template)
    {
        var plan = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(template, new[] { "churn" }), None);
        await plan.ApplyAsync(plan.Changes.ToList(), new RecordingSink(), None);
    }

    /// <summary>Each folder's effective contract as text, from the declaration stored in the bucket.</summary>
    private static async Task<Dictionary<string, string>> DeclaredContractsAsync(IStorageTarget target)
    {
        var declared = (await DeclaredLayout.ReadAsync(target, "churn", None))!;
        return Contracts(LayoutExpander.Expand(new LayoutRequest(declared.ToTemplate()) { Solution = "churn", Include = declared.Include }));
    }

    private static Dictionary<string, string> Contracts(IEnumerable<FolderNode> nodes) =>
        nodes.Where(n => n.Contract != null).ToDictionary(n => n.Key, n => Describe(n.Contract!), StringComparer.Ordinal);

    private static string Describe(FolderContract c) =>
        $"{c} files={c.Files} producers={Join(c.Producers)} consumers={Join(c.Consumers)} triggeredBy={Join(c.TriggeredBy)} triggers={Join(c.Triggers)} examples={Join(c.Examples)}";

    private static string Join(IReadOnlyList<string>? list) => list == null ? "-" : string.Join("|", list);

    private static LayoutTemplate Lake(string version, string rawFormats, string extra = "") => TemplateCatalog.Parse($"""
        name: lake
        version: {version}
        folders:
          - name: data
            files: false
            folders:
              - name: raw
                formats: {rawFormats}
                producers: [ingest job]
              - name: curated
                formats: [parquet]
        {extra}
        """, "lake.yaml");

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ProvisionedSolution_DeclarationCarriesEveryFolderContract(string kind)
    {
        using var target = Open(kind);
        var template = TemplateCatalog.GetBuiltIn("master-solution");

        await AddAsync(target, template);

        var expected = Contracts(LayoutExpander.Expand(new LayoutRequest(template) { Solution = "churn" }));
        var declared = await DeclaredContractsAsync(target);
        Assert.Equal(expected.Count, declared.Count);
        Assert.Equal(expected.OrderBy(p => p.Key), declared.OrderBy(p => p.Key));
        Assert.StartsWith(".csv .csv.gz .json", declared["solutions/churn/data/raw/"]);
        string json = Encoding.UTF8.GetString((await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None))!);
        Assert.Contains("\"formats\": [", json);
        Assert.Contains("\"triggeredBy\": [", json);
        // Only what was declared is stored: no computed properties.
        Assert.DoesNotContain("acceptsAnyFormat", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("isEmpty", json, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task DeclarationWithoutContracts_StillReads_AsAnyFormat(string kind)
    {
        using var target = Open(kind);
        // A declaration as the module wrote it before contracts existed.
        const string old = """
            {
              "schema": 1,
              "solution": "churn",
              "template": "simple-ml",
              "templateVersion": "1.0.0",
              "templateSource": "built-in",
              "partitionStyle": "YYYY/MM/DD",
              "style": "kebab-case",
              "include": [],
              "folders": [
                { "name": "dataset", "style": "kebab-case", "optional": false, "folders": [ { "name": "raw", "optional": false } ] },
                { "name": "models", "style": "kebab-case", "optional": false }
              ],
              "bucketFolders": [],
              "renames": [],
              "recordedUtc": "2025-01-01T00:00:00Z",
              "toolVersion": "0.9.0"
            }
            """;
        await target.WriteObjectAsync(DeclaredLayout.KeyFor("churn"), Encoding.UTF8.GetBytes(old), "application/json", None);

        var contracts = await DeclaredContractsAsync(target);

        Assert.Equal(new[] { "solutions/churn/dataset/", "solutions/churn/dataset/raw/", "solutions/churn/models/" }, contracts.Keys.OrderBy(k => k));
        Assert.Equal("any files=False producers=- consumers=- triggeredBy=- triggers=- examples=-", contracts["solutions/churn/dataset/"]);
        Assert.Equal("any files=True producers=- consumers=- triggeredBy=- triggers=- examples=-", contracts["solutions/churn/dataset/raw/"]);
        Assert.Equal("any files=True producers=- consumers=- triggeredBy=- triggers=- examples=-", contracts["solutions/churn/models/"]);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ALaterChangeToTheTemplate_DoesNotChangeAProvisionedSolutionsContract(string kind)
    {
        using var target = Open(kind);
        await AddAsync(target, Lake("1.0.0", "[csv]"));

        // The same name and version, changed in place (as a module upgrade could change a built-in), provisioned again.
        await AddAsync(target, Lake("1.0.0", "[json]"));

        var contracts = await DeclaredContractsAsync(target);
        Assert.StartsWith(".csv files=True producers=ingest job", contracts["solutions/churn/data/raw/"]);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task UpdateMlSolution_ReplacesTheContractsWithTheNewTemplates(string kind)
    {
        using var target = Open(kind);
        await AddAsync(target, Lake("1.0.0", "[csv]"));
        var v2 = Lake("1.1.0", "[csv, csv.gz]", "contracts:\n  data/curated:\n    consumers: [train.py]\n    files: false\n");

        var plan = await UpdateSolutionPlan.CreateAsync(Context(target), v2, "churn", Array.Empty<DateTime>(), false, None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes.ToList(), sink, None);

        Assert.Empty(sink.Errors);
        var contracts = await DeclaredContractsAsync(target);
        Assert.StartsWith(".csv .csv.gz files=True", contracts["solutions/churn/data/raw/"]);
        Assert.Equal(".parquet files=False producers=- consumers=train.py triggeredBy=- triggers=- examples=-", contracts["solutions/churn/data/curated/"]);
        Assert.Equal("1.1.0", (await DeclaredLayout.ReadAsync(target, "churn", None))!.TemplateVersion);
    }
}
