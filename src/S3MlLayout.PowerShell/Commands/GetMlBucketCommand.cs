using System.IO;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Returns the bucket object of an existing bucket, with what was declared for it.</summary>
    [Cmdlet(VerbsCommon.Get, "MlBucket")]
    [OutputType(typeof(MlBucket))]
    public sealed class GetMlBucketCommand : Common.MlCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("BucketName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string LocalPath { get; set; } = "";

        protected override void ProcessRecord()
        {
            try
            {
                BucketNaming.Validate(Name);
                string directory = Path.Combine(ResolvePath(LocalPath), Name);
                var bucket = new MlBucket { Name = Name, Target = StorageKind.Local, LocalPath = directory, Uri = directory + Path.DirectorySeparatorChar };
                using var target = new LocalDirectoryTarget(bucket);
                if (!Run(ct => target.BucketExistsAsync(ct)))
                {
                    Report(new MlLayoutException("BucketNotFound", ErrorKind.ObjectNotFound, bucket.Uri, $"There is no bucket '{Name}' under '{LocalPath}'; create it with New-MlBucket."));
                    return;
                }
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
