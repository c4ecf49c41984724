using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using Xunit;

namespace S3MlLayout.Module.Tests.Hosting
{
    /// <summary>
    /// A real S3 API for the integration tests: moto_server on a free loopback port, started once for the test
    /// collection and stopped after it. If it cannot start, the fixture throws: the S3 tests fail, never skip.
    /// </summary>
    public sealed class MotoServer : IDisposable
    {
        private readonly Process _process;
        private readonly Process _tlsProcess;
        private readonly string _certificates;

        public MotoServer()
        {
            Port = FreePort();
            _process = LoopbackProcess.Start("moto_server", $"-H 127.0.0.1 -p {Port}");
            // A second server behind TLS (self-signed certificate), for what plain HTTP cannot show: the TLS-only policy.
            _certificates = Path.Combine(Path.GetTempPath(), "s3mllayout-moto-tls-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_certificates);
            Run("openssl", $"req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout {_certificates}/key.pem -out {_certificates}/cert.pem");
            TlsPort = FreePort();
            _tlsProcess = LoopbackProcess.Start("moto_server", $"-H 127.0.0.1 -p {TlsPort} -c {_certificates}/cert.pem -k {_certificates}/key.pem");
            LoopbackProcess.WaitUntilServing(_process, $"http://127.0.0.1:{Port}/moto-api/", "moto_server");
            LoopbackProcess.WaitUntilServing(_tlsProcess, $"https://127.0.0.1:{TlsPort}/moto-api/", "moto_server (TLS)");
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";
        public int TlsPort { get; }
        public string TlsEndpoint => $"https://127.0.0.1:{TlsPort}";

        private static void Run(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {error}");
        }

        /// <summary>Variables for a test script: $endpoint and dummy credentials (moto accepts any).</summary>
        public Dictionary<string, object?> Variables(IDictionary<string, object?>? more = null)
        {
            var variables = new Dictionary<string, object?> { ["endpoint"] = Endpoint, ["ak"] = "AKIAMOTOTESTKEY00001", ["sk"] = SecretKey };
            foreach (var pair in more ?? new Dictionary<string, object?>()) variables[pair.Key] = pair.Value;
            return variables;
        }

        /// <summary>A secret that must never show up in any stream, record or file.</summary>
        public const string SecretKey = "moto-secret-never-printed-3f9c1e";

        /// <summary>Runs the AWS CLI against moto: an independent reader of what the module wrote.</summary>
        public string Aws(string arguments, bool tls = false)
        {
            var start = new ProcessStartInfo("aws", $"--endpoint-url {(tls ? TlsEndpoint + " --no-verify-ssl" : Endpoint)} --region us-east-1 --output json {arguments}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.Environment["AWS_ACCESS_KEY_ID"] = "AKIAMOTOTESTKEY00001";
            start.Environment["AWS_SECRET_ACCESS_KEY"] = "x";
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"aws {arguments} failed: {error}");
            return output;
        }

        public JsonElement AwsJson(string arguments, bool tls = false)
        {
            string text = Aws(arguments, tls);
            return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        /// <summary>Every key in a bucket, read with the AWS CLI.</summary>
        public List<string> Keys(string bucket, string prefix = "")
        {
            var json = AwsJson($"s3api list-objects-v2 --bucket {bucket}{(prefix.Length > 0 ? $" --prefix {prefix}" : "")}");
            return json.ValueKind == JsonValueKind.Object && json.TryGetProperty("Contents", out var contents)
                ? contents.EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToList()
                : new List<string>();
        }

        /// <summary>Writes many small objects straight to moto (not through any proxy), 32 at a time, with boto3.</summary>
        public void PutObjects(string bucket, IEnumerable<string> keys)
        {
            string list = Path.GetTempFileName();
            File.WriteAllLines(list, keys);
            const string script = @"
import sys, boto3, concurrent.futures
from botocore.config import Config
endpoint, bucket, path = sys.argv[1:4]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b', config=Config(max_pool_connections=32))
keys = [k for k in open(path).read().splitlines() if k]
with concurrent.futures.ThreadPoolExecutor(32) as pool:
    list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b'x' * 10), keys))
";
            var start = new ProcessStartInfo("python3") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-c", script, Endpoint, bucket, list }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            File.Delete(list);
            if (process.ExitCode != 0) throw new InvalidOperationException("putting objects failed: " + error);
        }

        internal static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        public void Dispose()
        {
            LoopbackProcess.Stop(_process);
            LoopbackProcess.Stop(_tlsProcess);
            try { Directory.Delete(_certificates, true); } catch (IOException) { }
        }
    }

    /// <summary>The loopback proxy of bench/s3_proxy.py in front of moto: latency, request counts, 503 faults.</summary>
    public sealed class S3Proxy : IDisposable
    {
        private readonly Process _process;
        private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        public S3Proxy(MotoServer moto, string options = "")
        {
            Port = MotoServer.FreePort();
            string script = Path.Combine(ModuleSession.RepositoryRoot, "bench", "s3_proxy.py");
            _process = LoopbackProcess.Start("python3", $"\"{script}\" --port {Port} --upstream {moto.Endpoint} {options}");
            LoopbackProcess.WaitUntilServing(_process, $"{Endpoint}/__proxy/stats", "s3_proxy.py");
        }

        public int Port { get; }
        public string Endpoint => $"http://127.0.0.1:{Port}";

        public Dictionary<string, int> Stats()
        {
            var json = JsonDocument.Parse(Http.GetStringAsync($"{Endpoint}/__proxy/stats").GetAwaiter().GetResult()).RootElement;
            return json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        }

        public int Count(string kind) => Stats().TryGetValue(kind, out var n) ? n : 0;

        /// <summary>The CreateBucket requests the proxy saw: path and XML body, as sent.</summary>
        public List<(string Path, string Body)> Created()
        {
            var json = JsonDocument.Parse(Http.GetStringAsync($"{Endpoint}/__proxy/created").GetAwaiter().GetResult()).RootElement;
            return json.EnumerateArray().Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("body").GetString()!)).ToList();
        }

        public void Reset() => Http.PostAsync($"{Endpoint}/__proxy/reset", new StringContent("")).GetAwaiter().GetResult();

        public void Dispose() => LoopbackProcess.Stop(_process);

        /// <summary>The requests a proxy started with --trace FILE forwarded: when each arrived and was answered.</summary>
        public static List<TracedRequest> ReadTrace(string file) =>
            File.ReadAllLines(file).Where(l => l.Length > 0).Select(line =>
            {
                var e = JsonDocument.Parse(line).RootElement;
                var parts = e.GetProperty("path").GetString()!.TrimStart('/').Split('/', 2);
                return new TracedRequest(e.GetProperty("start").GetDouble(), e.GetProperty("end").GetDouble(), e.GetProperty("method").GetString()!,
                    parts.Length > 0 ? parts[0] : "", parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "", e.GetProperty("query").GetString()!, e.GetProperty("status").GetInt32())
                {
                    Payload = e.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.String ? payload.GetString() : null,
                };
            }).ToList();
    }

    /// <summary>One request as the proxy's trace recorded it (times in seconds of a monotonic clock).</summary>
    public sealed record TracedRequest(double Start, double End, string Method, string Bucket, string Key, string Query, int Status)
    {
        /// <summary>A PUT of a bucket setting (?versioning, ?tagging, ...).</summary>
        public bool IsSettingPut => Method == "PUT" && Key.Length == 0 && Query.Length > 0;
        public bool IsObjectPut => Method == "PUT" && Key.Length > 0;
        /// <summary>The request's x-amz-content-sha256: the body's hash, UNSIGNED-PAYLOAD, or STREAMING-... for a body sent aws-chunked.</summary>
        public string? Payload { get; init; }
    }

    internal static class LoopbackProcess
    {
        public static Process Start(string file, string arguments)
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            try
            {
                var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                return process;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"Cannot start '{file}': {e.Message}. The S3 integration tests need moto_server (pip install 'moto[server]') and python3.", e);
            }
        }

        public static void WaitUntilServing(Process process, string url, string name)
        {
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited) throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before serving {url}.");
                try
                {
                    using var response = http.GetAsync(url).GetAwaiter().GetResult();
                    if ((int)response.StatusCode < 500) return;
                }
                catch (HttpRequestException) { }
                catch (System.Threading.Tasks.TaskCanceledException) { }
                Thread.Sleep(150);
            }
            Stop(process);
            throw new InvalidOperationException($"{name} did not serve {url} within 30 seconds.");
        }

        public static void Stop(Process process)
        {
            try
            {
                if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(5000); }
            }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
    }

    [CollectionDefinition(Name)]
    public sealed class S3Collection : ICollectionFixture<MotoServer>
    {
        public const string Name = "S3 (moto)";
    }
}
