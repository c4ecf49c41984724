using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace S3MlLayout.Module.Tests.Hosting
{
    /// <summary>What a script run in a real pwsh process printed, and how it exited.</summary>
    public sealed class PwshResult
    {
        public PwshResult(int exitCode, IReadOnlyList<string> output, IReadOnlyList<string> errors)
        {
            ExitCode = exitCode; Output = output; Errors = errors;
        }

        public int ExitCode { get; }
        public IReadOnlyList<string> Output { get; }
        public IReadOnlyList<string> Errors { get; }

        /// <summary>Output lines without the warnings pwsh writes to standard output.</summary>
        public List<string> Lines => Output.Where(l => !l.StartsWith("WARNING: ", StringComparison.Ordinal)).ToList();

        public PwshResult AssertSucceeded()
        {
            if (ExitCode != 0 || Errors.Count > 0)
                throw new Xunit.Sdk.XunitException($"pwsh exited with {ExitCode}.\nstdout:\n{string.Join("\n", Output)}\nstderr:\n{string.Join("\n", Errors)}");
            return this;
        }
    }

    /// <summary>
    /// Runs a script file in a real PowerShell process as the README does: `dotnet pwsh` (PowerShell 7.6.9, the local
    /// .NET tool of .config/dotnet-tools.json; `dotnet tool restore` first) in the repository root.
    /// </summary>
    public static class PwshProcess
    {
        private static readonly Regex Ansi = new Regex(@"\x1b\[[0-9;?]*[A-Za-z]", RegexOptions.Compiled);

        public static PwshResult RunFile(string script, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = ModuleSession.RepositoryRoot,
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (var argument in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", script }.Concat(arguments))
                start.ArgumentList.Add(argument);
            start.Environment["NO_COLOR"] = "1";
            foreach (var pair in environment ?? new Dictionary<string, string?>()) start.Environment[pair.Key] = pair.Value;

            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet pwsh did not start.");
            var output = new List<string>();
            var errors = new List<string>();
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Add(Ansi.Replace(e.Data, "")); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null && e.Data.Trim().Length > 0) lock (errors) errors.Add(Ansi.Replace(e.Data, "")); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(300_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet pwsh {script} did not finish within 5 minutes.");
            }
            process.WaitForExit();
            return new PwshResult(process.ExitCode, output, errors);
        }
    }
}
