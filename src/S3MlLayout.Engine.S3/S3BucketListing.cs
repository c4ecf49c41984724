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
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// Lists the buckets of one connection: ListBuckets (all pages), then, for each bucket of the connection's region
    /// and at most the given number at once, its tags (GetBucketTagging), handed with the bucket to the caller's judge
    /// (ManagedBuckets decides which are this module's).
    /// </summary>
    internal static class S3BucketListing
    {
        public static async Task<List<MlBucket>> ListAsync(MlBucket location, Func<string, bool>? nameFilter, int concurrency, Action<string>? skipped,
            Func<MlBucket, IReadOnlyDictionary<string, string>?, Task<MlBucket?>> judge, CancellationToken cancellation)
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
                all.AddRange((response.Buckets ?? new List<S3Bucket>()).Where(b => nameFilter == null || nameFilter(b.BucketName)));
                token = string.IsNullOrEmpty(response.ContinuationToken) ? null : response.ContinuationToken;
            }
            while (token != null);

            return await BoundedWork.RunAsync(all, concurrency, async listed =>
            {
                cancellation.ThrowIfCancellationRequested();
                string name = listed.BucketName;
                // Amazon S3 answers a bucket of another region with a redirect; the object would carry the wrong region.
                if (connection.EndpointUrl == null && !string.IsNullOrEmpty(listed.BucketRegion) && listed.BucketRegion != connection.Region)
                {
                    skipped?.Invoke($"s3://{name}/: skipped, it is in {listed.BucketRegion}, not {connection.Region}; list with -Region {listed.BucketRegion} to see it.");
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
                    skipped?.Invoke($"s3://{name}/: its tags cannot be read ({e.ErrorCode ?? e.StatusCode.ToString()}); looking for bucket.json instead.");
                }
                return await judge(bucket, tags).ConfigureAwait(false);
            }, cancellation).ConfigureAwait(false);
        }
    }
}
