using System;
using System.Collections.Generic;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>The kinds of change an operation can make to a bucket.</summary>
    public enum ChangeKind
    {
        CreateBucket,
        SetBucketSetting,
        RecordDeclaration,
        WriteMarker,
        /// <summary>A document the bucket keeps about itself (client_config/: the tenant's non-secret configuration).</summary>
        WriteDocument,
        /// <summary>A template rename: markers written under the new name, the exact listed old markers removed.</summary>
        RenameFolder,
        WriteAuditRecord,
        /// <summary>Remove-MlSolution: one listed zero-byte folder marker removed (only that exact marker).</summary>
        DeleteMarker,
        /// <summary>Remove-MlSolution: the solution's declaration removed on the ETag it was read at.</summary>
        DeleteDeclaration,
        /// <summary>Write-MlObject: a local file written as an object into a solution's folder.</summary>
        WriteObject,
    }

    /// <summary>
    /// One change an operation plans: what it does (<see cref="Action"/>) to what (<see cref="Target"/>, an S3 URI or
    /// a path). A cmdlet asks ShouldProcess(Target, Action) for each change that <see cref="NeedsApproval"/>, and
    /// hands the approved ones back to the operation to apply.
    /// </summary>
    public sealed class PlannedChange
    {
        public PlannedChange(ChangeKind kind, string target, string action, string? key = null, string? solution = null, bool needsApproval = true)
        {
            Kind = kind; Target = target; Action = action; Key = key; Solution = solution; NeedsApproval = needsApproval;
        }

        public ChangeKind Kind { get; }
        public string Target { get; }
        public string Action { get; }
        /// <summary>The key written (a marker, a declaration) or the old folder of a rename.</summary>
        public string? Key { get; }
        /// <summary>The solution the change belongs to, when it belongs to one.</summary>
        public string? Solution { get; }
        /// <summary>False for what follows from the other changes (the audit record of a run that changed something).</summary>
        public bool NeedsApproval { get; }
        /// <summary>What the operation needs to apply the change (a rename's listing, a setting change); not for users.</summary>
        internal object? Detail { get; set; }

        public override string ToString() => $"{Action}: {Target}";
    }

    /// <summary>
    /// What an operation found it must do, before anything is written: the changes, the problems that leave part of
    /// the work undone (reported as errors; the rest goes on) and notes for the verbose stream.
    /// </summary>
    public abstract class ChangePlan
    {
        protected ChangePlan(OperationContext context) { Context = context; }

        public OperationContext Context { get; }
        public List<PlannedChange> Changes { get; } = new List<PlannedChange>();
        public List<MlLayoutException> Problems { get; } = new List<MlLayoutException>();
        public List<string> Notes { get; } = new List<string>();
        public List<string> Warnings { get; } = new List<string>();

        protected IStorageTarget Target => Context.Target;

        /// <summary>The audit record is part of every plan that changes anything; it needs no approval of its own.</summary>
        protected void AddAuditChange()
        {
            if (Changes.Count > 0)
                Changes.Add(new PlannedChange(ChangeKind.WriteAuditRecord, Target.Describe(Audit.AuditRecord.Prefix), "Write audit record", needsApproval: false));
        }
    }

    /// <summary>One run's connection to a bucket: the target, who is asking (for the audit record) and how hard to push.</summary>
    public sealed class OperationContext
    {
        public OperationContext(IStorageTarget target, string command, IReadOnlyDictionary<string, object?>? parameters = null, int? concurrency = null,
            System.Threading.SemaphoreSlim? sharedGate = null)
        {
            Target = target; Command = command; Parameters = parameters ?? new Dictionary<string, object?>(); Concurrency = concurrency; SharedGate = sharedGate;
        }

        /// <summary>One bounded pool of marker writes shared by every bucket of a fleet run; null: each run bounds its own.</summary>
        public System.Threading.SemaphoreSlim? SharedGate { get; }

        public IStorageTarget Target { get; }
        /// <summary>The command that runs the operation (Add-MlSolution ...), as recorded in the audit record.</summary>
        public string Command { get; }
        /// <summary>The parameters the command was called with, as plain data and never with a secret.</summary>
        public IReadOnlyDictionary<string, object?> Parameters { get; }
        /// <summary>Requests in flight at once; null for the target's default.</summary>
        public int? Concurrency { get; }
    }

    /// <summary>
    /// Where an operation applying changes sends what it produces. Called from worker threads; a cmdlet relays each
    /// call to its pipeline thread (the only one allowed to write).
    /// </summary>
    public interface IOperationSink
    {
        void Output(object item);
        void Error(MlLayoutException error);
        void Warning(string message);
        void Verbose(string message);
        /// <summary>A folder marker write finished: <paramref name="done"/> of <paramref name="total"/>.</summary>
        void FolderWritten(Provisioning.FolderResult result, int done, int total);
    }
}
