using System;
using System.Collections.Generic;
using System.Management.Automation;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// What Add-MlSolution and Update-MlSolution share: the bucket piped in (or named), the solutions, the dates and
    /// the template. The solutions, the template and the dates also bind by property name, so a bucket made with
    /// New-MlBucket -Solution ... -Template ... carries its own. The parameter is -Solution, never -Name: the piped
    /// bucket's Name (the bucket name) would otherwise bind as a solution.
    /// </summary>
    public abstract class SolutionCommandBase : ProvisioningCommandBase
    {
        private readonly Dictionary<string, LayoutTemplate> _templates = new Dictionary<string, LayoutTemplate>(StringComparer.Ordinal);

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        /// <summary>
        /// Not mandatory for the binder, so that the former -Name can stand in for it; none given and none on the bucket
        /// is SolutionMissing for that bucket (CheckSolutionsGiven), never a prompt.
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[] Solution { get; set; } = new string[0];

        /// <summary>
        /// The former name of -Solution, so that scripts written before the rename run, with a warning. A parameter of
        /// its own, hidden and never bound from the pipeline: an alias of -Solution would bind by property name as
        /// -Solution does, and a piped bucket's Name (the bucket name) would become a solution.
        /// </summary>
        [Parameter(DontShow = true)]
        [TextList]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [TextList]
        [AllowEmptyCollection]
        public DateTime[] Date { get; set; } = new DateTime[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The -Template argument as bound for this record (each cmdlet declares the parameter with its own default).</summary>
        protected abstract object? TemplateArgument { get; }

        /// <summary>An explicit -Template is resolved before the first record, so a bad one stops the command before any bucket.</summary>
        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try
            {
                FormerName.Check(this, Name);
                if (TemplateArgument != null) TemplateFor(TemplateArgument);
            }
            catch (MlLayoutException e) { Fail(e); }
        }

        /// <summary>The solutions of this record: the former -Name, when given, as an explicit -Solution would be (over the piped bucket's).</summary>
        protected void ApplyFormerName()
        {
            if (Name != null) Solution = Name;
        }

        /// <summary>The template of this record: each name or path is loaded once per command, however many buckets name it.</summary>
        protected LayoutTemplate TemplateFor(object? argument)
        {
            var key = (argument is PSObject wrapped ? wrapped.BaseObject : argument) as string;
            if (key != null && _templates.TryGetValue(key, out var cached)) return cached;
            var template = ResolveTemplate(argument);
            if (key != null) _templates[key] = template;
            return template;
        }

        /// <summary>The solutions of this record; none (a bucket piped in without any) is an error for this bucket only.</summary>
        protected bool CheckSolutionsGiven(MlBucket bucket)
        {
            if (Solution.Length > 0) return true;
            // A tenant bucket's client_config documents are written with its solutions: without any, say who writes them.
            var origin = TenantOrigin.Of(bucket);
            string documents = origin?.Spec.DocumentsItself == true
                ? $" Its tenant file ({origin.Spec.TenantFile}) declares no solution for it; its client_config documents are written by Invoke-MlFleetPlan."
                : "";
            Report(new MlLayoutException("SolutionMissing", ErrorKind.InvalidArgument, bucket.Uri,
                $"No solution was given for the bucket '{bucket.Name}': name them ({MyInvocation.MyCommand.Name} customer-churn, fraud-detection), or create the bucket with New-MlBucket -Solution.{documents}"));
            return false;
        }
    }
}
