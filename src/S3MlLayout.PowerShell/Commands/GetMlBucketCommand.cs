using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Returns the bucket object of an existing bucket, with its settings read back and what was declared for it.</summary>
    [Cmdlet(VerbsCommon.Get, "MlBucket", DefaultParameterSetName = OverrideSet)]
    [OutputType(typeof(MlBucket))]
    public sealed class GetMlBucketCommand : BucketTargetCommandBase
    {
        protected override void ProcessRecord()
        {
            try
            {
                var bucket = DescribeBucket(ResolveBucketName());
                using var target = OpenExistingBucket(bucket);
                bucket.Settings = Run(ct => target.ReadSettingsAsync(ct));
                Run(ct => DeclaredBucket.ReadAsync(target, ct))?.ApplyTo(bucket);
                WriteObject(bucket);
            }
            catch (MlLayoutException e)
            {
                Report(e);
            }
        }
    }
}
