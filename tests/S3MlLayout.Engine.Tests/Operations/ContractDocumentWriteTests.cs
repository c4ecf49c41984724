using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Operations;

/// <summary>Provisioning writes each solution's contract document under .s3mllayout/contracts/, and keeps it with the declaration.</summary>
public sealed class ContractDocumentWriteTests
{
    private static CancellationToken None => CancellationToken.None;

    private static async Task<AddSolutionPlan> Add(InMemoryS3Target target, LayoutTemplate template, params string[] solutions)
    {
        var plan = await AddSolutionPlan.CreateAsync(new OperationContext(target, "Add-MlSolution"), new AddSolutionRequest(template, solutions), None);
        await plan.ApplyAsync(plan.Changes, new RecordingSink(), None);
        return plan;
    }

    [Fact]
    public async Task Add_MlSolution_writes_one_contract_document_per_solution_outside_every_data_prefix_and_a_rerun_writes_none()
    {
        var target = new InMemoryS3Target("acme-dev-t1-us-east-1") { Exists = true };
        var first = await Add(target, TemplateCatalog.GetBuiltIn("data-lifecycle"), "churn", "fraud");

        Assert.Equal(2, first.Changes.Count(c => c.Action == "Write contract document"));
        var text = target.Text(".s3mllayout/contracts/churn.md");
        Assert.Contains("```mermaid", text);
        Assert.Contains("`data/raw/`", text);
        Assert.Equal(ContractDocument.Render("churn", "data-lifecycle", TemplateCatalog.GetBuiltIn("data-lifecycle").Version,
            LayoutExpander.Expand(new LayoutRequest(TemplateCatalog.GetBuiltIn("data-lifecycle")) { Solution = "churn" })), text);
        // Nothing the module wrote lies under a solution's prefix but folder markers.
        Assert.All(target.Keys.Where(k => k.StartsWith("solutions/")), k => Assert.EndsWith("/", k));

        var again = await AddSolutionPlan.CreateAsync(new OperationContext(target, "Add-MlSolution"), new AddSolutionRequest(TemplateCatalog.GetBuiltIn("data-lifecycle"), new[] { "churn", "fraud" }), None);
        Assert.DoesNotContain(again.Changes, c => c.Action == "Write contract document");
    }

    [Fact]
    public async Task A_document_someone_edited_is_brought_back_to_the_declared_contract_on_the_next_run()
    {
        var target = new InMemoryS3Target("acme-dev-t1-us-east-1") { Exists = true };
        await Add(target, TemplateCatalog.GetBuiltIn("simple-ml"), "churn");
        string written = target.Text(".s3mllayout/contracts/churn.md");
        await target.WriteObjectAsync(".s3mllayout/contracts/churn.md", "edited by hand"u8.ToArray(), "text/markdown", S3MlLayout.Engine.Storage.WriteCondition.None, None);

        var plan = await Add(target, TemplateCatalog.GetBuiltIn("simple-ml"), "churn");

        Assert.Single(plan.Changes, c => c.Action == "Write contract document" && c.Solution == "churn");
        Assert.Equal(written, target.Text(".s3mllayout/contracts/churn.md"));
    }
}
