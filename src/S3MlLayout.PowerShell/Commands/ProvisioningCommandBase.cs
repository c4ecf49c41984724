using System.Management.Automation;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>What the cmdlets that write into an existing bucket share: -ThrottleLimit and opening the bucket.</summary>
    public abstract class ProvisioningCommandBase : BucketInputCommandBase
    {
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; }

        /// <summary>-ThrottleLimit bounds the requests of every bucket piped in, together (64 when not given).</summary>
        protected override int RequestsInFlight => ThrottleLimit;

        /// <summary>The run's context, with -ThrottleLimit when given.</summary>
        protected OperationContext ContextFor(IStorageTarget target) => ContextFor(target, ThrottleLimit > 0 ? ThrottleLimit : (int?)null);
    }
}
