using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Tests.Support;
using static S3MlLayout.Engine.Tests.Support.TemplateAssert;

namespace S3MlLayout.Engine.Tests.Layouts;

public sealed class TemplateCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IEnumerable<string> Paths(IEnumerable<FolderSpec> folders, string parent = "") =>
        folders.SelectMany(f =>
        {
            string path = parent.Length == 0 ? f.Name : parent + "/" + f.Name;
            return new[] { path }.Concat(Paths(f.Folders, path));
        });

    // ---- built-ins -------------------------------------------------------------------------------------------

    [Fact]
    public void BuiltIns_AreTheFourTemplatesAtVersion100()
    {
        var names = TemplateCatalog.BuiltIns.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(new[] { "data-lifecycle", "databricks", "master-solution", "simple-ml" }, names);
        Assert.All(TemplateCatalog.BuiltIns, t =>
        {
            Assert.Equal("1.0.0", t.Version);
            Assert.True(t.IsBuiltIn);
            Assert.Equal("built-in", t.Source);
            Assert.False(string.IsNullOrWhiteSpace(t.Description));
            Assert.False(string.IsNullOrWhiteSpace(t.Yaml));
        });
    }

    [Theory]
    [InlineData("master-solution")]
    [InlineData("data-lifecycle")]
    [InlineData("simple-ml")]
    [InlineData("databricks")]
    public void GetBuiltIn_FindsEachByName(string name)
    {
        var template = TemplateCatalog.GetBuiltIn(name);
        Assert.Equal(name, template.Name);
        Assert.Same(template, TemplateCatalog.BuiltIns.Single(t => t.Name == name));
    }

    [Fact]
    public void GetBuiltIn_UnknownName_IsTemplateNotFoundListingTheBuiltIns()
    {
        var error = Assert.Throws<MlLayoutException>(() => TemplateCatalog.GetBuiltIn("mastersolution"));

        Assert.Equal("TemplateNotFound", error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("master-solution", error.Message);
        Assert.Contains("databricks", error.Message);
    }

    [Theory]
    [InlineData("master-solution", 110)]
    [InlineData("data-lifecycle", 8)]
    [InlineData("simple-ml", 14)]
    [InlineData("databricks", 22)]
    public void BuiltIns_FolderCount(string name, int folders)
    {
        var template = TemplateCatalog.GetBuiltIn(name);

        Assert.Equal(folders, template.FolderCount);
        Assert.Equal(folders, Paths(template.SolutionFolders).Count());
    }

    [Fact]
    public void DataLifecycle_HasTheSevenStagesEachWithADescription()
    {
        var template = TemplateCatalog.GetBuiltIn("data-lifecycle");

        var data = Folder(template.SolutionFolders, "data");
        Assert.Equal(new[] { "raw", "interim", "processed", "features", "validation", "predictions", "monitoring" }, Names(data.Folders));
        Assert.All(data.Folders, stage => Assert.False(string.IsNullOrWhiteSpace(stage.Description), $"{stage.Name} has no description"));
        Assert.False(string.IsNullOrWhiteSpace(data.Description));
        Assert.Contains(".parquet", Folder(template.SolutionFolders, "data/processed").Description);
    }

    [Fact]
    public void SimpleMl_HasTheSeedTree()
    {
        var template = TemplateCatalog.GetBuiltIn("simple-ml");

        Assert.Equal(new[]
        {
            "dataset", "dataset/raw", "dataset/processed", "dataset/train", "dataset/test",
            "models", "models/v1", "models/v2",
            "logs", "logs/training", "logs/inference",
            "outputs", "outputs/predictions", "outputs/reports",
        }, Paths(template.SolutionFolders));
        Assert.Empty(template.BucketFolders);
    }

    [Fact]
    public void Databricks_HasTheSeedTree()
    {
        var template = TemplateCatalog.GetBuiltIn("databricks");

        Assert.Equal(new[]
        {
            "notebooks",
            "src", "src/utils", "src/features", "src/models", "src/pipelines",
            "data", "data/schemas", "data/sample",
            "config", "config/env",
            "pipeline", "pipeline/ingestion", "pipeline/processing", "pipeline/ml",
            "models", "models/trained", "models/registry",
            "tests", "tests/unit", "tests/integration",
            "docs",
        }, Paths(template.SolutionFolders));
        Assert.Equal(NamingStyle.SnakeCase, Folder(template.SolutionFolders, "src").Style);
        Assert.Equal(NamingStyle.KebabCase, Folder(template.SolutionFolders, "data").Style);
    }

    [Fact]
    public void MasterSolution_HasTheSevenTopFoldersAndTheOptionalBucketFolders()
    {
        var template = TemplateCatalog.GetBuiltIn("master-solution");

        Assert.Equal(new[] { "artifacts", "code", "config", "data", "models", "notebooks", "templates" }, Names(template.SolutionFolders));
        Assert.Equal(new[] { "shared", "client_config" }, Names(template.BucketFolders));
        Assert.All(template.BucketFolders, f => Assert.True(f.Optional));
        Assert.Equal(new[] { "infrastructure", "monitoring", "utilities" }, Names(Folder(template.BucketFolders, "shared").Folders));
        Assert.Equal(new[] { "environments", "branding", "policies" }, Names(Folder(template.BucketFolders, "client_config").Folders));
        Assert.Empty(template.Includes);
        Assert.Equal(PartitionStyle.Ymd, template.PartitionStyle);
        Assert.Equal(new[]
        {
            "artifacts/logs/preprocessing/daily_logs",
            "artifacts/reports/data_quality/daily_quality_reports",
            "data/curated",
            "data/inference/realtime/requests",
            "data/inference/realtime/responses",
            "data/raw",
        }, template.PartitionedFolders);
        Assert.Equal("model_v1.0.0", Folder(template.SolutionFolders, "models/registry/production/model_v1.0.0").Name);
        Assert.Equal(NamingStyle.KebabCase, Folder(template.SolutionFolders, "artifacts/sagemaker-extensions").Style);
    }

    // ---- extends ---------------------------------------------------------------------------------------------

    // Added root folders inherit master-solution's default style (snake_case), so the hyphenated one declares kebab-case.
    private const string AcmeChurn = """
        name: acme-churn
        version: 1.1.0
        description: Acme's churn layout.
        extends: master-solution
        add:
          - under: data
            folders:
              - name: external_feeds
                description: Data bought from third parties.
                partition: daily
                folders:
                  - vendor_a
          - under: /
            folders:
              - name: audit-logs
                style: kebab-case
                description: Bucket-level audit trail.
        remove:
          - models/experiments/experiment_002
        rename:
          - from: artifacts/sagemaker-extensions
            to: sagemaker-ext
        include:
          - /shared
        """;

    [Fact]
    public void Extends_AppliesAddRemoveRenameAndInclude()
    {
        string path = _temp.WriteFile("acme-churn.yaml", AcmeChurn);

        var template = TemplateCatalog.LoadFile(path);

        Assert.Equal("acme-churn", template.Name);
        Assert.Equal("1.1.0", template.Version);
        Assert.Equal("Acme's churn layout.", template.Description);
        Assert.Equal("master-solution", template.Extends);
        Assert.Equal(path, template.Source);
        Assert.False(template.IsBuiltIn);
        Assert.Equal(AcmeChurn, template.Yaml);

        // add under data: appended after the inherited stages, with its partition and children
        Assert.Equal(new[] { "curated", "inference", "processed", "raw", "external_feeds" }, Names(Folder(template.SolutionFolders, "data").Folders));
        var external = Folder(template.SolutionFolders, "data/external_feeds");
        Assert.Equal(PartitionGranularity.Daily, external.Partition);
        Assert.Equal("Data bought from third parties.", external.Description);
        Assert.Equal(NamingStyle.SnakeCase, external.Style); // inherited from data/ of master-solution
        Assert.Equal(new[] { "vendor_a" }, Names(external.Folders));
        Assert.Contains("data/external_feeds", template.PartitionedFolders);

        // add under "/": a bucket-level folder, not optional
        Assert.Equal(new[] { "shared", "client_config", "audit-logs" }, Names(template.BucketFolders));
        Assert.False(Folder(template.BucketFolders, "audit-logs").Optional);

        // remove
        Assert.Equal(new[] { "experiment_001" }, Names(Folder(template.SolutionFolders, "models/experiments").Folders));

        // rename keeps the position and the children of the folder
        Assert.Equal(new[] { "checkpoints", "logs", "metadata", "reports", "sagemaker-ext", "visualizations" }, Names(Folder(template.SolutionFolders, "artifacts").Folders));
        var rename = Assert.Single(template.Renames);
        Assert.Equal(("artifacts/sagemaker-extensions", "sagemaker-ext"), (rename.From, rename.To));

        // include
        Assert.Equal(new[] { "/shared" }, template.Includes);

        // everything else is inherited unchanged
        Assert.Equal(TemplateCatalog.GetBuiltIn("master-solution").FolderCount - 1 + 2, template.FolderCount);
    }

    [Fact]
    public void Extends_ResolvedTreeExpandsToTheExpectedKeys()
    {
        var template = TemplateCatalog.LoadFile(_temp.WriteFile("acme-churn.yaml", AcmeChurn));

        var keys = LayoutExpander.Expand(new LayoutRequest(template) { Dates = new[] { new DateTime(2024, 3, 9) } }).Select(n => n.Key).ToList();

        Assert.Contains("solutions/acme-churn/data/external_feeds/", keys);
        Assert.Contains("solutions/acme-churn/data/external_feeds/2024/03/09/", keys);
        Assert.Contains("solutions/acme-churn/data/external_feeds/vendor_a/", keys);
        Assert.Contains("solutions/acme-churn/artifacts/sagemaker-ext/", keys);
        Assert.DoesNotContain("solutions/acme-churn/artifacts/sagemaker-extensions/", keys);
        Assert.Contains("solutions/acme-churn/models/experiments/experiment_001/artifacts/", keys);
        Assert.DoesNotContain("solutions/acme-churn/models/experiments/experiment_002/", keys);
        Assert.Contains("audit-logs/", keys);
        // included by the template: shared/ and its children, but not client_config/
        Assert.Contains("shared/", keys);
        Assert.Contains("shared/infrastructure/", keys);
        Assert.DoesNotContain("client_config/", keys);
    }

    [Fact]
    public void Extends_DoesNotChangeTheBuiltIn()
    {
        TemplateCatalog.LoadFile(_temp.WriteFile("acme-churn.yaml", AcmeChurn));

        var master = TemplateCatalog.GetBuiltIn("master-solution");
        Assert.Equal(new[] { "experiment_001", "experiment_002" }, Names(Folder(master.SolutionFolders, "models/experiments").Folders));
        Assert.Equal("sagemaker-extensions", Folder(master.SolutionFolders, "artifacts/sagemaker-extensions").Name);
        Assert.Equal(new[] { "curated", "inference", "processed", "raw" }, Names(Folder(master.SolutionFolders, "data").Folders));
        Assert.Empty(master.Renames);
    }

    [Fact]
    public void Extends_ViaParse_ResolvesBuiltIns()
    {
        const string yaml = """
            name: lean
            version: 1.0.0
            extends: simple-ml
            remove:
              - logs
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "dataset", "models", "outputs" }, Names(template.SolutionFolders));
        Assert.Equal("Small ML project layout - dataset, models v1/v2, logs and outputs.", template.Description);
    }

    [Fact]
    public void Extends_CanRemoveABucketLevelFolder()
    {
        const string yaml = """
            name: no-client-config
            version: 1.0.0
            extends: master-solution
            remove:
              - /client_config
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "shared" }, Names(template.BucketFolders));
    }

    [Fact]
    public void Extends_CanRenameABucketLevelFolder()
    {
        // RenameMigration.From: "a leading '/' means the bucket root", as for remove, add and include.
        const string yaml = """
            name: tenant-config
            version: 1.0.0
            extends: master-solution
            rename:
              - from: /client_config
                to: tenant_config
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "shared", "tenant_config" }, Names(template.BucketFolders));
        var rename = Assert.Single(template.Renames);
        Assert.Equal(("/client_config", "tenant_config"), (rename.From, rename.To));
    }

    [Fact]
    public void Extends_AddUnderAnOptionalBucketFolder()
    {
        const string yaml = """
            name: more-shared
            version: 1.0.0
            extends: master-solution
            add:
              - under: /shared
                folders: [feature_store]
            include:
              - /shared
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "infrastructure", "monitoring", "utilities", "feature_store" }, Names(Folder(template.BucketFolders, "shared").Folders));
    }

    [Fact]
    public void Extends_AddedFolderMustFollowTheInheritedStyle()
    {
        const string yaml = """
            name: bad-style
            version: 1.0.0
            extends: master-solution
            add:
              - under: code
                folders:
                  - name: data-loaders
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 7, 9);
        Assert.Contains("call it 'data_loaders'", error.Message);
    }

    [Fact]
    public void ExtendsChainOfTwoUserFiles_ResolvesTheSiblingAndAccumulatesRenames()
    {
        _temp.WriteFile("team-base.yaml", """
            name: team-base
            version: 1.0.0
            description: The team's base layout.
            extends: master-solution
            rename:
              - from: artifacts/sagemaker-extensions
                to: sagemaker-ext
            add:
              - under: code
                folders: [shared_lib]
            """);
        string child = _temp.WriteFile("team-churn.yaml", """
            name: team-churn
            version: 1.2.0
            extends: team-base
            rename:
              - from: code/shared_lib
                to: common_lib
              - from: artifacts/sagemaker-ext
                to: sm-ext
            remove:
              - notebooks
            include:
              - /client_config
            """);

        var template = TemplateCatalog.LoadFile(child);

        Assert.Equal("team-churn", template.Name);
        Assert.Equal("1.2.0", template.Version);
        Assert.Equal("team-base", template.Extends);
        Assert.Equal("The team's base layout.", template.Description); // inherited through the chain
        Assert.Equal(
            new[] { "artifacts/sagemaker-extensions -> sagemaker-ext", "code/shared_lib -> common_lib", "artifacts/sagemaker-ext -> sm-ext" },
            template.Renames.Select(r => r.ToString()));
        Assert.Contains("common_lib", Names(Folder(template.SolutionFolders, "code").Folders));
        Assert.DoesNotContain("shared_lib", Names(Folder(template.SolutionFolders, "code").Folders));
        Assert.Contains("sm-ext", Names(Folder(template.SolutionFolders, "artifacts").Folders));
        Assert.DoesNotContain("notebooks", Names(template.SolutionFolders));
        Assert.Equal(new[] { "/client_config" }, template.Includes);
    }

    [Fact]
    public void ExtendsChain_IncludesAccumulate()
    {
        _temp.WriteFile("with-shared.yaml", "name: with-shared\nversion: 1.0.0\nextends: master-solution\ninclude:\n  - /shared\n");
        string child = _temp.WriteFile("with-both.yaml", "name: with-both\nversion: 1.0.0\nextends: with-shared.yaml\ninclude:\n  - /client_config\n");

        var template = TemplateCatalog.LoadFile(child);

        Assert.Equal(new[] { "/shared", "/client_config" }, template.Includes);
    }

    [Fact]
    public void ExtendsChain_PartitionStyleIsInherited()
    {
        _temp.WriteFile("hive-base.yaml", "name: hive-base\nversion: 1.0.0\npartitionStyle: hive\nfolders:\n  - name: events\n    partition: daily\n");
        string child = _temp.WriteFile("hive-child.yaml", "name: hive-child\nversion: 1.0.0\nextends: hive-base\nadd:\n  - folders: [logs]\n");

        var template = TemplateCatalog.LoadFile(child);

        Assert.Equal(PartitionStyle.Hive, template.PartitionStyle);
        Assert.Equal(new[] { "events", "logs" }, Names(template.SolutionFolders));
    }

    [Fact]
    public void Extends_ARelativePathWithoutExtension_TriesDotYaml()
    {
        _temp.WriteFile("common/base.yaml", "name: base\nversion: 1.0.0\nfolders:\n  - shared-data\n");
        string child = _temp.WriteFile("teams/child.yaml", "name: child\nversion: 1.0.0\nextends: ../common/base\nadd:\n  - folders: [own]\n");

        var template = TemplateCatalog.LoadFile(child);

        Assert.Equal(new[] { "shared-data", "own" }, Names(template.SolutionFolders));
    }

    [Fact]
    public void Extends_AYamlExtensionInAnyCase_IsAPath()
    {
        _temp.WriteFile("Base.YML", "name: base\nversion: 1.0.0\nfolders:\n  - from-yml\n");
        string child = _temp.WriteFile("child.yaml", "name: child\nversion: 1.0.0\nextends: Base.YML\n");

        Assert.Equal(new[] { "from-yml" }, Names(TemplateCatalog.LoadFile(child).SolutionFolders));
    }

    [Fact]
    public void Extends_APathToAMissingFile_DoesNotFallBackToTheBuiltIn()
    {
        string child = _temp.WriteFile("child.yaml", "name: child\nversion: 1.0.0\nextends: master-solution.yaml\n");

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(child));

        At(error, "TemplateNotFound", child, 3, 10);
    }

    [Fact]
    public void Paths_IgnoreTrailingSlashesAndEmptySegments()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            remove:
              - models//experiments/experiment_002/
            add:
              - under: data/raw/
                folders: [landing]
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "experiment_001" }, Names(Folder(template.SolutionFolders, "models/experiments").Folders));
        Assert.Equal(new[] { "archive", "landing" }, Names(Folder(template.SolutionFolders, "data/raw").Folders));
    }

    [Fact]
    public void Extends_WithBucketFolders_IsNotSilentlyIgnored()
    {
        // The parser refuses 'folders:' next to 'extends:'; a 'bucketFolders:' there must either be refused the
        // same way or be used - never dropped without a word.
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            bucketFolders:
              - name: audit
            """;

        var error = Record.Exception(() => TemplateCatalog.Parse(yaml, "t.yaml"));

        if (error == null)
            Assert.Contains("audit", Names(TemplateCatalog.Parse(yaml, "t.yaml").BucketFolders));
        else
            Assert.Equal("TemplateInvalidValue", Assert.IsType<TemplateException>(error).ErrorId);
    }

    [Fact]
    public void ASiblingFileWinsOverABuiltInOfTheSameName()
    {
        _temp.WriteFile("simple-ml.yaml", "name: simple-ml\nversion: 9.0.0\nfolders:\n  - only-this\n");
        string child = _temp.WriteFile("child.yaml", "name: child\nversion: 1.0.0\nextends: simple-ml\n");

        var template = TemplateCatalog.LoadFile(child);

        Assert.Equal(new[] { "only-this" }, Names(template.SolutionFolders));
    }

    [Fact]
    public void Extends_AddedRootFoldersInheritTheBaseDefaultStyle()
    {
        var inherited = TemplateCatalog.LoadFile(_temp.WriteFile("snake.yaml", """
            name: snake
            version: 1.0.0
            extends: master-solution
            add:
              - folders:
                  - feature_store
            """));
        Assert.Equal(NamingStyle.SnakeCase, Folder(inherited.SolutionFolders, "feature_store").Style);

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(_temp.WriteFile("kebab.yaml", """
            name: kebab
            version: 1.0.0
            extends: master-solution
            add:
              - folders:
                  - feature-store
            """)));
        Assert.Equal("TemplateFolderNameInvalid", error.ErrorId);
        Assert.Contains("feature_store", error.Message);
    }
}
