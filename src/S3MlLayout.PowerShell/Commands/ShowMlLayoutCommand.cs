using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Rendering;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Draws a layout as a tree in the style of the reference: from a template, from folder nodes, or from a bucket.</summary>
    [Cmdlet(VerbsCommon.Show, "MlLayout", DefaultParameterSetName = TemplateSet)]
    [OutputType(typeof(string))]
    public sealed class ShowMlLayoutCommand : BucketInputCommandBase
    {
        private const string TemplateSet = "Template";
        private const string NodeSet = "Node";
        internal const string PlaceholderRoot = "s3://{company_prefix}-{environment}-{tenant_id}-{region}/";
        private readonly List<string> _keys = new List<string>();
        private readonly Dictionary<string, string> _notes = new Dictionary<string, string>(StringComparer.Ordinal);

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TemplateSet)]
        [ArgumentCompleter(typeof(TemplateCompleter))]
        public object? Template { get; set; }

        [Parameter(ParameterSetName = TemplateSet)]
        [ValidateNotNullOrEmpty]
        public string? Solution { get; set; }

        [Parameter(ParameterSetName = TemplateSet)]
        public DateTime[] Date { get; set; } = new DateTime[0];

        [Parameter(ParameterSetName = TemplateSet)]
        [ArgumentCompleter(typeof(Completers.IncludeCompleter))]
        public string[] Include { get; set; } = new string[0];

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = NodeSet)]
        public FolderNode[] InputObject { get; set; } = new FolderNode[0];

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        public MlBucket? Bucket { get; set; }

        [Parameter(ParameterSetName = BucketSet)]
        [Parameter(ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        public string Prefix { get; set; } = "";

        [Parameter(ParameterSetName = NodeSet)]
        [Parameter(ParameterSetName = TemplateSet)]
        [ValidateNotNullOrEmpty]
        public string RootLabel { get; set; } = PlaceholderRoot;

        /// <summary>Writes each folder's accepted formats beside it (its contract); a bucket listing has none to show.</summary>
        [Parameter(ParameterSetName = NodeSet)]
        [Parameter(ParameterSetName = TemplateSet)]
        public SwitchParameter Formats { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                switch (ParameterSetName)
                {
                    case TemplateSet:
                        var template = ResolveTemplate(Template);
                        var nodes = LayoutExpander.Expand(new LayoutRequest(template) { Solution = Solution, Dates = Date, Include = Include });
                        foreach (var node in nodes) Remember(node);
                        Write(RootLabel, nodes.Select(n => n.Key));
                        break;
                    case NodeSet:
                        foreach (var node in InputObject.Where(n => n != null))
                        {
                            _keys.Add(node.Key);
                            Remember(node);
                        }
                        break;
                    case BucketSet:
                    case BucketNameSet:
                        var bucket = BucketOf(Bucket);
                        using (var target = OpenExistingBucket(bucket))
                        {
                            string prefix = Prefix.Length == 0 || Prefix.EndsWith("/", StringComparison.Ordinal) ? Prefix : Prefix + "/";
                            var listing = Run(ct => target.ListAsync(prefix, delimited: false, ct));
                            var folders = listing.Objects.SelectMany(o => FoldersOf(o.Key))
                                .Where(k => !k.StartsWith(DeclaredLayout.MetadataPrefix, StringComparison.Ordinal))
                                .Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal);
                            Write($"s3://{bucket.Name}/", folders);
                        }
                        break;
                }
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == NodeSet) Write(RootLabel, _keys);
        }

        private void Remember(FolderNode node)
        {
            if (Formats.IsPresent && TreeRenderer.FormatsNote(node) is string note) _notes[node.Key] = note;
        }

        private void Write(string root, IEnumerable<string> keys)
        {
            Func<string, string?>? noteOf = Formats.IsPresent ? key => _notes.TryGetValue(key, out var note) ? note : null : (Func<string, string?>?)null;
            foreach (var line in TreeRenderer.Render(root, keys, noteOf)) WriteObject(line);
        }

        /// <summary>Every folder a key implies: a/b/c.txt stands for a/ and a/b/ even without markers.</summary>
        private static IEnumerable<string> FoldersOf(string key)
        {
            for (int slash = key.IndexOf('/'); slash >= 0; slash = key.IndexOf('/', slash + 1))
                yield return key.Substring(0, slash + 1);
        }
    }
}
