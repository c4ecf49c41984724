using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// Lists the buckets this module manages on one connection: ListBuckets (all pages), then, for each bucket and at
    /// most BucketListOptions.Concurrency at once, its tags (GetBucketTagging); a bucket without the managed-by tag
    /// counts when it holds .s3mllayout/declared/bucket.json. A bucket that cannot be read is skipped with a reason.
    /// </summary>
    internal static class S3BucketListing
    {
        public static async Task<IReadOnlyList<MlBucket>> ListAsync(MlBucket location, BucketListOptions options, CancellationToken cancellation)
        {
            var connection = S3Buckets.ConnectionOf(location);
            var all = new List<S3Bucket>();
            string? token = null;
            do
            {
                ListBucketsResponse response;
                try
                {
                    response = await connection.Client.ListBucketsAsync(new ListBucketsRequest { ContinuationToken = token }, cancellation).ConfigureAwait(false);
                }
                catch (AmazonServiceException e)
                {
                    throw S3Errors.Translate(e, "BucketListFailed", connection.EndpointUrl ?? "s3://", "listing the buckets of");
                }
                all.AddRange((response.Buckets ?? new List<S3Bucket>()).Where(b => options.NameFilter == null || options.NameFilter(b.BucketName)));
                token = string.IsNullOrEmpty(response.ContinuationToken) ? null : response.ContinuationToken;
            }
            while (token != null);

            return await ManagedBuckets.BoundedAsync(all, options.Concurrency, async listed =>
            {
                cancellation.ThrowIfCancellationRequested();
                string name = listed.BucketName;
                // Amazon S3 answers a bucket of another region with a redirect; the object would carry the wrong region.
                if (connection.EndpointUrl == null && !string.IsNullOrEmpty(listed.BucketRegion) && listed.BucketRegion != connection.Region)
                {
                    options.Skipped?.Invoke($"s3://{name}/: skipped, it is in {listed.BucketRegion}, not {connection.Region}; list with -Region {listed.BucketRegion} to see it.");
                    return null;
                }
                var bucket = new MlBucket { Name = name, Kind = StorageKind.S3, Uri = $"s3://{name}/", CreatedUtc = listed.CreationDate?.ToUniversalTime() };
                S3Buckets.Attach(bucket, connection);
                bucket.Region = string.IsNullOrEmpty(listed.BucketRegion) ? connection.Region : listed.BucketRegion;

                IReadOnlyDictionary<string, string>? tags = null;
                try
                {
                    var r = await connection.Client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = name, ExpectedBucketOwner = connection.ExpectedBucketOwner }, cancellation).ConfigureAwait(false);
                    tags = (r.TagSet ?? new List<Tag>()).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.First().Value);
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchTagSet") { tags = new Dictionary<string, string>(); }
                catch (AmazonServiceException e)
                {
                    // No tags to go by (no permission, another region): bucket.json may still say.
                    options.Skipped?.Invoke($"s3://{name}/: its tags cannot be read ({e.ErrorCode ?? e.StatusCode.ToString()}); looking for bucket.json instead.");
                }
                if (tags != null && ManagedBuckets.IsManaged(tags))
                {
                    try { ManagedBuckets.ApplyTags(bucket, tags); }
                    catch (MlLayoutException e) { ManagedBuckets.Fail(options, bucket, e); return null; }
                    return await ManagedBuckets.CompleteAsync(bucket, null, options, cancellation).ConfigureAwait(false);
                }

                DeclaredBucket? declared;
                try
                {
                    using var target = new S3StorageTarget(bucket);
                    declared = await DeclaredBucket.ReadAsync(target, cancellation).ConfigureAwait(false);
                }
                catch (MlLayoutException e) when (e.ErrorId == "DeclarationInvalid")
                {
                    // It holds a bucket.json, so it claims to be this module's: an error, not a skip.
                    ManagedBuckets.Fail(options, bucket, e);
                    return null;
                }
                catch (MlLayoutException e)
                {
                    // Untagged and unreadable (an account's other buckets often deny reads): nothing says it is ours.
                    options.Skipped?.Invoke($"s3://{name}/: skipped, it is not tagged {ManagedBuckets.ManagedByTag}={BucketSettings.ManagedBy} and its bucket.json cannot be read ({e.ErrorId}).");
                    return null;
                }
                if (declared == null) return null; // not a bucket of this module
                try { if (tags != null) ManagedBuckets.ApplyTags(bucket, tags); }
                catch (MlLayoutException e) { ManagedBuckets.Fail(options, bucket, e); return null; }
                return await ManagedBuckets.CompleteAsync(bucket, declared, options, cancellation).ConfigureAwait(false);
            }, cancellation).ConfigureAwait(false);
        }
    }
}
