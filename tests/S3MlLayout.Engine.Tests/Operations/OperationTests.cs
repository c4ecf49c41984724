using System.Text;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Operations;

/// <summary>
/// Every verb's plan and apply, without PowerShell: on the local target and on an in-memory S3 bucket. A plan
/// writes nothing; applying writes exactly the approved changes, tallies them and audits the run.
/// </summary>
public sealed class OperationTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private static CancellationToken None => CancellationToken.None;

    public void Dispose() => _temp.Dispose();

    private LocalDirectoryTarget Local()
    {
        var target = new LocalDirectoryTarget(new MlBucket { Name = "edge-dev-a001-us-west-2", Kind = StorageKind.Local, LocalPath = _temp.PathOf("edge-dev-a001-us-west-2") });
        target.CreateBucketDirectory();
        return target;
    }

    private static InMemoryS3Target S3() => new() { Exists = true };

    private static OperationContext Context(IStorageTarget target, string command = "Test-Operation") =>
        new(target, command, new Dictionary<string, object?> { ["Name"] = "churn" });

    private static List<PlannedChange> All(ChangePlan plan) => plan.Changes.ToList();

    private static List<PlannedChange> None_(ChangePlan plan) => plan.Changes.Where(c => !c.NeedsApproval).ToList();

    private static async Task<List<AuditRecord>> AuditsAsync(IStorageTarget target)
    {
        var listing = await target.ListAsync(AuditRecord.Prefix, delimited: false, None);
        var records = new List<AuditRecord>();
        foreach (var o in listing.Objects.Where(o => o.Key.EndsWith(".json", StringComparison.Ordinal)))
            records.Add(AuditRecord.FromJson((await target.ReadObjectAsync(o.Key, None))!)!);
        return records;
    }

    public static TheoryData<string> Targets => new() { "local", "s3" };

    private IStorageTarget Open(string kind) => kind == "local" ? Local() : S3();

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Add_solution_plans_one_declaration_and_a_marker_per_missing_folder_and_writes_nothing(string kind)
    {
        using var target = Open(kind);
        var request = new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" });
        var plan = await AddSolutionPlan.CreateAsync(Context(target), request, None);
        int folders = LayoutExpander.Expand(new LayoutRequest(request.Template) { Solution = "churn" }).Count;

        Assert.Single(plan.Changes, c => c.Kind == ChangeKind.RecordDeclaration && c.Target == target.Describe(".s3mllayout/declared/solutions/churn.json") && c.Action == "Record declared layout");
        Assert.Equal(folders, plan.Changes.Count(c => c.Kind == ChangeKind.WriteMarker && c.Action == "Create folder" && c.Solution == "churn"));
        Assert.Single(plan.Changes, c => c.Kind == ChangeKind.WriteAuditRecord && !c.NeedsApproval);
        Assert.Null(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
        Assert.Empty((await target.ListAsync("solutions/", false, None)).Objects);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Add_solution_applies_the_approved_changes_tallies_them_and_audits_once_then_a_rerun_plans_nothing(string kind)
    {
        using var target = Open(kind);
        var request = new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn", "fraud" });
        var plan = await AddSolutionPlan.CreateAsync(Context(target, "Add-MlSolution"), request, None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);

        var results = sink.Of<SolutionProvisionResult>().ToList();
        Assert.Equal(new[] { "churn", "fraud" }, results.Select(r => r.Solution));
        int markers = plan.Changes.Count(c => c.Kind == ChangeKind.WriteMarker);
        Assert.Equal(markers, results.Sum(r => r.Created));
        Assert.Equal(markers, sink.Progress);
        Assert.Empty(sink.Errors);
        Assert.Equal("simple-ml", (await DeclaredLayout.ReadAsync(target, "fraud", None))!.Template);

        var audit = Assert.Single(await AuditsAsync(target));
        Assert.Equal("Add-MlSolution", audit.Cmdlet);
        Assert.Equal("Completed", audit.Outcome);
        Assert.Equal(markers, audit.KeysCreated.Count);
        Assert.Equal(2, audit.SettingsChanged.Count);
        Assert.Equal(32, audit.RunId.Length);
        Assert.Equal("churn", audit.Parameters["Name"]?.ToString());

        var again = await AddSolutionPlan.CreateAsync(Context(target), request, None);
        Assert.Empty(again.Changes);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Nothing_approved_writes_nothing_and_reports_every_folder_skipped(string kind)
    {
        using var target = Open(kind);
        var plan = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("databricks"), new[] { "churn" }), None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(None_(plan), sink, None);
        var result = Assert.Single(sink.Of<SolutionProvisionResult>());
        Assert.Equal(plan.Changes.Count(c => c.Kind == ChangeKind.WriteMarker), result.Skipped);
        Assert.Equal(0, result.Created);
        Assert.Null(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
        Assert.Empty(await AuditsAsync(target));
    }

    [Fact]
    public async Task A_solution_declared_with_another_template_is_a_problem_of_the_plan_and_the_others_go_on()
    {
        using var target = S3();
        var first = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" }), None);
        await first.ApplyAsync(All(first), new RecordingSink(), None);

        var plan = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("databricks"), new[] { "churn", "fraud" }), None);
        Assert.Equal("SolutionTemplateMismatch", Assert.Single(plan.Problems).ErrorId);
        Assert.DoesNotContain(plan.Changes, c => c.Solution == "churn");
        Assert.Contains(plan.Changes, c => c.Solution == "fraud");
    }

    [Fact]
    public async Task A_declaration_lost_to_another_run_between_plan_and_apply_keeps_that_solution_from_writing_any_folder()
    {
        using var target = S3();
        var plan = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("databricks"), new[] { "churn" }), None);
        // Another run declares simple-ml after this plan read "nothing declared".
        var other = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" }), None);
        await other.ApplyAsync(All(other).Where(c => c.Kind != ChangeKind.WriteMarker).ToList(), new RecordingSink(), None);

        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        Assert.Equal("SolutionTemplateMismatch", Assert.Single(sink.Errors).ErrorId);
        Assert.Empty(sink.Of<SolutionProvisionResult>());
        Assert.DoesNotContain(target.Keys, k => k.StartsWith("solutions/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Date_partitions_come_from_the_declared_layout_and_an_undeclared_solution_is_a_problem(string kind)
    {
        using var target = Open(kind);
        var add = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("master-solution"), new[] { "churn" }), None);
        await add.ApplyAsync(All(add), new RecordingSink(), None);

        var dates = new[] { new DateTime(2024, 1, 1), new DateTime(2024, 1, 2) };
        var plan = await AddDatePartitionsPlan.CreateAsync(Context(target), new[] { "churn", "nothing" }, dates, null, None);
        Assert.Equal("SolutionNotDeclared", Assert.Single(plan.Problems).ErrorId);
        var markers = plan.Changes.Where(c => c.Kind == ChangeKind.WriteMarker).ToList();
        Assert.NotEmpty(markers);
        Assert.All(markers, c => Assert.Matches("/2024/(01/(0[12]/)?)?$", c.Key));
        Assert.Contains(markers, c => c.Key!.EndsWith("/2024/01/02/", StringComparison.Ordinal));

        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        Assert.Equal(markers.Count, Assert.Single(sink.Of<SolutionProvisionResult>()).Created);
        Assert.Empty((await AddDatePartitionsPlan.CreateAsync(Context(target), new[] { "churn" }, dates, null, None)).Changes);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Create_folders_emits_a_result_for_every_folder_present_or_written(string kind)
    {
        using var target = Open(kind);
        await target.CreateFolderMarkerAsync("a/", None);
        var plan = await CreateFoldersPlan.CreateAsync(Context(target), new[] { "a/", "a/b/", "c/" }, None);
        Assert.Equal(new[] { "a/b/", "c/" }, plan.Changes.Where(c => c.Kind == ChangeKind.WriteMarker).Select(c => c.Key).OrderBy(k => k));
        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        var results = sink.Of<FolderResult>().ToDictionary(r => r.Key, r => r.Outcome);
        Assert.Equal(FolderOutcome.AlreadyExists, results["a/"]);
        Assert.Equal(FolderOutcome.Created, results["a/b/"]);
        Assert.Equal(FolderOutcome.Created, results["c/"]);
    }

    private static LayoutTemplate Parse(string yaml, string name) => TemplateCatalog.Parse(yaml, name);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Update_plans_chained_renames_and_moves_only_markers(string kind)
    {
        using var target = Open(kind);
        var v1 = Parse("name: chain\nversion: 1.0.0\nfolders:\n  - name: inputs\n    folders: [daily]\n  - name: outputs\n", "v1.yaml");
        var v3 = Parse("name: chain\nversion: 1.2.0\nfolders:\n  - name: feeds\n    folders: [daily]\n  - name: results\nrename:\n  - from: inputs\n    to: sources\n  - from: sources\n    to: feeds\n  - from: outputs\n    to: results\n", "v3.yaml");
        var add = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(v1, new[] { "churn" }), None);
        await add.ApplyAsync(All(add), new RecordingSink(), None);
        await target.WriteObjectAsync("solutions/churn/outputs/predictions.csv", Encoding.UTF8.GetBytes("data"), "text/csv", None);

        var plan = await UpdateSolutionPlan.CreateAsync(Context(target), v3, "churn", Array.Empty<DateTime>(), false, None);
        var renames = plan.Changes.Where(c => c.Kind == ChangeKind.RenameFolder).ToList();
        Assert.Equal(new[] { "solutions/churn/inputs/", "solutions/churn/sources/" }, renames.Select(c => c.Key));
        Assert.Contains(plan.Warnings, w => w.Contains("holds data"));

        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        Assert.Empty(sink.Errors);
        Assert.True(sink.Warnings.IsEmpty, string.Join("\n", sink.Warnings));
        var result = Assert.Single(sink.Of<SolutionUpdateResult>());
        Assert.Equal(new[] { "solutions/churn/inputs/ -> solutions/churn/sources/", "solutions/churn/sources/ -> solutions/churn/feeds/" }, result.Renamed);
        Assert.Single(result.RenamesSkipped);
        var keys = (await target.ListAsync("solutions/churn/", false, None)).Objects.Select(o => o.Key).ToList();
        Assert.Contains("solutions/churn/feeds/daily/", keys);
        Assert.DoesNotContain("solutions/churn/inputs/", keys);
        Assert.DoesNotContain("solutions/churn/sources/", keys);
        Assert.Contains("solutions/churn/outputs/predictions.csv", keys);
        Assert.Equal("1.2.0", (await DeclaredLayout.ReadAsync(target, "churn", None))!.TemplateVersion);
        var audits = await AuditsAsync(target);
        var audit = audits.Single(a => a.TemplateVersion == "1.2.0");
        Assert.Equal(new[] { "solutions/churn/inputs/", "solutions/churn/inputs/daily/", "solutions/churn/sources/", "solutions/churn/sources/daily/" }, audit.KeysDeleted.OrderBy(k => k));
    }

    [Fact]
    public async Task Update_refuses_a_version_that_is_not_newer_before_any_change()
    {
        using var target = S3();
        var add = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" }), None);
        await add.ApplyAsync(All(add), new RecordingSink(), None);
        var error = await Assert.ThrowsAsync<Errors.MlLayoutException>(() =>
            UpdateSolutionPlan.CreateAsync(Context(target), TemplateCatalog.GetBuiltIn("simple-ml"), "churn", Array.Empty<DateTime>(), false, None));
        Assert.Equal("TemplateVersionNotNewer", error.ErrorId);
    }

    [Fact]
    public async Task Create_bucket_on_S3_plans_the_bucket_every_setting_and_the_declaration_and_converges()
    {
        using var target = new InMemoryS3Target();
        var desired = BucketSettings.SecureDefaults(new Dictionary<string, string> { ["company"] = "edge" });
        var plan = await CreateBucketPlan.CreateAsync(Context(target, "New-MlBucket"), desired, None);
        Assert.Equal("Create bucket in us-east-1", plan.Changes[0].Action);
        foreach (var setting in new[] { "BlockPublicAccess", "ObjectOwnership", "Encryption", "Versioning", "TlsOnlyPolicy", "Tag", "Lifecycle" })
            Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.SetBucketSetting && c.Action.StartsWith("Set " + setting, StringComparison.Ordinal));
        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.RecordDeclaration);
        Assert.False(target.Exists);

        // -WhatIf: nothing approved, nothing created, no bucket object.
        var whatIf = new RecordingSink();
        await plan.ApplyAsync(None_(plan), whatIf, None);
        Assert.False(target.Exists);
        Assert.Empty(whatIf.Outputs);

        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        var bucket = Assert.IsType<MlBucket>(Assert.Single(sink.Outputs));
        Assert.True(bucket.Created);
        Assert.Equal("Enabled", bucket.Settings!.Versioning);
        Assert.Equal("AES256", (await DeclaredBucket.ReadAsync(target, None))!.Settings!.Encryption);
        Assert.True(Assert.Single(await AuditsAsync(target)).BucketCreated);

        var again = await CreateBucketPlan.CreateAsync(Context(target), desired, None);
        Assert.DoesNotContain(again.Changes, c => c.NeedsApproval);
    }

    [Fact]
    public async Task Create_bucket_on_the_local_target_says_it_has_no_settings_and_creates_the_directory()
    {
        var bucket = new MlBucket { Name = "edge-dev-a001-us-west-2", Kind = StorageKind.Local, LocalPath = _temp.PathOf("b", "edge-dev-a001-us-west-2"), Uri = "b" };
        Directory.CreateDirectory(_temp.PathOf("b"));
        using var target = new LocalDirectoryTarget(bucket);
        var plan = await CreateBucketPlan.CreateAsync(Context(target), BucketSettings.SecureDefaults(new Dictionary<string, string>()), None);
        Assert.Equal(new[] { ChangeKind.CreateBucket, ChangeKind.WriteAuditRecord }, plan.Changes.Select(c => c.Kind));
        Assert.Contains(plan.Notes, n => n.Contains("no bucket settings"));
        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        Assert.True(Directory.Exists(target.Root));
        Assert.NotNull(await DeclaredBucket.ReadAsync(target, None));
        Assert.Same(bucket, Assert.Single(sink.Outputs));
    }

    [Fact]
    public async Task Repair_writes_missing_markers_reapplies_declared_settings_and_leaves_the_rest()
    {
        using var target = new InMemoryS3Target();
        var desired = BucketSettings.SecureDefaults(new Dictionary<string, string>());
        var create = await CreateBucketPlan.CreateAsync(Context(target), desired, None);
        await create.ApplyAsync(All(create), new RecordingSink(), None);
        var add = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), new[] { "churn" }), None);
        await add.ApplyAsync(All(add), new RecordingSink(), None);
        // Drift: a marker gone, versioning suspended, an undeclared folder with data.
        await target.DeleteFolderMarkerAsync((await target.ListAsync("solutions/churn/models/", false, None)).Objects.First(o => o.Key == "solutions/churn/models/"), None);
        target.Settings.Versioning = "Suspended";
        await target.WriteObjectAsync("solutions/churn/scratch/x.csv", Encoding.UTF8.GetBytes("x"), "text/csv", None);

        var findings = new List<DriftFinding>();
        await new DriftDetector(target, new DriftOptions(), f => { lock (findings) findings.Add(f); }).RunAsync(None);
        var plan = await RepairPlan.CreateAsync(Context(target), findings, None);
        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.WriteMarker && c.Key == "solutions/churn/models/");
        Assert.Contains(plan.Changes, c => c.Kind == ChangeKind.SetBucketSetting && c.Action.StartsWith("Set Versioning", StringComparison.Ordinal));

        var sink = new RecordingSink();
        await plan.ApplyAsync(All(plan), sink, None);
        var results = sink.Of<RepairResult>().ToList();
        Assert.Contains(results, r => r.Key == "solutions/churn/models/" && r.Action == RepairAction.Created);
        Assert.Contains(results, r => r.Kind == DriftCategory.BucketSetting && r.Action == RepairAction.SettingApplied);
        Assert.Contains(results, r => r.Kind == DriftCategory.Unexpected && r.Action == RepairAction.LeftAlone);
        Assert.Equal("Enabled", target.Settings.Versioning);
        Assert.Contains("solutions/churn/scratch/x.csv", target.Keys);
    }

    [Fact]
    public async Task A_stopped_apply_still_writes_one_audit_record_that_accounts_for_every_approved_key()
    {
        using var target = S3();
        var plan = await AddSolutionPlan.CreateAsync(Context(target), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("master-solution"), new[] { "churn" }), None);
        using var stop = new CancellationTokenSource();
        var sink = new StoppingSink(stop, after: 10);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => plan.ApplyAsync(All(plan), sink, stop.Token));

        var audit = Assert.Single(await AuditsAsync(target));
        Assert.Equal("Stopped", audit.Outcome);
        int markers = plan.Changes.Count(c => c.Kind == ChangeKind.WriteMarker);
        Assert.Equal(markers, audit.KeysCreated.Count + audit.KeysInterrupted.Count + audit.KeysNotAttempted.Count);
        Assert.InRange(audit.KeysCreated.Count, 10, markers - 1);
        Assert.All(audit.KeysCreated, k => Assert.Contains(k, target.Keys));
        Assert.NotNull(await DeclaredLayout.ReadAsync(target, "churn", None)); // declared before the first folder
    }

    /// <summary>Presses Ctrl+C after a number of folders.</summary>
    private sealed class StoppingSink : S3MlLayout.Engine.Operations.IOperationSink
    {
        private readonly CancellationTokenSource _stop;
        private readonly int _after;
        private int _seen;
        public StoppingSink(CancellationTokenSource stop, int after) { _stop = stop; _after = after; }
        public void Output(object item) { }
        public void Error(Errors.MlLayoutException error) { }
        public void Warning(string message) { }
        public void Verbose(string message) { }
        public void FolderWritten(FolderResult result, int done, int total) { if (Interlocked.Increment(ref _seen) == _after) _stop.Cancel(); }
    }
}
