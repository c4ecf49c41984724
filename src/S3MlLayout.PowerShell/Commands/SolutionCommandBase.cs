using System;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What Add-MlSolution and Update-MlSolution share: the bucket piped in, the solutions, the dates and the template.</summary>
    public abstract class SolutionCommandBase : ProvisioningCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        [Alias("Solution")]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[] Name { get; set; } = new string[0];

        [Parameter]
        public DateTime[] Date { get; set; } = new DateTime[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The -Template argument as given (each cmdlet declares the parameter with its own default).</summary>
        protected abstract object? TemplateArgument { get; }

        /// <summary>The template, resolved once for the whole pipeline.</summary>
        protected LayoutTemplate ResolvedTemplate { get; private set; } = null!;

        protected override void BeginProcessing()
        {
            try { ResolvedTemplate = ResolveTemplate(TemplateArgument); }
            catch (MlLayoutException e) { Fail(e); }
        }
    }
}
