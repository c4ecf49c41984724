using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// -Template: the built-in template names, and YAML template files (*.yaml, *.yml) and directories relative to the
    /// current location, so `-Template ./` walks the file system as path completion would.
    /// </summary>
    public sealed class TemplateCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            var results = new List<CompletionResult>();
            int cut = Math.Max(word.LastIndexOf('/'), word.LastIndexOf('\\'));
            if (cut < 0 && word.IndexOf(':') < 0)
                results.AddRange(Completions.Matching(TemplateCatalog.BuiltIns.Select(t => t.Name), word, CompletionResultType.ParameterValue));
            results.AddRange(Paths(word, cut));
            return results;
        }

        private static IEnumerable<CompletionResult> Paths(string word, int cut)
        {
            string typedDirectory = cut >= 0 ? word.Substring(0, cut + 1) : "";
            string prefix = word.Substring(cut + 1);
            string? directory = CompletionContext.FileSystemPath(typedDirectory.Length == 0 ? "." : typedDirectory);
            if (directory == null || !Directory.Exists(directory)) yield break;
            // A bare word completes to ./name, as PowerShell's own path completion does.
            string shown = typedDirectory.Length == 0 ? "." + Path.DirectorySeparatorChar : typedDirectory;
            IEnumerable<string> Entries(Func<string, IEnumerable<string>> list)
            {
                try { return list(directory!).Select(Path.GetFileName).Where(n => n != null && n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(n => n!).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList(); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return Array.Empty<string>(); }
            }
            foreach (var name in Entries(Directory.EnumerateDirectories))
                yield return new CompletionResult(Completions.Quote(shown + name), name, CompletionResultType.ProviderContainer, shown + name);
            foreach (var name in Entries(Directory.EnumerateFiles).Where(n => n.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                yield return new CompletionResult(Completions.Quote(shown + name), name, CompletionResultType.ProviderItem, shown + name);
        }
    }
}
