using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Returns the bucket object of an existing bucket, with its settings read back and what was declared for it.</summary>
    [Cmdlet(VerbsCommon.Get, "MlBucket", DefaultParameterSetName = PartsSet)]
    [OutputType(typeof(MlBucket))]
    public sealed class GetMlBucketCommand : BucketTargetCommandBase
    {
        protected override void ProcessRecord()
        {
            try
            {
                var bucket = DescribeBucket(ResolveBucketName());
                using var target = StorageTargets.Open(bucket);
                if (!Run(ct => target.BucketExistsAsync(ct)))
                {
                    Report(new MlLayoutException("BucketNotFound", ErrorKind.ObjectNotFound, bucket.Uri, $"There is no bucket '{bucket.Name}' at {bucket.Uri}; create it with New-MlBucket."));
                    return;
                }
                if (bucket.Target == StorageKind.S3)
                    bucket.Settings = Run(ct => new S3BucketAdmin(S3Buckets.ConnectionOf(bucket), bucket.Name).ReadAsync(ct));
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
