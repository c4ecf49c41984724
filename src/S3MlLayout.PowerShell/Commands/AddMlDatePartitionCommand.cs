using System;
using System.Collections.Generic;
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
    /// <summary>Creates the date partitions of every date-partitioned folder of a solution.</summary>
    [Cmdlet(VerbsCommon.Add, "MlDatePartition", DefaultParameterSetName = DatesSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlDatePartitionCommand : ProvisioningCommandBase
    {
        private const string DatesSet = "Dates";
        private const string RangeSet = "Range";

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[] Solution { get; set; } = new string[0];

        [Parameter(ParameterSetName = DatesSet)]
        [ValidateNotNullOrEmpty]
        public DateTime[]? Date { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        public DateTime From { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        public DateTime To { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public object? Template { get; set; }

        protected override void ProcessRecord()
        {
            var bucket = Bucket!;
            try
            {
                IReadOnlyList<DateTime> dates = ParameterSetName == RangeSet ? DatePartitions.Range(From, To) : (Date ?? new[] { DateTime.UtcNow.Date });
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var explicitTemplate = Template != null ? ResolveTemplate(Template) : null;
                using var target = OpenExistingBucket(bucket);
                var audit = new AuditRecord { Template = explicitTemplate?.Name, TemplateVersion = explicitTemplate?.Version };
                Audited(target, audit, () =>
                {
                foreach (var solution in Solution)
                {
                    var declared = Run(ct => DeclaredLayout.ReadAsync(target, solution, ct));
                    var template = explicitTemplate ?? declared?.ToTemplate();
                    if (template == null)
                    {
                        Report(new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"solutions/{solution}/"),
                            $"Solution '{solution}' has no declared layout in this bucket; provision it with Add-MlSolution, or name its template with -Template."));
                        continue;
                    }
                    var nodes = LayoutExpander.Expand(new LayoutRequest(template)
                    {
                        Solution = solution, Dates = dates, PartitionsOnly = true, Include = declared?.Include ?? new List<string>(),
                    });
                    if (nodes.Count == 0)
                        WriteWarning($"Template {template.Name} declares no date-partitioned folder; nothing to add for '{solution}'.");
                    audit.Solutions.Add(solution);
                    var tally = ProvisionFolders(target, nodes.Select(n => n.Key).ToArray(), solution, audit);
                    WriteObject(new SolutionProvisionResult
                    {
                        Bucket = bucket.Name, Solution = solution, Template = template.Name, TemplateVersion = template.Version,
                        Uri = target.Describe($"solutions/{solution}/"), Created = tally.Created.Count, AlreadyPresent = tally.AlreadyPresent,
                        Failed = tally.Failed.Count, Skipped = tally.Skipped.Count, CreatedKeys = tally.Created, FailedKeys = tally.Failed,
                    });
                }
                });
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
