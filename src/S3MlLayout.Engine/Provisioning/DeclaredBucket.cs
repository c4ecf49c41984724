using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Provisioning
{
    /// <summary>What was declared for a bucket, stored at .s3mllayout/declared/bucket.json.</summary>
    public sealed class DeclaredBucket
    {
        public const string Key = DeclaredLayout.MetadataPrefix + "declared/bucket.json";

        public int Schema { get; set; } = 1;
        public string Name { get; set; } = "";
        public string? CompanyPrefix { get; set; }
        public string? Environment { get; set; }
        public string? TenantId { get; set; }
        public string? Region { get; set; }
        public DateTime CreatedUtc { get; set; }
        /// <summary>The settings declared for the bucket (secure defaults less what was skipped); null on the local target.</summary>
        public S3.BucketSettings? Settings { get; set; }
        public string ToolVersion { get; set; } = "";

        private static JsonSerializerOptions Json => RecordJson.Options;

        public static DeclaredBucket From(MlBucket bucket, S3.BucketSettings? settings = null) => new DeclaredBucket
        {
            Settings = settings,
            Name = bucket.Name, CompanyPrefix = bucket.CompanyPrefix, Environment = bucket.Environment, TenantId = bucket.TenantId,
            Region = bucket.Region, CreatedUtc = bucket.CreatedUtc ?? DateTime.UtcNow, ToolVersion = ToolInfo.Version,
        };

        public void ApplyTo(MlBucket bucket)
        {
            bucket.CompanyPrefix ??= CompanyPrefix;
            bucket.Environment ??= Environment;
            bucket.TenantId ??= TenantId;
            bucket.Region ??= Region;
            bucket.CreatedUtc ??= CreatedUtc;
        }

        public Task WriteAsync(IStorageTarget target, CancellationToken cancellation) =>
            target.WriteObjectAsync(Key, ToJson(), "application/json", cancellation);

        private byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

        /// <summary>
        /// Records the declaration with compare-and-swap on what was read (If-None-Match: * when there was none,
        /// If-Match on its ETag otherwise): when another run changed it meanwhile, nothing is overwritten and
        /// BucketDeclarationChanged says so, unless the other run declared the very same settings.
        /// </summary>
        /// <returns>True when this run wrote it (also when the reply to its write was lost and the bucket holds exactly
        /// the bytes it sent); false when an equal declaration of another run was there.</returns>
        public async Task<bool> DeclareAsync(IStorageTarget target, StoredContent? read, CancellationToken cancellation)
        {
            var content = ToJson();
            try
            {
                await target.WriteObjectAsync(Key, content, "application/json", WriteCondition.After(read), cancellation).ConfigureAwait(false);
                return true;
            }
            catch (ObjectChangedException e)
            {
                var stored = await target.ReadObjectWithETagAsync(Key, cancellation).ConfigureAwait(false);
                // Our own write, landed with its reply lost (the SDK's retry was refused): the very bytes we sent.
                if (stored != null && stored.Content.AsSpan().SequenceEqual(content)) return true;
                var (now, _) = await ReadStoredAsync(target, cancellation).ConfigureAwait(false);
                if (now != null && SameSettingsAs(now)) return false; // an equal run's declaration
                throw new MlLayoutException("BucketDeclarationChanged", ErrorKind.ResourceExists, target.Describe(Key),
                    $"Another run changed the bucket declaration '{target.Describe(Key)}' while this one was working, so it was not overwritten. " +
                    "Run the command again to declare your settings over the new state.", e);
            }
        }

        private bool SameSettingsAs(DeclaredBucket other) =>
            JsonSerializer.Serialize(other.Settings, Json) == JsonSerializer.Serialize(Settings, Json)
            && other.Name == Name && other.Environment == Environment && other.TenantId == TenantId && other.CompanyPrefix == CompanyPrefix;

        public static async Task<DeclaredBucket?> ReadAsync(IStorageTarget target, CancellationToken cancellation) =>
            (await ReadStoredAsync(target, cancellation).ConfigureAwait(false)).Declared;

        /// <summary>The declaration and the ETag it was read at (both null when there is none).</summary>
        public static async Task<(DeclaredBucket? Declared, StoredContent? Read)> ReadStoredAsync(IStorageTarget target, CancellationToken cancellation)
        {
            var read = await target.ReadObjectWithETagAsync(Key, cancellation).ConfigureAwait(false);
            if (read == null) return (null, null);
            DeclaredBucket? declared;
            try { declared = JsonSerializer.Deserialize<DeclaredBucket>(read.Content, Json); }
            catch (JsonException e)
            {
                throw new MlLayoutException("DeclarationInvalid", ErrorKind.InvalidData, target.Describe(Key),
                    $"The bucket declaration '{target.Describe(Key)}' is not valid JSON ({e.Message}); run New-MlBucket again to rewrite it.", e);
            }
            // Whoever can write to the bucket can write this file: what it says reaches bucket objects, plans and
            // Markdown, so a record this module would not have written is refused whole, naming the field, not its value.
            string? problem = declared == null ? "it holds JSON null, not a declaration" : declared.Problem();
            if (problem != null)
                throw new MlLayoutException("DeclarationInvalid", ErrorKind.InvalidData, target.Describe(Key),
                    $"The bucket declaration '{target.Describe(Key)}' is not one S3MlLayout writes: {problem}. Check who changed it (the audit log, the bucket's object versions), " +
                    "then restore the version New-MlBucket wrote or delete that object and run New-MlBucket again to declare the bucket anew.");
            return (declared, read);
        }

        /// <summary>The schema this build reads and writes.</summary>
        public const int CurrentSchema = 1;

        /// <summary>Null when every field is one this module writes; otherwise which is not and why (never the value itself).</summary>
        internal string? Problem()
        {
            if (Schema != CurrentSchema)
                return Schema > CurrentSchema ? $"its schema is {Schema}, newer than this S3MlLayout reads ({CurrentSchema}); update the module" : $"its schema {Schema} is not one S3MlLayout wrote";
            string? Field(string name, string? value, int max) =>
                value == null ? null
                : value.Length == 0 || value.Length > max ? $"'{name}' is empty or longer than {max} characters"
                : value.All(c => c < 128 && (char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) ? null
                : $"'{name}' holds a character other than letters, digits, '-', '_' and '.' (control characters and markup are refused)";
            var fieldProblem = Field(nameof(Name), Name, 255) ?? Field(nameof(CompanyPrefix), CompanyPrefix, 63) ?? Field(nameof(Environment), Environment, 63) ?? Field(nameof(TenantId), TenantId, 63)
                ?? Field(nameof(Region), Region, 64) ?? (ToolVersion.Length == 0 ? null : Field(nameof(ToolVersion), ToolVersion.Replace('+', '.'), 64));
            if (fieldProblem != null) return fieldProblem;
            if (Settings != null)
            {
                // Tags, KMS key, lifecycle prefixes and ids: no control characters or markup anywhere.
                using var settings = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(Settings, Json));
                if (UnsafeText(settings.RootElement) is string where) return $"'Settings' holds a control character or markup ({where})";
            }
            return null;
        }

        private static string? UnsafeText(JsonElement element, string path = "Settings")
        {
            static bool Unsafe(string text) => text.Any(c => char.IsControl(c) || "<>`|".IndexOf(c) >= 0);
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return Unsafe(element.GetString()!) ? path : null;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (Unsafe(property.Name)) return path + " (a key)";
                        if (UnsafeText(property.Value, path + "." + property.Name) is string found) return found;
                    }
                    return null;
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (var item in element.EnumerateArray())
                        if (UnsafeText(item, $"{path}[{i++}]") is string found) return found;
                    return null;
                default:
                    return null;
            }
        }
    }
}
