using System;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace S3MlLayout.Engine.S3
{
    /// <summary>Who the credentials belong to (STS GetCallerIdentity), for audit records; never fails a run.</summary>
    public static class CallerIdentity
    {
        public static async Task<string> DescribeAsync(S3Connection connection, CancellationToken cancellation)
        {
            var config = new AmazonSecurityTokenServiceConfig { IgnoreConfiguredEndpointUrls = true, MaxErrorRetry = 1 };
            connection.ApplyTransport(config); // same timeouts and certificate handling as the S3 requests
            if (connection.EndpointUrl != null)
            {
                config.ServiceURL = connection.EndpointUrl;
                config.AuthenticationRegion = connection.Region;
            }
            else
            {
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(connection.Region);
            }
            try
            {
                using var sts = new AmazonSecurityTokenServiceClient(connection.Credentials, config);
                var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellation).ConfigureAwait(false);
                return identity.Arn;
            }
            catch (Exception e) when (e is AmazonServiceException || e is AmazonClientException || e is System.Net.Http.HttpRequestException || e is Errors.MlLayoutException
                                       || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
            {
                return $"unknown ({connection.CredentialSource}; STS: {e.GetType().Name})";
            }
        }

        public static string Local() => $"{Environment.UserName}@{Environment.MachineName}";
    }
}
