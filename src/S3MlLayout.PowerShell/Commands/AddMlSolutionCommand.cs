using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Provisions solutions/{solution}/ from a template in the bucket piped in; idempotent.</summary>
    [Cmdlet(VerbsCommon.Add, "MlSolution", DefaultParameterSetName = BucketSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlSolutionCommand : SolutionCommandBase
    {
        private const string DefaultTemplate = "master-solution";

        /// <summary>Binds the piped bucket's Template too; none there (null or empty) is the default.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        [EmptyAsNull]
        public object? Template { get; set; } = DefaultTemplate;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(IncludeCompleter))]
        public string[] Include { get; set; } = new string[0];

        protected override object? TemplateArgument => Template ?? DefaultTemplate;

        /// <summary>The parameters given on the command line: they override what a bucket made from a tenant spec carries.</summary>
        private HashSet<string> _explicit = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        protected override void BeginProcessing()
        {
            _explicit = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
            base.BeginProcessing();
        }

        protected override void ProcessRecord()
        {
            try
            {
                ApplyFormerName();
                var bucket = BucketOf(Bucket);
                if (!CheckSolutionsGiven(bucket)) return;
                // A bucket made from a tenant spec gets what the fleet step would give it: the spec's resolved template
                // (an inline one too) unless -Template says otherwise, and its client_config documents.
                var origin = ParameterSetName == BucketSet ? TenantOrigin.Of(bucket) : null;
                bool templateFromSpec = origin != null && !_explicit.Contains(nameof(Template));
                var template = templateFromSpec ? origin!.Spec.Layout : TemplateFor(TemplateArgument);
                var request = new AddSolutionRequest(template, Solution) { Dates = Date, Include = Include, Force = Force };
                if (origin != null) request.Documents = TenantDocuments.Render(Applied(origin.Spec, template, templateFromSpec), origin.Declared);
                request.Check();
                var target = OpenBucket(bucket);
                // A bucket New-MlBucket created moments ago upstream holds no solution yet: planned without reading its
                // folders and records, as the fleet plans a bucket it creates (markers, declarations and contracts are
                // written conditionally); only its existence is checked.
                bool justCreated = bucket.TakeFresh();
                // Started, not awaited: the next piped bucket's reads begin while this one's are on their way.
                StartPlanned(target, (context, ct) => AddSolutionPlan.CreateAsync(context, request, ct), plan => plan.ApplyAsync,
                    planUnread: (context, ct) => AddSolutionPlan.CreateAsync(context, request, ct, bucketExists: false), justCreated: justCreated);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        /// <summary>The spec as this command applies it: the solutions, folders, dates and template as bound (the command line wins), so the documents say what the bucket got.</summary>
        private MlBucketSpec Applied(MlBucketSpec spec, LayoutTemplate template, bool templateFromSpec)
        {
            var applied = spec.Copy();
            applied.Solution = Solution; applied.Include = Include; applied.Date = Date;
            if (!templateFromSpec)
            {
                applied.Template = (TemplateArgument is PSObject wrapped ? wrapped.BaseObject : TemplateArgument) ?? template.Name;
                applied.Layout = template;
            }
            return applied;
        }
    }
}
