using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// The connections of this process, shared by every command that resolves the same settings in the same
    /// environment: `1..3 | ForEach-Object { Get-MlBucket … } | Add-MlSolution`, or one command after another in a
    /// shell, reuses one client (its warm connection pool, its TLS sessions) and one caller lookup instead of
    /// building them per command. A connection is reused only while everything its resolution read is unchanged:
    /// the settings, every AWS_* environment variable, the home directory, and the size and time of the shared
    /// config and credentials files (a profile edited or an exported key resolves afresh).
    /// </summary>
    public static class S3ConnectionCache
    {
        /// <summary>Distinct connections kept; the oldest is let go past this (never disposed: buckets may still hold it).</summary>
        public const int Capacity = 16;

        private static readonly object Gate = new object();
        private static readonly LinkedList<Entry> Entries = new LinkedList<Entry>();

        private sealed class Entry
        {
            public Entry(string key, S3Connection connection, IReadOnlyList<string> lines) { Key = key; Connection = connection; Lines = lines; }
            public string Key { get; }
            public S3Connection Connection { get; }
            /// <summary>What the resolver said when it resolved this connection, said again on every reuse.</summary>
            public IReadOnlyList<string> Lines { get; }
        }

        /// <summary>
        /// The connection for <paramref name="settings"/> with room for <paramref name="requestsInFlight"/> requests at
        /// once: the one resolved earlier in this environment, or a new one (errors as <see cref="S3ConnectionResolver.Resolve"/>).
        /// </summary>
        public static S3Connection Resolve(S3ConnectionSettings settings, int requestsInFlight, Action<string>? debug = null,
            Func<string, string?>? environment = null, Func<IDictionary>? environmentVariables = null)
        {
            debug ??= _ => { };
            int connections = Math.Max(64, requestsInFlight);
            string key = KeyOf(settings, connections, environment ?? Environment.GetEnvironmentVariable, environmentVariables ?? Environment.GetEnvironmentVariables);
            lock (Gate)
            {
                for (var node = Entries.First; node != null; node = node.Next)
                {
                    if (node.Value.Key != key) continue;
                    Entries.Remove(node);
                    Entries.AddFirst(node);
                    foreach (var line in node.Value.Lines) debug(line);
                    debug("Connection: reused from an earlier command of this session (same settings, environment and profile files).");
                    return node.Value.Connection;
                }
            }
            // Resolved outside the lock: it reads the profile files, and a bad setting throws before anything is kept.
            var lines = new List<string>();
            var connection = S3ConnectionResolver.Resolve(settings, environment, line => { lines.Add(line); debug(line); });
            connection.MaxConnections = connections;
            lock (Gate)
            {
                foreach (var entry in Entries)
                    if (entry.Key == key) return entry.Connection; // another thread resolved it meanwhile
                Entries.AddFirst(new Entry(key, connection, lines));
                while (Entries.Count > Capacity) Entries.RemoveLast();
            }
            return connection;
        }

        /// <summary>
        /// A digest of everything resolution reads, so that no secret is kept as a dictionary key in the clear and two
        /// different inputs never share a connection.
        /// </summary>
        internal static string KeyOf(S3ConnectionSettings s, int connections, Func<string, string?> environment, Func<IDictionary> environmentVariables)
        {
            var text = new StringBuilder(s.Identity());
            void Add(object? value) => S3ConnectionSettings.Append(text, value);
            Add(connections);
            var variables = environmentVariables();
            foreach (var name in variables.Keys.Cast<object>().Select(k => k.ToString() ?? "")
                         .Where(n => n.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)).OrderBy(n => n, StringComparer.Ordinal))
            {
                Add(name);
                Add(variables[name]);
            }
            foreach (var file in ProfileFiles(s, environment))
            {
                Add(file);
                var info = new FileInfo(file);
                Add(info.Exists ? $"{info.Length}/{info.LastWriteTimeUtc.Ticks}" : "absent");
            }
            using var sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString())));
        }

        /// <summary>The files a profile may be read from: -ProfileLocation, the shared credentials and config files, and the SDK store on Windows.</summary>
        private static IEnumerable<string> ProfileFiles(S3ConnectionSettings settings, Func<string, string?> environment)
        {
            if (!string.IsNullOrEmpty(settings.ProfileLocation)) yield return settings.ProfileLocation!;
            string? home = environment("HOME");
            if (string.IsNullOrEmpty(home)) home = environment("USERPROFILE");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string? credentials = environment("AWS_SHARED_CREDENTIALS_FILE");
            string? config = environment("AWS_CONFIG_FILE");
            yield return string.IsNullOrEmpty(credentials) ? Path.Combine(home ?? "", ".aws", "credentials") : credentials!;
            yield return string.IsNullOrEmpty(config) ? Path.Combine(home ?? "", ".aws", "config") : config!;
            string? localAppData = environment("LOCALAPPDATA");
            if (!string.IsNullOrEmpty(localAppData)) yield return Path.Combine(localAppData!, "AWSToolkit", "RegisteredAccounts.json");
        }
    }
}
