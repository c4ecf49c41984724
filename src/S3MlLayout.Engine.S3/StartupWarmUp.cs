using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3MlLayout.Engine.S3
{
    /// <summary>
    /// The one-time cost of a process's first S3 request, paid early on a spare core (issue 18): AWSSDK's types
    /// initialised and its request pipeline jitted (config, endpoint rules, SigV4 signing, marshallers and
    /// unmarshallers of the first requests a pipeline sends), while PowerShell is still parsing and binding.
    /// </summary>
    /// <remarks>
    /// Nothing leaves the process: the client's HTTP handler answers in memory and never opens a socket, the
    /// credentials are made up (no profile, no environment, no instance metadata), the region is fixed, and the
    /// endpoint is a reserved name that is never resolved. The caller starts it once per process and ignores failure.
    /// </remarks>
    internal static class StartupWarmUp
    {
        private const string Bucket = "s3mllayout-warm-up";

        internal static async Task RunAsync()
        {
            var connection = new S3Connection("us-east-1", "warm-up", "http://warm-up.invalid", "warm-up", forcePathStyle: true,
                new BasicAWSCredentials("warm-up", "warm-up"), "warm-up", expectedBucketOwner: null, skipCertificateCheck: false);
            var config = connection.ClientConfig();
            config.HttpClientFactory = new InProcessHttpClientFactory();
            config.MaxErrorRetry = 0;
            using var client = new BoundedS3Client(connection.Credentials, config, connection);
            // The requests every provisioning chain starts with: existence, a record read, a conditional write, a listing.
            await client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = Bucket }).ConfigureAwait(false);
            using (var read = await client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = ".s3mllayout/declared/bucket.json" }).ConfigureAwait(false)) { }
            await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "warm-up/", ContentBody = "", IfNoneMatch = "*" }).ConfigureAwait(false);
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "warm-up/", Delimiter = "/" }).ConfigureAwait(false);
        }

        private sealed class InProcessHttpClientFactory : HttpClientFactory
        {
            public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new HttpClient(new InProcessAnswers());
        }

        /// <summary>Answers each request in memory with a minimal well-formed reply; never touches the network.</summary>
        private sealed class InProcessAnswers : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var query = request.RequestUri?.Query ?? "";
                string body = query.Contains("location") ? "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"
                    : query.Contains("list-type") ? "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + Bucket + "</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>"
                    : request.Method == HttpMethod.Get ? "{}" : "";
                var bytes = Encoding.UTF8.GetBytes(body);
                var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(bytes) };
                // The SDK checks a PUT's ETag against the MD5 of what it sent (nothing here), and a GET's against its body.
                using (var md5 = System.Security.Cryptography.MD5.Create())
                    response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"" + BitConverter.ToString(md5.ComputeHash(bytes)).Replace("-", "").ToLowerInvariant() + "\"");
                return Task.FromResult(response);
            }
        }
    }
}
