using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Rendering;

public sealed class TreeRendererTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Lines(string drawing) => drawing.Replace("\r\n", "\n").Split('\n');

    [Fact]
    public void Render_DrawsBranchesAndContinuations()
    {
        var lines = TreeRenderer.Render("s3://bucket/", new[] { "a/", "a/b/", "a/b/c/", "a/d/", "e/" });

        Assert.Equal(Lines("""
            s3://bucket/
            ├── a/
            │   ├── b/
            │   │   └── c/
            │   └── d/
            └── e/
            """), lines);
    }

    [Fact]
    public void RenderWithFormats_WritesEachFoldersFormatsBesideIt_InOneColumn()
    {
        // Show-MlLayout -Formats: the data-lifecycle stages with seed 001's formats.
        var nodes = LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.GetBuiltIn("data-lifecycle")) { Solution = "churn", Dates = new[] { new DateTime(2024, 1, 31) } });
        var notes = nodes.Where(n => TreeRenderer.FormatsNote(n) != null).ToDictionary(n => n.Key, n => TreeRenderer.FormatsNote(n));

        var lines = TreeRenderer.Render("s3://bucket/", nodes.Select(n => n.Key), key => notes.TryGetValue(key, out var note) ? note : null);

        Assert.Equal(Lines("""
            s3://bucket/
            └── solutions/
                └── churn/
                    └── data/             folders only
                        ├── raw/          .csv .json .xlsx
                        ├── interim/      .parquet
                        ├── processed/    .parquet
                        ├── features/     .parquet
                        ├── validation/   .csv .json
                        ├── predictions/  .csv .json .parquet
                        └── monitoring/   .csv .json
            """), lines);
        // Without notes the drawing is the plain tree.
        Assert.Equal(TreeRenderer.Render("s3://bucket/", nodes.Select(n => n.Key)), TreeRenderer.Render("s3://bucket/", nodes.Select(n => n.Key), _ => null));
    }

    [Fact]
    public void FormatsNote_IsForDeclaredFoldersOnly_AndAlignsNoFurtherThanTheCap()
    {
        var nodes = LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.Parse("name: t\nversion: 1.0.0\nfolders:\n  - name: raw\n    partition: daily\n  - name: free\n", "t.yaml")) { Solution = "s", Dates = new[] { new DateTime(2024, 1, 31) } });

        Assert.Null(TreeRenderer.FormatsNote(nodes.Single(n => n.Kind == FolderKind.Solution)));
        Assert.Null(TreeRenderer.FormatsNote(nodes.First(n => n.Kind == FolderKind.Partition)));
        Assert.Equal("any", TreeRenderer.FormatsNote(nodes.Single(n => n.Key == "solutions/s/free/")));

        string deep = string.Concat(Enumerable.Range(0, 30).Select(i => "level" + i + "/"));
        var lines = TreeRenderer.Render("r", new[] { "a/", deep }, key => key == "a/" ? "note-a" : key == deep ? "note-deep" : null);
        Assert.Equal("├── a/".PadRight(TreeRenderer.MaxNoteColumn) + "  note-a", lines[1]);
        Assert.EndsWith("level29/  note-deep", lines[^1]);
    }

    [Fact]
    public void Render_KeepsTheOrderInWhichChildrenFirstAppear()
    {
        var lines = TreeRenderer.Render("root", new[] { "z/", "a/", "z/y/", "m/", "z/b/" });

        Assert.Equal(new[] { "root", "├── z/", "│   ├── y/", "│   └── b/", "├── a/", "└── m/" }, lines);
    }

    [Fact]
    public void Render_CreatesMissingParentsAndIgnoresDuplicates()
    {
        var lines = TreeRenderer.Render("root", new[] { "a/b/c/", "a/b/c/", "a/b" });

        Assert.Equal(new[] { "root", "└── a/", "    └── b/", "        └── c/" }, lines);
    }

    [Fact]
    public void Render_OfNoKeys_IsTheRootLabelAlone()
    {
        Assert.Equal(new[] { "s3://empty/" }, TreeRenderer.Render("s3://empty/", Array.Empty<string>()));
    }

    // The two drawings of docs/templates.md, produced from the templates shown there.

    [Fact]
    public void DocsExample1_AcmeChurnChangedParts()
    {
        string path = _temp.WriteFile("templates/acme-churn.yaml", """
            name: acme-churn
            version: 1.1.0
            description: Acme's churn layout - master-solution plus partner data, without the second experiment.
            extends: master-solution
            style: snake_case            # for folders added at the solution root or the bucket root
            add:
              - under: data              # a path relative to solutions/{solution}/
                folders:
                  - name: external
                    description: Files delivered by partners, one folder per day.
                    partition: daily
                    folders:
                      - partner_a
                      - partner_b
              - folders:                 # no 'under': the solution root
                  - name: dashboards
                    description: Exported BI dashboards.
              - under: /shared           # a leading '/' means the bucket root
                folders:
                  - contracts
            remove:
              - models/experiments/experiment_002
            rename:
              - from: notebooks/exploration
                to: eda
            include:
              - /shared
            """);
        var template = TemplateCatalog.LoadFile(path);
        Assert.Equal(113, template.FolderCount);

        var keys = LayoutExpander.Expand(new LayoutRequest(template) { Solution = "customer-churn", Dates = new[] { new DateTime(2024, 1, 31) } })
            .Select(n => n.Key)
            .Where(k => k.StartsWith("solutions/customer-churn/data/external/", StringComparison.Ordinal)
                     || k.StartsWith("solutions/customer-churn/models/experiments/", StringComparison.Ordinal)
                     || k.StartsWith("solutions/customer-churn/notebooks/", StringComparison.Ordinal)
                     || k.StartsWith("solutions/customer-churn/dashboards/", StringComparison.Ordinal)
                     || k.StartsWith("shared/", StringComparison.Ordinal));

        Assert.Equal(Lines("""
            s3://acme-prod-t001-us-west-2/
            ├── solutions/
            │   └── customer-churn/
            │       ├── data/
            │       │   └── external/
            │       │       ├── 2024/
            │       │       │   └── 01/
            │       │       │       └── 31/
            │       │       ├── partner_a/
            │       │       └── partner_b/
            │       ├── models/
            │       │   └── experiments/
            │       │       └── experiment_001/
            │       │           └── artifacts/
            │       ├── notebooks/
            │       │   ├── evaluation/
            │       │   ├── eda/
            │       │   ├── inference/
            │       │   ├── preprocessing/
            │       │   └── training/
            │       └── dashboards/
            └── shared/
                ├── infrastructure/
                ├── monitoring/
                ├── utilities/
                └── contracts/
            """), TreeRenderer.Render("s3://acme-prod-t001-us-west-2/", keys));
    }

    [Fact]
    public void DocsExample2_HiveEvents()
    {
        var template = TemplateCatalog.Parse("""
            name: hive-events
            version: 2.0.0
            description: Event data for Athena and Glue, partitioned Hive style.
            style: kebab-case
            partitionStyle: hive
            folders:
              - name: events
                description: One folder per event type.
                folders:
                  - name: clicks
                    partition: daily
                  - name: sessions
                    partition: monthly
                  - name: raw-dumps
                    description: Nightly dumps from the legacy exporter, which writes YYYY/MM/DD paths.
                    partition: daily
                    partitionStyle: YYYY/MM/DD
              - name: code
                style: snake_case
                folders:
                  - etl_jobs
                  - name: glue_scripts
                    folders: [common]
            bucketFolders:
              - name: athena-results
                description: Query results of Athena workgroups.
                optional: true
            """, "hive-events.yaml");

        var keys = LayoutExpander.Expand(new LayoutRequest(template)
        {
            Solution = "clickstream",
            Dates = new[] { new DateTime(2024, 3, 5) },
            Include = new[] { "/athena-results" },
        }).Select(n => n.Key);

        Assert.Equal(Lines("""
            s3://{company_prefix}-{environment}-{tenant_id}-{region}/
            ├── solutions/
            │   └── clickstream/
            │       ├── events/
            │       │   ├── clicks/
            │       │   │   └── year=2024/
            │       │   │       └── month=03/
            │       │   │           └── day=05/
            │       │   ├── sessions/
            │       │   │   └── year=2024/
            │       │   │       └── month=03/
            │       │   └── raw-dumps/
            │       │       └── 2024/
            │       │           └── 03/
            │       │               └── 05/
            │       └── code/
            │           ├── etl_jobs/
            │           └── glue_scripts/
            │               └── common/
            └── athena-results/
            """), TreeRenderer.Render("s3://{company_prefix}-{environment}-{tenant_id}-{region}/", keys));
    }
}
