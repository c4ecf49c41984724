using System;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Storage
{
    /// <summary>
    /// The one check that an endpoint URL carries no secret, for every way one arrives (-EndpointUrl on any cmdlet,
    /// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, a tenant file's connection.endpoint). An endpoint ends up on bucket
    /// objects, in -Verbose/-Debug lines, plans and audit records, so one holding user:password@ or a query
    /// (?X-Amz-Security-Token=..., a presigned URL's signature) is refused rather than stripped: stripping would
    /// connect with different credentials than the caller believes, and the secret would still sit in their scripts.
    /// Messages quote nothing of the URL after its scheme.
    /// </summary>
    public static class EndpointUrls
    {
        /// <summary>Null when the URL holds no user info, query or fragment; otherwise what it holds (never its value).</summary>
        public static string? SecretPart(string url)
        {
            // Judged on the text, not only on a parse: 'http//user:pass@host' or a URL Uri rejects may still hold one.
            int start = url.IndexOf("//", StringComparison.Ordinal);
            string rest = start >= 0 ? url.Substring(start + 2) : url;
            int end = rest.IndexOfAny(new[] { '/', '?', '#' });
            string authority = end >= 0 ? rest.Substring(0, end) : rest;
            if (authority.IndexOf('@') >= 0) return "user information (user:password@)";
            if (url.IndexOf('?') >= 0) return "a query (?...), where tokens and signatures such as X-Amz-Security-Token travel";
            if (url.IndexOf('#') >= 0) return "a fragment (#...)";
            return null;
        }

        /// <summary>Refuses an endpoint carrying a secret: EndpointUrlHasCredentials, with only the source named.</summary>
        public static void Check(string? url, string source)
        {
            if (url != null && SecretPart(url) is string part)
                throw new MlLayoutException("EndpointUrlHasCredentials", ErrorKind.InvalidArgument, source,
                    $"The endpoint URL from {source} carries {part}, so it was refused and nothing was sent. " +
                    "Give only scheme://host[:port] (e.g. https://s3.example.com:9000) and pass credentials with -AccessKey/-SecretKey/-SessionToken, a profile (-ProfileName) or the AWS_* variables.");
        }
    }
}
