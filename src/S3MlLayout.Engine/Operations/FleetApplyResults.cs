using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>What applying a fleet plan did to one bucket: one row per bucket, as it finishes.</summary>
    public sealed class FleetBucketResult
    {
        public string Bucket { get; internal set; } = "";
        /// <summary>s3://bucket/ or the bucket directory.</summary>
        public string Uri { get; internal set; } = "";
        /// <summary>The tenant file that declares the bucket.</summary>
        public string TenantFile { get; internal set; } = "";
        /// <summary>True when this run created the bucket.</summary>
        public bool Created { get; internal set; }
        /// <summary>Settings changes approved and applied (a failure among them is counted in <see cref="Errors"/>).</summary>
        public int Settings { get; internal set; }
        public int Declarations { get; internal set; }
        public int FoldersCreated { get; internal set; }
        public int FoldersPresent { get; internal set; }
        public int FoldersFailed { get; internal set; }
        /// <summary>Documents approved and written (client_config, contract documents).</summary>
        public int Documents { get; internal set; }
        /// <summary>Errors reported for this bucket (each also on the error stream).</summary>
        public int Errors { get; internal set; }
        /// <summary>Each solution's result, as Add-MlSolution reports it.</summary>
        public IReadOnlyList<SolutionProvisionResult> Solutions { get; internal set; } = Array.Empty<SolutionProvisionResult>();

        public override string ToString() => $"{Bucket}: {FoldersCreated} folders created, {Errors} errors";
    }

    /// <summary>The totals of applying a fleet plan, written after the last bucket's row.</summary>
    public sealed class FleetApplySummary
    {
        public int Buckets { get; internal set; }
        public int BucketsCreated { get; internal set; }
        public int Settings { get; internal set; }
        public int Declarations { get; internal set; }
        public int FoldersCreated { get; internal set; }
        public int FoldersPresent { get; internal set; }
        public int FoldersFailed { get; internal set; }
        public int Documents { get; internal set; }
        public int Errors { get; internal set; }
        /// <summary>Solutions and buckets the tenant files no longer declare: left as they are.</summary>
        public int NoLongerDeclared { get; internal set; }

        public override string ToString() =>
            $"Applied to {Buckets} buckets: {BucketsCreated} created, {Settings} settings, {Declarations} declarations, {FoldersCreated} folders created " +
            $"({FoldersPresent} already present, {FoldersFailed} failed), {Documents} documents, {Errors} errors." +
            (NoLongerDeclared > 0 ? $" {NoLongerDeclared} no longer declared, left as they are (Get-MlFleetPlan lists them)." : "");
    }

    /// <summary>
    /// Turns what applying a fleet plan streams (each bucket, each solution's result) into one <see cref="FleetBucketResult"/>
    /// per bucket as it finishes, and a <see cref="FleetApplySummary"/> at the end; errors, warnings, progress and
    /// verbose lines pass straight through.
    /// </summary>
    public sealed class FleetApplyResults : IOperationSink, ITransferSink
    {
        private readonly IOperationSink _inner;
        private readonly FleetPlan _plan;
        private readonly HashSet<PlannedChange> _approved;
        private readonly Dictionary<string, List<object>> _outputs = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _errors = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly List<FleetBucketResult> _rows = new List<FleetBucketResult>();

        public FleetApplyResults(IOperationSink inner, FleetPlan plan, IReadOnlyCollection<PlannedChange> approved)
        {
            _inner = inner; _plan = plan; _approved = new HashSet<PlannedChange>(approved);
        }

        public void Output(object item)
        {
            string? bucket = item switch
            {
                MlBucket b => b.Name,
                SolutionProvisionResult r => r.Bucket,
                _ => null,
            };
            if (bucket == null) { _inner.Output(item); return; }
            lock (_outputs)
            {
                if (!_outputs.TryGetValue(bucket, out var list)) _outputs[bucket] = list = new List<object>();
                list.Add(item);
            }
        }

        public void Error(MlLayoutException error)
        {
            // The error names its URI: it belongs to the bucket whose URI it starts with.
            var owner = error.Target == null ? null : _plan.Buckets.FirstOrDefault(b => error.Target.StartsWith(b.Bucket.Uri, StringComparison.Ordinal));
            if (owner != null) lock (_errors) _errors[owner.Bucket.Name] = _errors.TryGetValue(owner.Bucket.Name, out int n) ? n + 1 : 1;
            else lock (_errors) _errors[""] = _errors.TryGetValue("", out int n) ? n + 1 : 1;
            _inner.Error(error);
        }

        public void Warning(string message) => _inner.Warning(message);
        public void Verbose(string message) => _inner.Verbose(message);
        public void FolderWritten(FolderResult result, int done, int total) => _inner.FolderWritten(result, done, total);
        public void BytesSent(long sent, long total, int filesDone, int filesTotal, string current) =>
            (_inner as ITransferSink)?.BytesSent(sent, total, filesDone, filesTotal, current);

        /// <summary>A bucket's work is over: its row goes out.</summary>
        public void BucketDone(FleetBucketPlan bucket)
        {
            List<object> outputs;
            int errors;
            lock (_outputs) outputs = _outputs.TryGetValue(bucket.Bucket.Name, out var list) ? list.ToList() : new List<object>();
            lock (_errors) errors = _errors.TryGetValue(bucket.Bucket.Name, out int n) ? n : 0;
            var solutions = outputs.OfType<SolutionProvisionResult>().ToList();
            int Approved(ChangeKind kind) => bucket.Changes.Count(c => c.Kind == kind && _approved.Contains(c));
            var row = new FleetBucketResult
            {
                Bucket = bucket.Bucket.Name, Uri = bucket.Bucket.Uri, TenantFile = bucket.Source,
                Created = outputs.OfType<MlBucket>().Any(b => b.Created),
                Settings = Approved(ChangeKind.SetBucketSetting), Declarations = Approved(ChangeKind.RecordDeclaration), Documents = Approved(ChangeKind.WriteDocument),
                FoldersCreated = solutions.Sum(s => s.Created), FoldersPresent = solutions.Sum(s => s.AlreadyPresent), FoldersFailed = solutions.Sum(s => s.Failed),
                Errors = errors, Solutions = solutions,
            };
            lock (_rows) _rows.Add(row);
            _inner.Output(row);
        }

        /// <summary>The totals, once every bucket is done.</summary>
        public FleetApplySummary Summary()
        {
            lock (_rows) lock (_errors)
            {
                return new FleetApplySummary
                {
                    Buckets = _rows.Count, BucketsCreated = _rows.Count(r => r.Created), Settings = _rows.Sum(r => r.Settings), Declarations = _rows.Sum(r => r.Declarations),
                    FoldersCreated = _rows.Sum(r => r.FoldersCreated), FoldersPresent = _rows.Sum(r => r.FoldersPresent), FoldersFailed = _rows.Sum(r => r.FoldersFailed),
                    Documents = _rows.Sum(r => r.Documents), Errors = _rows.Sum(r => r.Errors) + (_errors.TryGetValue("", out int other) ? other : 0),
                    NoLongerDeclared = _plan.NoLongerDeclared.Count,
                };
            }
        }
    }
}
