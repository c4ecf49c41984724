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
    /// Names of existing buckets: the bucket directories under -LocalPath on the local target; on S3, ListBuckets
    /// through the connection the command line or the environment names (never a metadata-service fallback).
    /// </summary>
    public sealed class BucketNameCompleter : IArgumentCompleter
    {
        /// <summary>These name a bucket to be made: an existing name is no help there.</summary>
        private static readonly string[] NamingCommands = { "New-MlBucket", "Get-MlBucketName" };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            if (NamingCommands.Any(c => c.Equals(commandName, StringComparison.OrdinalIgnoreCase))) return Array.Empty<CompletionResult>();
            string? localPath = CompletionContext.BoundText(fakeBoundParameters, "LocalPath");
            if (localPath != null)
            {
                string? directory = CompletionContext.FileSystemPath(localPath);
                if (directory == null || !Directory.Exists(directory)) return Array.Empty<CompletionResult>();
                // Directories only, as the local target makes them; dot-directories are nobody's bucket.
                var names = Directory.EnumerateDirectories(directory).Select(Path.GetFileName).Where(n => !string.IsNullOrEmpty(n) && n![0] != '.').Select(n => n!);
                return Completions.Matching(names, wordToComplete, CompletionResultType.ParameterValue);
            }
            var connection = CompletionContext.S3ConnectionOf(fakeBoundParameters);
            if (connection == null) return Array.Empty<CompletionResult>();
            var buckets = CompletionCache.Get($"buckets|{connection.EndpointUrl}|{connection.ProfileName}|{connection.CredentialSource}", ct => connection.ListBucketNamesAsync(ct));
            return Completions.Matching(buckets, wordToComplete, CompletionResultType.ParameterValue);
        }
    }
}
