using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace S3MlLayout.Module.Tests.Hosting
{
    /// <summary>
    /// A non-interactive PowerShell host that records what the engine writes to it ("What if:" lines, progress)
    /// and fails any prompt, as a CI agent would: a cmdlet that prompts here has a bug.
    /// </summary>
    public sealed class CapturingHost : PSHost
    {
        private readonly CapturingUserInterface _ui = new CapturingUserInterface();
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.GetCultureInfo("en-US");
        public override Guid InstanceId { get; } = Guid.NewGuid();
        public override string Name => "S3MlLayoutTestHost";
        public override PSHostUserInterface UI => _ui;
        public override Version Version => new Version(1, 0);
        public IReadOnlyList<string> Lines => _ui.Lines;
        public IReadOnlyList<ProgressRecord> Progress => _ui.Progress;
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
        public override void SetShouldExit(int exitCode) { }
    }

    internal sealed class CapturingUserInterface : PSHostUserInterface
    {
        private readonly StringBuilder _partial = new StringBuilder();
        public List<string> Lines { get; } = new List<string>();
        public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();
        public override PSHostRawUserInterface? RawUI => null;

        private static Exception NoPrompt() => new InvalidOperationException("The test host is non-interactive: a cmdlet prompted.");
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NoPrompt();
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();
        public override string ReadLine() => throw NoPrompt();
        public override SecureString ReadLineAsSecureString() => throw NoPrompt();

        public override void Write(string value) { lock (Lines) _partial.Append(value); }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);
        public override void WriteLine(string value) { lock (Lines) { Lines.Add(_partial + value); _partial.Clear(); } }
        public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);
        public override void WriteErrorLine(string value) => WriteLine("ERROR: " + value);
        public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { lock (Progress) Progress.Add(record); }
    }
}
