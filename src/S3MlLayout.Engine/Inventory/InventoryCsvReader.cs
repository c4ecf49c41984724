using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>
    /// One object of an inventory report, its key URL-decoded. For the check, a row of a CSV report holds its key as
    /// UTF-8 bytes in the reader's buffer, valid only while the row is handled: the check copies them into a record it
    /// reuses (<see cref="CopyKey"/>) and so makes no string per row; <see cref="Key"/> then makes one on each call.
    /// </summary>
    public readonly struct InventoryRow
    {
        private readonly string? _key;
        private readonly byte[]? _buffer;
        private readonly int _start, _count;

        public InventoryRow(string key, long size, string? storageClass, bool isCurrent = true)
        {
            _key = key; _buffer = null; _start = _count = 0; Size = size; StorageClass = storageClass; IsCurrent = isCurrent;
        }

        internal InventoryRow(byte[] buffer, int start, int count, long size, string? storageClass, bool isCurrent)
        {
            _key = null; _buffer = buffer; _start = start; _count = count; Size = size; StorageClass = storageClass; IsCurrent = isCurrent;
        }

        public string Key => _key ?? Encoding.UTF8.GetString(_buffer!, _start, _count);
        public long Size { get; }
        /// <summary>STANDARD, GLACIER ...; null when the report has no StorageClass field.</summary>
        public string? StorageClass { get; }
        /// <summary>
        /// False for a noncurrent version or a delete marker (a report of all versions): what a listing would not show,
        /// so the object rules never see it.
        /// </summary>
        public bool IsCurrent { get; }

        /// <summary>Decodes the key's UTF-8 bytes into <paramref name="chars"/> (grown when short); returns its length in chars.</summary>
        internal int CopyKey(ref char[] chars)
        {
            if (_key != null)
            {
                if (chars.Length < _key.Length) chars = new char[Math.Max(_key.Length, chars.Length * 2)];
                _key.CopyTo(0, chars, 0, _key.Length);
                return _key.Length;
            }
            // UTF-8 never gives more chars than it has bytes.
            if (chars.Length < _count) chars = new char[Math.Max(_count, chars.Length * 2)];
            return Encoding.UTF8.GetChars(_buffer!, _start, _count, chars, 0);
        }
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
        public static long Read(Stream compressed, InventoryDataFile file, InventorySchema schema, string uri, Action<InventoryRow> onRow, CancellationToken cancellation) =>
            Read(compressed, file, schema, uri, onRow, keysInBuffer: false, cancellation);

        /// <param name="keysInBuffer">
        /// Rows hold their keys as bytes in the reader's buffer, valid only during <paramref name="onRow"/>
        /// (<see cref="InventoryRow.CopyKey"/>): no string per row. Else each row's key is a string of its own.
        /// </param>
        internal static long Read(Stream compressed, InventoryDataFile file, InventorySchema schema, string uri, Action<InventoryRow> onRow, bool keysInBuffer, CancellationToken cancellation)
        {
            using var hashing = new HashingStream(compressed, file.Size, uri);
            long rows = 0;
            try
            {
                using (var gzip = new GZipStream(hashing, CompressionMode.Decompress, leaveOpen: true))
                    rows = Parse(gzip, schema, uri, onRow, keysInBuffer, cancellation);
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

        /// <summary>A data file that goes on past the size its manifest gives: refused as soon as it does, not read to its end.</summary>
        internal static MlLayoutException LongerThanManifest(string uri, long size) => Corrupt(uri, $"it holds more than the {size} bytes the manifest says");

        internal static MlLayoutException Corrupt(string uri, string problem, Exception? inner = null) =>
            new MlLayoutException("InventoryFileCorrupt", ErrorKind.InvalidData, uri,
                $"The inventory data file does not match its manifest: {problem}. Nothing from this report is used; wait for the next report or pass another one with -InventoryManifest.", inner);

        private static long Parse(Stream text, InventorySchema schema, string uri, Action<InventoryRow> onRow, bool keysInBuffer, CancellationToken cancellation)
        {
            // From the shared pool: a report has a buffer's worth of work per data file, and thousands of files.
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try { return Parse(text, schema, uri, onRow, keysInBuffer, ref buffer, cancellation); }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }

        private static long Parse(Stream text, InventorySchema schema, string uri, Action<InventoryRow> onRow, bool keysInBuffer, ref byte[] buffer, CancellationToken cancellation)
        {
            int start = 0, filled = 0;
            bool atEnd = false;
            long rows = 0;
            var fields = new Fields(schema.Columns);
            var classes = new List<string>();
            while (true)
            {
                // Every row that lies whole in the buffer is split where it lies: no copy, no byte-by-byte scan.
                while (start < filled)
                {
                    int next = Split(buffer, start, filled, atEnd, fields, schema, uri, rows + 1);
                    if (next < 0) break; // the row goes on past the buffer
                    if (fields.Count > 0)
                    {
                        onRow(Row(buffer, fields, schema, classes, keysInBuffer));
                        rows++;
                    }
                    start = next;
                }
                if (atEnd) return rows;
                // The unfinished row moves to the front; a row that fills the buffer grows it, up to 1 MiB (a key is
                // at most 1,024 bytes, 3 times that URL-encoded: a longer row is not an inventory row).
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                    start = 0;
                }
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= 1 << 20) throw Corrupt(uri, $"row {rows + 1} is longer than 1 MiB");
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                cancellation.ThrowIfCancellationRequested();
                int read = text.Read(buffer, filled, buffer.Length - filled);
                if (read == 0) atEnd = true;
                else filled += read;
            }
        }

        /// <summary>Where each field of the current row lies in the buffer.</summary>
        private sealed class Fields
        {
            public Fields(int columns)
            {
                Starts = new int[Math.Max(columns, 1)];
                Ends = new int[Starts.Length];
                Escaped = new bool[Starts.Length];
            }

            public readonly int[] Starts;
            public readonly int[] Ends;
            /// <summary>A quoted field with a doubled quote inside or text after its closing quote: unquoted only if read.</summary>
            public readonly bool[] Escaped;
            public int Count;
        }

        /// <summary>
        /// Splits the row that begins at <paramref name="start"/> into fields, each found by a vectorized search for its
        /// end (a comma or newline; for a quoted field, its closing quote, so a quoted comma or newline stays inside).
        /// Returns where the next row begins, or -1 when the row goes on past <paramref name="limit"/> and more data is to
        /// come. An empty line gives no fields.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static int Split(byte[] buffer, int start, int limit, bool atEnd, Fields fields, InventorySchema schema, string uri, long number)
        {
            fields.Count = 0;
            int i = start;
            if (buffer[i] == (byte)'\n') return i + 1;
            if (buffer[i] == (byte)'\r')
            {
                if (i + 1 < limit && buffer[i + 1] == (byte)'\n') return i + 2;
                if (i + 1 == limit && !atEnd) return -1;
            }
            int field = 0;
            while (true)
            {
                if (field >= fields.Starts.Length) throw Corrupt(uri, $"row {number} has more fields than its fileSchema ({schema.Columns})");
                int fieldStart = i, delimiter;
                bool escaped = false;
                if (i < limit && buffer[i] == (byte)'"')
                {
                    int closing = -1;
                    for (int from = i + 1; ;)
                    {
                        int quote = from < limit ? new ReadOnlySpan<byte>(buffer, from, limit - from).IndexOf((byte)'"') : -1;
                        if (quote < 0) break;
                        quote += from;
                        if (quote + 1 == limit && !atEnd) return -1; // a doubled quote may be cut in two
                        if (quote + 1 < limit && buffer[quote + 1] == (byte)'"') { escaped = true; from = quote + 2; continue; }
                        closing = quote;
                        break;
                    }
                    if (closing < 0)
                    {
                        if (!atEnd) return -1;
                        throw Corrupt(uri, $"row {number} ends inside a quoted field");
                    }
                    delimiter = closing + 1;
                    if (delimiter < limit && buffer[delimiter] != (byte)',' && buffer[delimiter] != (byte)'\n' && buffer[delimiter] != (byte)'\r')
                        escaped = true; // text after the closing quote belongs to the field
                    if (delimiter < limit && buffer[delimiter] != (byte)',' && buffer[delimiter] != (byte)'\n')
                    {
                        int next = new ReadOnlySpan<byte>(buffer, delimiter, limit - delimiter).IndexOfAny((byte)',', (byte)'\n');
                        if (next < 0 && !atEnd) return -1;
                        delimiter = next < 0 ? limit : delimiter + next;
                    }
                    if (escaped) { fields.Starts[field] = fieldStart; fields.Ends[field] = TrimReturn(buffer, fieldStart, delimiter, limit); }
                    else { fields.Starts[field] = fieldStart + 1; fields.Ends[field] = closing; }
                }
                else
                {
                    int next = i < limit ? new ReadOnlySpan<byte>(buffer, i, limit - i).IndexOfAny((byte)',', (byte)'\n') : -1;
                    if (next < 0 && !atEnd) return -1;
                    delimiter = next < 0 ? limit : i + next;
                    fields.Starts[field] = i;
                    fields.Ends[field] = TrimReturn(buffer, i, delimiter, limit);
                }
                fields.Escaped[field] = escaped;
                field++;
                if (delimiter >= limit) { fields.Count = field; break; }
                if (buffer[delimiter] == (byte)'\n') { fields.Count = field; limit = delimiter + 1; break; }
                i = delimiter + 1; // the comma
            }
            if (fields.Count != schema.Columns) throw Corrupt(uri, $"row {number} has {fields.Count} fields where its fileSchema names {schema.Columns}");
            return limit;
        }

        /// <summary>A field's end, less the '\r' of a CRLF line end.</summary>
        [MethodImpl(HotPath.Optimized)]
        private static int TrimReturn(byte[] buffer, int start, int delimiter, int limit) =>
            (delimiter >= limit || buffer[delimiter] == (byte)'\n') && delimiter > start && buffer[delimiter - 1] == (byte)'\r' ? delimiter - 1 : delimiter;

        /// <summary>Builds the row from the fields it needs (an escaped one is unquoted in place first).</summary>
        [MethodImpl(HotPath.Optimized)]
        private static InventoryRow Row(byte[] line, Fields fields, InventorySchema schema, List<string> classes, bool keyInBuffer)
        {
            int keyStart = Field(line, fields, schema.Key, out int keyEnd);
            int keyLength = InventoryKey.DecodeInPlace(line, keyStart, keyEnd - keyStart);
            long size = 0;
            if (schema.Size >= 0) { int s = Field(line, fields, schema.Size, out int e); size = ParseLong(line, s, e); }
            string? storageClass = null;
            if (schema.StorageClass >= 0) { int s = Field(line, fields, schema.StorageClass, out int e); storageClass = StorageClass(line, s, e, classes); }
            bool current = true;
            if (schema.IsLatest >= 0) { int s = Field(line, fields, schema.IsLatest, out int e); current &= !Is(line, s, e, "false"); }
            if (schema.IsDeleteMarker >= 0) { int s = Field(line, fields, schema.IsDeleteMarker, out int e); current &= !Is(line, s, e, "true"); }
            return keyInBuffer
                ? new InventoryRow(line, keyStart, keyLength, size, storageClass, current)
                : new InventoryRow(Encoding.UTF8.GetString(line, keyStart, keyLength), size, storageClass, current);
        }

        [MethodImpl(HotPath.Optimized)]
        private static int Field(byte[] line, Fields fields, int index, out int end)
        {
            if (!fields.Escaped[index]) { end = fields.Ends[index]; return fields.Starts[index]; }
            Unquote(line, fields.Starts[index], fields.Ends[index], out int start, out end);
            return start;
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
        [MethodImpl(HotPath.Optimized)]
        private static string StorageClass(byte[] line, int start, int end, List<string> classes)
        {
            for (int i = 0; i < classes.Count; i++)
                if (Is(line, start, end, classes[i], exact: true)) return classes[i];
            string text = Encoding.ASCII.GetString(line, start, end - start);
            // S3 has a dozen classes; a report with hundreds of values is not to be searched through row after row.
            if (classes.Count < 32) classes.Add(text);
            return text;
        }

        /// <summary>Whether a field holds <paramref name="word"/> (ASCII, any case unless <paramref name="exact"/>).</summary>
        [MethodImpl(HotPath.Optimized)]
        private static bool Is(byte[] line, int start, int end, string word, bool exact = false)
        {
            if (end - start != word.Length) return false;
            for (int i = 0; i < word.Length; i++)
                if ((exact ? line[start + i] : line[start + i] | 0x20) != word[i]) return false;
            return true;
        }

        [MethodImpl(HotPath.Optimized)]
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

        /// <summary>Passes the compressed bytes through while counting and hashing them, no further than the manifest's size.</summary>
        private sealed class HashingStream : ForwardReadStream
        {
            private readonly Stream _inner;
            private readonly long _size;
            private readonly string _uri;
            private readonly MD5 _md5 = MD5.Create();
            private long _length;
            private bool _done;

            public HashingStream(Stream inner, long size, string uri) { _inner = inner; _size = size; _uri = uri; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int read = _inner.Read(buffer, offset, count);
                if (read > 0) { _md5.TransformBlock(buffer, offset, read, null, 0); _length += read; }
                if (_length > _size) throw LongerThanManifest(_uri, _size);
                return read;
            }

            /// <summary>Reads what the decompressor left (gzip trailer padding, or anything after it) into the hash.</summary>
            public void Drain()
            {
                var rest = ArrayPool<byte>.Shared.Rent(BufferSize);
                try { while (Read(rest, 0, rest.Length) > 0) { } }
                finally { ArrayPool<byte>.Shared.Return(rest); }
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
            public override long Position { get => _length; set => throw new NotSupportedException(); }
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
        public static string Decode(byte[] buffer, int start, int count) => Encoding.UTF8.GetString(buffer, start, DecodeInPlace(buffer, start, count));

        /// <summary>Decodes in place into the same buffer; returns the decoded length in bytes (UTF-8).</summary>
        [MethodImpl(HotPath.Optimized)]
        internal static int DecodeInPlace(byte[] buffer, int start, int count)
        {
            int write = start, end = start + count;
            // Most keys have nothing encoded: they stay as they are.
            if (new ReadOnlySpan<byte>(buffer, start, count).IndexOfAny((byte)'%', (byte)'+') < 0) return count;
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
            return write - start;
        }

        private static int Hex(byte b) =>
            b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }
}
