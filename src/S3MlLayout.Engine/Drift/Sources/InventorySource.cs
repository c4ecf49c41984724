using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Inventory;

namespace S3MlLayout.Engine.Drift.Sources
{
    /// <summary>
    /// Objects read from an S3 Inventory report (Get-MlLayoutDrift -Inventory) instead of a listing: the manifest
    /// (already checked against manifest.checksum) names the data files, which are streamed a few at once, each
    /// through one GZip stream and one buffer (a Parquet file: into a checked temporary file, then one row group at a
    /// time), and handed on a page of 1,000 rows at a time, so memory does not grow
    /// with the rows. Keys are URL-decoded, noncurrent versions and delete markers left out, so the rules see what a
    /// listing of the same bucket would show. Each file's size and MD5 are checked as it passes; a file that fails,
    /// or is missing, fails the whole read, and since <see cref="VouchesAtEnd"/> is true the check reports nothing
    /// from the report (its findings are held until every file has checked out: they grow with the violations, never
    /// with the rows).
    /// </summary>
    public sealed class InventorySource : IObjectSource, IFolderSnapshotSource
    {
        private const int PageSize = 1000;
        private readonly IInventoryReports _store;
        private readonly InventoryManifest _manifest;
        private readonly int _parallelFiles;

        /// <param name="parallelFiles">Data files read at once (each holds a 64 KiB buffer, a GZip window and a page).</param>
        public InventorySource(IInventoryReports store, InventoryManifest manifest, int parallelFiles = 0)
        {
            EnsureReadable(manifest);
            _store = store; _manifest = manifest;
            _parallelFiles = parallelFiles > 0 ? parallelFiles : Math.Max(2, Math.Min(4, Environment.ProcessorCount));
        }

        public string Description => $"inventory {_manifest.Stamp}";
        public DateTime? AsOf => _manifest.Created;
        public string? Report => _manifest.Uri;
        public bool VouchesAtEnd => true;

        private ReportFolders? _folders;
        private readonly ConcurrentBag<(List<ObjectRecord> Page, ObjectRecord[] Records)> _pages =
            new ConcurrentBag<(List<ObjectRecord>, ObjectRecord[])>();

        /// <summary>The folder walk is answered from the report too: every current row is also recorded there.</summary>
        public void CollectFolders(ReportFolders folders) => _folders = folders;

        /// <summary>Rows read so far, the report's current objects and the rest (other prefixes, old versions) alike.</summary>
        public long RowsRead => Interlocked.Read(ref _rows);
        private long _rows;

        /// <summary>
        /// The formats this build reads (CSV everywhere, Parquet on PowerShell 7.4+); anything else is refused before a
        /// byte of data is read.
        /// </summary>
        public static void EnsureReadable(InventoryManifest manifest)
        {
            switch (manifest.Format)
            {
                case InventoryFileFormat.Csv: return;
                case InventoryFileFormat.Parquet:
                    EnsureParquetRuntime(RuntimeInformation.FrameworkDescription, Environment.Version, manifest.Uri);
                    return;
                default:
                    throw new MlLayoutException("InventoryFormatUnsupported", ErrorKind.InvalidData, manifest.Uri,
                        $"The inventory report {manifest.Uri} is written as {manifest.Format}; S3MlLayout reads CSV and Parquet inventory reports, not ORC. " +
                        "Change the inventory configuration's format to CSV or Parquet for the next report, or check by listing: Get-MlLayoutDrift -Scope Objects without -Inventory.");
            }
        }

        /// <summary>
        /// Parquet is read by S3MlLayout.Engine.Parquet, a net8.0 assembly (Parquet.Net targets no netstandard): it
        /// cannot load on Windows PowerShell 5.1 (.NET Framework) or on PowerShell before 7.4 (.NET 6/7).
        /// </summary>
        internal static void EnsureParquetRuntime(string frameworkDescription, Version runtime, string uri)
        {
            bool framework = frameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);
            if (!framework && runtime.Major >= 8) return;
            throw new MlLayoutException("InventoryParquetNeedsPowerShell7", ErrorKind.NotSpecified, uri,
                $"The inventory report {uri} is written as Parquet, which S3MlLayout reads on PowerShell 7.4 or later only (this session runs on {frameworkDescription}). " +
                "Run the check in PowerShell 7 (pwsh), or change the inventory configuration's format to CSV, which is read everywhere, including Windows PowerShell 5.1.");
        }

        public async Task ReadAsync(IReadOnlyCollection<string> prefixes, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation)
        {
            var wanted = new Wanted(prefixes);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var gate = new SemaphoreSlim(_parallelFiles);
            Exception? failure = null;
            var reads = _manifest.Files.Select(file => Task.Run(async () =>
            {
                await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                try { await ReadFile(file, wanted, onPage, stop.Token).ConfigureAwait(false); }
                catch (Exception e) when (!(e is OperationCanceledException && stop.IsCancellationRequested && !cancellation.IsCancellationRequested))
                {
                    // The first failure stops the other files; that one is what the user sees.
                    Interlocked.CompareExchange(ref failure, e, null);
                    stop.Cancel();
                }
                finally { gate.Release(); }
            })).ToList();
            try { await Task.WhenAll(reads).ConfigureAwait(false); }
            catch (OperationCanceledException) when (failure != null) { }
            if (failure != null)
            {
                cancellation.ThrowIfCancellationRequested();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }

        private async Task ReadFile(InventoryDataFile file, Wanted prefixes, Func<IReadOnlyList<ObjectRecord>, Task> onPage, CancellationToken cancellation)
        {
            // A downloaded report's files are named by their paths, an S3 one's by their URIs.
            string uri = _store is LocalInventoryReports local ? local.PathOf(file.Key) : $"s3://{_manifest.DestinationBucket}/{file.Key}";
            using var stream = await _store.OpenReadAsync(_manifest.DestinationBucket, file.Key, cancellation).ConfigureAwait(false)
                ?? throw new MlLayoutException("InventoryFileMissing", ErrorKind.ObjectNotFound, uri,
                    $"The inventory data file {uri}, named by {_manifest.Uri}, is not there (deleted, or expired by a lifecycle rule). Nothing from this report is used; wait for the next report or pass another one with -InventoryManifest.");
            // One page and its records serve the whole file (each page is handled before the next is filled), and then
            // the next file: a report can have thousands of data files.
            if (!_pages.TryTake(out var pooled)) pooled = (new List<ObjectRecord>(PageSize), new ObjectRecord[PageSize]);
            var (page, records) = pooled;
            var folders = _folders?.NewPart();
            void OnRow(InventoryRow row)
            {
                if (!row.IsCurrent) return;
                // The row goes into the next free record (its key as chars, no string); it joins the page only when wanted.
                int n = page.Count;
                var record = (records[n] ??= new ObjectRecord("", 0)).Reuse(row);
                var key = record.KeySpan;
                folders?.Add(key, row.Size);
                int prefix = prefixes.IndexOf(key);
                if (prefix < 0) return;
                record.PrefixIndex = prefix;
                page.Add(record);
                if (page.Count < PageSize) return;
                // The readers call back synchronously; the page's handling completes at once unless it reads content.
                onPage(page).GetAwaiter().GetResult();
                page.Clear();
            }
            long rows;
            if (_manifest.Format == InventoryFileFormat.Parquet)
            {
                // Checked whole (size, MD5) into a temporary file before a row is read: Parquet starts from its footer.
                using var verified = await InventoryParquetFile.DownloadVerifiedAsync(stream, file, uri, cancellation).ConfigureAwait(false);
                stream.Dispose(); // the GET is done: its connection goes back to the pool while the file is read
                rows = await EngineComponents.ParquetInventoryReader.ReadAsync(verified, uri, OnRow, cancellation).ConfigureAwait(false);
            }
            else
            {
                rows = InventoryCsvReader.Read(stream, file, _manifest.Schema, uri, OnRow, keysInBuffer: true, cancellation);
            }
            if (page.Count > 0) await onPage(page).ConfigureAwait(false);
            page.Clear();
            _pages.Add(pooled);
            // The file has checked out (size, MD5): what it showed of the folders counts.
            if (folders != null) _folders!.Merge(folders);
            Interlocked.Add(ref _rows, rows);
        }

        /// <summary>Whether a key lies under one of the prefixes: one walk of its '/' positions, not one comparison per prefix.</summary>
        private sealed class Wanted
        {
            private readonly PrefixMap<object>? _map;
            private readonly string[] _prefixes;

            public Wanted(IReadOnlyCollection<string> prefixes)
            {
                _prefixes = prefixes.ToArray();
                // Solution roots end in '/'; anything else is matched by a plain comparison.
                if (_prefixes.All(p => p.EndsWith("/", StringComparison.Ordinal)))
                {
                    _map = new PrefixMap<object>();
                    for (int i = 0; i < _prefixes.Length; i++)
                        if (Array.IndexOf(_prefixes, _prefixes[i]) == i) _map.Add(_prefixes[i], i); // the index, boxed once
                }
            }

            /// <summary>The position of the prefix the key lies under; -1 when none.</summary>
            [MethodImpl(HotPath.Optimized)]
            public int IndexOf(ReadOnlySpan<char> key)
            {
                if (_map != null) return _map.FindFirst(key) is int index ? index : -1;
                for (int i = 0; i < _prefixes.Length; i++)
                    if (key.StartsWith(_prefixes[i].AsSpan())) return i;
                return -1;
            }
        }
    }
}
