using System;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.S3;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.S3
{
    /// <summary>The errors a connection can end in before S3 answers anything: each names the endpoint and what to do.</summary>
    internal static class TransportErrors
    {
        public static MlLayoutException Timeout(S3Connection connection, Exception? inner) =>
            new MlLayoutException("EndpointTimeout", ErrorKind.ConnectionError, connection.Endpoint,
                $"No answer from {connection.Endpoint} within {connection.Timeout.TotalSeconds:0} s (the time one request may take, retries included). " +
                "Check that the endpoint is an S3 API that is up and reachable from here (-EndpointUrl, proxy, firewall), or give a slow endpoint more time with -TimeoutSec.", inner);

        public static MlLayoutException Unreachable(S3Connection connection, string reason, Exception inner) =>
            new MlLayoutException("EndpointUnreachable", ErrorKind.ConnectionError, connection.Endpoint,
                $"Cannot connect to {connection.Endpoint}: {reason}. Check the host and port of -EndpointUrl (or the region) and that the server is running, then run the command again.", inner);

        public static MlLayoutException CertificateInvalid(S3Connection connection, string reason, Exception inner) =>
            new MlLayoutException("EndpointCertificateInvalid", ErrorKind.ConnectionError, connection.Endpoint,
                $"The TLS certificate of {connection.Endpoint} is not trusted: {reason} " +
                "For your own S3-compatible endpoint with a self-signed or private-CA certificate, trust that CA on this machine or pass -SkipCertificateCheck " +
                "(never for Amazon S3, whose certificates are always checked).", inner);

        /// <summary>Turns a definite transport failure into its error; null for failures worth retrying.</summary>
        public static MlLayoutException? Classify(S3Connection connection, HttpRequestException e)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
            {
                // A certificate does not become valid by asking again.
                if (x is AuthenticationException auth) return CertificateInvalid(connection, auth.Message, e);
                // Nothing listens there, or the name does not resolve: an answer, not a hiccup.
                if (x is SocketException s && (s.SocketErrorCode == SocketError.ConnectionRefused || s.SocketErrorCode == SocketError.HostNotFound || s.SocketErrorCode == SocketError.NoData))
                    return Unreachable(connection, s.SocketErrorCode == SocketError.ConnectionRefused ? "the connection was refused (nothing listens on that port)" : "the host name does not resolve", e);
            }
            return null;
        }
    }

    /// <summary>
    /// HTTP clients with a connect timeout (SocketsHttpHandler where the runtime has it: PowerShell 7), a per-attempt
    /// timeout, and the optional trust-any-certificate of -SkipCertificateCheck (custom endpoints only).
    /// </summary>
    internal sealed class BoundedHttpClientFactory : HttpClientFactory
    {
        private readonly S3Connection _connection;
        private readonly TimeSpan? _attemptTimeout;

        /// <param name="attemptTimeout">One attempt's limit when not the connection's (the transfer client's, for file data).</param>
        public BoundedHttpClientFactory(S3Connection connection, TimeSpan? attemptTimeout = null) { _connection = connection; _attemptTimeout = attemptTimeout; }

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new HttpClient(new ClassifyingHandler(CreateHandler(clientConfig), _connection)) { Timeout = _attemptTimeout ?? _connection.AttemptTimeout };

        private HttpMessageHandler CreateHandler(IClientConfig clientConfig)
        {
            int connections = clientConfig.MaxConnectionsPerServer ?? 64;
            // netstandard2.0 cannot name SocketsHttpHandler; on .NET (PowerShell 7) it is there and has ConnectTimeout.
            var socketsType = Type.GetType("System.Net.Http.SocketsHttpHandler, System.Net.Http", throwOnError: false);
            if (socketsType != null && Activator.CreateInstance(socketsType) is HttpMessageHandler sockets)
            {
                socketsType.GetProperty("ConnectTimeout")?.SetValue(sockets, _connection.ConnectTimeout);
                socketsType.GetProperty("MaxConnectionsPerServer")?.SetValue(sockets, connections);
                // S3 redirects are answers the SDK reads (wrong region), never followed.
                socketsType.GetProperty("AllowAutoRedirect")?.SetValue(sockets, false);
                socketsType.GetProperty("AutomaticDecompression")?.SetValue(sockets, DecompressionMethods.None);
                if (_connection.SkipCertificateCheck)
                {
                    var ssl = socketsType.GetProperty("SslOptions")?.GetValue(sockets);
                    ssl?.GetType().GetProperty("RemoteCertificateValidationCallback")?.SetValue(ssl, new RemoteCertificateValidationCallback((_, _, _, _) => true));
                }
                return sockets;
            }
            // Windows PowerShell 5.1: no connect timeout of its own; the attempt timeout and the request budget bound it.
            var handler = new HttpClientHandler
            {
                MaxConnectionsPerServer = connections,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            if (_connection.SkipCertificateCheck) handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
            return handler;
        }

        /// <summary>Definite failures leave as engine errors, which the SDK's retry policy does not retry.</summary>
        private sealed class ClassifyingHandler : DelegatingHandler
        {
            private readonly S3Connection _connection;

            public ClassifyingHandler(HttpMessageHandler inner, S3Connection connection) : base(inner) { _connection = connection; }

            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                try
                {
                    return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException e) when (TransportErrors.Classify(_connection, e) is MlLayoutException definite)
                {
                    throw definite;
                }
            }
        }
    }

    /// <summary>An S3 client whose every request, retries included, ends within the connection's Timeout.</summary>
    internal sealed class BoundedS3Client : AmazonS3Client
    {
        private readonly S3Connection _connection;

        private readonly TimeSpan? _budget;

        /// <param name="budget">The time one request may take, retries included, when not the connection's Timeout.</param>
        public BoundedS3Client(AWSCredentials credentials, AmazonS3Config config, S3Connection connection, TimeSpan? budget = null) : base(credentials, config)
        {
            _connection = connection;
            _budget = budget;
        }

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            // Outermost, so the deadline covers the retries and their backoff too.
            pipeline.AddHandler(new DeadlineHandler(() => _connection, _budget));
        }
    }

    internal sealed class DeadlineHandler : PipelineHandler
    {
        private readonly Func<S3Connection> _connection;
        private readonly TimeSpan? _budget;

        public DeadlineHandler(Func<S3Connection> connection, TimeSpan? budget = null) { _connection = connection; _budget = budget; }

        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            var connection = _connection();
            var context = (RequestContext)executionContext.RequestContext;
            var caller = context.CancellationToken;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(caller);
            deadline.CancelAfter(_budget ?? connection.Timeout);
            context.CancellationToken = deadline.Token;
            try
            {
                return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
            {
                throw TransportErrors.Timeout(connection, e); // the budget ran out; Ctrl+C (caller) stays a plain cancellation
            }
            catch (TimeoutException e) when (!caller.IsCancellationRequested)
            {
                throw TransportErrors.Timeout(connection, e); // every attempt timed out before the budget did
            }
            finally
            {
                context.CancellationToken = caller;
            }
        }
    }
}
