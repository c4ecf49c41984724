using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What the cmdlets that write into an existing bucket share: -ThrottleLimit and opening the bucket.</summary>
    public abstract class ProvisioningCommandBase : Common.MlCmdlet
    {
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        /// <summary>The target of a bucket that must exist (BucketNotFound otherwise).</summary>
        protected IStorageTarget OpenExistingBucket(MlBucket bucket)
        {
            var target = StorageTargets.Open(bucket);
            if (!Run(ct => target.BucketExistsAsync(ct)))
            {
                target.Dispose();
                throw new MlLayoutException("BucketNotFound", ErrorKind.ObjectNotFound, bucket.Uri,
                    $"The bucket '{bucket.Uri}' does not exist; create it with New-MlBucket first.");
            }
            return target;
        }

        /// <summary>The run's context, with -ThrottleLimit when given.</summary>
        protected OperationContext ContextFor(IStorageTarget target) => ContextFor(target, ThrottleLimit > 0 ? ThrottleLimit : (int?)null);
    }
}
