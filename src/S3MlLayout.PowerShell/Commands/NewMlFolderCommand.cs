using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;

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

        [Parameter(Mandatory = true, ParameterSetName = NodeSet)]
        [Parameter(Mandatory = true, ParameterSetName = KeySet)]
        [BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        /// <summary>
        /// Folder nodes, key strings or objects with a Key property. Typed object, not string: a string parameter
        /// taking pipeline input would take any object by its ToString() (Get-Process gave a folder per process).
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NodeSet)]
        [Parameter(ValueFromPipeline = true, ParameterSetName = BucketNameSet)]
        public object[] InputObject { get; set; } = new object[0];

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = KeySet)]
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string[] Key { get; set; } = new string[0];

        protected override void ProcessRecord()
        {
            // Collected here and written in EndProcessing: the writes run concurrently, results stream as they land.
            // With -BucketName both -Key and piped input share one set: piped input is taken as in the Node set.
            var keys = !MyInvocation.BoundParameters.ContainsKey(nameof(Key)) ? InputObject.Where(o => o != null).Select(KeyOf).Where(k => k != null).Select(k => k!) : Key;
            foreach (var key in keys)
            {
                var problem = CheckKey(key);
                if (S3KeyRules.IsReserved(key))
                    Report(S3KeyRules.Reserved(key, ErrorKind.InvalidArgument));
                else if (problem != null)
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
                var target = OpenBucket(BucketOf(Bucket));
                StartPlanned(target, (context, ct) => CreateFoldersPlan.CreateAsync(context, _keys, ct), plan => plan.ApplyAsync);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
            base.EndProcessing();
        }

        /// <summary>The key an input object stands for; null (with an InputObjectNotBound error) when it stands for none.</summary>
        private string? KeyOf(object input)
        {
            var wrapped = PSObject.AsPSObject(input);
            switch (wrapped.BaseObject)
            {
                case FolderNode node: return node.Key;
                case string text: return text;
            }
            var value = wrapped.Properties["Key"]?.Value;
            if ((value is PSObject inner ? inner.BaseObject : value) is string key) return key;
            Report(new MlLayoutException("InputObjectNotBound", ErrorKind.InvalidArgument, $"{wrapped.BaseObject.GetType().FullName}: {wrapped}",
                $"New-MlFolder takes folder nodes (from Get-MlLayout), key strings, or objects with a string Key property; a {wrapped.BaseObject.GetType().Name} has none of these, so nothing is created for it."));
            return null;
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
