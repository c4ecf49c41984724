using System.IO;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Creates a bucket named by the naming convention (or an override) on the local target.</summary>
    [Cmdlet(VerbsCommon.New, "MlBucket", DefaultParameterSetName = PartsSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MlBucket))]
    public sealed class NewMlBucketCommand : BucketNameCommandBase
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string LocalPath { get; set; } = "";

        protected override void ProcessRecord()
        {
            try
            {
                string name = ResolveBucketName();
                string root = ResolveDirectory(LocalPath);
                var bucket = new MlBucket
                {
                    Name = name, Target = StorageKind.Local, LocalPath = Path.Combine(root, name),
                    CompanyPrefix = NullIfEmpty(CompanyPrefix), Environment = NullIfEmpty(Environment),
                    TenantId = NullIfEmpty(TenantId), Region = NullIfEmpty(Region),
                };
                bucket.Uri = bucket.LocalPath + Path.DirectorySeparatorChar;
                using var target = new LocalDirectoryTarget(bucket);
                if (Directory.Exists(target.Root))
                {
                    var declared = Run(ct => DeclaredBucket.ReadAsync(target, ct));
                    declared?.ApplyTo(bucket);
                    WriteVerbose($"Bucket '{bucket.Uri}' already exists; nothing to create.");
                    WriteObject(bucket);
                    return;
                }
                if (!ShouldProcess(bucket.Uri, "Create bucket")) return;
                bucket.Created = target.CreateBucketDirectory();
                bucket.CreatedUtc = System.DateTime.UtcNow;
                Run(ct => DeclaredBucket.From(bucket).WriteAsync(target, ct));
                WriteObject(bucket);
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private string ResolveDirectory(string path)
        {
            ProviderInfo provider;
            string resolved;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (System.Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException || e is PSArgumentException || e is ItemNotFoundException)
            {
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is not a file-system path: {e.Message}");
            }
            if (provider.Name != "FileSystem")
                throw new MlLayoutException("LocalPathInvalid", ErrorKind.InvalidArgument, path, $"-LocalPath '{path}' is on the {provider.Name} provider; give a directory on the file system.");
            if (File.Exists(resolved))
                throw new MlLayoutException("LocalPathIsFile", ErrorKind.InvalidArgument, resolved, $"-LocalPath '{resolved}' is a file; give the directory that will hold the bucket directory.");
            if (!Directory.Exists(resolved))
                throw new MlLayoutException("LocalPathNotFound", ErrorKind.ObjectNotFound, resolved, $"-LocalPath '{resolved}' does not exist; create the directory first (New-Item -ItemType Directory) or check the path.");
            return resolved;
        }

        private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
    }
}
