using System;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
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
                    foreach (var solution in Name)
                    LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = Include });
                using var target = OpenExistingBucket(bucket);
                var audit = new AuditRecord { Template = template.Name, TemplateVersion = template.Version };
                foreach (var solution in Name)
                {
                    var declared = Run(ct => DeclaredLayout.ReadAsync(target, solution, ct));
                    if (declared != null && (declared.Template != template.Name || declared.TemplateVersion != template.Version) && !Force)
                    {
                        Report(new MlLayoutException("SolutionTemplateMismatch", ErrorKind.ResourceExists, target.Describe($"solutions/{solution}/"),
                            $"Solution '{solution}' was provisioned from template {declared.Template} {declared.TemplateVersion}, not {template.Name} {template.Version}. " +
                            "Provision it with its own template, or add -Force to declare the new one (existing folders are kept)."));
                        continue;
                    }
                    // Optional folders included earlier stay included.
                    var include = Include.Union(declared?.Include ?? Enumerable.Empty<string>(), StringComparer.Ordinal).ToArray();
                    var keys = LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = include }).Select(n => n.Key).ToArray();

                    var tally = ProvisionFolders(target, keys, solution);
                    if (tally.Created.Count > 0 || declared == null || Force)
                    {
                        if (ShouldProcess(target.Describe(DeclaredLayout.KeyFor(solution)), "Record declared layout"))
                        {
                            Run(ct => DeclaredLayout.From(template, solution, include).WriteAsync(target, ct));
                            audit.SettingsChanged.Add($"declared layout of {solution}: {template.Name} {template.Version}");
                        }
                    }
                    audit.Solutions.Add(solution);
                    audit.KeysCreated.AddRange(tally.Created);
                    audit.KeysFailed.AddRange(tally.Failed);
                    WriteObject(new SolutionProvisionResult
                    {
                        Bucket = bucket.Name, Solution = solution, Template = template.Name, TemplateVersion = template.Version,
                        Uri = target.Describe($"solutions/{solution}/"), Created = tally.Created.Count, AlreadyPresent = tally.AlreadyPresent,
                        Failed = tally.Failed.Count, Skipped = tally.Skipped, CreatedKeys = tally.Created, FailedKeys = tally.Failed,
                    });
                }
                WriteAudit(target, audit);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
