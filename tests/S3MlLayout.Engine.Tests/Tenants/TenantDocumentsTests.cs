using System.Text;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Tenants;

/// <summary>client_config/: what a bucket says about itself, rendered from its spec (written later by the fleet step).</summary>
public sealed class TenantDocumentsTests
{
    private const string Yaml = """
        companyPrefix: edge
        tenantId: a001
        regions: [us-west-2]
        template: master-solution
        solutions: [churn, fraud]
        dates: [2024-01-31]
        bucketFolders: [shared, client_config]
        connection: { profile: secret-looking-profile, endpoint: "https://s3.internal.example:9000" }
        settings:
          kmsKeyId: "arn:aws:kms:us-west-2:111122223333:key/abc"
          tags: { "cost center": "ML: platform" }
          lifecycle:
            - prefix: logs/
              expirationDays: 30
        environments:
          dev:
            bucketFolders: [shared]
          prod:
        """;

    [Fact]
    public void WithoutClientConfig_NothingIsRendered()
    {
        var dev = TenantCatalog.Parse(Yaml, "t.yaml")[0];
        Assert.Empty(TenantDocuments.Render(dev));
    }

    [Fact]
    public void WithClientConfig_TheEnvironmentFileAndTheLayout_Deterministic()
    {
        var prod = TenantCatalog.Parse(Yaml, "t.yaml")[1];

        var files = TenantDocuments.Render(prod);

        Assert.Equal(new[] { "client_config/environments/prod.yaml", "client_config/layout.yaml" }, files.Keys);
        // The same spec renders the same bytes (no time, no machine path): applying twice writes nothing new.
        var again = TenantDocuments.Render(TenantCatalog.Parse(Yaml, "other/dir/t.yaml")[1]);
        Assert.Equal(files.Keys, again.Keys);
        foreach (var key in files.Keys) Assert.Equal(files[key], again[key]);

        string env = Encoding.UTF8.GetString(files["client_config/environments/prod.yaml"]);
        Assert.Equal("""
            # Written by S3MlLayout from the tenant file; edit the tenant file and apply again rather than this file.
            bucket: edge-prod-a001-us-west-2
            companyPrefix: edge
            tenantId: a001
            environment: prod
            region: us-west-2
            template:
              name: master-solution
              version: "1.0.0"
              source: built-in
            solutions:
              - churn
              - fraud
            include:
              - /shared
              - /client_config
            dates:
              - "2024-01-31"
            settings:
              blockPublicAccess: true
              objectOwnership: BucketOwnerEnforced
              encryption: "aws:kms"
              kmsKeyId: "arn:aws:kms:us-west-2:111122223333:key/abc"
              versioning: Enabled
              tlsOnlyPolicy: true
              abortIncompleteUploadDays: 7
              tags:
                company: edge
                "cost center": "ML: platform"
                environment: prod
                managed-by: S3MlLayout
                template: master-solution
                tenant: a001
              lifecycle:
                - prefix: logs/
                  expirationDays: 30

            """.Replace("\r\n", "\n"), env);
        // Connection details belong to whoever applies, not to the bucket.
        Assert.DoesNotContain("secret-looking-profile", env);
        Assert.DoesNotContain("s3.internal.example", env);
    }

    [Fact]
    public void RenderedLayout_ReadsBackAsTheSameTemplate()
    {
        foreach (var original in TemplateCatalog.BuiltIns)
        {
            string yaml = TenantDocuments.RenderLayout(original);

            var copy = TemplateCatalog.Parse(yaml, "layout.yaml");

            Assert.Equal((original.Name, original.Version, original.Description, original.PartitionStyle), (copy.Name, copy.Version, copy.Description, copy.PartitionStyle));
            Assert.Equal(Flatten(original.SolutionFolders), Flatten(copy.SolutionFolders));
            Assert.Equal(Flatten(original.BucketFolders), Flatten(copy.BucketFolders));
            Assert.Equal(original.Includes, copy.Includes);
        }
    }

    [Fact]
    public void InlineTemplate_IsNamedInline_AndItsLayoutRendered()
    {
        const string yaml = "companyPrefix: t\ntenantId: c1\nregions: [us-west-2]\nenvironments: [dev]\ntemplate:\n  name: mine\n  version: 2.0.0\n  extends: master-solution\n  add:\n    - under: data\n      folders: [external]\nbucketFolders: [client_config]\n";
        var spec = Assert.Single(TenantCatalog.Parse(yaml, "t.yaml"));

        var files = TenantDocuments.Render(spec);

        Assert.Contains("  source: inline\n", Encoding.UTF8.GetString(files["client_config/environments/dev.yaml"]));
        var layout = TemplateCatalog.Parse(Encoding.UTF8.GetString(files[TenantDocuments.LayoutKey]), "layout.yaml");
        Assert.Contains("external", TemplateAssert.Names(TemplateAssert.Folder(layout.SolutionFolders, "data").Folders));
    }

    [Fact]
    public void TemplateFile_IsNamedByItsFileName_NeverByThisMachinesPath()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("templates/acme.yaml", "name: acme\nversion: 1.0.0\nextends: master-solution\n");
        string tenant = temp.WriteFile("acme.yaml", "companyPrefix: acme\ntenantId: b1\nregions: [us-west-2]\nenvironments: [dev]\ntemplate: templates/acme.yaml\nbucketFolders: [client_config]\n");
        var spec = Assert.Single(TenantCatalog.LoadFile(tenant));

        string env = Encoding.UTF8.GetString(TenantDocuments.Render(spec)["client_config/environments/dev.yaml"]);

        Assert.Contains("  source: acme.yaml\n", env);
        Assert.Contains("    template: acme\n", env);
        Assert.DoesNotContain(temp.Root, env);
    }

    private static string[] Flatten(IEnumerable<FolderSpec> folders) =>
        LayoutTemplate.Walk(folders, "").Select(p => $"{p.Path}|{p.Spec.Description}|{p.Spec.Partition}|{p.Spec.PartitionStyle}|{p.Spec.Optional}").ToArray();
}
