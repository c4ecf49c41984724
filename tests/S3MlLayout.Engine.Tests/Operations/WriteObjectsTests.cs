using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Operations;

/// <summary>
/// Write-MlObject's plan and apply without PowerShell, on an in-memory S3 bucket: the contract comes from the
/// declaration in the bucket, a refused file costs no request after its read, keys are built from the date, and an
/// object written between the listing and the write is kept.
/// </summary>
public sealed class WriteObjectsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private static CancellationToken None => CancellationToken.None;

    public void Dispose() => _temp.Dispose();

    private const string Yaml = @"name: writes
version: 1.0.0
folders:
  - name: data
    folders:
      - name: raw
      - name: events
        partition: daily
      - name: reports
        partition: monthly
        partitionStyle: hive
";

    /// <summary>A bucket where solution churn is declared from the template above, data/raw taking .csv and .json only.</summary>
    private static async Task<InMemoryS3Target> DeclaredAsync()
    {
        var template = TemplateCatalog.Parse(Yaml, "writes.yaml");
        template.SolutionFolders[0].Folders.Single(f => f.Name == "raw").Contract = new FolderContract { Formats = new[] { ".csv", ".json" } };
        var target = new InMemoryS3Target { Exists = true };
        await DeclaredLayout.From(template, "churn", Array.Empty<string>()).WriteAsync(target, None);
        return target;
    }

    private string File(string name, string content = "id\n1\n")
    {
        string path = _temp.PathOf(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static Task<WriteObjectsPlan> PlanAsync(InMemoryS3Target target, string folder, DateTime? date, params string[] files) =>
        WriteObjectsPlan.CreateAsync(new OperationContext(target, "Write-MlObject"), new WriteObjectsRequest { Solution = "churn", Folder = folder, Date = date, Files = files }, None);

    [Fact]
    public async Task The_declaration_keeps_each_folders_contract_so_the_write_checks_what_was_provisioned()
    {
        var target = await DeclaredAsync();
        var declared = await DeclaredLayout.ReadAsync(target, "churn", None);
        var raw = LayoutExpander.Expand(new LayoutRequest(declared!.ToTemplate()) { Solution = "churn" }).Single(n => n.TemplatePath == "data/raw");
        Assert.Equal(new[] { ".csv", ".json" }, raw.Contract!.Formats);
    }

    [Fact]
    public async Task A_refused_format_is_a_problem_and_costs_no_request_after_the_declaration_read()
    {
        var target = await DeclaredAsync();
        var before = target.Keys.ToList();
        var requests = target.Requests.Total;
        var plan = await PlanAsync(target, "data/raw", null, File("model.joblib"));
        Assert.Equal("FormatNotAllowed", plan.Problems.Single().ErrorId);
        Assert.Empty(plan.Changes);
        Assert.Equal(1, target.Requests.Total - requests); // the declaration's GET, no listing
        await plan.ApplyAsync(plan.Changes, new RecordingSink(), None);
        Assert.Equal(before, target.Keys);
    }

    [Fact]
    public async Task Keys_are_built_from_the_date_in_the_folders_granularity_and_spelling()
    {
        var target = await DeclaredAsync();
        string file = File("e.csv");
        Assert.Equal("solutions/churn/data/events/2024/03/07/", (await PlanAsync(target, "data/events", new DateTime(2024, 3, 7), file)).Prefix);
        Assert.Equal("solutions/churn/data/reports/year=2024/month=03/", (await PlanAsync(target, "data/reports/", new DateTime(2024, 3, 7), file)).Prefix);
        var today = DateTime.UtcNow.Date;
        Assert.Equal($"solutions/churn/data/events/{today:yyyy}/{today:MM}/{today:dd}/", (await PlanAsync(target, "data\\events", null, file)).Prefix);
        var refused = await Assert.ThrowsAsync<MlLayoutException>(() => PlanAsync(target, "data/raw", new DateTime(2024, 3, 7), file));
        Assert.Equal("DateNotPartitioned", refused.ErrorId);
        Assert.Equal("FolderHoldsFoldersOnly", (await Assert.ThrowsAsync<MlLayoutException>(() => PlanAsync(target, "data", null, file))).ErrorId);
        Assert.Equal("FolderNotDeclared", (await Assert.ThrowsAsync<MlLayoutException>(() => PlanAsync(target, "data/nope", null, file))).ErrorId);
    }

    [Fact]
    public async Task An_object_written_after_the_listing_is_kept_and_the_file_reported_as_skipped()
    {
        var target = await DeclaredAsync();
        var plan = await PlanAsync(target, "data/raw", null, File("customers.csv", "mine"));
        Assert.Equal("Write object (4 bytes, .csv)", plan.Changes.First().Action);
        target.Put("solutions/churn/data/raw/customers.csv", "theirs"); // a writer racing the run
        var sink = new RecordingSink();
        await plan.ApplyAsync(plan.Changes, sink, None);
        Assert.Equal(ObjectWriteOutcome.Skipped, sink.Of<ObjectWriteResult>().Single().Outcome);
        Assert.Equal("theirs", target.Text("solutions/churn/data/raw/customers.csv"));
        Assert.Contains(sink.Warnings, w => w.Contains("someone else"));
    }
}
