using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>
    /// Reads the rows of one Parquet inventory data file (S3MlLayout.Engine.Parquet: Parquet.Net, net8.0, so PowerShell 7
    /// only). Columns are found by name in the file's own schema (key, size, storage_class, is_latest,
    /// is_delete_marker), never by position; keys are taken as written (S3 URL-encodes keys in CSV reports only).
    /// </summary>
    internal interface IParquetInventoryReader
    {
        /// <summary>Reads every row of the file, one row group at a time; returns the number of rows.</summary>
        /// <param name="data">The whole data file, seekable (Parquet keeps its schema in a footer).</param>
        Task<long> ReadAsync(Stream data, string uri, Action<InventoryRow> onRow, CancellationToken cancellation);
    }

    /// <summary>
    /// A Parquet data file is read from its end (the footer), so it cannot be streamed like CSV.gz: it is downloaded to
    /// a temporary file while its bytes are counted and hashed, checked against the manifest's size and MD5, and only
    /// then read. Memory stays one 80 KiB buffer during the download; the file is deleted when the returned stream is
    /// closed (or at once when it fails its check).
    /// </summary>
    internal static class InventoryParquetFile
    {
        private const int BufferSize = 81920;

        public static async Task<FileStream> DownloadVerifiedAsync(Stream source, InventoryDataFile file, string uri, CancellationToken cancellation)
        {
            string path = Path.Combine(Path.GetTempPath(), "s3mllayout-inventory-" + Guid.NewGuid().ToString("N") + ".parquet");
            var temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                using var md5 = MD5.Create();
                var buffer = new byte[BufferSize];
                long length = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, 0, buffer.Length, cancellation).ConfigureAwait(false)) > 0)
                {
                    md5.TransformBlock(buffer, 0, read, null, 0);
                    length += read;
                    // A file longer than the manifest says is refused without filling the disk with it.
                    if (length > file.Size) throw InventoryCsvReader.LongerThanManifest(uri, file.Size);
                    await temp.WriteAsync(buffer, 0, read, cancellation).ConfigureAwait(false);
                }
                md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                if (length != file.Size)
                    throw InventoryCsvReader.Corrupt(uri, $"it holds {length} bytes where the manifest says {file.Size}");
                string actual = InventoryManifest.Hex(md5.Hash!);
                if (!string.Equals(actual, file.Md5, StringComparison.OrdinalIgnoreCase))
                    throw InventoryCsvReader.Corrupt(uri, $"its MD5 is {actual} where the manifest says {file.Md5}");
                await temp.FlushAsync(cancellation).ConfigureAwait(false);
                temp.Position = 0;
                return temp;
            }
            catch
            {
                temp.Dispose();
                throw;
            }
        }
    }
}
