using System;
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
            try { return (JsonSerializer.Deserialize<DeclaredBucket>(read.Content, Json), read); }
            catch (JsonException e)
            {
                throw new MlLayoutException("DeclarationInvalid", ErrorKind.InvalidData, target.Describe(Key),
                    $"The bucket declaration '{target.Describe(Key)}' is not valid JSON ({e.Message}); run New-MlBucket again to rewrite it.", e);
            }
        }
    }
}
