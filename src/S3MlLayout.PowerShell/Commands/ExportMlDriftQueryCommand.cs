using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using S3MlLayout.Engine.Drift.Athena;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Writes the object-level drift check of a bucket as Athena SQL over its S3 Inventory reports: the external
    /// table, the findings query and the census. Reads the bucket's declared layouts; sends nothing to Athena.
    /// </summary>
    [Cmdlet(VerbsData.Export, "MlDriftQuery", DefaultParameterSetName = BucketSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(MlDriftQuery))]
    public sealed class ExportMlDriftQueryCommand : BucketInputCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[]? Solution { get; set; }

        /// <summary>A report's manifest.json on disk (manifest.checksum beside it): gives the fields, the hive/ folder and the dt.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryManifest { get; set; }

        /// <summary>Without a manifest: the configuration's folder (s3://dest/prefix/source/config/) or its hive/ folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryLocation { get; set; }

        /// <summary>Without a manifest: the report's fields as its manifest's fileSchema lists them.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? FileSchema { get; set; }

        /// <summary>The report to query (its dt partition); by default the manifest's, else the queries take it as a parameter.</summary>
        [Parameter]
        public DateTime? ReportTime { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Database { get; set; } = "default";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TableName { get; set; }

        /// <summary>A folder to write the statements to, one {Name}.sql each.</summary>
        [Parameter]
        [Alias("OutFile")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Overwrite .sql files of the same names in -Path.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var options = Options();
                var bucket = BucketOf(Bucket);
                IReadOnlyList<MlDriftQuery> queries;
                using (var target = OpenExistingBucket(bucket))
                    queries = Run(ct => AthenaDriftQueries.ForBucketAsync(target, Solution, options, ct));
                string? folder = Path != null ? ResolvePath(Path) : null;
                foreach (var query in queries)
                {
                    if (folder != null && !Write(folder, query)) continue;
                    WriteObject(query);
                }
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private DriftQueryOptions Options()
        {
            DriftQueryOptions options;
            if (InventoryManifest != null)
            {
                if (InventoryLocation != null || FileSchema != null)
                    throw new MlLayoutException("InventoryArgumentsConflict", ErrorKind.InvalidArgument, "InventoryManifest",
                        "-InventoryManifest gives the location and the fields itself: leave out -InventoryLocation and -FileSchema, or pass those two without it.");
                string path = ResolvePath(InventoryManifest);
                options = AthenaDriftQueries.FromManifest(Engine.Inventory.LocalInventoryReports.ReadManifest(path));
            }
            else
            {
                if (InventoryLocation == null || FileSchema == null)
                    throw new MlLayoutException("InventoryArgumentsMissing", ErrorKind.InvalidArgument, "InventoryLocation",
                        "Say which inventory to query: -InventoryManifest with a report's manifest.json, or -InventoryLocation (s3://dest/prefix/source-bucket/config-id/) with -FileSchema (the manifest's fileSchema).");
                string location = InventoryLocation.EndsWith("/", StringComparison.Ordinal) ? InventoryLocation : InventoryLocation + "/";
                options = new DriftQueryOptions
                {
                    HiveLocation = location.EndsWith("/hive/", StringComparison.Ordinal) ? location : location + "hive/",
                    Fields = AthenaDriftQueries.FieldsOf(FileSchema, "FileSchema"),
                };
            }
            if (ReportTime != null) options.ReportTime = ReportTime.Value.ToUniversalTime().ToString("yyyy-MM-dd-HH-mm", System.Globalization.CultureInfo.InvariantCulture);
            options.Database = Database;
            options.Table = TableName;
            return options;
        }

        /// <summary>Writes one statement to {folder}/{Name}.sql; false when -WhatIf or the user declined.</summary>
        private bool Write(string folder, MlDriftQuery query)
        {
            string file = System.IO.Path.Combine(folder, query.Name + ".sql");
            if (!ShouldProcess(file, $"Write Athena SQL ({query.Name})")) return false;
            if (File.Exists(file) && !Force)
                throw new MlLayoutException("DriftQueryFileExists", ErrorKind.ResourceExists, file,
                    $"'{file}' exists; pass -Force to overwrite it, or write to another -Path.");
            try
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(file, query.Sql + ";\n", new UTF8Encoding(false));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MlLayoutException("DriftQueryWriteFailed", ErrorKind.WriteError, file, $"Cannot write '{file}': {e.Message}");
            }
            query.Path = file;
            return true;
        }
    }
}
