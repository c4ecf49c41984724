using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Creates the folders piped in (folder nodes from Get-MlLayout, or keys) in a bucket.</summary>
    [Cmdlet(VerbsCommon.New, "MlFolder", DefaultParameterSetName = NodeSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FolderResult))]
    public sealed class NewMlFolderCommand : ProvisioningCommandBase
    {
        private const string NodeSet = "Node";
        private const string KeySet = "Key";
        private readonly List<string> _keys = new List<string>();

        [Parameter(Mandatory = true)]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NodeSet)]
        public FolderNode[] InputObject { get; set; } = new FolderNode[0];

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            // Collected here and written in EndProcessing: the writes run concurrently, results stream as they land.
            var keys = ParameterSetName == NodeSet ? InputObject.Where(n => n != null).Select(n => n.Key) : Key;
            foreach (var key in keys)
            {
                var problem = CheckKey(key);
                if (problem != null)
                    Report(new MlLayoutException("FolderKeyInvalid", ErrorKind.InvalidArgument, key, $"'{key}' is not a usable folder key: {problem}."));
                else
                    _keys.Add(key.EndsWith("/") ? key : key + "/");
            }
        }

        protected override void EndProcessing()
        {
            if (_keys.Count == 0) return;
            try
            {
                using var target = OpenExistingBucket(Bucket!);
                Audited(target, new AuditRecord(), audit =>
                {
                    var tally = ProvisionFolders(target, _keys, $"{_keys.Count} folders", audit, WriteObject);
                    if (tally.Failed.Count > 0)
                        WriteWarning($"{tally.Failed.Count} of {_keys.Distinct().Count()} folders failed; run the command again to create them.");
                });
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private static string? CheckKey(string key)
        {
            if (key.StartsWith("/")) return "keys are relative to the bucket root and do not start with '/'";
            var segments = key.TrimEnd('/').Split('/');
            foreach (var segment in segments)
            {
                var problem = S3KeyRules.CheckSegment(segment);
                if (problem != null) return problem;
            }
            return S3KeyRules.CheckKey(key.EndsWith("/") ? key : key + "/");
        }
    }
}
