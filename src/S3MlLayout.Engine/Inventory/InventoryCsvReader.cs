using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>One object of an inventory report, its key URL-decoded.</summary>
    public readonly struct InventoryRow
    {
        public InventoryRow(string key, long size, string? storageClass, bool isCurrent = true)
        {
            Key = key; Size = size; StorageClass = storageClass; IsCurrent = isCurrent;
        }

        public string Key { get; }
        public long Size { get; }
        /// <summary>STANDARD, GLACIER ...; null when the report has no StorageClass field.</summary>
        public string? StorageClass { get; }
        /// <summary>
        /// False for a noncurrent version or a delete marker (a report of all versions): what a listing would not show,
        /// so the object rules never see it.
        /// </summary>
        public bool IsCurrent { get; }
    }

    /// <summary>
    /// Streams the rows of one CSV.gz inventory data file: no header, fields in the manifest's fileSchema order,
    /// each possibly double-quoted (a quote inside doubled), keys URL-encoded. It works on bytes, one buffer at a
    /// time, so memory does not grow with the rows; the compressed bytes are counted and hashed as they pass, and
    /// the file is refused (InventoryFileCorrupt) when its size or MD5 differs from the manifest's. The caller keeps
    /// what it learned from a file's rows until the file has passed that check.
    /// </summary>
    public static class InventoryCsvReader
    {
        private const int BufferSize = 1 << 16;

        /// <summary>Reads every row of the file; returns the number of rows. The stream is read to its end.</summary>
        public static long Read(Stream compressed, InventoryDataFile file, InventorySchema schema, string uri, Action<InventoryRow> onRow, CancellationToken cancellation)
        {
            using var hashing = new HashingStream(compressed);
            long rows = 0;
            try
            {
                using (var gzip = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
                    rows = Parse(gzip, schema, uri, onRow, cancellation);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(uri, $"it is not a valid gzip stream ({e.Message})", e);
            }
            hashing.Drain();
            if (hashing.Length != file.Size)
                throw Corrupt(uri, $"it holds {hashing.Length} bytes where the manifest says {file.Size}");
            string md5 = hashing.Md5Hex();
            if (!string.Equals(md5, file.Md5, StringComparison.OrdinalIgnoreCase))
                throw Corrupt(uri, $"its MD5 is {md5} where the manifest says {file.Md5}");
            return rows;
        }

        internal static MlLayoutException Corrupt(string uri, string problem, Exception? inner = null) =>
            new MlLayoutException("InventoryFileCorrupt", ErrorKind.InvalidData, uri,
                $"The inventory data file does not match its manifest: {problem}. Nothing from this report is used; wait for the next report or pass another one with -InventoryManifest.", inner);

        private static long Parse(Stream text, InventorySchema schema, string uri, Action<InventoryRow> onRow, CancellationToken cancellation)
        {
            var buffer = new byte[BufferSize];
            var line = new byte[4096];
            int lineLength = 0;
            bool inQuotes = false;
            long rows = 0;
            var fieldStarts = new int[Math.Max(schema.Columns, 1) + 1];
            var fieldEnds = new int[fieldStarts.Length];
            var classes = new Dictionary<string, string>(StringComparer.Ordinal);
            int read;
            while ((read = text.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                for (int i = 0; i < read; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)'"') inQuotes = !inQuotes;
                    else if (b == (byte)'\n' && !inQuotes)
                    {
                        if (lineLength > 0 && line[lineLength - 1] == (byte)'\r') lineLength--;
                        if (lineLength > 0)
                        {
                            onRow(Row(line, lineLength, schema, fieldStarts, fieldEnds, classes, uri, rows + 1));
                            rows++;
                        }
                        lineLength = 0;
                        continue;
                    }
                    if (lineLength == line.Length)
                    {
                        // A key is at most 1,024 bytes, 3 times that URL-encoded; a row beyond 1 MiB is not an inventory row.
                        if (line.Length >= 1 << 20) throw Corrupt(uri, $"row {rows + 1} is longer than 1 MiB");
                        Array.Resize(ref line, line.Length * 2);
                    }
                    line[lineLength++] = b;
                }
            }
            if (lineLength > 0)
            {
                onRow(Row(line, lineLength, schema, fieldStarts, fieldEnds, classes, uri, rows + 1));
                rows++;
            }
            return rows;
        }

        /// <summary>Splits one line into fields (unquoting in place) and builds its row.</summary>
        private static InventoryRow Row(byte[] line, int length, InventorySchema schema, int[] starts, int[] ends, Dictionary<string, string> classes, string uri, long number)
        {
            int field = 0, write = 0, i = 0;
            while (true)
            {
                if (field >= starts.Length) throw Corrupt(uri, $"row {number} has more fields than its fileSchema ({schema.Columns})");
                starts[field] = write;
                if (i < length && line[i] == (byte)'"')
                {
                    i++;
                    while (i < length)
                    {
                        if (line[i] == (byte)'"')
                        {
                            if (i + 1 < length && line[i + 1] == (byte)'"') { line[write++] = (byte)'"'; i += 2; continue; }
                            i++;
                            break;
                        }
                        line[write++] = line[i++];
                    }
                }
                while (i < length && line[i] != (byte)',') line[write++] = line[i++];
                ends[field] = write;
                field++;
                if (i >= length) break;
                i++; // the comma
            }
            if (field != schema.Columns) throw Corrupt(uri, $"row {number} has {field} fields where its fileSchema names {schema.Columns}");
            string key = InventoryKey.Decode(line, starts[schema.Key], ends[schema.Key] - starts[schema.Key]);
            long size = schema.Size >= 0 ? ParseLong(line, starts[schema.Size], ends[schema.Size]) : 0;
            string? storageClass = null;
            if (schema.StorageClass >= 0)
            {
                string text = Encoding.ASCII.GetString(line, starts[schema.StorageClass], ends[schema.StorageClass] - starts[schema.StorageClass]);
                if (!classes.TryGetValue(text, out storageClass)) { classes[text] = text; storageClass = text; }
            }
            bool current = !(schema.IsLatest >= 0 && Is(line, starts[schema.IsLatest], ends[schema.IsLatest], "false"))
                        && !(schema.IsDeleteMarker >= 0 && Is(line, starts[schema.IsDeleteMarker], ends[schema.IsDeleteMarker], "true"));
            return new InventoryRow(key, size, storageClass, current);
        }

        /// <summary>Whether a field holds <paramref name="word"/> (ASCII, any case).</summary>
        private static bool Is(byte[] line, int start, int end, string word)
        {
            if (end - start != word.Length) return false;
            for (int i = 0; i < word.Length; i++)
                if ((line[start + i] | 0x20) != word[i]) return false;
            return true;
        }

        private static long ParseLong(byte[] line, int start, int end)
        {
            long value = 0;
            for (int i = start; i < end; i++)
            {
                int digit = line[i] - '0';
                if (digit < 0 || digit > 9) return 0; // a delete marker has no size
                value = value * 10 + digit;
            }
            return value;
        }

        /// <summary>Passes the compressed bytes through while counting and hashing them.</summary>
        private sealed class HashingStream : Stream
        {
            private readonly Stream _inner;
            private readonly MD5 _md5 = MD5.Create();
            private long _length;
            private bool _done;

            public HashingStream(Stream inner) { _inner = inner; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int read = _inner.Read(buffer, offset, count);
                if (read > 0) { _md5.TransformBlock(buffer, offset, read, null, 0); _length += read; }
                return read;
            }

            /// <summary>Reads what the decompressor left (gzip trailer padding, or anything after it) into the hash.</summary>
            public void Drain()
            {
                var rest = new byte[BufferSize];
                while (Read(rest, 0, rest.Length) > 0) { }
            }

            public string Md5Hex()
            {
                if (!_done) { _md5.TransformFinalBlock(Array.Empty<byte>(), 0, 0); _done = true; }
                return InventoryManifest.Hex(_md5.Hash!);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing) _md5.Dispose();
                base.Dispose(disposing);
            }

            public override long Length => _length;
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Position { get => _length; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

    /// <summary>Keys as S3 Inventory writes them: UTF-8, then percent-encoded, a space as %20 or '+'.</summary>
    public static class InventoryKey
    {
        public static string Decode(string encoded)
        {
            var bytes = Encoding.UTF8.GetBytes(encoded);
            return Decode(bytes, 0, bytes.Length);
        }

        /// <summary>Decodes in place into the same buffer (the result is never longer), then reads it as UTF-8.</summary>
        public static string Decode(byte[] buffer, int start, int count)
        {
            int write = start, end = start + count;
            for (int i = start; i < end; i++)
            {
                byte b = buffer[i];
                if (b == (byte)'+') buffer[write++] = (byte)' ';
                else if (b == (byte)'%' && i + 2 < end && Hex(buffer[i + 1]) >= 0 && Hex(buffer[i + 2]) >= 0)
                {
                    buffer[write++] = (byte)(Hex(buffer[i + 1]) * 16 + Hex(buffer[i + 2]));
                    i += 2;
                }
                else buffer[write++] = b;
            }
            return Encoding.UTF8.GetString(buffer, start, write - start);
        }

        private static int Hex(byte b) =>
            b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }
}
