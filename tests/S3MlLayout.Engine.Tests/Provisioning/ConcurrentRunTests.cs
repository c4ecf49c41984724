using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Provisioning;

/// <summary>
/// Issue 7 on the local target: declarations written with compare-and-swap, and removals that can only take the
/// exact marker that was listed.
/// </summary>
public sealed class ConcurrentRunTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly LocalDirectoryTarget _target;

    public ConcurrentRunTests()
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

    private static DeclaredLayout Declaration(string template) => DeclaredLayout.From(TemplateCatalog.GetBuiltIn(template), "churn", Array.Empty<string>());

    [Fact]
    public async Task A_write_on_absence_fails_when_the_key_exists_and_changes_nothing()
    {
        await _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("first"), "application/json", WriteCondition.Absent, None);
        var error = await Assert.ThrowsAsync<ObjectChangedException>(() =>
            _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("second"), "application/json", WriteCondition.Absent, None));
        Assert.Equal("ObjectChanged", error.ErrorId);
        Assert.Equal("first", Encoding.UTF8.GetString((await _target.ReadObjectAsync("k.json", None))!));
    }

    [Fact]
    public async Task A_write_on_an_ETag_fails_once_another_writer_changed_the_object()
    {
        await _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("v1"), "application/json", None);
        var read = (await _target.ReadObjectWithETagAsync("k.json", None))!;
        Assert.Equal(LocalDirectoryTarget.ETagOf(Encoding.UTF8.GetBytes("v1")), read.ETag);
        await _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("v2 by another run"), "application/json", None);

        await Assert.ThrowsAsync<ObjectChangedException>(() =>
            _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("v3"), "application/json", WriteCondition.Matches(read.ETag), None));
        Assert.Equal("v2 by another run", Encoding.UTF8.GetString((await _target.ReadObjectAsync("k.json", None))!));

        var now = (await _target.ReadObjectWithETagAsync("k.json", None))!;
        await _target.WriteObjectAsync("k.json", Encoding.UTF8.GetBytes("v3"), "application/json", WriteCondition.Matches(now.ETag), None);
        Assert.Equal("v3", Encoding.UTF8.GetString((await _target.ReadObjectAsync("k.json", None))!));
    }

    [Fact]
    public async Task Of_many_runs_declaring_different_templates_at_once_exactly_one_wins()
    {
        for (int round = 0; round < 20; round++)
        {
            string solution = "churn" + round;
            var runs = new[] { "simple-ml", "databricks", "data-lifecycle", "simple-ml" }.Select(template => Task.Run(async () =>
            {
                var declaration = DeclaredLayout.From(TemplateCatalog.GetBuiltIn(template), solution, Array.Empty<string>());
                var (_, read) = await DeclaredLayout.ReadStoredAsync(_target, solution, None);
                try { await declaration.DeclareAsync(_target, read, force: false, None); return (template, error: (string?)null); }
                catch (MlLayoutException e) { return (template, error: e.ErrorId); }
            })).ToArray();
            var outcomes = await Task.WhenAll(runs);

            var declared = (await DeclaredLayout.ReadAsync(_target, solution, None))!;
            // Every run that did not fail agrees with what is declared; the others were told why.
            Assert.All(outcomes.Where(o => o.error == null), o => Assert.Equal(declared.Template, o.template));
            Assert.All(outcomes.Where(o => o.error != null), o => Assert.Equal("SolutionTemplateMismatch", o.error));
            Assert.Contains(outcomes, o => o.error == null);
        }
    }

    [Fact]
    public async Task Another_run_declaring_the_same_template_meanwhile_is_accepted_without_a_write()
    {
        var (_, read) = await DeclaredLayout.ReadStoredAsync(_target, "churn", None);
        Assert.True(await Declaration("simple-ml").DeclareAsync(_target, null, false, None));
        // This run read "nothing declared" before the other run wrote: its compare-and-swap fails, the re-read agrees.
        Assert.False(await Declaration("simple-ml").DeclareAsync(_target, read, false, None));
        var mismatch = await Assert.ThrowsAsync<MlLayoutException>(() => Declaration("databricks").DeclareAsync(_target, read, false, None));
        Assert.Equal("SolutionTemplateMismatch", mismatch.ErrorId);
        Assert.Equal("simple-ml", (await DeclaredLayout.ReadAsync(_target, "churn", None))!.Template);
    }

    [Fact]
    public async Task A_bucket_declaration_changed_by_another_run_is_not_overwritten()
    {
        var bucket = new MlBucket { Name = "edge-dev-a001-us-west-2", Environment = "dev", Kind = StorageKind.Local };
        var (_, read) = await DeclaredBucket.ReadStoredAsync(_target, None);
        await DeclaredBucket.From(bucket).DeclareAsync(_target, read, None);
        var other = new MlBucket { Name = "edge-dev-a001-us-west-2", Environment = "prod", Kind = StorageKind.Local };
        var error = await Assert.ThrowsAsync<MlLayoutException>(() => DeclaredBucket.From(other).DeclareAsync(_target, read, None));
        Assert.Equal("BucketDeclarationChanged", error.ErrorId);
        Assert.Equal("dev", (await DeclaredBucket.ReadAsync(_target, None))!.Environment);
    }

    [Fact]
    public async Task A_listed_marker_that_received_a_file_since_is_left_with_the_file()
    {
        Assert.Equal(MarkerOutcome.Created, await _target.CreateFolderMarkerAsync("solutions/churn/data/interim/", None));
        var listed = (await _target.ListAsync("solutions/churn/data/interim/", delimited: false, None)).Objects.Single(o => o.IsFolderMarker);
        string file = Path.Combine(_target.Root, "solutions", "churn", "data", "interim", "part-0.parquet");
        File.WriteAllText(file, "data written after the listing");

        Assert.Equal(MarkerDeleteOutcome.Changed, await _target.DeleteFolderMarkerAsync(listed, None));
        Assert.Equal("data written after the listing", File.ReadAllText(file));
    }

    [Fact]
    public async Task A_rename_moves_empty_markers_and_leaves_an_old_folder_that_received_data()
    {
        var migrator = new SolutionMigrator(_target);
        await _target.CreateFolderMarkerAsync("solutions/churn/data/interim/", None);
        await _target.CreateFolderMarkerAsync("solutions/churn/data/interim/daily/", None);
        var plan = await migrator.PlanRenameAsync(new RenameMigration("data/interim", "staging"), "churn", None);
        Assert.Equal(RenameStatus.OnlyMarkers, plan.Status);
        // Data arrives in the deepest old folder between the plan and the move.
        string file = Path.Combine(_target.Root, "solutions", "churn", "data", "interim", "daily", "x.csv");
        File.WriteAllText(file, "late data");

        var move = await migrator.MoveMarkersAsync(plan, None);
        Assert.Equal(new[] { "solutions/churn/data/staging/", "solutions/churn/data/staging/daily/" }, move.Created.OrderBy(k => k));
        Assert.Equal(new[] { "solutions/churn/data/interim/", "solutions/churn/data/interim/daily/" }, move.Left.OrderBy(k => k));
        Assert.Empty(move.Deleted);
        Assert.Equal("late data", File.ReadAllText(file));
    }
}
