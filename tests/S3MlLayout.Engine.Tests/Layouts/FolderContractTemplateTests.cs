using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Tests.Support;
using static S3MlLayout.Engine.Tests.Support.TemplateAssert;

namespace S3MlLayout.Engine.Tests.Layouts;

/// <summary>Issue 15, item 1: a folder's contract in template YAML (docs/contracts.md), its errors, inheritance and extension.</summary>
public sealed class FolderContractTemplateTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<FolderNode> Expand(LayoutTemplate template, params DateTime[] dates) =>
        LayoutExpander.Expand(new LayoutRequest(template) { Solution = "churn", Dates = dates });

    private static FolderContract ContractOf(IEnumerable<FolderNode> nodes, string key) =>
        Assert.Single(nodes, n => n.Key == "solutions/churn/" + key).Contract!;

    // ---- keys -----------------------------------------------------------------------------------------------

    [Fact]
    public void FolderKeys_AreReadAndFormatsNormalised()
    {
        var template = TemplateCatalog.Parse("""
            name: lake
            version: 1.0.0
            folders:
              - name: raw
                formats: [csv, .JSON, csv.gz, ".tar.gz", csv]
                files: true
                producers: ETL job
                consumers: [data_prep.py, notebooks]
                triggeredBy: [cron]
                triggers: [src/data_prep.py]
                examples: [customers.csv, events.csv.gz]
              - name: scratch
                formats: any
            """, "t.yaml");

        var raw = Folder(template.SolutionFolders, "raw").Contract!;
        Assert.Equal(new[] { ".csv", ".json", ".csv.gz", ".tar.gz" }, raw.Formats);
        Assert.True(raw.Files);
        Assert.Equal(new[] { "ETL job" }, raw.Producers);
        Assert.Equal(new[] { "data_prep.py", "notebooks" }, raw.Consumers);
        Assert.Equal(new[] { "cron" }, raw.TriggeredBy);
        Assert.Equal(new[] { "src/data_prep.py" }, raw.Triggers);
        Assert.Equal(new[] { "customers.csv", "events.csv.gz" }, raw.Examples);
        Assert.Equal(".csv.gz", raw.MatchFormat("events.CSV.GZ"));
        Assert.False(raw.Accepts("model.pkl"));
        var scratch = Folder(template.SolutionFolders, "scratch").Contract!;
        Assert.True(scratch.AcceptsAnyFormat);
        Assert.True(scratch.Accepts("anything.bin"));
        // A folder that says nothing declares no contract: it inherits everything.
        Assert.Null(TemplateCatalog.Parse("name: t\nversion: 1.0.0\nfolders: [a]\n", "t.yaml").SolutionFolders[0].Contract);
    }

    [Theory]
    [InlineData("formats: ['*.csv']", 4, 15, "not a file-name suffix")]
    [InlineData("formats: [data/csv]", 4, 15, "not a file-name suffix")]
    [InlineData("formats: [csv, any]", 4, 20, "stands alone")]
    [InlineData("formats: []", 4, 14, "at least one format")]
    [InlineData("formats: csv", 4, 14, "'any' or a list")]
    [InlineData("formats: [averyveryveryverylongextensionnamex]", 4, 15, "longer than 32")]
    [InlineData("formats: { csv: true }", 4, 14, "must be a list")]
    [InlineData("files: yes", 4, 12, "must be true")]
    [InlineData("producers: { a: b }", 4, 16, "must be a list")]
    [InlineData("examples: [raw/customers.csv]", 4, 15, "without a path")]
    [InlineData("Formats: [csv]", 4, 5, "did you mean 'formats'")]
    public void BadFolderContract_IsRefusedAtItsPosition(string line, int row, int column, string message)
    {
        string errorId = line.StartsWith("Formats", StringComparison.Ordinal) ? "TemplateUnknownKey" : "TemplateInvalidValue";
        var error = Fails($"name: t\nversion: 1.0.0\nfolders:\n  - name: raw\n    {line}\n", errorId, row + 1, column);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ContractLists_AreBounded()
    {
        string formats = string.Join(", ", Enumerable.Range(0, TemplateLimits.MaxContractEntries + 1).Select(i => "f" + i));
        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse($"name: t\nversion: 1.0.0\nfolders:\n  - name: raw\n    formats: [{formats}]\n", "t.yaml"));
        Assert.Equal(("TemplateContractLimit", ErrorKind.LimitsExceeded, 5, 14), (error.ErrorId, error.Kind, error.Line, error.Column));

        string longText = new('x', TemplateLimits.MaxContractText + 1);
        error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse($"name: t\nversion: 1.0.0\nfolders:\n  - name: raw\n    producers: [ok, {longText}]\n", "t.yaml"));
        Assert.Equal(("TemplateContractLimit", ErrorKind.LimitsExceeded, 5, 21), (error.ErrorId, error.Kind, error.Line, error.Column));
    }

    [Fact]
    public void AnExampleTheFolderRefuses_IsTemplateContractInvalid()
    {
        // Seed 001's own contradiction: a CSV example in the Parquet-only interim stage.
        var error = Fails("name: t\nversion: 1.0.0\nfolders:\n  - name: interim\n    formats: [parquet]\n    examples: [cleaned.parquet, filtered_sales.csv]\n", "TemplateContractInvalid", 4, 5);
        Assert.Contains("'filtered_sales.csv'", error.Message);
        Assert.Contains("(.parquet)", error.Message);
        // Inherited formats count: the child's example is judged by its parent's formats.
        Fails("name: t\nversion: 1.0.0\nfolders:\n  - name: data\n    formats: [parquet]\n    folders:\n      - name: raw\n        examples: [a.csv]\n", "TemplateContractInvalid", 7, 9);
        Fails("name: t\nversion: 1.0.0\nfolders:\n  - name: data\n    files: false\n    examples: [a.csv]\n", "TemplateContractInvalid", 4, 5);
    }

    // ---- inheritance ----------------------------------------------------------------------------------------

    [Fact]
    public void Children_InheritWhatTheyDoNotOverride_AndDateLevelsCarryTheirFolders()
    {
        var template = TemplateCatalog.Parse("""
            name: lake
            version: 1.0.0
            folders:
              - name: data
                formats: [parquet]
                producers: [etl]
                examples: [a.parquet]
                folders:
                  - name: raw
                    partition: daily
                    formats: [csv]
                    folders: [archive]
                  - name: curated
                  - name: sealed
                    files: false
                    folders: [inner]
              - name: free
            """, "t.yaml");

        var nodes = Expand(template, new DateTime(2024, 1, 31));

        var data = ContractOf(nodes, "data/");
        Assert.False(data.Files); // it has sub-folders
        var raw = ContractOf(nodes, "data/raw/");
        Assert.Equal(new[] { ".csv" }, raw.Formats);
        Assert.Equal(new[] { "etl" }, raw.Producers);
        Assert.True(raw.Files); // date-partitioned: files in its date leaves
        Assert.Null(raw.Examples); // examples belong to the folder naming them
        Assert.Equal(new[] { ".csv" }, ContractOf(nodes, "data/raw/archive/").Formats);
        Assert.Equal(new[] { ".csv" }, ContractOf(nodes, "data/raw/2024/01/31/").Formats);
        Assert.True(ContractOf(nodes, "data/raw/2024/01/31/").Files);
        Assert.Equal(new[] { ".parquet" }, ContractOf(nodes, "data/curated/").Formats);
        Assert.True(ContractOf(nodes, "data/curated/").Files);
        Assert.False(ContractOf(nodes, "data/sealed/").Files);
        Assert.True(ContractOf(nodes, "data/sealed/inner/").Files); // files: is not inherited
        Assert.True(ContractOf(nodes, "free/").AcceptsAnyFormat);
        Assert.Null(Assert.Single(nodes, n => n.Kind == FolderKind.Solution).Contract);
    }

    // ---- extension ------------------------------------------------------------------------------------------

    [Fact]
    public void ExtendingTemplate_ChangesAContractWithoutRestatingTheTree()
    {
        var template = TemplateCatalog.Parse("""
            name: churn-lifecycle
            version: 1.0.0
            extends: data-lifecycle
            add:
              - under: data
                folders:
                  - name: external
                    formats: [json]
            rename:
              - from: data/predictions
                to: scores
            contracts:
              data/interim:
                formats: [parquet, csv]
                examples: [cleaned_customers.parquet, filtered_sales.csv]
              data/scores:
                consumers: [finance dashboards]
              data/external:
                files: false
            """, "t.yaml");

        var nodes = Expand(template);
        var interim = ContractOf(nodes, "data/interim/");
        Assert.Equal(new[] { ".parquet", ".csv" }, interim.Formats);
        Assert.True(interim.Accepts("filtered_sales.csv"));
        // What the overlay does not name is the base template's.
        Assert.Equal(new[] { "data_prep.py" }, interim.Producers);
        var scores = ContractOf(nodes, "data/scores/");
        Assert.Equal(new[] { "finance dashboards" }, scores.Consumers);
        Assert.Equal(new[] { ".csv", ".json", ".parquet" }, scores.Formats);
        Assert.False(ContractOf(nodes, "data/external/").Files);
        Assert.Equal(new[] { ".json" }, ContractOf(nodes, "data/external/").Formats);
        // The base template itself is unchanged.
        Assert.Equal(new[] { ".parquet" }, Folder(TemplateCatalog.GetBuiltIn("data-lifecycle").SolutionFolders, "data/interim").Contract!.Formats);
    }

    [Fact]
    public void ContractsEntry_Errors_NameTheirPosition()
    {
        const string head = "name: t\nversion: 1.0.0\nextends: data-lifecycle\ncontracts:\n";
        Fails(head + "  data/nowhere:\n    formats: [csv]\n", "TemplatePathNotFound", 5, 3);
        Fails(head + "  data/raw:\n    name: x\n", "TemplateUnknownKey", 6, 5);
        Fails(head + "  data/raw: [csv]\n", "TemplateInvalidValue", 5, 13);
        Fails(head + "  - data/raw\n", "TemplateInvalidValue", 5, 3);
        Fails(head + "  /:\n    formats: [csv]\n", "TemplateInvalidValue", 5, 3);
        // An overlay whose examples its folder refuses points at the overlay.
        Fails(head + "  data/interim:\n    examples: [x.csv]\n", "TemplateContractInvalid", 5, 3);
    }

    [Fact]
    public void TenantInlineTemplate_ReachesContracts()
    {
        var spec = Assert.Single(TenantCatalog.Parse("""
            companyPrefix: techcorp
            tenantId: c001
            regions: [us-west-2]
            environments: [dev]
            template:
              name: techcorp-lifecycle
              version: 1.0.0
              extends: data-lifecycle
              contracts:
                data/raw:
                  formats: [csv, xml]
                  examples: [customers.csv, orders.xml]
            """, _temp.PathOf("t.yaml")));

        var raw = ContractOf(Expand(Assert.IsType<LayoutTemplate>(spec.Template)), "data/raw/");
        Assert.Equal(new[] { ".csv", ".xml" }, raw.Formats);

        // Narrowing the formats leaves the base's example transactions.json refused: the overlay must say which examples fit.
        var narrowed = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(
            "companyPrefix: techcorp\ntenantId: c001\nregions: [us-west-2]\nenvironments: [dev]\ntemplate:\n  name: t\n  version: 1.0.0\n  extends: data-lifecycle\n  contracts:\n    data/raw:\n      formats: [csv]\n",
            _temp.PathOf("t.yaml")));
        Assert.Equal(("TemplateContractInvalid", 10, 5), (narrowed.ErrorId, narrowed.Line, narrowed.Column));
        Assert.Contains("'transactions.json'", narrowed.Message);

        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(
            "companyPrefix: techcorp\ntenantId: c001\nregions: [us-west-2]\nenvironments: [dev]\ntemplate:\n  name: t\n  version: 1.0.0\n  extends: data-lifecycle\n  contracts:\n    data/raw:\n      files: maybe\n",
            _temp.PathOf("t.yaml")));
        Assert.Equal(("TemplateInvalidValue", 11, 14), (error.ErrorId, error.Line, error.Column));
        Assert.Equal(_temp.PathOf("t.yaml"), error.File);
    }

    // ---- the locator the drift side can use -----------------------------------------------------------------

    [Fact]
    public void FolderLocator_FindsTheDeepestDeclaredFolder_AndLeavesTheDatePathInTheRest()
    {
        var nodes = Expand(TemplateCatalog.GetBuiltIn("master-solution"), new DateTime(2024, 1, 1));
        var locator = new FolderLocator(nodes);

        var raw = locator.Locate("solutions/churn/data/raw/2024/01/01/customers.csv")!.Value;
        Assert.Equal(("solutions/churn/data/raw/", "2024/01/01/customers.csv"), (raw.Folder.Key, raw.Rest));
        var archive = locator.Locate("solutions/churn/data/raw/archive/old.csv")!.Value;
        Assert.Equal(("solutions/churn/data/raw/archive/", "old.csv"), (archive.Folder.Key, archive.Rest));
        var stray = locator.Locate("solutions/churn/data/stray.csv")!.Value;
        Assert.Equal(("solutions/churn/data/", "stray.csv", false), (stray.Folder.Key, stray.Rest, stray.Folder.Contract!.Files));
        var root = locator.Locate("solutions/churn/readme.md")!.Value;
        Assert.Equal(FolderKind.Solution, root.Folder.Kind);
        Assert.Equal(("solutions/churn/data/", "unknown/"), (locator.Locate("solutions/churn/data/unknown/")!.Value.Folder.Key, locator.Locate("solutions/churn/data/unknown/")!.Value.Rest));
        Assert.Null(locator.Locate("elsewhere/file.csv"));
        Assert.Null(locator.Locate("file.csv"));
    }
}
