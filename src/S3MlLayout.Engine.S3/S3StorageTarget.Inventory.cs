using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3MlLayout.Engine.Inventory;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// Reading S3 Inventory reports (Get-MlLayoutDrift -Inventory): the bucket's inventory configurations, and the
    /// report files in the destination bucket, reached through this target's connection (requests counted here).
    /// </summary>
    public sealed partial class S3StorageTarget : IInventoryReports
    {
        public async Task<IReadOnlyList<InventoryReportConfiguration>> ListInventoryConfigurationsAsync(CancellationToken cancellation)
        {
            var found = new List<InventoryReportConfiguration>();
            string? token = null;
            do
            {
                Requests.CountGet();
                ListBucketInventoryConfigurationsResponse response;
                try
                {
                    response = await Client.ListBucketInventoryConfigurationsAsync(new ListBucketInventoryConfigurationsRequest
                        { BucketName = Bucket.Name, ContinuationToken = token, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                }
                catch (AmazonServiceException e)
                {
                    throw S3Errors.Translate(e, "InventoryConfigurationReadFailed", Describe(""), "reading the inventory configurations of");
                }
                foreach (var c in response.InventoryConfigurationList ?? new List<InventoryConfiguration>())
                {
                    var destination = c.Destination?.S3BucketDestination;
                    if (destination?.BucketName == null) continue;
                    found.Add(new InventoryReportConfiguration(c.InventoryId ?? "", c.IsEnabled != false, destination.BucketName, destination.Prefix,
                        destination.InventoryFormat?.Value ?? "CSV", c.Schedule?.Frequency?.Value ?? "Weekly"));
                }
                token = response.IsTruncated == true ? response.NextToken : null;
            }
            while (token != null);
            return found;
        }

        public async Task<IReadOnlyList<string>> ListFoldersAsync(string bucket, string prefix, CancellationToken cancellation)
        {
            var folders = new List<string>();
            string? token = null;
            do
            {
                Requests.CountList();
                ListObjectsV2Response response;
                try
                {
                    response = await Client.ListObjectsV2Async(new ListObjectsV2Request
                        { BucketName = bucket, Prefix = prefix, Delimiter = "/", ContinuationToken = token, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                }
                catch (AmazonServiceException e)
                {
                    throw S3Errors.Translate(e, "InventoryReportListFailed", $"s3://{bucket}/{prefix}", "listing");
                }
                if (response.CommonPrefixes != null) folders.AddRange(response.CommonPrefixes);
                token = response.IsTruncated == true ? response.NextContinuationToken : null;
            }
            while (token != null);
            return folders;
        }

        public async Task<byte[]?> ReadSmallAsync(string bucket, string key, int maxBytes, CancellationToken cancellation)
        {
            using var stream = await OpenReadAsync(bucket, key, cancellation).ConfigureAwait(false);
            if (stream == null) return null;
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int got;
            while ((got = await stream.ReadAsync(chunk, 0, chunk.Length, cancellation).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, got);
                if (buffer.Length > maxBytes) throw RecordLimits.TooLarge($"s3://{bucket}/{key}", buffer.Length);
            }
            return buffer.ToArray();
        }

        public async Task<Stream?> OpenReadAsync(string bucket, string key, CancellationToken cancellation)
        {
            Requests.CountGet();
            try
            {
                var response = await Transfer.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ExpectedBucketOwner = Owner }, cancellation).ConfigureAwait(false);
                return new ResponseStream(response);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.Translate(e, "InventoryReportReadFailed", $"s3://{bucket}/{key}", "reading");
            }
        }

        /// <summary>The body of a GET, which closes the response (and its connection) when disposed.</summary>
        private sealed class ResponseStream : ForwardReadStream
        {
            private readonly GetObjectResponse _response;
            private readonly Stream _body;

            public ResponseStream(GetObjectResponse response) { _response = response; _body = response.ResponseStream; }

            public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _body.ReadAsync(buffer, offset, count, cancellationToken);

            protected override void Dispose(bool disposing)
            {
                if (disposing) _response.Dispose();
                base.Dispose(disposing);
            }

        }
    }
}
