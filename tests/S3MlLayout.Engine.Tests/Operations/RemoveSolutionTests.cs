using System.Text;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Operations;

/// <summary>
/// Remove-MlSolution's plan and apply, and Get-MlSolution's listing, on the local target and on an in-memory S3
/// bucket: only zero-byte markers and the declaration are ever removed, and data stops the removal.
/// </summary>
public sealed class RemoveSolutionTests : IDisposable
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

    private static OperationContext Context(IStorageTarget target) => new(target, "Remove-MlSolution", new Dictionary<string, object?> { ["Name"] = "churn" });

    private static async Task ProvisionAsync(IStorageTarget target, params string[] solutions)
    {
        var plan = await AddSolutionPlan.CreateAsync(new OperationContext(target, "Add-MlSolution"),
            new AddSolutionRequest(TemplateCatalog.GetBuiltIn("simple-ml"), solutions), None);
        await plan.ApplyAsync(plan.Changes, new RecordingSink(), None);
    }

    /// <summary>Writes a data object: a file on the local target, an object on S3.</summary>
    private void WriteData(IStorageTarget target, string key, string content = "id,label\n1,0\n")
    {
        if (target is InMemoryS3Target s3) s3.Put(key, content);
        else _temp.WriteFile(Path.Combine("edge-dev-a001-us-west-2", key), content);
    }

    private static async Task<List<string>> KeysAsync(IStorageTarget target, string prefix) =>
        (await target.ListAsync(prefix, delimited: false, None)).Objects.Select(o => o.Key).ToList();

    private static async Task<List<AuditRecord>> AuditsAsync(IStorageTarget target)
    {
        var records = new List<AuditRecord>();
        foreach (var o in (await target.ListAsync(AuditRecord.Prefix, delimited: false, None)).Objects.Where(o => o.Key.EndsWith(".json", StringComparison.Ordinal)))
            records.Add(AuditRecord.FromJson((await target.ReadObjectAsync(o.Key, None))!)!);
        return records;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Plan_removes_every_marker_deepest_first_then_the_declaration_and_writes_nothing(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        var before = await KeysAsync(target, "solutions/churn/");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);

        var markers = plan.Changes.Where(c => c.Kind == ChangeKind.DeleteMarker).ToList();
        Assert.Equal(before.OrderBy(k => k), markers.Select(c => c.Key!).OrderBy(k => k));
        Assert.All(markers, c => Assert.Equal(target.Describe(c.Key!), c.Target));
        var depths = markers.Select(c => c.Key!.Count(ch => ch == '/')).ToList();
        Assert.Equal(depths.OrderByDescending(d => d), depths);
        Assert.Equal("solutions/churn/", markers.Last().Key);
        var declaration = Assert.Single(plan.Changes, c => c.Kind == ChangeKind.DeleteDeclaration);
        Assert.Equal(target.Describe(".s3mllayout/declared/solutions/churn.json"), declaration.Target);
        Assert.StartsWith("Remove declared layout simple-ml ", declaration.Action);
        Assert.Equal(ChangeKind.WriteAuditRecord, plan.Changes.Last().Kind);
        Assert.Equal(before, await KeysAsync(target, "solutions/churn/"));
        Assert.NotNull(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Apply_removes_the_markers_and_the_declaration_leaves_the_other_solutions_and_audits_the_deleted_keys(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn", "fraud");
        var fraud = await KeysAsync(target, "solutions/fraud/");
        var markers = await KeysAsync(target, "solutions/churn/");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);

        Assert.Empty(sink.Errors);
        Assert.Empty(sink.Warnings);
        var result = Assert.Single(sink.Of<SolutionRemoveResult>());
        Assert.Equal(markers.Count, result.Removed);
        Assert.True(result.DeclarationRemoved);
        Assert.Empty(result.MarkersLeft);
        Assert.Empty(await KeysAsync(target, "solutions/churn/"));
        Assert.Null(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
        Assert.Equal(fraud, await KeysAsync(target, "solutions/fraud/"));
        Assert.NotNull(await target.ReadObjectAsync(DeclaredLayout.KeyFor("fraud"), None));
        var audit = (await AuditsAsync(target)).Single(a => a.Cmdlet == "Remove-MlSolution");
        Assert.Equal(markers.Append(DeclaredLayout.KeyFor("churn")).OrderBy(k => k), audit.KeysDeleted.OrderBy(k => k));
        Assert.Equal("Completed", audit.Outcome);
        Assert.Equal(new[] { "churn" }, audit.Solutions);
        Assert.Equal(new[] { "fraud" }, (await SolutionCatalog.ListAsync(target, null, _ => { }, None)).Select(s => s.Solution));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_solution_holding_data_is_refused_with_the_data_named_and_nothing_is_removed(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        for (int i = 0; i < 12; i++) WriteData(target, $"solutions/churn/dataset/raw/part-{i:00}.csv");
        WriteData(target, "solutions/churn/models/empty.bin", "");
        var before = await KeysAsync(target, "solutions/churn/");

        var e = await Assert.ThrowsAsync<MlLayoutException>(() => RemoveSolutionPlan.CreateAsync(Context(target), "churn", None));
        Assert.Equal("SolutionHoldsData", e.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, e.Kind);
        Assert.Equal(target.Describe("solutions/churn/"), e.Target);
        Assert.Contains("13 data objects", e.Message);
        Assert.Contains(target.Describe("solutions/churn/dataset/raw/part-00.csv"), e.Message);
        Assert.Contains("and 3 more", e.Message); // ten named, then the count of the rest
        Assert.Equal(before, await KeysAsync(target, "solutions/churn/"));
        Assert.NotNull(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
        Assert.Empty(await AuditsAsync(target).ContinueWith(t => t.Result.Where(a => a.Cmdlet == "Remove-MlSolution").ToList()));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task An_undeclared_solution_is_refused(string kind)
    {
        using var target = Open(kind);
        await target.CreateFolderMarkerAsync("solutions/", None);
        await target.CreateFolderMarkerAsync("solutions/stray/", None);
        var e = await Assert.ThrowsAsync<MlLayoutException>(() => RemoveSolutionPlan.CreateAsync(Context(target), "stray", None));
        Assert.Equal("SolutionNotDeclared", e.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains("solutions/stray/", await KeysAsync(target, "solutions/"));
        var bad = await Assert.ThrowsAsync<MlLayoutException>(() => RemoveSolutionPlan.CreateAsync(Context(target), "../x", None));
        Assert.NotEqual("SolutionNotDeclared", bad.ErrorId);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Data_written_between_plan_and_apply_keeps_the_markers_above_it_and_the_declaration(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        string data = "solutions/churn/dataset/raw/late.csv";
        WriteData(target, data, "arrived after the plan");
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);

        var result = Assert.Single(sink.Of<SolutionRemoveResult>());
        Assert.False(result.DeclarationRemoved);
        Assert.Equal(new[] { data }, result.DataFound);
        Assert.Equal(new[] { "solutions/churn/", "solutions/churn/dataset/", "solutions/churn/dataset/raw/" }, result.MarkersLeft.OrderBy(k => k));
        Assert.Equal("SolutionHoldsData", Assert.Single(sink.Errors).ErrorId);
        var left = await KeysAsync(target, "solutions/churn/");
        Assert.Equal(new[] { "solutions/churn/", "solutions/churn/dataset/", "solutions/churn/dataset/raw/", data }, left.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("arrived after the plan", Encoding.UTF8.GetString((await target.ReadObjectAsync(data, None))!));
        Assert.NotNull(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
        var audit = (await AuditsAsync(target)).Single(a => a.Cmdlet == "Remove-MlSolution");
        Assert.DoesNotContain(data, audit.KeysDeleted);
        Assert.DoesNotContain(DeclaredLayout.KeyFor("churn"), audit.KeysDeleted);
        Assert.Equal(result.Removed, audit.KeysDeleted.Count);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Markers_not_approved_stay_with_their_parents_and_the_declaration(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        var approved = plan.Changes.Where(c => c.Key != "solutions/churn/dataset/raw/").ToList();
        var sink = new RecordingSink();
        await plan.ApplyAsync(approved, sink, None);

        var result = Assert.Single(sink.Of<SolutionRemoveResult>());
        Assert.Equal(new[] { "solutions/churn/", "solutions/churn/dataset/", "solutions/churn/dataset/raw/" }, (await KeysAsync(target, "solutions/churn/")).OrderBy(k => k));
        Assert.False(result.DeclarationRemoved);
        Assert.Empty(sink.Errors);
        Assert.NotNull(await target.ReadObjectAsync(DeclaredLayout.KeyFor("churn"), None));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_declaration_changed_since_the_plan_is_kept(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        var changed = (await DeclaredLayout.ReadAsync(target, "churn", None))!;
        changed.Include.Add("extra");
        await changed.WriteAsync(target, None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);

        var result = Assert.Single(sink.Of<SolutionRemoveResult>());
        Assert.False(result.DeclarationRemoved);
        Assert.Empty(await KeysAsync(target, "solutions/churn/"));
        Assert.Contains("extra", (await DeclaredLayout.ReadAsync(target, "churn", None))!.Include);
        Assert.Contains(sink.Warnings, w => w.Contains("another run changed it"));
    }

    [Fact]
    public async Task A_store_that_can_delete_neither_by_version_nor_on_a_condition_leaves_everything_and_says_so()
    {
        using var target = new InMemoryS3Target { Exists = true, ConditionalDeletes = false };
        await ProvisionAsync(target, "churn");
        var markers = await KeysAsync(target, "solutions/churn/");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);

        var result = Assert.Single(sink.Of<SolutionRemoveResult>());
        Assert.Equal(0, result.Removed);
        Assert.Equal(markers.OrderBy(k => k), result.MarkersLeft.OrderBy(k => k));
        Assert.False(result.DeclarationRemoved);
        Assert.Equal(markers, await KeysAsync(target, "solutions/churn/"));
        Assert.Empty(target.Deleted);
        Assert.Contains(sink.Warnings, w => w.Contains("neither delete by version"));
    }

    [Fact]
    public async Task On_a_versioned_store_without_conditional_deletes_the_declaration_goes_by_version()
    {
        using var target = new InMemoryS3Target { Exists = true, ConditionalDeletes = false };
        target.Settings.Versioning = "Enabled";
        await ProvisionAsync(target, "churn");
        var plan = await RemoveSolutionPlan.CreateAsync(Context(target), "churn", None);
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);
        Assert.True(Assert.Single(sink.Of<SolutionRemoveResult>()).DeclarationRemoved);
        Assert.Contains(DeclaredLayout.KeyFor("churn"), target.Deleted);
    }

    [Fact]
    public async Task Local_record_delete_compares_the_content_under_the_lock()
    {
        using var target = Open("local");
        await target.WriteObjectAsync(".s3mllayout/declared/solutions/x.json", Encoding.UTF8.GetBytes("{\"a\":1}"), "application/json", None);
        var read = (await target.ReadObjectWithETagAsync(".s3mllayout/declared/solutions/x.json", None))!;
        await target.WriteObjectAsync(".s3mllayout/declared/solutions/x.json", Encoding.UTF8.GetBytes("{\"a\":2}"), "application/json", None);
        Assert.Equal(MarkerDeleteOutcome.Changed, await target.DeleteRecordAsync(".s3mllayout/declared/solutions/x.json", read, None));
        var now = (await target.ReadObjectWithETagAsync(".s3mllayout/declared/solutions/x.json", None))!;
        Assert.Equal(MarkerDeleteOutcome.Deleted, await target.DeleteRecordAsync(".s3mllayout/declared/solutions/x.json", now, None));
        Assert.Null(await target.ReadObjectAsync(".s3mllayout/declared/solutions/x.json", None));
        Assert.Equal(MarkerDeleteOutcome.Changed, await target.DeleteRecordAsync(".s3mllayout/declared/solutions/x.json", now, None));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Solutions_are_listed_from_their_declarations_in_name_order_and_filtered_by_name(string kind)
    {
        using var target = Open(kind);
        var before = DateTime.UtcNow.AddSeconds(-1);
        await ProvisionAsync(target, "fraud", "churn");
        var problems = new List<MlLayoutException>();
        var all = await SolutionCatalog.ListAsync(target, null, problems.Add, None);

        Assert.Empty(problems);
        Assert.Equal(new[] { "churn", "fraud" }, all.Select(s => s.Solution));
        var churn = all[0];
        Assert.Same(target.Bucket, churn.Bucket);
        Assert.Equal("simple-ml", churn.Template);
        Assert.Equal(TemplateCatalog.GetBuiltIn("simple-ml").Version, churn.TemplateVersion);
        Assert.InRange(churn.Provisioned, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(DateTimeKind.Utc, churn.Provisioned.Kind);
        Assert.Null(churn.LastChecked);
        Assert.Equal(target.Describe("solutions/churn/"), churn.Uri);
        Assert.Equal(new[] { "fraud" }, (await SolutionCatalog.ListAsync(target, n => n.StartsWith("f"), problems.Add, None)).Select(s => s.Solution));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_declaration_that_is_not_json_is_reported_and_the_others_are_listed(string kind)
    {
        using var target = Open(kind);
        await ProvisionAsync(target, "churn");
        await target.WriteObjectAsync(DeclaredLayout.KeyFor("broken"), Encoding.UTF8.GetBytes("{not json"), "application/json", None);
        var problems = new List<MlLayoutException>();
        var all = await SolutionCatalog.ListAsync(target, null, problems.Add, None);
        Assert.Equal(new[] { "churn" }, all.Select(s => s.Solution));
        Assert.Equal("DeclarationInvalid", Assert.Single(problems).ErrorId);
    }
}
