using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>
    /// AWS profile names from the shared credentials and config files (-ProfileLocation when given, else
    /// AWS_SHARED_CREDENTIALS_FILE/AWS_CONFIG_FILE or ~/.aws): read locally, never a request.
    /// </summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var names = Files(fakeBoundParameters).SelectMany(ProfilesIn).Distinct(StringComparer.Ordinal);
            return Completions.Matching(names, wordToComplete, CompletionResultType.ParameterValue);
        }

        private static IEnumerable<string> Files(IDictionary fakeBoundParameters)
        {
            string? location = CompletionContext.BoundText(fakeBoundParameters, "ProfileLocation");
            if (location != null)
            {
                string? path = CompletionContext.FileSystemPath(location);
                return path == null ? Array.Empty<string>() : new[] { path };
            }
            string home = Environment.GetEnvironmentVariable("HOME") is string h && h.Length > 0 ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string Pick(string variable, string file) =>
                Environment.GetEnvironmentVariable(variable) is string set && set.Length > 0 ? set : Path.Combine(home, ".aws", file);
            return new[] { Pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"), Pick("AWS_CONFIG_FILE", "config") };
        }

        /// <summary>[name] (credentials) and [profile name] or [default] (config); [sso-session x] and [services x] are not profiles.</summary>
        internal static IEnumerable<string> ProfilesIn(string file)
        {
            string[] lines;
            try { lines = File.Exists(file) ? File.ReadAllLines(file) : Array.Empty<string>(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { yield break; }
            foreach (var raw in lines)
            {
                string line = raw.Trim();
                if (line.Length < 3 || line[0] != '[' || line[line.Length - 1] != ']') continue;
                string section = line.Substring(1, line.Length - 2).Trim();
                if (section.StartsWith("profile ", StringComparison.Ordinal)) section = section.Substring("profile ".Length).Trim();
                else if (section.IndexOfAny(new[] { ' ', '\t' }) >= 0) continue;
                if (section.Length > 0) yield return section;
            }
        }
    }
}
