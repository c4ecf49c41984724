using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// Write-MlObject -Folder: the folders of the -Solution on the command line that take files, read from its
    /// declaration in the bucket (one cached read, as the solution names are).
    /// </summary>
    public sealed class FolderPathCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var bucket = CompletionContext.BucketOf(fakeBoundParameters);
            var solution = CompletionContext.BoundText(fakeBoundParameters, "Solution");
            if (bucket == null || solution == null) return Array.Empty<CompletionResult>();
            var paths = CompletionCache.Get("folders|" + solution + "|" + CompletionContext.KeyOf(bucket), async ct =>
            {
                using var target = StorageTargets.Open(bucket);
                var declared = await DeclaredLayout.ReadAsync(target, solution, ct).ConfigureAwait(false);
                if (declared == null) return Array.Empty<string>();
                return LayoutExpander.Expand(new LayoutRequest(declared.ToTemplate()) { Solution = solution })
                    .Where(n => n.Kind == FolderKind.Folder && (n.Contract?.Files ?? true)).Select(n => n.TemplatePath).ToList();
            });
            return Completions.Matching(paths, wordToComplete, CompletionResultType.ParameterValue);
        }
    }
}
