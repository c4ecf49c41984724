using System;
using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>The core's S3 seam (EngineComponents.S3): targets, settings reads, region codes.</summary>
    internal sealed class S3Support : IS3Support
    {
        private static readonly Lazy<IReadOnlyList<string>> s_regions = new Lazy<IReadOnlyList<string>>(() =>
            Amazon.RegionEndpoint.EnumerableAllRegions.Select(r => r.SystemName).Distinct().OrderBy(r => r, StringComparer.Ordinal).ToArray());

        public IStorageTarget Open(MlBucket bucket) => new S3StorageTarget(bucket);


        public IReadOnlyList<string> KnownRegions => s_regions.Value;

        public System.Threading.Tasks.Task<List<MlBucket>> ListBucketsAsync(MlBucket location, Func<string, bool>? nameFilter, int concurrency, Action<string>? skipped,
            Func<MlBucket, IReadOnlyDictionary<string, string>?, System.Threading.Tasks.Task<MlBucket?>> judge, System.Threading.CancellationToken cancellation) =>
            S3BucketListing.ListAsync(location, nameFilter, concurrency, skipped, judge, cancellation);
    }

    /// <summary>Ties a resolved connection to a bucket object: the description users see, and the handle the S3 code reuses.</summary>
    public static class S3Buckets
    {
        public static void Attach(MlBucket bucket, S3Connection connection)
        {
            bucket.Handle = connection;
            bucket.Connection = new BucketConnection
            {
                Region = connection.Region,
                RegionSource = connection.RegionSource,
                EndpointUrl = connection.EndpointUrl,
                EndpointSource = connection.EndpointSource,
                ForcePathStyle = connection.ForcePathStyle,
                ProfileName = connection.ProfileName,
                CredentialSource = connection.CredentialSource,
                ExpectedBucketOwner = connection.ExpectedBucketOwner,
                SkipCertificateCheck = connection.SkipCertificateCheck,
                Timeout = connection.Timeout,
            };
        }

        /// <summary>The connection a bucket object carries; null on the local target.</summary>
        public static S3Connection? ConnectionOrNull(MlBucket bucket) => bucket.Handle as S3Connection;

        public static S3Connection ConnectionOf(MlBucket bucket) =>
            bucket.Handle as S3Connection
            ?? throw new MlLayoutException("BucketConnectionMissing", ErrorKind.InvalidArgument, bucket.Uri,
                $"The bucket object '{bucket.Uri}' carries no S3 connection; get it from New-MlBucket or Get-MlBucket in this session.");
    }
}
