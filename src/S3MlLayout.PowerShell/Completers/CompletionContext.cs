using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Completers
{
    /// <summary>What a completer can learn from the command line so far and the session it runs in.</summary>
    internal static class CompletionContext
    {
        internal static object? Bound(IDictionary? fakeBoundParameters, string name)
        {
            if (fakeBoundParameters == null || !fakeBoundParameters.Contains(name)) return null;
            var value = fakeBoundParameters[name];
            return value is PSObject wrapped ? wrapped.BaseObject : value;
        }

        internal static string? BoundText(IDictionary? fakeBoundParameters, string name)
        {
            var value = Bound(fakeBoundParameters, name);
            return value is string text && text.Length > 0 ? text : null;
        }

        /// <summary>A path as typed (relative, ~, PS drive) on the file system, relative to the current location; null when it is not one.</summary>
        internal static string? FileSystemPath(string path)
        {
            var result = InSession("param($p) $r = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p, [ref]$null, [ref]$null); " +
                                   "$provider = $null; $null = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p, [ref]$provider, [ref]$null); " +
                                   "if ($provider.Name -eq 'FileSystem') { $r }", path.Length == 0 ? "." : path);
            return result as string;
        }

        /// <summary>The value of a variable in the session the completion runs in.</summary>
        internal static object? VariableValue(string name) => InSession("param($n) Get-Variable -Name $n -ValueOnly -ErrorAction Ignore", name);

        /// <summary>
        /// Runs a small script in the runspace the completion runs in (a nested pipeline on its own thread: the only
        /// way a completer may read the current location or a variable); null on any failure.
        /// </summary>
        private static object? InSession(string script, string argument)
        {
            try
            {
                if (Runspace.DefaultRunspace == null) return null;
                using var shell = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
                var output = shell.AddScript(script).AddArgument(argument).Invoke();
                if (shell.HadErrors || output.Count == 0) return null;
                var value = output[0];
                return value is PSObject wrapped ? wrapped.BaseObject : value;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return null;
            }
        }

        /// <summary>The bucket the command line names: -Bucket (an object or a variable holding one), else -BucketName with -LocalPath or a connection.</summary>
        internal static MlBucket? BucketOf(IDictionary? fakeBoundParameters)
        {
            if (Bound(fakeBoundParameters, "Bucket") is MlBucket bucket) return bucket;
            string? name = BoundText(fakeBoundParameters, "BucketName");
            if (name == null) return null;
            string? localPath = BoundText(fakeBoundParameters, "LocalPath");
            if (localPath != null)
            {
                string? directory = FileSystemPath(localPath);
                if (directory == null) return null;
                var local = new MlBucket { Name = name, Kind = StorageKind.Local, LocalPath = Path.Combine(directory, name) };
                local.Uri = local.LocalPath + Path.DirectorySeparatorChar;
                return local;
            }
            var connection = S3ConnectionOf(fakeBoundParameters);
            if (connection == null) return null;
            var s3 = new MlBucket { Name = name, Kind = StorageKind.S3, Uri = $"s3://{name}/" };
            S3Buckets.Attach(s3, connection);
            return s3;
        }

        private static readonly string[] ConnectionParameters = { "ProfileName", "ProfileLocation", "AccessKey", "EndpointUrl" };
        private static readonly string[] ConnectionVariables = { "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL" };

        /// <summary>
        /// An S3 connection from the parameters on the command line, only when they or the environment name one:
        /// completion must never fall back to the instance metadata service and its waits.
        /// </summary>
        internal static S3Connection? S3ConnectionOf(IDictionary? fakeBoundParameters)
        {
            bool named = Array.Exists(ConnectionParameters, p => BoundText(fakeBoundParameters, p) != null)
                         || Array.Exists(ConnectionVariables, v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
            if (!named) return null;
            try
            {
                string? profileLocation = BoundText(fakeBoundParameters, "ProfileLocation");
                return S3ConnectionResolver.Resolve(new S3ConnectionSettings
                {
                    Region = BoundText(fakeBoundParameters, "Region"), ProfileName = BoundText(fakeBoundParameters, "ProfileName"),
                    ProfileLocation = profileLocation == null ? null : FileSystemPath(profileLocation),
                    AccessKey = BoundText(fakeBoundParameters, "AccessKey"), SecretKey = BoundText(fakeBoundParameters, "SecretKey"),
                    SessionToken = BoundText(fakeBoundParameters, "SessionToken"), EndpointUrl = BoundText(fakeBoundParameters, "EndpointUrl"),
                    ForcePathStyle = Bound(fakeBoundParameters, "ForcePathStyle") is SwitchParameter force && force.IsPresent,
                    SkipCertificateCheck = Bound(fakeBoundParameters, "SkipCertificateCheck") is SwitchParameter skip && skip.IsPresent,
                    TimeoutSec = 10,
                });
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return null; // no usable connection: nothing to offer, and no error at the prompt
            }
        }

        /// <summary>The key a bucket's candidates are cached under: its target and, on S3, the endpoint and credentials' source.</summary>
        internal static string KeyOf(MlBucket bucket) =>
            bucket.Kind == StorageKind.Local ? "local|" + bucket.LocalPath : $"s3|{bucket.Connection?.EndpointUrl}|{bucket.Connection?.ProfileName}|{bucket.Connection?.CredentialSource}|{bucket.Name}";
    }
}
