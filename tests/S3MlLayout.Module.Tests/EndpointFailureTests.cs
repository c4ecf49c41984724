using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;

namespace S3MlLayout.Module.Tests
{
    /// <summary>Endpoints that never answer or refuse the connection fail within the stated bound, naming the endpoint.</summary>
    public sealed class EndpointFailureTests
    {
        /// <summary>Accepts TCP connections on loopback and never answers on them.</summary>
        private sealed class SilentEndpoint : IDisposable
        {
            private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
            private readonly List<TcpClient> _held = new List<TcpClient>();
            private readonly Thread _accepting;

            public SilentEndpoint()
            {
                _listener.Start();
                _accepting = new Thread(() =>
                {
                    try { while (true) { var c = _listener.AcceptTcpClient(); lock (_held) _held.Add(c); } }
                    catch (SocketException) { }
                    catch (ObjectDisposedException) { }
                }) { IsBackground = true };
                _accepting.Start();
            }

            public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

            public void Dispose()
            {
                _listener.Stop();
                lock (_held) foreach (var c in _held) c.Dispose();
            }
        }

        /// <summary>Runs Get-MlBucket against the endpoint: its error, and the time the command itself took (not the runspace start).</summary>
        private static (ErrorRecord Error, TimeSpan Took) GetBucket(string endpoint, string extra = "")
        {
            // Get-MlBucket reports a failed name as a non-terminating error, so the script goes on to read the clock.
            var result = ModuleSession.Run($@"$w = [Diagnostics.Stopwatch]::StartNew()
Get-MlBucket some-bucket -EndpointUrl $endpoint -AccessKey AKIAMOTOTESTKEY00001 -SecretKey x -Region us-east-1 {extra}
$w.Elapsed", new Dictionary<string, object?> { ["endpoint"] = endpoint });
            return (Assert.Single(result.Errors), Assert.Single(result.Output.Select(o => o.BaseObject).OfType<TimeSpan>()));
        }

        private static ErrorRecord AssertEndpointError(ErrorRecord error, string errorId, string endpoint)
        {
            Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
            Assert.Equal(endpoint, error.TargetObject);
            Assert.Contains(endpoint, error.Exception.Message);
            return error;
        }

        [Fact]
        public void A_silent_endpoint_fails_when_the_default_30_second_budget_runs_out_naming_the_endpoint()
        {
            using var silent = new SilentEndpoint();
            var (result, took) = GetBucket(silent.Endpoint);
            var error = AssertEndpointError(result, "EndpointTimeout", silent.Endpoint);
            Assert.Contains("-TimeoutSec", error.Exception.Message);
            // The budget (not an attempt timeout, not the SDK's retries: 3 min 15 s before) ends the wait; the command
            // around it gets 2 s, as a busy machine running the whole suite at once needs.
            Assert.True(took >= TimeSpan.FromSeconds(29.5) && took < TimeSpan.FromSeconds(32), $"took {took}");
        }

        [Fact]
        public void A_small_TimeoutSec_is_honoured()
        {
            using var silent = new SilentEndpoint();
            var (result, took) = GetBucket(silent.Endpoint, "-TimeoutSec 3");
            var error = AssertEndpointError(result, "EndpointTimeout", silent.Endpoint);
            Assert.Contains("3 s", error.Exception.Message);
            Assert.True(took > TimeSpan.FromSeconds(2.5) && took < TimeSpan.FromSeconds(5), $"took {took}");
        }

        [Fact]
        public void A_closed_port_fails_fast_naming_the_endpoint()
        {
            string endpoint = $"http://127.0.0.1:{MotoServer.FreePort()}";
            var (result, took) = GetBucket(endpoint);
            AssertEndpointError(result, "EndpointUnreachable", endpoint);
            Assert.True(took < TimeSpan.FromSeconds(3), $"took {took}");
        }

        [Fact]
        public void Ctrl_C_stops_a_wait_on_a_silent_endpoint_at_once()
        {
            using var silent = new SilentEndpoint();
            var stopTook = ModuleSession.RunAndStop("Get-MlBucket some-bucket -EndpointUrl $endpoint -AccessKey AKIAMOTOTESTKEY00001 -SecretKey x -Region us-east-1",
                new Dictionary<string, object?> { ["endpoint"] = silent.Endpoint }, TimeSpan.FromSeconds(2));
            Assert.True(stopTook < TimeSpan.FromSeconds(1), $"stopping took {stopTook}");
        }
    }
}
