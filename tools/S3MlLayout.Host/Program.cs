using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

// Runs one PowerShell script: S3MlLayout.Host <script.ps1> [-Name value] [-Switch] ...
// Output objects are printed with ToString(); errors go to stderr and make the exit code 1.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: dotnet run --project tools/S3MlLayout.Host -- <script.ps1> [-Parameter value] [-Switch] ...");
    return 2;
}
string script = Path.GetFullPath(args[0]);
if (!File.Exists(script))
{
    Console.Error.WriteLine($"Script not found: {script}");
    return 2;
}

var host = new ConsoleHost();
using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddCommand(script);
for (int i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith('-')) { ps.AddArgument(args[i]); continue; }
    string name = args[i].TrimStart('-');
    if (i + 1 < args.Length && !args[i + 1].StartsWith('-')) ps.AddParameter(name, args[++i]);
    else ps.AddParameter(name, true);
}
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine(output[e.Index]?.ToString());
// Warnings and verbose messages reach the console through the host's UI (WriteWarningLine ...), as in pwsh.
ps.Streams.Information.DataAdded += (_, e) => Console.WriteLine(ps.Streams.Information[e.Index].MessageData);
ps.Streams.Error.DataAdded += (_, e) =>
{
    var error = ps.Streams.Error[e.Index];
    Console.Error.WriteLine($"ERROR {error.FullyQualifiedErrorId}: {error}");
};
try
{
    ps.Invoke(null, output);
}
catch (RuntimeException e)
{
    Console.Error.WriteLine($"ERROR {e.ErrorRecord.FullyQualifiedErrorId}: {e.Message}");
    return 1;
}
return ps.HadErrors ? 1 : 0;

/// <summary>Writes what the engine sends to the host (What if: lines) to the console; never prompts.</summary>
sealed class ConsoleHost : PSHost
{
    private readonly ConsoleUserInterface _ui = new();
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "S3MlLayout.Host";
    public override PSHostUserInterface UI => _ui;
    public override Version Version => new(1, 0);
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

sealed class ConsoleUserInterface : PSHostUserInterface
{
    public override PSHostRawUserInterface? RawUI => null;
    private static Exception NoPrompt() => new PSInvalidOperationException("This host is non-interactive; pass -Confirm:$false or the values as parameters.");
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NoPrompt();
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();
    public override string ReadLine() => throw NoPrompt();
    public override System.Security.SecureString ReadLineAsSecureString() => throw NoPrompt();
    public override void Write(string value) => Console.Write(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(value);
    public override void WriteLine(string value) => Console.WriteLine(value);
    public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);
    public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);
    public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);
    public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
}
