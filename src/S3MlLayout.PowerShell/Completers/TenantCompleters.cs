using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// Import-MlTenant (and the fleet cmdlets) -Environment and -Tenant: the environments or tenant ids of the tenant
    /// files given to -Path. Local files only, read once per completion; a file that does not load offers nothing.
    /// </summary>
    public sealed class TenantValueCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var specs = new List<MlBucketSpec>();
            foreach (var file in TenantFiles(CompletionContext.Bound(fakeBoundParameters, "Path")))
            {
                try { specs.AddRange(TenantCatalog.LoadFile(file)); }
                catch (Engine.Errors.MlLayoutException) { }
            }
            var values = string.Equals(parameterName, "Environment", StringComparison.OrdinalIgnoreCase)
                ? specs.Select(s => s.Environment) : specs.Select(s => s.TenantId);
            return Completions.Matching(values.Distinct(StringComparer.OrdinalIgnoreCase), wordToComplete, CompletionResultType.ParameterValue);
        }

        private static IEnumerable<string> TenantFiles(object? path)
        {
            var given = path is IEnumerable list && !(path is string) ? list.Cast<object?>() : new object?[] { path };
            foreach (var item in given)
            {
                string? full = item == null ? null : CompletionContext.FileSystemPath((item is PSObject w ? w.BaseObject : item).ToString());
                if (full == null) continue;
                if (Directory.Exists(full))
                    foreach (var file in Directory.EnumerateFiles(full).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)))
                        yield return file;
                else if (File.Exists(full)) yield return full;
            }
        }
    }

    /// <summary>-Include: the optional folders of the template on the command line (-Template), else master-solution.</summary>
    public sealed class IncludeCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            LayoutTemplate? template;
            var bound = CompletionContext.Bound(fakeBoundParameters, "Template");
            bound = bound is PSObject w ? w.BaseObject : bound;
            try
            {
                template = bound as LayoutTemplate ?? (bound is string text && text.Length > 0
                    ? (text.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                        ? (CompletionContext.FileSystemPath(text) is string file ? TemplateCatalog.LoadFile(file) : null)
                        : TemplateCatalog.GetBuiltIn(text))
                    : TemplateCatalog.GetBuiltIn("master-solution"));
            }
            catch (Engine.Errors.MlLayoutException) { template = null; }
            if (template == null) return Array.Empty<CompletionResult>();
            return Completions.Matching(LayoutExpander.OptionalPaths(template), wordToComplete, CompletionResultType.ParameterValue);
        }
    }
}
