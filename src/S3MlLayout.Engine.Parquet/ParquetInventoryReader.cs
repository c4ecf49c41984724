using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Parquet;
using Parquet.Schema;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>
    /// Reads a Parquet inventory data file with Parquet.Net, one row group at a time (memory grows with the largest
    /// row group, never with the file), and gives the rows the CSV reader gives. Columns are found by name in the
    /// file's schema (key, size, storage_class, is_latest, is_delete_marker; any order, the optional ones may be
    /// absent). Keys are used as written: S3 URL-encodes keys in CSV reports only.
    /// </summary>
    internal sealed class ParquetInventoryReader : IParquetInventoryReader
    {
        public async Task<long> ReadAsync(Stream data, string uri, Action<InventoryRow> onRow, CancellationToken cancellation)
        {
            ParquetReader reader;
            try { reader = await ParquetReader.CreateAsync(data, leaveStreamOpen: true, cancellationToken: cancellation).ConfigureAwait(false); }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                throw InventoryCsvReader.Corrupt(uri, $"it is not a Parquet file that can be read ({e.Message})", e);
            }
            await using (reader.ConfigureAwait(false))
            {
                var fields = reader.Schema.GetDataFields();
                DataField? Find(string name) => fields.FirstOrDefault(f => string.Equals(f.Name.Replace("_", ""), name, StringComparison.OrdinalIgnoreCase));
                var keyField = Find("key") ?? throw InventoryCsvReader.Corrupt(uri, "its schema has no key column");
                var sizeField = Find("size");
                var classField = Find("storageclass");
                var latestField = Find("islatest");
                var deleteField = Find("isdeletemarker");
                long rows = 0;
                try
                {
                    for (int group = 0; group < reader.RowGroupCount; group++)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        using var rowGroup = reader.OpenRowGroupReader(group);
                        int count = checked((int)rowGroup.RowCount);
                        var keys = new string?[count];
                        await rowGroup.ReadAsync(keyField, keys.AsMemory(), null, cancellation).ConfigureAwait(false);
                        var sizes = await Longs(rowGroup, sizeField, count, cancellation).ConfigureAwait(false);
                        string?[]? classes = null;
                        if (classField != null)
                        {
                            classes = new string[count];
                            await rowGroup.ReadAsync(classField, classes.AsMemory(), null, cancellation).ConfigureAwait(false);
                        }
                        var latest = await Booleans(rowGroup, latestField, count, cancellation).ConfigureAwait(false);
                        var deleted = await Booleans(rowGroup, deleteField, count, cancellation).ConfigureAwait(false);
                        for (int i = 0; i < count; i++)
                        {
                            bool current = !(latest != null && latest[i] == false) && !(deleted != null && deleted[i] == true);
                            // A delete marker has no size (null); its row is left out as not current anyway.
                            onRow(new InventoryRow(keys[i] ?? "", sizes?[i] ?? 0, classes?[i], current));
                        }
                        rows += count;
                    }
                }
                catch (Exception e) when (!(e is OperationCanceledException) && !(e is Errors.MlLayoutException))
                {
                    throw InventoryCsvReader.Corrupt(uri, $"its rows cannot be read after {rows} rows ({e.GetType().Name}: {e.Message})", e);
                }
                return rows;
            }
        }

        /// <summary>An int64 column (S3 writes size as int64); null when the file has no such column.</summary>
        private static async Task<long?[]?> Longs(ParquetRowGroupReader rowGroup, DataField? field, int count, CancellationToken cancellation)
        {
            if (field == null) return null;
            var values = new long?[count];
            await rowGroup.ReadAsync<long>(field, values.AsMemory(), null, cancellation).ConfigureAwait(false);
            return values;
        }

        private static async Task<bool?[]?> Booleans(ParquetRowGroupReader rowGroup, DataField? field, int count, CancellationToken cancellation)
        {
            if (field == null) return null;
            var values = new bool?[count];
            await rowGroup.ReadAsync<bool>(field, values.AsMemory(), null, cancellation).ConfigureAwait(false);
            return values;
        }
    }
}
