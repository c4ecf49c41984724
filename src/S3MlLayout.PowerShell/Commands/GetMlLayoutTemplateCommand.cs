using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Lists the built-in layout templates, or loads templates from YAML files.</summary>
    [Cmdlet(VerbsCommon.Get, "MlLayoutTemplate", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(LayoutTemplate))]
    public sealed class GetMlLayoutTemplateCommand : Common.MlCmdlet
    {
        private const string NameSet = "Name";
        private const string PathSet = "Path";

        [Parameter(Position = 0, ParameterSetName = NameSet)]
        [Parameter(ParameterSetName = PathSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string[] Name { get; set; } = { "*" };

        [Parameter(ParameterSetName = PathSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
            if (ParameterSetName == NameSet)
            {
                foreach (var template in TemplateCatalog.BuiltIns.Where(t => patterns.Any(p => p.IsMatch(t.Name))))
                    WriteObject(template);
                foreach (var name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && TemplateCatalog.BuiltIns.All(t => t.Name != n)))
                    Report(new MlLayoutException("TemplateNotFound", ErrorKind.ObjectNotFound, name,
                        $"There is no built-in template named '{name}'. Built-in templates: {string.Join(", ", TemplateCatalog.BuiltIns.Select(t => t.Name))}; load your own with -Path."));
                return;
            }

            foreach (var path in Path)
            {
                try
                {
                    foreach (var file in Files(ResolvePath(path)))
                    {
                        var template = TemplateCatalog.LoadFile(file);
                        if (patterns.Any(p => p.IsMatch(template.Name))) WriteObject(template);
                    }
                }
                catch (TemplateException e)
                {
                    Fail(e); // a broken template is a configuration error: stop rather than provision from half a catalogue
                }
                catch (MlLayoutException e)
                {
                    Report(e);
                }
            }
        }

        private static IEnumerable<string> Files(string path)
        {
            if (Directory.Exists(path))
                return Directory.EnumerateFiles(path, "*.y*ml").Where(f => f.EndsWith(".yaml") || f.EndsWith(".yml")).OrderBy(f => f);
            return new[] { path };
        }
    }
}
