using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Operations;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Common;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Writes local files into a folder of a declared solution: the key is built from the solution, the folder and
    /// (for a date-partitioned folder) the date; the folder's contract is checked before anything is sent; an object
    /// already at a key is kept unless -Force. Files come from -Path (wildcards), -LiteralPath, or Get-ChildItem.
    /// </summary>
    [Cmdlet(VerbsCommunications.Write, "MlObject", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ObjectWriteResult))]
    public sealed class WriteMlObjectCommand : ProvisioningCommandBase
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";

        /// <summary>The files of each bucket, written in EndProcessing: one declaration read, one listing, parallel sends.</summary>
        private readonly List<(MlBucket Bucket, List<string> Files)> _batches = new List<(MlBucket, List<string>)>();

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = LiteralPathSet)]
        [BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
        [Parameter(Position = 0, ParameterSetName = BucketNameSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; } = new string[0];

        /// <summary>Binds Get-ChildItem's files by their PSPath (FullName for a bare FileInfo).</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = BucketNameSet)]
        [Alias("PSPath", "FullName", "LP")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = new string[0];

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(SolutionNameCompleter))]
        public string Solution { get; set; } = "";

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(FolderPathCompleter))]
        public string Folder { get; set; } = "";

        /// <summary>The day whose partition receives the files (date-partitioned folders only); default today (UTC).</summary>
        [Parameter]
        public DateTime? Date { get; set; }

        /// <summary>Overwrite objects that already exist at the keys.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Files in flight at once across every bucket (32 when not given: each may send ten 8 MiB parts at once).</summary>
        protected override int RequestsInFlight => ThrottleLimit > 0 ? ThrottleLimit : 32;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            try { WriteObjectsPlan.CheckFolderArgument(Folder); }
            catch (MlLayoutException e) { Fail(e); }
        }

        protected override void ProcessRecord()
        {
            MlBucket bucket;
            try { bucket = BucketOf(Bucket); }
            catch (MlLayoutException e) { Fail(e); return; }
            bool literal = MyInvocation.BoundParameters.ContainsKey(nameof(LiteralPath));
            if (literal && MyInvocation.BoundParameters.ContainsKey(nameof(Path)))
                Fail("PathArgumentsInvalid", ErrorKind.InvalidArgument, "Path", "Give either -Path or -LiteralPath (or pipe files from Get-ChildItem), not both.");
            if (!literal && Path.Length == 0)
                Fail("PathMissing", ErrorKind.InvalidArgument, MyInvocation.MyCommand.Name,
                    "Name the files to write: -Path (wildcards allowed), -LiteralPath, or pipe them from Get-ChildItem -File.");

            var batch = _batches.Find(b => ReferenceEquals(b.Bucket, bucket)).Files;
            if (batch == null) _batches.Add((bucket, batch = new List<string>()));
            foreach (var path in literal ? LiteralPath : Path)
                foreach (var file in Resolve(path, literal))
                    batch.Add(file);
        }

        protected override void EndProcessing()
        {
            foreach (var (bucket, files) in _batches)
            {
                if (files.Count == 0) continue;
                try
                {
                    var target = OpenBucket(bucket);
                    var request = new WriteObjectsRequest { Solution = Solution, Folder = Folder, Date = Date, Files = files, Force = Force };
                    // The buckets' files are written concurrently, sharing one pool of requests; results come bucket by bucket.
                    // A bucket whose solution or folder is wrong stops its own files, not the next bucket's.
                    StartPlanned(target, (context, ct) => WriteObjectsPlan.CreateAsync(context, request, ct), plan => plan.ApplyAsync, Report);
                }
                catch (MlLayoutException e)
                {
                    Report(e);
                }
            }
            base.EndProcessing();
        }

        /// <summary>The files a -Path (wildcards expanded) or -LiteralPath names; each path that names none is an error of its own.</summary>
        private IEnumerable<string> Resolve(string path, bool literal)
        {
            var files = new List<string>();
            try
            {
                ProviderInfo provider;
                IEnumerable<string> resolved;
                if (literal) resolved = new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _) };
                else resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                if (provider.Name != "FileSystem")
                    throw new MlLayoutException("PathInvalid", ErrorKind.InvalidArgument, path, $"'{path}' is on the {provider.Name} provider; Write-MlObject writes files from the file system.");
                if (!resolved.Any())
                    Report(new MlLayoutException("FileNotFound", ErrorKind.ObjectNotFound, path, $"No file matches '{path}'; nothing is written for it."));
                foreach (var file in resolved)
                {
                    if (Directory.Exists(file))
                        Report(new MlLayoutException("PathIsDirectory", ErrorKind.InvalidArgument, file,
                            $"'{file}' is a directory; Write-MlObject writes files (use Get-ChildItem -File '{file}' | Write-MlObject ...)."));
                    else if (!File.Exists(file))
                        Report(new MlLayoutException("FileNotFound", ErrorKind.ObjectNotFound, file, $"'{file}' does not exist; nothing is written for it."));
                    else files.Add(file);
                }
            }
            catch (ItemNotFoundException e)
            {
                Report(new MlLayoutException("FileNotFound", ErrorKind.ObjectNotFound, path, $"No file matches '{path}': {e.Message}", e));
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is PSArgumentException)
            {
                Report(new MlLayoutException("PathInvalid", ErrorKind.InvalidArgument, path, $"'{path}' is not a file-system path: {e.Message}", e));
            }
            catch (MlLayoutException e)
            {
                Report(e);
            }
            return files;
        }
    }
}
