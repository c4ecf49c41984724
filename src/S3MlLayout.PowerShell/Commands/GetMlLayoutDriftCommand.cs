using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Drift.Sources;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Compares a bucket with its declared layout and settings, and streams one object per difference.</summary>
    [Cmdlet(VerbsCommon.Get, "MlLayoutDrift", DefaultParameterSetName = BucketSet)]
    [OutputType(typeof(DriftFinding), typeof(DriftSummary), typeof(ObjectCensus))]
    public sealed class GetMlLayoutDriftCommand : DriftCommandBase
    {
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        [Parameter]
        public SwitchParameter Summary { get; set; }

        /// <summary>With -Scope Objects: reads the objects from the newest S3 Inventory report of the bucket instead of listing them.</summary>
        [Parameter]
        public SwitchParameter Inventory { get; set; }

        /// <summary>With -Scope Objects: reads the objects from this inventory report (s3://destination/…/manifest.json) instead of listing them.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryManifest { get; set; }

        /// <summary>With -Scope Objects: also writes the census (objects and bytes per solution, stage and storage class) after the findings or summary rows.</summary>
        [Parameter]
        public SwitchParameter Census { get; set; }

        protected override bool TakeCensus => Census;

        private string? LocalManifestPath { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                if ((Inventory || InventoryManifest != null || Census) && Scope != DriftScope.Objects)
                    Fail("InventoryNeedsObjects", ErrorKind.InvalidArgument, Inventory ? "Inventory" : InventoryManifest != null ? "InventoryManifest" : "Census",
                        "-Inventory, -InventoryManifest and -Census work on the objects that -Scope Objects checks; add -Scope Objects.");
                if (Inventory && InventoryManifest != null)
                    Fail("InventoryArgumentsConflict", ErrorKind.InvalidArgument, "InventoryManifest",
                        "-Inventory finds the newest report itself and -InventoryManifest names one; give one of them.");
                if (InventoryManifest != null && !LocalInventoryReports.IsLocal(InventoryManifest)) InventoryReportLocator.ParseUri(InventoryManifest);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
            // Resolved on the pipeline thread (the session's current location), read later by the check.
            LocalManifestPath = InventoryManifest != null && LocalInventoryReports.IsLocal(InventoryManifest)
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(InventoryManifest) : null;
            try
            {
                bool summary = Summary, census = Census;
                CheckDrift(Detailed, finding => { if (!summary) WriteObject(finding); }, rows => { if (summary) WriteObject(rows, enumerateCollection: true); },
                    rows => { if (census) WriteObject(rows, enumerateCollection: true); },
                    // A report that cannot be read fails this bucket alone: a fleet goes on with the others.
                    e => { if (e.ErrorId.StartsWith("Inventory", StringComparison.Ordinal) && e.ErrorId != "InventoryNeedsS3") Report(e); else Fail(e); });
            }
            catch (MlLayoutException e) when (e.ErrorId.StartsWith("Inventory", StringComparison.Ordinal) && e.ErrorId != "InventoryNeedsS3")
            {
                // A report that cannot be read fails this bucket alone: a fleet goes on with the others.
                Report(e);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        protected override async Task<IObjectSource?> ObjectSourceAsync(IStorageTarget target, Action<Action> post, CancellationToken cancellation)
        {
            if (!Inventory && InventoryManifest == null) return null;
            IInventoryReports reports;
            InventoryReport report;
            if (InventoryManifest != null && LocalInventoryReports.IsLocal(InventoryManifest))
            {
                // A downloaded report: read from the directory tree it came in, whatever the target.
                (reports, report) = LocalInventoryReports.Open(LocalManifestPath!);
            }
            else
            {
                if (!(target is IInventoryReports s3))
                    throw new MlLayoutException("InventoryNeedsS3", ErrorKind.InvalidArgument, target.Bucket.Uri,
                        $"{target.Bucket.Uri} is a local directory, which has no S3 Inventory configuration to find reports by; pass a downloaded report with -InventoryManifest <path to its manifest.json>, or leave -Inventory out to check it by walking it.");
                reports = s3;
                report = InventoryManifest != null
                    ? await InventoryReportLocator.ReadAsync(reports, InventoryManifest, cancellation).ConfigureAwait(false)
                    : await InventoryReportLocator.FindNewestAsync(reports, target.Bucket.Name, target.Bucket.Uri, null, cancellation).ConfigureAwait(false);
            }
            var manifest = report.Manifest;
            if (manifest.SourceBucket != target.Bucket.Name)
                throw new MlLayoutException("InventoryManifestOtherBucket", ErrorKind.InvalidArgument, manifest.Uri,
                    $"The inventory report {manifest.Uri} lists the bucket '{manifest.SourceBucket}', not '{target.Bucket.Name}'; give the manifest of {target.Bucket.Uri}'s own report.");
            var source = new InventorySource(reports, manifest);
            if (report.IsStale(DateTime.UtcNow))
            {
                string frequency = report.Configuration?.Frequency ?? "unknown (taken as Weekly)";
                post(() => WriteWarning($"{target.Bucket.Uri}: the inventory report {manifest.Uri} was taken {manifest.Created:yyyy-MM-dd HH:mm}Z, {(DateTime.UtcNow - manifest.Created).TotalDays:0.#} days ago, older than its {frequency} schedule allows; its findings may be out of date. Check that the inventory configuration is enabled and S3 can write to its destination."));
            }
            post(() => WriteVerbose($"{target.Bucket.Uri}: reading the objects from {source.Description} ({manifest.Uri}, {manifest.Files.Count} data files, {manifest.TotalBytes:N0} bytes)."));
            return source;
        }
    }
}
