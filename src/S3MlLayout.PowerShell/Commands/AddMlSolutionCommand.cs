using System;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Provisions solutions/{solution}/ from a template in the bucket piped in; idempotent.</summary>
    [Cmdlet(VerbsCommon.Add, "MlSolution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlSolutionCommand : ProvisioningCommandBase
    {
        private LayoutTemplate? _template;

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("Solution")]
        public string[] Name { get; set; } = new string[0];

        [Parameter]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public object Template { get; set; } = "master-solution";

        [Parameter]
        public DateTime[] Date { get; set; } = new DateTime[0];

        [Parameter]
        public string[] Include { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void BeginProcessing()
        {
            try { _template = ResolveTemplate(Template); }
            catch (MlLayoutException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            var template = _template!;
            var bucket = Bucket!;
            try
            {
                // Expand every solution first: a bad name or option stops the command before anything is written.
                var layouts = Name.Select(solution => (Solution: solution,
                    Nodes: LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = Include }))).ToArray();
                using var target = OpenExistingBucket(bucket);
                foreach (var (solution, nodes) in layouts)
                {
                    var declared = Run(ct => DeclaredLayout.ReadAsync(target, solution, ct));
                    if (declared != null && (declared.Template != template.Name || declared.TemplateVersion != template.Version) && !Force)
                    {
                        Report(new MlLayoutException("SolutionTemplateMismatch", ErrorKind.ResourceExists, target.Describe($"solutions/{solution}/"),
                            $"Solution '{solution}' was provisioned from template {declared.Template} {declared.TemplateVersion}, not {template.Name} {template.Version}. " +
                            "Provision it with its own template, or add -Force to declare the new one (existing folders are kept)."));
                        continue;
                    }
                    var include = Include.Concat(declared?.Include ?? Enumerable.Empty<string>()).ToArray();
                    var effective = include.Length == Include.Length ? nodes
                        : LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = include });

                    var tally = ProvisionFolders(target, effective.Select(n => n.Key).ToArray(), solution);
                    if (tally.Created.Count > 0 || declared == null || Force)
                    {
                        if (ShouldProcess(target.Describe(DeclaredLayout.KeyFor(solution)), "Record declared layout"))
                            Run(ct => DeclaredLayout.From(template, solution, include).WriteAsync(target, ct));
                    }
                    WriteObject(new SolutionProvisionResult
                    {
                        Bucket = bucket.Name, Solution = solution, Template = template.Name, TemplateVersion = template.Version,
                        Uri = target.Describe($"solutions/{solution}/"), Created = tally.Created.Count, AlreadyPresent = tally.AlreadyPresent,
                        Failed = tally.Failed.Count, Skipped = tally.Skipped, CreatedKeys = tally.Created, FailedKeys = tally.Failed,
                    });
                }
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
