using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Operations;

/// <summary>A fleet's plan and apply, without PowerShell: several buckets planned and converged at once.</summary>
public sealed class FleetPlanTests
{
    private static CancellationToken None => CancellationToken.None;
    private static readonly Dictionary<string, object?> Parameters = new();

    private static List<FleetMember> Members(IEnumerable<InMemoryS3Target> targets) => targets.Select(t =>
        new FleetMember(t, BucketSettings.SecureDefaults(new Dictionary<string, string> { ["tenant"] = "a001" }), TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn", "fraud" })
        {
            Source = "tenants/a001.yaml",
            Documents = new Dictionary<string, byte[]> { ["client_config/environments/dev.yaml"] = Encoding.UTF8.GetBytes("environment: dev\n") },
        }).ToList();

    [Fact]
    public async Task A_fleet_plans_every_bucket_applies_exactly_the_approved_changes_and_then_has_nothing_pending()
    {
        var targets = new[] { "a-dev-t1-us-east-1", "a-staging-t1-us-east-1", "a-prod-t1-us-east-1" }.Select(n => new InMemoryS3Target(n)).ToList();
        using (var plan = await FleetPlan.CreateAsync(Members(targets), "Get-MlFleetPlan", Parameters, 8, None))
        {
            Assert.Equal(3, plan.Buckets.Count);
            Assert.Equal(2, plan.ExitCode);
            Assert.All(plan.Buckets, b => Assert.Contains(b.Changes, c => c.Kind == ChangeKind.CreateBucket));
            Assert.All(plan.Buckets, b => Assert.Equal(new[] { null, "churn", "fraud" }, b.Changes.Where(c => c.Kind == ChangeKind.RecordDeclaration).Select(c => c.Solution)));
            Assert.All(plan.Buckets, b => Assert.Single(b.Changes, c => c.Kind == ChangeKind.WriteDocument && c.Action == "Write tenant document"));
            // Each solution documents its contracts under .s3mllayout/contracts/.
            Assert.All(plan.Buckets, b => Assert.Equal(new[] { ".s3mllayout/contracts/churn.md", ".s3mllayout/contracts/fraud.md" },
                b.Changes.Where(c => c.Action == "Write contract document").Select(c => c.Key)));
            Assert.All(targets, t => Assert.False(t.Exists));
            Assert.Contains("**", plan.ToMarkdown());

            var sink = new RecordingSink();
            await plan.ApplyAsync(plan.Changes, sink, None);
            Assert.Empty(sink.Errors);
            Assert.Equal(3, sink.Of<S3MlLayout.Engine.Storage.MlBucket>().Count());
            Assert.Equal(6, sink.Of<SolutionProvisionResult>().Count());
            Assert.All(targets, t => Assert.Equal("environment: dev\n", t.Text("client_config/environments/dev.yaml")));
        }
        using var again = await FleetPlan.CreateAsync(Members(targets.Select(t => { t.Exists = true; return t; })), "Get-MlFleetPlan", Parameters, 8, None);
        Assert.Equal(0, again.Pending);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("No changes", again.ToMarkdown());
    }

    [Fact]
    public async Task A_solution_the_tenant_file_no_longer_names_is_shown_with_what_it_holds_escaped_in_the_Markdown_and_applying_keeps_it()
    {
        var target = new InMemoryS3Target("a-dev-t1-us-east-1");
        using (var first = await FleetPlan.CreateAsync(Members(new[] { target }), "Invoke-MlFleetPlan", Parameters, 8, None))
            await first.ApplyAsync(first.Changes, new RecordingSink(), None);
        target.Exists = true;
        // A declaration written by hand under a name no tenant file could hold, and more objects than one page counts.
        target.Put(".s3mllayout/declared/solutions/x|`<b>y.json", "{}");
        for (int i = 0; i < NoLongerDeclared.ObjectsCounted + 5; i++) target.Put($"solutions/fraud/dataset/raw/part-{i:D5}.csv", "a,b\n");
        var members = Members(new[] { target });
        var onlyChurn = new List<FleetMember> { new FleetMember(members[0].Target, members[0].Desired, members[0].Template, new[] { "churn" }) { Source = members[0].Source, Documents = members[0].Documents } };

        using var plan = await FleetPlan.CreateAsync(onlyChurn, "Get-MlFleetPlan", Parameters, 8, None);
        Assert.Equal(0, plan.Pending);
        Assert.Equal(2, plan.ExitCode);
        var fraud = Assert.Single(plan.NoLongerDeclared, n => n.Solution == "fraud");
        Assert.True(fraud.AtLeast);
        Assert.Equal(NoLongerDeclared.ObjectsCounted, fraud.Folders + fraud.Objects);
        Assert.StartsWith("at least ", fraud.Holds);
        Assert.Single(plan.NoLongerDeclared, n => n.Solution == "x|`<b>y");
        string markdown = plan.ToMarkdown();
        Assert.Contains("**2 no longer declared**", markdown);
        // Inside a code span (fenced past its backtick, its | escaped for the table): no markup, no new cell.
        Assert.Contains("| solution | ``s3://a-dev-t1-us-east-1/solutions/x\\|`<b>y/`` |", markdown);
        Assert.Equal(1, JsonNode.Parse(plan.ToJson(Array.Empty<string>()))!["notDeclared"]!.AsArray().Count(n => n!["solution"]!.GetValue<string>() == "fraud"));

        int before = target.Keys.Count;
        await plan.ApplyAsync(plan.Changes, new RecordingSink(), None);
        Assert.Empty(target.Deleted);
        Assert.Contains(".s3mllayout/declared/solutions/fraud.json", target.Keys);
        Assert.True(target.Keys.Count >= before);
    }

    [Fact]
    public async Task What_moved_since_a_saved_plan_is_named_change_by_change()
    {
        var target = new InMemoryS3Target("a-dev-t1-us-east-1") { Exists = true };
        using var saved = await FleetPlan.CreateAsync(Members(new[] { target }), "Get-MlFleetPlan", Parameters, 8, None);
        var file = SavedFleetPlan.Parse(saved.ToJson(Array.Empty<string>()), "plan.json");
        file.CheckHolds(saved, Array.Empty<string>(), _ => ""); // as written, it holds
        // Someone provisions one solution by hand after the review.
        var add = await AddSolutionPlan.CreateAsync(new OperationContext(target, "Add-MlSolution"), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" }), None);
        await add.ApplyAsync(add.Changes, new RecordingSink(), None);

        using var now = await FleetPlan.CreateAsync(Members(new[] { target }), "Invoke-MlFleetPlan", Parameters, 8, None);
        var stale = Assert.Throws<MlLayoutException>(() => file.CheckHolds(now, Array.Empty<string>(), _ => ""));
        Assert.Equal("FleetPlanStale", stale.ErrorId);
        var moved = stale.Message.Split('\n').Where(l => l.StartsWith("  in the plan", StringComparison.Ordinal) || l.StartsWith("  needed now", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, m => Assert.StartsWith("  in the plan, not needed now: ", m));
        Assert.Contains(moved, m => m.Contains("solutions/churn/"));
    }

    [Fact]
    public async Task Edited_changes_with_a_recomputed_digest_are_still_refused_because_the_fresh_plan_differs()
    {
        var target = new InMemoryS3Target("a-dev-t1-us-east-1") { Exists = true };
        using var plan = await FleetPlan.CreateAsync(Members(new[] { target }), "Get-MlFleetPlan", Parameters, 8, None);
        var json = JsonNode.Parse(plan.ToJson(Array.Empty<string>()))!;
        // Someone who knows the format edits a change, its fingerprint and the digest, so the file is self-consistent.
        var changes = json["buckets"]![0]!["changes"]!.AsArray();
        var document = changes.First(c => c!["kind"]!.GetValue<string>() == "WriteDocument")!;
        document["contentSha256"] = new string('0', 64);
        json["fingerprints"] = new JsonArray(changes.Select(c => (JsonNode?)JsonValue.Create(FleetPlan.Fingerprint("a-dev-t1-us-east-1", c!["kind"]!.GetValue<string>(),
            c["target"]!.GetValue<string>(), c["action"]!.GetValue<string>(), c["solution"]?.GetValue<string>(), c["contentSha256"]?.GetValue<string>()))).ToArray());
        json.AsObject().Remove("digest");
        using (var edited = JsonDocument.Parse(json.ToJsonString())) json["digest"] = SavedFleetPlan.Digest(edited.RootElement);

        var saved = SavedFleetPlan.Parse(json.ToJsonString(), "plan.json");
        Assert.True(saved.DigestHolds);
        var stale = Assert.Throws<MlLayoutException>(() => saved.CheckHolds(plan, Array.Empty<string>(), _ => ""));
        Assert.Equal("FleetPlanStale", stale.ErrorId);
        Assert.Equal("plan.json", stale.Target);
        Assert.Contains("in the plan, not needed now: a-dev-t1-us-east-1: WriteDocument", stale.Message);
        Assert.Contains("sha256 " + new string('0', 64), stale.Message);
    }

    [Fact]
    public async Task The_plan_as_written_fits_the_schema_file_shipped_in_module_schemas()
    {
        var target = new InMemoryS3Target("a-dev-t1-us-east-1") { Exists = true };
        using var plan = await FleetPlan.CreateAsync(Members(new[] { target }), "Get-MlFleetPlan", Parameters, 8, None);
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "S3MlLayout.psd1"))) root = Path.GetDirectoryName(root)!;
        // The embedded schema is the shipped file, byte for byte.
        using var embedded = typeof(FleetPlan).Assembly.GetManifestResourceStream("S3MlLayout.Schemas." + SavedFleetPlan.SchemaFile)!;
        using var copy = new MemoryStream();
        embedded.CopyTo(copy);
        Assert.Equal(File.ReadAllBytes(Path.Combine(root, "module", "schemas", SavedFleetPlan.SchemaFile)), copy.ToArray());
        using var written = JsonDocument.Parse(plan.ToJson(Array.Empty<string>()));
        Assert.Null(JsonSchemaCheck.Embedded(SavedFleetPlan.SchemaFile).FirstProblem(written.RootElement));
        Assert.True(SavedFleetPlan.Parse(written.RootElement.GetRawText(), "plan.json").DigestHolds);
    }

    [Fact]
    public async Task A_solution_declared_with_another_template_is_a_problem_and_the_exit_code_says_so()
    {
        var target = new InMemoryS3Target("a-dev-t1-us-east-1") { Exists = true };
        var add = await AddSolutionPlan.CreateAsync(new OperationContext(target, "Add-MlSolution"), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("databricks"), new[] { "churn" }), None);
        await add.ApplyAsync(add.Changes, new RecordingSink(), None);
        using var plan = await FleetPlan.CreateAsync(Members(new[] { target }), "Get-MlFleetPlan", Parameters, 8, None);
        Assert.Equal("SolutionTemplateMismatch", Assert.Single(plan.Problems).ErrorId);
        Assert.Equal(1, plan.ExitCode);
    }
}
