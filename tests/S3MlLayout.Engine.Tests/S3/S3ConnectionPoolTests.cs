using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.S3.Model;
using S3MlLayout.Engine.S3;

namespace S3MlLayout.Engine.Tests.S3;

/// <summary>A connection's client opens at most MaxConnections connections, however many requests are sent at once.</summary>
public sealed class S3ConnectionPoolTests
{
    /// <summary>An HTTP/1.1 endpoint that answers every request 200 after a pause, keeps connections alive and counts them.</summary>
    private sealed class SlowEndpoint : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public SlowEndpoint()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var pending = new StringBuilder();
                try
                {
                    while (true)
                    {
                        int end;
                        while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
                        {
                            int read = await stream.ReadAsync(buffer, _stop.Token);
                            if (read == 0) return;
                            pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }
                        pending.Remove(0, end + 4); // the requests carry no body (empty markers)
                        await Task.Delay(50, _stop.Token);
                        var reply = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nETag: \"d41d8cd98f00b204e9800998ecf8427e\"\r\nContent-Length: 0\r\n\r\n");
                        await stream.WriteAsync(reply, _stop.Token);
                    }
                }
                catch (Exception) { /* the client went away, or the test is over */ }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    [Fact]
    public async Task Requests_beyond_MaxConnections_queue_on_its_connections_instead_of_opening_more()
    {
        using var endpoint = new SlowEndpoint();
        var connection = S3ConnectionResolver.Resolve(new S3ConnectionSettings
        {
            AccessKey = "AKIAPOOLTEST00000001", SecretKey = "pool-secret", EndpointUrl = endpoint.Url, ForcePathStyle = true, Region = "us-east-1",
        }, _ => null);
        connection.MaxConnections = 4;

        // Sixteen at once, four times over: the twelve beyond the bound wait for a connection (-ThrottleLimit sizes
        // MaxConnections, so a pipeline never opens more connections than it keeps requests in flight).
        for (int round = 0; round < 4; round++)
            await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                connection.Client.PutObjectAsync(new PutObjectRequest { BucketName = "pool-test", Key = $"solutions/f{round}-{i}/", ContentBody = "" })));

        Assert.InRange(endpoint.Connections, 1, 4);
        connection.Dispose();
    }
}
