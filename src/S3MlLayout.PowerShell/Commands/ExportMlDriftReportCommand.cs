using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Writes the summary rows of drift checks (Get-MlLayoutDrift -Summary) as a JUnit XML file for CI test reporters
    /// or as Markdown for a pull-request comment or a job summary.
    /// </summary>
    [Cmdlet(VerbsData.Export, "MlDriftReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo), typeof(DriftSummary))]
    public sealed class ExportMlDriftReportCommand : Common.MlCmdlet
    {
        private readonly List<DriftSummary> _rows = new List<DriftSummary>();

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public DriftSummary[] InputObject { get; set; } = new DriftSummary[0];

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>JUnit or Markdown; by default from the file's extension (.xml, .md).</summary>
        [Parameter]
        public DriftReportFormat? Format { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            _rows.AddRange(InputObject.Where(r => r != null));
            if (PassThru) WriteObject(InputObject, enumerateCollection: true);
        }

        protected override void EndProcessing()
        {
            try
            {
                string path = ResolvePath(Path);
                var format = Format ?? FormatOf(path);
                if (!ShouldProcess(path, $"Write {format} drift report of {_rows.Count} rows")) return;
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                File.WriteAllText(path, DriftReport.Render(_rows, format), new UTF8Encoding(false));
                if (!PassThru) WriteObject(new FileInfo(path));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Fail("DriftReportWriteFailed", ErrorKind.WriteError, Path, $"Cannot write the drift report '{Path}': {e.Message}");
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private static DriftReportFormat FormatOf(string path)
        {
            string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
            if (extension == ".xml") return DriftReportFormat.JUnit;
            if (extension == ".md" || extension == ".markdown") return DriftReportFormat.Markdown;
            throw new MlLayoutException("DriftReportFormatUnknown", ErrorKind.InvalidArgument, path,
                $"Cannot tell the report format from '{path}': name a .xml (JUnit) or .md (Markdown) file, or pass -Format JUnit or -Format Markdown.");
        }
    }
}
