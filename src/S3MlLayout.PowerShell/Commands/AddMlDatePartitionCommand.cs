using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
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
        [ArgumentCompleter(typeof(SolutionNameCompleter))]
        public string[] Solution { get; set; } = new string[0];

        [Parameter(ParameterSetName = DatesSet)]
        [ValidateNotNullOrEmpty]
        public DateTime[]? Date { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        public DateTime From { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        public DateTime To { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        public object? Template { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                IReadOnlyList<DateTime> dates = ParameterSetName == RangeSet ? DatePartitions.Range(From, To) : (Date ?? new[] { DateTime.UtcNow.Date });
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var template = Template != null ? ResolveTemplate(Template) : null;
                using var target = OpenExistingBucket(Bucket!);
                var plan = Run(ct => AddDatePartitionsPlan.CreateAsync(ContextFor(target), Solution, dates, template, ct));
                Execute(plan, plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
