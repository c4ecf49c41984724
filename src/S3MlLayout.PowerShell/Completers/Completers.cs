using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>Shared shape of the completers: offline, from lists the module already holds.</summary>
    public abstract class ListCompleter : IArgumentCompleter
    {
        protected abstract IEnumerable<string> Candidates(IDictionary fakeBoundParameters);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            return Candidates(fakeBoundParameters)
                .Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Select(c => new CompletionResult(c, c, CompletionResultType.ParameterValue, c));
        }
    }

    /// <summary>Built-in template names for -Template.</summary>
    public sealed class TemplateNameCompleter : ListCompleter
    {
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters) => TemplateCatalog.BuiltIns.Select(t => t.Name);
    }

    /// <summary>AWS region codes known to the SDK, for -Region.</summary>
    public sealed class RegionCompleter : ListCompleter
    {
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters) => BucketNaming.KnownRegions;
    }

    /// <summary>The configured environments (-AllowedEnvironment, else dev/staging/prod), for -Environment.</summary>
    public sealed class EnvironmentCompleter : ListCompleter
    {
        protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters)
        {
            var allowed = fakeBoundParameters?["AllowedEnvironment"];
            if (allowed is IEnumerable list && !(allowed is string))
                return list.Cast<object>().Select(o => o?.ToString() ?? "").Where(s => s.Length > 0);
            return BucketNamingOptions.DefaultEnvironments;
        }
    }
}
