using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace S3MlLayout.Module.Tests.Hosting
{
    /// <summary>What one script run produced, stream by stream.</summary>
    public sealed class ScriptResult
    {
        public List<PSObject> Output { get; } = new List<PSObject>();
        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();
        public List<string> Warnings { get; } = new List<string>();
        public List<string> Verbose { get; } = new List<string>();
        public List<string> Debug { get; } = new List<string>();
        public List<string> HostLines { get; } = new List<string>();
        public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();

        public IEnumerable<string> Strings => Output.Select(o => o?.BaseObject?.ToString() ?? "");
        public IEnumerable<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]);

        /// <summary>A property of an output object, read through PowerShell's adapter as a script would.</summary>
        public static object? Prop(PSObject o, string name) => o.Properties[name]?.Value;

        public ScriptResult AssertNoErrors()
        {
            if (Errors.Count > 0)
                throw new Xunit.Sdk.XunitException("Unexpected errors:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
            return this;
        }
    }

    /// <summary>
    /// Runs scripts in the real PowerShell engine, hosted in-process, with the built module imported from the
    /// repository's S3MlLayout.psd1, exactly as a user's Import-Module would load it.
    /// </summary>
    public static class ModuleSession
    {
        public static string RepositoryRoot { get; } = FindRoot();
        public static string ManifestPath => Path.Combine(RepositoryRoot, "S3MlLayout.psd1");

        private static string FindRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "S3MlLayout.psd1")))
                directory = directory.Parent;
            if (directory == null) throw new InvalidOperationException("S3MlLayout.psd1 not found above " + AppContext.BaseDirectory);
            if (!File.Exists(Path.Combine(directory.FullName, "bin", "S3MlLayout.PowerShell.dll")))
                throw new InvalidOperationException("The module is not built: run dotnet build at the repository root.");
            return directory.FullName;
        }

        /// <summary>
        /// Starts <paramref name="script"/>, presses Ctrl+C (PowerShell.Stop) after <paramref name="stopAfter"/>, and
        /// returns how long the stop took to come back.
        /// </summary>
        public static TimeSpan RunAndStop(string script, IDictionary<string, object?> variables, TimeSpan stopAfter) =>
            RunAndStop(script, variables, running => System.Threading.Thread.Sleep(stopAfter));

        /// <summary>
        /// As <see cref="RunAndStop(string, IDictionary{string, object?}, TimeSpan)"/>, stopping as soon as
        /// <paramref name="until"/> holds (polled every 20 ms; at most 60 s): for a stop at a given step of the work, not
        /// at a time the machine's speed decides.
        /// </summary>
        public static TimeSpan RunAndStop(string script, IDictionary<string, object?> variables, Func<bool> until) =>
            RunAndStop(script, variables, running =>
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (!until())
                {
                    if (waited.Elapsed > TimeSpan.FromSeconds(60) || running.IsCompleted) throw new TimeoutException("the step to stop at never came");
                    System.Threading.Thread.Sleep(20);
                }
            });

        /// <summary>Starts the script in a fresh runspace with the module imported, waits as told, then presses Ctrl+C.</summary>
        private static TimeSpan RunAndStop(string script, IDictionary<string, object?> variables, Action<IAsyncResult> wait)
        {
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { ManifestPath });
            using var runspace = RunspaceFactory.CreateRunspace(new CapturingHost(), state);
            runspace.Open();
            foreach (var pair in variables) runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            var running = ps.BeginInvoke();
            wait(running);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            ps.Stop();
            try { ps.EndInvoke(running); } catch (PipelineStoppedException) { }
            return watch.Elapsed;
        }

        /// <summary>Runs <paramref name="script"/> in a fresh runspace with the module imported; variables are set first.</summary>
        public static ScriptResult Run(string script, IDictionary<string, object?>? variables = null, bool importModule = true)
        {
            var host = new CapturingHost();
            var state = InitialSessionState.CreateDefault2();
            if (importModule) state.ImportPSModule(new[] { ManifestPath });
            state.ThrowOnRunspaceOpenError = true;
            using var runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            foreach (var pair in variables ?? new Dictionary<string, object?>())
                runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            ps.AddScript(script);
            var result = new ScriptResult();
            try
            {
                result.Output.AddRange(ps.Invoke());
            }
            catch (RuntimeException e)
            {
                result.Errors.Add(e.ErrorRecord);
            }
            result.Errors.AddRange(ps.Streams.Error);
            result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
            result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
            result.Debug.AddRange(ps.Streams.Debug.Select(d => d.Message));
            result.HostLines.AddRange(host.Lines);
            result.Progress.AddRange(ps.Streams.Progress);
            result.Progress.AddRange(host.Progress);
            return result;
        }
    }
}
