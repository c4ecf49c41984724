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

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

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
            target.WriteObjectAsync(Key, JsonSerializer.SerializeToUtf8Bytes(this, Json), "application/json", cancellation);

        public static async Task<DeclaredBucket?> ReadAsync(IStorageTarget target, CancellationToken cancellation)
        {
            var bytes = await target.ReadObjectAsync(Key, cancellation).ConfigureAwait(false);
            if (bytes == null) return null;
            try { return JsonSerializer.Deserialize<DeclaredBucket>(bytes, Json); }
            catch (JsonException e)
            {
                throw new MlLayoutException("DeclarationInvalid", ErrorKind.InvalidData, target.Describe(Key),
                    $"The bucket declaration '{target.Describe(Key)}' is not valid JSON ({e.Message}); run New-MlBucket again to rewrite it.", e);
            }
        }
    }
}
