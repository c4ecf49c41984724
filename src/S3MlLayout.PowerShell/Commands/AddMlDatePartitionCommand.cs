using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;
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

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DatesSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = RangeSet)]
        [BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        /// <summary>
        /// Binds the piped bucket's Solution too (New-MlBucket -Solution). Not mandatory for the binder, so that the
        /// former -Name can stand in for it; none at all is SolutionMissing for that bucket, never a prompt.
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(SolutionNameCompleter))]
        public string[] Solution { get; set; } = new string[0];

        /// <summary>The former name of -Solution: hidden, never from the pipeline, with a warning (see SolutionCommandBase.Name).</summary>
        [Parameter(DontShow = true)]
        [TextList]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        // With -BucketName, -Date and -From/-To share one parameter set; BucketOfDates tells them apart.
        [Parameter(ParameterSetName = DatesSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = BucketNameSet, ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public DateTime[]? Date { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        [Parameter(ParameterSetName = BucketNameSet)]
        public DateTime From { get; set; }

        [Parameter(ParameterSetName = RangeSet, Mandatory = true)]
        [Parameter(ParameterSetName = BucketNameSet)]
        public DateTime To { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        [EmptyAsNull]
        public object? Template { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try { FormerName.Check(this, Name); }
            catch (MlLayoutException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            try
            {
                if (Name != null) Solution = Name;
                var bucket = BucketOf(Bucket);
                if (Solution.Length == 0)
                {
                    Report(new MlLayoutException("SolutionMissing", ErrorKind.InvalidArgument, bucket.Uri,
                        $"No solution was given for the bucket '{bucket.Name}': name them (Add-MlDatePartition customer-churn ...), or create the bucket with New-MlBucket -Solution."));
                    return;
                }
                var dates = Dates();
                foreach (var solution in Solution) LayoutExpander.CheckSolutionName(solution);
                var template = Template != null ? ResolveTemplate(Template) : null;
                var target = OpenBucket(bucket);
                var solutions = Solution;
                StartPlanned(target, (context, ct) => AddDatePartitionsPlan.CreateAsync(context, solutions, dates, template, ct), plan => plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private IReadOnlyList<DateTime> Dates()
        {
            bool from = MyInvocation.BoundParameters.ContainsKey(nameof(From)), to = MyInvocation.BoundParameters.ContainsKey(nameof(To));
            bool dates = Date != null && Date.Length > 0;
            if (ParameterSetName == BucketNameSet && (from || to) && (!(from && to) || dates))
                throw new MlLayoutException("DateArgumentsInvalid", ErrorKind.InvalidArgument, "Date",
                    "Give either -Date, or both -From and -To.");
            return from && to ? DatePartitions.Range(From, To) : (dates ? Date! : new[] { DateTime.UtcNow.Date });
        }
    }
}
