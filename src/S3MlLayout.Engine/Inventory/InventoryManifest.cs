using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Inventory
{
    /// <summary>The formats an S3 Inventory report can be written in.</summary>
    public enum InventoryFileFormat { Csv, Parquet, Orc }

    /// <summary>One data file a manifest names, with the size and MD5 the reader checks it against.</summary>
    public sealed class InventoryDataFile
    {
        public InventoryDataFile(string key, long size, string md5) { Key = key; Size = size; Md5 = md5; }
        /// <summary>Key in the destination bucket: {prefix}/{source}/{config}/data/{uuid}.csv.gz.</summary>
        public string Key { get; }
        public long Size { get; }
        /// <summary>MD5 of the stored (compressed) object, lowercase hex.</summary>
        public string Md5 { get; }
        public override string ToString() => Key;
    }

    /// <summary>
    /// Where each field lies in a data row, from the manifest's fileSchema ("Bucket, Key, Size, ..."): the column
    /// order is taken from there, never assumed.
    /// </summary>
    public sealed class InventorySchema
    {
        private InventorySchema(IReadOnlyList<string> fields) { Fields = fields; }

        public IReadOnlyList<string> Fields { get; }
        public int Columns => Fields.Count;
        public int Key { get; private set; } = -1;
        public int Size { get; private set; } = -1;
        public int StorageClass { get; private set; } = -1;
        public int LastModified { get; private set; } = -1;
        public int IsLatest { get; private set; } = -1;
        public int IsDeleteMarker { get; private set; } = -1;
        public int VersionId { get; private set; } = -1;

        /// <summary>A CSV fileSchema ("Bucket, Key, Size") or the field names of a Parquet schema.</summary>
        public static InventorySchema Parse(string fileSchema, string uri)
        {
            // Parquet and ORC manifests give a struct type string ("message s3.inventory { required binary bucket ...")
            // or "struct<bucket:string,key:string,...>"; CSV a comma-separated list of names.
            var names = ExtractNames(fileSchema);
            var schema = new InventorySchema(names);
            for (int i = 0; i < names.Count; i++)
            {
                // CSV names fields StorageClass, Parquet storage_class: one match for both.
                switch (names[i].Replace("_", "").ToLowerInvariant())
                {
                    case "key": schema.Key = i; break;
                    case "size": schema.Size = i; break;
                    case "storageclass": schema.StorageClass = i; break;
                    case "lastmodifieddate": schema.LastModified = i; break;
                    case "islatest": schema.IsLatest = i; break;
                    case "isdeletemarker": schema.IsDeleteMarker = i; break;
                    case "versionid": schema.VersionId = i; break;
                }
            }
            if (schema.Key < 0)
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, uri,
                    "The inventory manifest's fileSchema names no Key field, so its rows cannot be read. Check that the manifest is an S3 Inventory manifest.json.");
            return schema;
        }

        private static List<string> ExtractNames(string fileSchema)
        {
            string text = fileSchema.Trim();
            if (text.StartsWith("struct<", StringComparison.OrdinalIgnoreCase))
                return text.Substring(7).TrimEnd('>').Split(',').Select(f => f.Split(':')[0].Trim()).Where(f => f.Length > 0).ToList();
            if (text.StartsWith("message", StringComparison.OrdinalIgnoreCase))
            {
                // message s3.inventory { required binary bucket (STRING); required binary key (STRING); optional int64 size; ... }
                int open = text.IndexOf('{'), close = text.LastIndexOf('}');
                var body = open >= 0 && close > open ? text.Substring(open + 1, close - open - 1) : "";
                return body.Split(';').Select(f => f.Trim()).Where(f => f.Length > 0)
                    .Select(f => f.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                    .Where(p => p.Length >= 3).Select(p => p[2].Trim()).ToList();
            }
            return text.Split(',').Select(f => f.Trim()).Where(f => f.Length > 0).ToList();
        }
    }

    /// <summary>
    /// An S3 Inventory manifest.json, checked against its manifest.checksum before anything in it is believed.
    /// Layout: {prefix}/{source}/{config}/{YYYY-MM-DDTHH-MMZ}/manifest.json beside manifest.checksum (MD5 hex of the
    /// manifest), data files under {prefix}/{source}/{config}/data/.
    /// </summary>
    public sealed class InventoryManifest
    {
        /// <summary>A manifest bigger than this is not an inventory manifest (a report of billions of objects names a few thousand files).</summary>
        public const int MaxManifestBytes = 64 * 1024 * 1024;

        private InventoryManifest(string uri, string sourceBucket, string destinationBucket, DateTime created, InventoryFileFormat format,
            InventorySchema schema, IReadOnlyList<InventoryDataFile> files)
        {
            Uri = uri; SourceBucket = sourceBucket; DestinationBucket = destinationBucket; Created = created; Format = format; Schema = schema; Files = files;
        }

        /// <summary>s3://bucket/key of the manifest (or its local path).</summary>
        public string Uri { get; }
        public string SourceBucket { get; }
        /// <summary>The destination bucket's name (the manifest gives its ARN).</summary>
        public string DestinationBucket { get; }
        /// <summary>When S3 took the snapshot (creationTimestamp, UTC): findings are "as of" this time.</summary>
        public DateTime Created { get; }
        public InventoryFileFormat Format { get; }
        public InventorySchema Schema { get; }
        public IReadOnlyList<InventoryDataFile> Files { get; }
        public long TotalBytes => Files.Sum(f => f.Size);

        /// <summary>
        /// Checks the manifest's bytes against manifest.checksum (MD5 hex), then reads it. Nothing of a manifest that
        /// fails its checksum is used.
        /// </summary>
        public static InventoryManifest Parse(byte[] manifest, string checksum, string uri)
        {
            string expected = checksum.Trim().ToLowerInvariant();
            string actual = Md5Hex(manifest, 0, manifest.Length);
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                throw new MlLayoutException("InventoryChecksumMismatch", ErrorKind.InvalidData, uri,
                    $"The inventory manifest does not match its manifest.checksum (MD5 {actual}, checksum file says {Describe(expected)}): it was changed or cut short after S3 wrote it. Nothing from this report is used; wait for the next report or pass another one with -InventoryManifest.");
            JsonDocument document;
            try { document = JsonDocument.Parse(manifest); }
            catch (JsonException e)
            {
                throw new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, uri,
                    $"The inventory manifest is not valid JSON (line {e.LineNumber + 1}). Check that it is an S3 Inventory manifest.json.", e);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Invalid(uri, "it is not a JSON object");
                string source = Text(root, "sourceBucket", uri);
                string destination = Text(root, "destinationBucket", uri);
                if (destination.StartsWith("arn:aws:s3:::", StringComparison.Ordinal)) destination = destination.Substring("arn:aws:s3:::".Length);
                string stamp = Text(root, "creationTimestamp", uri);
                if (!long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out long ms))
                    throw Invalid(uri, "creationTimestamp is not a number of milliseconds");
                var created = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(ms);
                string formatText = Text(root, "fileFormat", uri);
                InventoryFileFormat format = formatText.ToUpperInvariant() switch
                {
                    "CSV" => InventoryFileFormat.Csv,
                    "PARQUET" => InventoryFileFormat.Parquet,
                    "ORC" => InventoryFileFormat.Orc,
                    _ => throw new MlLayoutException("InventoryFormatUnsupported", ErrorKind.InvalidData, uri,
                        $"The inventory manifest's fileFormat '{Describe(formatText)}' is none of S3 Inventory's (CSV, Parquet, ORC); S3MlLayout reads CSV and Parquet reports. Check that it is an S3 Inventory manifest.json."),
                };
                var schema = InventorySchema.Parse(Text(root, "fileSchema", uri), uri);
                if (!root.TryGetProperty("files", out var filesElement) || filesElement.ValueKind != JsonValueKind.Array)
                    throw Invalid(uri, "it has no files list");
                var files = new List<InventoryDataFile>();
                foreach (var file in filesElement.EnumerateArray())
                {
                    if (file.ValueKind != JsonValueKind.Object) throw Invalid(uri, "an entry of files is not an object");
                    string key = Text(file, "key", uri);
                    if (!file.TryGetProperty("size", out var sizeElement) || !TryLong(sizeElement, out long size) || size < 0)
                        throw Invalid(uri, $"the size of data file {files.Count + 1} is missing or not a number");
                    string md5 = Text(file, "MD5checksum", uri).ToLowerInvariant();
                    files.Add(new InventoryDataFile(key, size, md5));
                }
                return new InventoryManifest(uri, source, destination, created, format, schema, files);
            }
        }

        /// <summary>The report's time as S3 names its folder: 2024-01-31T00-00Z.</summary>
        public string Stamp => Created.ToString("yyyy-MM-dd'T'HH-mm'Z'", CultureInfo.InvariantCulture);

        internal static string Md5Hex(byte[] data, int offset, int count)
        {
            using var md5 = MD5.Create();
            return Hex(md5.ComputeHash(data, offset, count));
        }

        internal static string Hex(byte[] hash)
        {
            var text = new StringBuilder(hash.Length * 2);
            foreach (var b in hash) text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString();
        }

        private static bool TryLong(JsonElement element, out long value)
        {
            value = 0;
            if (element.ValueKind == JsonValueKind.Number) return element.TryGetInt64(out value);
            return element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        private static string Text(JsonElement parent, string name, string uri)
        {
            if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(element.GetString()))
                throw Invalid(uri, $"'{name}' is missing or not a string");
            return element.GetString()!;
        }

        /// <summary>Text from the file, quoted only as far as it is short and printable (it may not be ours).</summary>
        private static string Describe(string text)
        {
            var clean = new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
            return text.Length > 40 ? clean + "…" : clean;
        }

        private static MlLayoutException Invalid(string uri, string problem) =>
            new MlLayoutException("InventoryManifestInvalid", ErrorKind.InvalidData, uri,
                $"The inventory manifest cannot be read: {problem}. Check that it is an S3 Inventory manifest.json (version 2016-11-30).");
    }
}
