using System.Collections;
using System.Text.Json;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Tenants;

/// <summary>A tenant file becomes one MlBucketSpec per environment and region, with the environment's overrides applied.</summary>
public sealed class TenantExpansionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MinimalTenant_HasTheDefaultEnvironments_OneBucketEach_WithNewMlBucketDefaults()
    {
        var specs = TenantCatalog.Parse("companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n", "t.yaml");

        Assert.Equal(new[] { "edge-dev-a001-us-west-2", "edge-staging-a001-us-west-2", "edge-prod-a001-us-west-2" }, specs.Select(s => s.Name));
        var dev = specs[0];
        Assert.Equal(("edge", "dev", "a001", "us-west-2"), (dev.CompanyPrefix, dev.Environment, dev.TenantId, dev.Region));
        Assert.Null(dev.BucketName);
        Assert.Null(dev.LocalPath);
        Assert.Null(dev.ProfileName);
        Assert.Null(dev.EndpointUrl);
        Assert.False(dev.ForcePathStyle);
        Assert.Null(dev.KmsKeyId);
        Assert.Empty(dev.Tag);
        Assert.Equal("master-solution", dev.Template);
        Assert.Equal("master-solution", dev.Layout.Name);
        Assert.Empty(dev.SkipDefault);
        Assert.Equal(7, dev.AbortIncompleteUploadDays);
        Assert.Empty(dev.LifecycleRule);
        Assert.Empty(dev.Solution);
        Assert.Empty(dev.Include);
        Assert.Empty(dev.Date);
        Assert.Equal(new[] { "dev", "staging", "prod" }, dev.AllowedEnvironment);
        Assert.Equal("t.yaml", dev.TenantFile);
    }

    [Fact]
    public void TenantTimesEnvironmentTimesRegion_InFileOrder_WithOverrides()
    {
        const string yaml = """
            companyPrefix: edge
            tenantId: a001
            regions: [us-west-2, us-east-1]
            template: master-solution
            solutions: [churn]
            dates: { from: 2024-01-30, to: 2024-02-02 }
            bucketFolders: [shared]
            settings:
              versioning: true
              abortIncompleteUploadDays: 3
              tags: { cost-center: ml, owner: data-team }
              lifecycle:
                - prefix: solutions/churn/data/raw/
                  transitionDays: 30
                  expirationDays: 365
            connection: { profile: edge-admin }
            environments:
              dev:
                regions: [us-west-2]
                settings:
                  versioning: false
                  tags: { owner: dev-team }
              test:
              prod:
                bucketName: edge-churn-prod
                regions: [eu-west-1]
                solutions: [churn, fraud]
                dates: [2024-03-01]
                bucketFolders: [shared, client_config]
                connection: { profile: edge-prod, endpoint: "https://s3.example.com" }
                settings:
                  kmsKeyId: alias/prod
            """;

        var specs = TenantCatalog.Parse(yaml, "t.yaml");

        Assert.Equal(new[] { "edge-dev-a001-us-west-2", "edge-test-a001-us-west-2", "edge-test-a001-us-east-1", "edge-churn-prod" }, specs.Select(s => s.Name));
        Assert.Equal(new[] { "dev", "test", "prod" }, specs[0].AllowedEnvironment);

        var dev = specs[0];
        Assert.Equal(new[] { "Versioning" }, dev.SkipDefault);
        Assert.Equal(3, dev.AbortIncompleteUploadDays);
        // Tags merge key by key, the environment winning.
        Assert.Equal(new Hashtable { ["cost-center"] = "ml", ["owner"] = "dev-team" }, dev.Tag);
        Assert.Equal(new[] { "churn" }, dev.Solution);
        Assert.Equal(new[] { "/shared" }, dev.Include);
        Assert.Equal(new[] { new DateTime(2024, 1, 30), new DateTime(2024, 1, 31), new DateTime(2024, 2, 1), new DateTime(2024, 2, 2) }, dev.Date);
        Assert.Equal("edge-admin", dev.ProfileName);
        var rule = Assert.Single(dev.LifecycleRule);
        Assert.Equal(("solutions/churn/data/raw/", 30, "STANDARD_IA", 365), ((string)rule["Prefix"]!, (int)rule["TransitionDays"]!, (string)rule["StorageClass"]!, (int)rule["ExpirationDays"]!));

        var test = specs[1];
        Assert.Empty(test.SkipDefault);
        Assert.Equal(new Hashtable { ["cost-center"] = "ml", ["owner"] = "data-team" }, test.Tag);
        Assert.Null(test.BucketName);

        var prod = specs[3];
        Assert.Equal(("edge-churn-prod", "eu-west-1", "alias/prod"), (prod.BucketName, prod.Region, prod.KmsKeyId));
        Assert.Equal(new[] { "churn", "fraud" }, prod.Solution);
        Assert.Equal(new[] { new DateTime(2024, 3, 1) }, prod.Date);
        Assert.Equal(new[] { "/shared", "/client_config" }, prod.Include);
        Assert.Equal(("edge-prod", "https://s3.example.com"), (prod.ProfileName, prod.EndpointUrl));
        Assert.True(prod.DocumentsItself);
        Assert.False(dev.DocumentsItself);

        // What New-MlBucket would declare for it.
        var settings = prod.ToBucketSettings();
        Assert.Equal(("aws:kms", "alias/prod", "Enabled", 3), (settings.Encryption, settings.KmsKeyId, settings.Versioning, settings.AbortIncompleteMultipartUploadDays));
        Assert.Equal("prod", settings.Tags!["environment"]);
        Assert.Equal("ml", settings.Tags["cost-center"]);
        Assert.Null(dev.ToBucketSettings().Versioning);
    }

    [Fact]
    public void TemplateFile_IsResolvedRelativeToTheTenantFile_AndCarriedAsAnAbsolutePath()
    {
        // Template files lie in the tenant files' folder or below it (issue 14: no '..' out of it).
        _temp.WriteFile("tenants/templates/acme.yaml", "name: acme\nversion: 1.2.0\nextends: simple-ml\nadd:\n  - under: models\n    folders: [v3]\n");
        string tenant = _temp.WriteFile("tenants/acme.yaml", "companyPrefix: acme\ntenantId: b001\nregions: [eu-west-1]\nenvironments: [prod]\ntemplate: templates/acme.yaml\n");

        var spec = Assert.Single(TenantCatalog.LoadFile(tenant));

        Assert.Equal(_temp.PathOf("tenants", "templates", "acme.yaml"), spec.Template);
        Assert.Equal(("acme", "1.2.0"), (spec.Layout.Name, spec.Layout.Version));
        Assert.Equal(new[] { "v1", "v2", "v3" }, TemplateAssert.Names(TemplateAssert.Folder(spec.Layout.SolutionFolders, "models").Folders));
        Assert.Equal(tenant, spec.TenantFile);
    }

    [Fact]
    public void InlineTemplate_IsResolvedWithTheCatalog_AndCarriedAsATemplateObject()
    {
        const string yaml = """
            companyPrefix: techcorp
            tenantId: c001
            regions: [us-west-2]
            environments: [dev]
            template:
              name: techcorp-simple
              version: 1.0.0
              extends: master-solution
              add:
                - under: data
                  folders: [external]
              remove:
                - models/experiments
              rename:
                - from: notebooks/exploration
                  to: eda
              include:
                - /shared
            bucketFolders: [client_config]
            """;

        var spec = Assert.Single(TenantCatalog.Parse(yaml, _temp.PathOf("t.yaml")));

        var template = Assert.IsType<LayoutTemplate>(spec.Template);
        Assert.Same(template, spec.Layout);
        Assert.Equal(("techcorp-simple", "master-solution"), (template.Name, template.Extends));
        Assert.Contains("external", TemplateAssert.Names(TemplateAssert.Folder(template.SolutionFolders, "data").Folders));
        Assert.DoesNotContain("experiments", TemplateAssert.Names(TemplateAssert.Folder(template.SolutionFolders, "models").Folders));
        Assert.Contains("eda", TemplateAssert.Names(TemplateAssert.Folder(template.SolutionFolders, "notebooks").Folders));
        Assert.Equal(new[] { "/shared" }, template.Includes);
        Assert.Equal(new[] { "/client_config" }, spec.Include);
        // Nothing was written beside the tenant file.
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Root));
    }

    [Fact]
    public void CommandLineConnection_OverridesTheFile_AndLocalPathClearsIt()
    {
        const string yaml = "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: simple-ml\nenvironments: [dev]\nconnection: { profile: file-profile, endpoint: 'http://127.0.0.1:9000', forcePathStyle: true }\n";

        var kept = Assert.Single(TenantCatalog.Parse(yaml, "t.yaml"));
        TenantCatalog.OverrideConnection(kept, null, null, null, null);
        Assert.Equal(("file-profile", "http://127.0.0.1:9000", true), (kept.ProfileName, kept.EndpointUrl, kept.ForcePathStyle));

        var overridden = Assert.Single(TenantCatalog.Parse(yaml, "t.yaml"));
        TenantCatalog.OverrideConnection(overridden, "cli-profile", "https://other", false, null);
        Assert.Equal(("cli-profile", "https://other", false), (overridden.ProfileName, overridden.EndpointUrl, overridden.ForcePathStyle));

        var local = Assert.Single(TenantCatalog.Parse(yaml, "t.yaml"));
        TenantCatalog.OverrideConnection(local, null, null, null, "/tmp/buckets");
        Assert.Equal(("/tmp/buckets", null, null, false), (local.LocalPath, local.ProfileName, local.EndpointUrl, local.ForcePathStyle));
    }

    [Fact]
    public void CustomRegion_AcceptsTheStoresOwnRegionNames()
    {
        var spec = Assert.Single(TenantCatalog.Parse("companyPrefix: lab\ntenantId: t1\nregions: [garage-1]\ntemplate: simple-ml\nenvironments: [dev]\nconnection: { customRegion: true }\n", "t.yaml"));
        Assert.Equal(("lab-dev-t1-garage-1", true), (spec.Name, spec.CustomRegion));
    }

    // ---- examples and schema ---------------------------------------------------------------------------------

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "S3MlLayout.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("S3MlLayout.sln not found above the test directory");
    }

    private static string[] ExampleFiles() =>
        Directory.GetFiles(Path.Combine(RepoRoot(), "examples", "tenants"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal).ToArray();

    [Fact]
    public void Examples_OnePerBuiltInTemplate_AllLoad_EachWithTheSchemaLine()
    {
        var files = ExampleFiles();
        Assert.Equal(4, files.Length);
        foreach (var file in files)
            Assert.Equal("# yaml-language-server: $schema=../../module/schemas/tenant.schema.json", File.ReadLines(file).First());

        var specs = TenantCatalog.Load(files);

        // Each built-in template is used: by name, extended by a template file, or extended inline.
        string BuiltInOf(LayoutTemplate t) => t.IsBuiltIn ? t.Name : t.Extends!;
        Assert.Equal(new[] { "data-lifecycle", "databricks", "master-solution", "simple-ml" },
            specs.Select(s => BuiltInOf(s.Layout)).Distinct().OrderBy(n => n, StringComparer.Ordinal));
        Assert.Contains(specs, s => s.Template is LayoutTemplate);
        Assert.Contains(specs, s => s.Template is string path && Path.IsPathRooted(path));
        Assert.Contains("edge-prod-a001-us-east-1", specs.Select(s => s.Name));
        Assert.Contains("acme-analytics-prod-eu", specs.Select(s => s.Name));
        Assert.Equal(specs.Count, specs.Select(s => s.Name).Distinct().Count());
    }

    /// <summary>The JSON Schema editors use names exactly the keys the parser accepts, at every level.</summary>
    [Fact]
    public void Schema_KeysMatchTheParser()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "module", "schemas", "tenant.schema.json")));
        var root = schema.RootElement;
        var definitions = root.GetProperty("definitions");
        string[] Keys(JsonElement element) => element.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        string[] Sorted(string[] keys) => keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

        Assert.Equal(Sorted(TenantParser.TopKeys), Keys(root));
        Assert.Equal(Sorted(TenantParser.EnvironmentKeys), Keys(definitions.GetProperty("environment")));
        Assert.Equal(Sorted(TenantParser.SettingsKeys), Keys(definitions.GetProperty("settings")));
        Assert.Equal(Sorted(TenantParser.ConnectionKeys), Keys(definitions.GetProperty("connection")));
        Assert.Equal(Sorted(TenantParser.LifecycleKeys), Keys(definitions.GetProperty("settings").GetProperty("properties").GetProperty("lifecycle").GetProperty("items")));
        Assert.Equal(Sorted(TenantParser.InventoryKeys), Keys(definitions.GetProperty("settings").GetProperty("properties").GetProperty("inventory").GetProperty("oneOf")[1]));
        // Templates (inline here, and so template files too), their folder entries and 'contracts:' entries (issue 15).
        Assert.Equal(Sorted(TemplateParser.TopKeys), Keys(definitions.GetProperty("inlineTemplate")));
        Assert.Equal(Sorted(TemplateParser.FolderKeys), Keys(definitions.GetProperty("folder").GetProperty("oneOf")[1]));
        Assert.Equal(Sorted(TemplateParser.ContractKeys), Keys(definitions.GetProperty("contract")));
        Assert.Equal(Enum.GetNames(typeof(S3MlLayout.Engine.S3.BucketDefault)),
            definitions.GetProperty("settings").GetProperty("properties").GetProperty("skipDefaults").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }
}
