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
                int pos = 0;
                while (pos < read)
                {
                    // The next line end (a vectorized search), then the quotes before it: an odd count leaves a quoted field open.
                    int newline = new ReadOnlySpan<byte>(buffer, pos, read - pos).IndexOf((byte)'\n');
                    int end = newline < 0 ? read : pos + newline;
                    for (int q = pos; q < end; q++)
                        if (buffer[q] == (byte)'"') inQuotes = !inQuotes;
                    if (newline >= 0 && !inQuotes && lineLength == 0)
                    {
                        // The whole line lies in the buffer: split it there, no copy.
                        int length = end - pos;
                        if (length > 0 && buffer[end - 1] == (byte)'\r') length--;
                        if (length > 0)
                        {
                            onRow(Row(buffer, pos, length, schema, fieldStarts, fieldEnds, classes, uri, rows + 1));
                            rows++;
                        }
                        pos = end + 1;
                        continue;
                    }
                    // A line cut by the buffer's end (or holding a quoted newline): gather it.
                    int take = (newline >= 0 ? end + 1 : end) - pos;
                    if (lineLength + take > line.Length)
                    {
                        // A key is at most 1,024 bytes, 3 times that URL-encoded; a row beyond 1 MiB is not an inventory row.
                        if (lineLength + take > 1 << 20) throw Corrupt(uri, $"row {rows + 1} is longer than 1 MiB");
                        Array.Resize(ref line, Math.Max(line.Length * 2, lineLength + take));
                    }
                    Buffer.BlockCopy(buffer, pos, line, lineLength, take);
                    lineLength += take;
                    pos += take;
                    if (newline >= 0 && !inQuotes)
                    {
                        lineLength--; // the '\n'
                        if (lineLength > 0 && line[lineLength - 1] == (byte)'\r') lineLength--;
                        if (lineLength > 0)
                        {
                            onRow(Row(line, 0, lineLength, schema, fieldStarts, fieldEnds, classes, uri, rows + 1));
                            rows++;
                        }
                        lineLength = 0;
                    }
                }
            }
            if (lineLength > 0)
            {
                onRow(Row(line, 0, lineLength, schema, fieldStarts, fieldEnds, classes, uri, rows + 1));
                rows++;
            }
            return rows;
        }

        /// <summary>Splits one line into fields (unquoting in place) and builds its row.</summary>
        private static InventoryRow Row(byte[] line, int offset, int count, InventorySchema schema, int[] starts, int[] ends, Dictionary<string, string> classes, string uri, long number)
        {
            int field = 0, i = offset, length = offset + count;
            while (true)
            {
                if (field >= starts.Length) throw Corrupt(uri, $"row {number} has more fields than its fileSchema ({schema.Columns})");
                if (i < length && line[i] == (byte)'"')
                {
                    // The usual quoted field ("…" then a comma or the end, no quote inside) is taken where it lies.
                    int close = new ReadOnlySpan<byte>(line, i + 1, length - i - 1).IndexOf((byte)'"') + i + 1;
                    if (close > i && (close + 1 == length || line[close + 1] == (byte)','))
                    {
                        starts[field] = i + 1;
                        ends[field] = close;
                        i = close + 1;
                    }
                    else i = Unquote(line, i, length, out starts[field], out ends[field]);
                }
                else
                {
                    int comma = new ReadOnlySpan<byte>(line, i, length - i).IndexOf((byte)',');
                    starts[field] = i;
                    i = comma < 0 ? length : i + comma;
                    ends[field] = i;
                }
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
                storageClass = StorageClass(line, starts[schema.StorageClass], ends[schema.StorageClass], classes);
            }
            bool current = !(schema.IsLatest >= 0 && Is(line, starts[schema.IsLatest], ends[schema.IsLatest], "false"))
                        && !(schema.IsDeleteMarker >= 0 && Is(line, starts[schema.IsDeleteMarker], ends[schema.IsDeleteMarker], "true"));
            return new InventoryRow(key, size, storageClass, current);
        }

        /// <summary>
        /// A field with doubled quotes inside, or text after its closing quote: unquoted in place (the field only
        /// shrinks). Returns where the field ends (its comma, or the line's end).
        /// </summary>
        private static int Unquote(byte[] line, int i, int length, out int start, out int end)
        {
            int write = i;
            start = i;
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
            while (i < length && line[i] != (byte)',') line[write++] = line[i++];
            end = write;
            return i;
        }

        /// <summary>The storage class field as one shared string per distinct value (a handful), found without a string per row.</summary>
        private static string StorageClass(byte[] line, int start, int end, Dictionary<string, string> classes)
        {
            foreach (var known in classes.Values)
                if (Is(line, start, end, known, exact: true)) return known;
            string text = Encoding.ASCII.GetString(line, start, end - start);
            classes[text] = text;
            return text;
        }

        /// <summary>Whether a field holds <paramref name="word"/> (ASCII, any case unless <paramref name="exact"/>).</summary>
        private static bool Is(byte[] line, int start, int end, string word, bool exact = false)
        {
            if (end - start != word.Length) return false;
            for (int i = 0; i < word.Length; i++)
                if ((exact ? line[start + i] : line[start + i] | 0x20) != word[i]) return false;
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
            // Most keys have nothing encoded: read them as they are.
            if (new ReadOnlySpan<byte>(buffer, start, count).IndexOfAny((byte)'%', (byte)'+') < 0)
                return Encoding.UTF8.GetString(buffer, start, count);
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
