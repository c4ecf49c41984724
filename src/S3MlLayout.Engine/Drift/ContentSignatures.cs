using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>
    /// What the first (and for Parquet the last) bytes of a file must be for its extension to tell the truth
    /// (-VerifyContent). Only formats with a fixed signature are judged, plus text formats, which must not start like
    /// a binary one; formats without a reliable signature (pickle, joblib, ONNX, TFRecord ...) are never reported.
    /// </summary>
    public static class ContentSignatures
    {
        /// <summary>How many leading bytes a check reads (one ranged GET).</summary>
        public const int HeadLength = 64;
        /// <summary>How many trailing bytes a Parquet check reads (a second ranged GET).</summary>
        public const int TailLength = 4;

        private sealed class Signature
        {
            public Signature(string name, byte[][] heads, byte[]? tail = null) { Name = name; Heads = heads; Tail = tail; }
            public string Name { get; }
            public byte[][] Heads { get; }
            public byte[]? Tail { get; }
        }

        private static byte[] B(params int[] bytes) => bytes.Select(b => (byte)b).ToArray();
        private static byte[] A(string ascii) => Encoding.ASCII.GetBytes(ascii);

        private static readonly Signature Parquet = new Signature("Parquet (PAR1 at both ends)", new[] { A("PAR1") }, A("PAR1"));
        private static readonly Signature Gzip = new Signature("gzip (1F 8B)", new[] { B(0x1F, 0x8B) });
        private static readonly Signature Zip = new Signature("zip (PK)", new[] { B(0x50, 0x4B, 0x03, 0x04), B(0x50, 0x4B, 0x05, 0x06) });
        private static readonly Signature Png = new Signature("PNG", new[] { B(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) });
        private static readonly Signature Jpeg = new Signature("JPEG (FF D8 FF)", new[] { B(0xFF, 0xD8, 0xFF) });
        private static readonly Signature Pdf = new Signature("PDF (%PDF-)", new[] { A("%PDF-") });
        private static readonly Signature Hdf5 = new Signature("HDF5", new[] { B(0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A) });
        private static readonly Signature Avro = new Signature("Avro (Obj 01)", new[] { B(0x4F, 0x62, 0x6A, 0x01) });
        private static readonly Signature Orc = new Signature("ORC", new[] { A("ORC") });
        private static readonly Signature Zstd = new Signature("Zstandard (28 B5 2F FD)", new[] { B(0x28, 0xB5, 0x2F, 0xFD) });
        private static readonly Signature Bzip2 = new Signature("bzip2 (BZh)", new[] { A("BZh") });
        private static readonly Signature Xz = new Signature("xz", new[] { B(0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00) });
        private static readonly Signature Npy = new Signature("NumPy (93 NUMPY)", new[] { B(0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59) });

        /// <summary>Binary signatures by extension; the last suffix decides (".csv.gz" is judged as gzip).</summary>
        private static readonly Dictionary<string, Signature> Binary = new Dictionary<string, Signature>(StringComparer.OrdinalIgnoreCase)
        {
            [".parquet"] = Parquet, [".gz"] = Gzip, [".tgz"] = Gzip, [".zip"] = Zip, [".xlsx"] = Zip, [".docx"] = Zip, [".pptx"] = Zip,
            [".npz"] = Zip, [".whl"] = Zip, [".jar"] = Zip, [".png"] = Png, [".jpg"] = Jpeg, [".jpeg"] = Jpeg, [".pdf"] = Pdf,
            [".h5"] = Hdf5, [".hdf5"] = Hdf5, [".avro"] = Avro, [".orc"] = Orc, [".zst"] = Zstd, [".bz2"] = Bzip2, [".xz"] = Xz, [".npy"] = Npy,
        };

        /// <summary>JSON documents: the first character that is not white space (after a UTF-8 BOM) opens an object or an array.</summary>
        private static readonly HashSet<string> Json = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".json", ".jsonl", ".ndjson", ".ipynb", ".geojson" };

        /// <summary>Text formats: judged only as "not binary" (no NUL byte, no binary signature at the start).</summary>
        private static readonly HashSet<string> Text = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".csv", ".tsv", ".txt", ".log", ".md", ".yaml", ".yml", ".py", ".sql", ".r", ".sh", ".toml", ".cfg", ".ini", ".xml", ".html", ".svg",
        };

        /// <summary>The extension the check goes by: the last suffix of the name, with its dot; empty when none.</summary>
        public static string LastExtension(string fileName)
        {
            int dot = fileName.LastIndexOf('.');
            return dot <= 0 ? "" : fileName.Substring(dot);
        }

        /// <summary>Whether a file of this name can be judged by its bytes at all.</summary>
        public static bool CanCheck(string fileName)
        {
            string ext = LastExtension(fileName);
            return Binary.ContainsKey(ext) || Json.Contains(ext) || Text.Contains(ext);
        }

        /// <summary>Whether the check needs the last bytes too (a second ranged GET).</summary>
        public static bool NeedsTail(string fileName) => Binary.TryGetValue(LastExtension(fileName), out var s) && s.Tail != null;

        /// <summary>What the extension promises, for Expected.</summary>
        public static string Describe(string fileName)
        {
            string ext = LastExtension(fileName);
            if (Binary.TryGetValue(ext, out var signature)) return signature.Name;
            if (Json.Contains(ext)) return "JSON (starts with { or [)";
            return Text.Contains(ext) ? "text (no NUL byte, no binary signature)" : "anything";
        }

        /// <summary>
        /// Null when the bytes fit the extension (or the extension is not judged); else what the bytes look like.
        /// <paramref name="head"/> is up to <see cref="HeadLength"/> leading bytes, <paramref name="tail"/> the last
        /// <see cref="TailLength"/> (only read when <see cref="NeedsTail"/>), <paramref name="size"/> the object's size.
        /// </summary>
        public static string? Check(string fileName, byte[] head, byte[]? tail, long size)
        {
            string ext = LastExtension(fileName);
            if (Binary.TryGetValue(ext, out var signature))
            {
                if (size == 0) return "an empty object";
                if (!signature.Heads.Any(h => StartsWith(head, h))) return "starts with " + Sniff(head);
                if (signature.Tail != null && (tail == null || !EndsWith(tail, signature.Tail)))
                    return size < signature.Heads[0].Length + signature.Tail.Length ? "too short to be complete" : "does not end with " + Encoding.ASCII.GetString(signature.Tail) + " (cut short, or not this format)";
                return null;
            }
            if (Json.Contains(ext))
            {
                if (size == 0) return "an empty object";
                int i = StartsWith(head, B(0xEF, 0xBB, 0xBF)) ? 3 : 0;
                while (i < head.Length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
                if (i == head.Length) return null; // only white space in the first bytes: nothing to judge by
                return head[i] == '{' || head[i] == '[' ? null : "starts with " + Sniff(head);
            }
            if (Text.Contains(ext))
            {
                var binary = Binary.Values.Distinct().FirstOrDefault(s => s != Orc && s.Heads.Any(h => h.Length >= 2 && StartsWith(head, h)));
                if (binary != null) return "is " + binary.Name;
                if (Array.IndexOf(head, (byte)0) >= 0) return "holds NUL bytes (binary, not text)";
            }
            return null;
        }

        /// <summary>What a file that is not what it claims looks like, named by signature when one matches.</summary>
        private static string Sniff(byte[] head)
        {
            var known = Binary.Values.Distinct().FirstOrDefault(s => s.Heads.Any(h => h.Length >= 2 && StartsWith(head, h)));
            if (known != null) return known.Name;
            int i = 0;
            while (i < head.Length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
            if (i < head.Length && (head[i] == '{' || head[i] == '[')) return "JSON";
            if (head.Length > 0 && Array.IndexOf(head, (byte)0) < 0 && head.All(b => b >= 0x09)) return "text";
            return "bytes " + string.Join(" ", head.Take(4).Select(b => b.ToString("X2")));
        }

        private static bool StartsWith(byte[] data, byte[] prefix) => data.Length >= prefix.Length && prefix.Select((b, i) => data[i] == b).All(x => x);

        private static bool EndsWith(byte[] data, byte[] suffix) =>
            data.Length >= suffix.Length && suffix.Select((b, i) => data[data.Length - suffix.Length + i] == b).All(x => x);
    }
}
