using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// Solution names declared in the bucket on the command line (.s3mllayout/declared/solutions/*.json): the bucket
    /// given to -Bucket or piped from a variable, or -BucketName with -LocalPath or connection parameters.
    /// </summary>
    public sealed class SolutionNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var bucket = CompletionContext.BucketOf(fakeBoundParameters) ?? PipedBucket(commandAst);
            if (bucket == null) return Array.Empty<CompletionResult>();
            var names = CompletionCache.Get("solutions|" + CompletionContext.KeyOf(bucket), async ct =>
            {
                using var target = StorageTargets.Open(bucket);
                return await DriftDetector.DeclaredSolutionsAsync(target, ct).ConfigureAwait(false);
            });
            return Completions.Matching(names, wordToComplete, CompletionResultType.ParameterValue);
        }

        /// <summary>`$bucket | Add-MlSolution &lt;Tab&gt;`: the bucket in the variable piped to the command.</summary>
        private static MlBucket? PipedBucket(CommandAst commandAst)
        {
            if (!(commandAst?.Parent is PipelineAst pipeline)) return null;
            int index = pipeline.PipelineElements.IndexOf(commandAst);
            if (index < 1 || !(pipeline.PipelineElements[index - 1] is CommandExpressionAst expression)
                          || !(expression.Expression is VariableExpressionAst variable)) return null;
            return CompletionContext.VariableValue(variable.VariablePath.UserPath) as MlBucket;
        }
    }

    internal static class Completions
    {
        /// <summary>Candidates starting with what was typed (quotes aside), quoted when they need it.</summary>
        internal static IEnumerable<CompletionResult> Matching(IEnumerable<string> candidates, string? wordToComplete, CompletionResultType type)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            return candidates.Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
                .Select(c => new CompletionResult(Quote(c), c, type, c)).ToList();
        }

        private static readonly char[] NeedsQuotes = { ' ', '\t', '$', '`', '\'', '"', '(', ')', '{', '}', ';', ',', '&', '|', '@', '#', '<', '>' };

        internal static string Quote(string text) => text.IndexOfAny(NeedsQuotes) >= 0 ? "'" + text.Replace("'", "''") + "'" : text;
    }
}
