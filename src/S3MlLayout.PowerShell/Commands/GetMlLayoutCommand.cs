using System;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Expands a template into folder nodes with their keys, in tree order.</summary>
    [Cmdlet(VerbsCommon.Get, "MlLayout")]
    [OutputType(typeof(FolderNode))]
    public sealed class GetMlLayoutCommand : Common.MlCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        public object? Template { get; set; }

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[]? Solution { get; set; }

        [Parameter]
        public DateTime[] Date { get; set; } = new DateTime[0];

        [Parameter]
        [ArgumentCompleter(typeof(Completers.IncludeCompleter))]
        public string[] Include { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            try
            {
                var template = ResolveTemplate(Template);
                foreach (var solution in Solution ?? new[] { template.Name })
                {
                    var nodes = LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = Include });
                    foreach (var node in nodes) WriteObject(node);
                }
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
