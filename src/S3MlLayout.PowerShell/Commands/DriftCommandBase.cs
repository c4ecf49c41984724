using System;
using System.Management.Automation;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What Get-MlLayoutDrift and Test-MlLayout share: the bucket, the solutions and the walk itself.</summary>
    public abstract class DriftCommandBase : ProvisioningCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string[]? Solution { get; set; }

        /// <summary>Checks the bucket; each finding goes to <paramref name="onFinding"/> on the pipeline thread as it is found.</summary>
        protected DriftSummary CheckDrift(bool detailed, Action<DriftFinding> onFinding)
        {
            using var target = OpenExistingBucket(Bucket!);
            var summary = new DriftSummary { Bucket = Bucket!.Name };
            RunStreaming<DriftFinding>(async (emit, ct) =>
            {
                var checker = new DriftDetector(target, new DriftOptions
                {
                    Solutions = Solution, Detailed = detailed, Concurrency = ThrottleLimit > 0 ? ThrottleLimit : 16,
                }, emit);
                summary.Solutions = await checker.RunAsync(ct).ConfigureAwait(false);
                summary.Requests = checker.Requests;
            }, finding =>
            {
                summary.Count(finding.Category);
                onFinding(finding);
            });
            WriteVerbose($"{Bucket!.Uri}: {summary.Total} findings in {summary.Solutions.Count} solutions; {summary.Requests} requests ({target.Requests}).");
            return summary;
        }
    }

    /// <summary>Compares a bucket with its declared layout and settings, and streams one object per difference.</summary>
    [Cmdlet(VerbsCommon.Get, "MlLayoutDrift")]
    [OutputType(typeof(DriftFinding), typeof(DriftSummary))]
    public sealed class GetMlLayoutDriftCommand : DriftCommandBase
    {
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        [Parameter]
        public SwitchParameter Summary { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var summary = CheckDrift(Detailed, finding => { if (!Summary) WriteObject(finding); });
                if (Summary) WriteObject(summary);
            }
            catch (Engine.Errors.MlLayoutException e)
            {
                Fail(e);
            }
        }
    }

    /// <summary>$true when the bucket matches its declared layout and settings, $false when it has drifted: for CI gates.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MlLayout")]
    [OutputType(typeof(bool))]
    public sealed class TestMlLayoutCommand : DriftCommandBase
    {
        protected override void ProcessRecord()
        {
            try
            {
                var summary = CheckDrift(false, finding => WriteVerbose(finding.ToString()));
                WriteObject(summary.InSync);
            }
            catch (Engine.Errors.MlLayoutException e)
            {
                Fail(e);
            }
        }
    }
}
