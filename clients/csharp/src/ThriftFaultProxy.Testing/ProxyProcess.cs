using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ThriftFaultProxy.Client;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// The TypeScript proxy (node dist/src/cli.js) running as a child process, on ephemeral ports by default.
    /// <see cref="StartAsync"/> returns once the ready line was read and the control API answers a SERVING health
    /// check; disposing stops it (SIGTERM, then a kill of the process tree).
    /// </summary>
    public sealed class ProxyProcess : IAsyncDisposable, IDisposable
    {
        private readonly Process process;
        private readonly ProxyProcessOptions options;
        private readonly string commandLine;
        private readonly string caDirectory;
        private readonly bool ownsCaDirectory;
        private readonly Queue<string> stderrTail = new Queue<string>();
        private readonly TaskCompletionSource<ReadyLine> ready = NewSource<ReadyLine>();
        private readonly TaskCompletionSource<bool> exited = NewSource<bool>();
        private readonly Lazy<ProxyCertificateValidator> validator;
        private ReadyLine? readyLine;
        private ProxyControlClient? control;
        private int disposed;

        private ProxyProcess(Process process, ProxyProcessOptions options, string commandLine, string caDirectory, bool ownsCaDirectory)
        {
            this.process = process;
            this.options = options;
            this.commandLine = commandLine;
            this.caDirectory = caDirectory;
            this.ownsCaDirectory = ownsCaDirectory;
            validator = new Lazy<ProxyCertificateValidator>(() => new ProxyCertificateValidator(LoadCaCertificate()));
        }

        /// <summary>Address the proxy listens on.</summary>
        public string ProxyHost => Ready.ProxyHost;

        /// <summary>Port the proxy listens on.</summary>
        public int ProxyPort => Ready.ProxyPort;

        /// <summary>Address of the gRPC control API.</summary>
        public string ApiHost => Ready.ApiHost;

        /// <summary>Port of the gRPC control API.</summary>
        public int ApiPort => Ready.ApiPort;

        /// <summary>Path of the proxy's CA certificate (PEM) that clients must trust.</summary>
        public string CaCertificatePath => Ready.CaCertPath;

        /// <summary>The proxy's version.</summary>
        public string Version => Ready.Version;

        /// <summary>The embedded fake warehouse, when started with <see cref="ProxyProcessOptions.FakeWarehouse"/>.</summary>
        public FakeWarehouseInfo? Warehouse => Ready.Warehouse;

        /// <summary>The proxy as an HTTP proxy address, e.g. http://127.0.0.1:40123.</summary>
        public Uri ProxyUri => new Uri($"http://{UriHost(ProxyHost)}:{ProxyPort.ToString(CultureInfo.InvariantCulture)}");

        /// <summary>The control API's address, e.g. http://127.0.0.1:40124.</summary>
        public Uri ApiUri => ProxyControlClient.ApiAddress(ApiHost, ApiPort);

        /// <summary>Client of the control API (owned by this object).</summary>
        public ProxyControlClient Control => control ?? throw new InvalidOperationException("The proxy is not ready.");

        /// <summary>Process id of node.</summary>
        public int ProcessId => process.Id;

        /// <summary>Whether the proxy process has ended.</summary>
        public bool HasExited => process.HasExited;

        /// <summary>The last lines the proxy wrote to stderr (its log), oldest first.</summary>
        public string StandardErrorTail
        {
            get
            {
                lock (stderrTail) return string.Join("\n", stderrTail);
            }
        }

        private ReadyLine Ready => readyLine ?? throw new InvalidOperationException("The proxy is not ready.");

        /// <summary>Starts the proxy and waits until it is ready and SERVING.</summary>
        /// <exception cref="ProxyStartException">node or dist/src/cli.js is missing, the proxy exited, or it was not ready in time.</exception>
        public static async Task<ProxyProcess> StartAsync(ProxyProcessOptions? options = null, CancellationToken cancellationToken = default)
        {
            options = options ?? new ProxyProcessOptions();
            var root = ProxyRepository.Locate(options.RepositoryRoot);
            var cli = Path.Combine(root, ProxyRepository.CliRelativePath);
            if (!File.Exists(cli))
            {
                throw new ProxyStartException($"The proxy is not built: {cli} does not exist. Run 'npm ci && npm run build' in {root}.");
            }
            var node = ExecutableSearch.Find(options.NodePath) ?? throw new ProxyStartException(
                $"Node.js was not found: '{options.NodePath}' is not a file and not on PATH. Install Node.js 20 or later, or set ProxyProcessOptions.NodePath.");

            var ownsCaDirectory = options.CaDirectory == null;
            var caDirectory = options.CaDirectory ?? Path.Combine(Path.GetTempPath(), "thrift-fault-proxy-ca-" + Guid.NewGuid().ToString("N"));
            var arguments = ProxyArguments.Build(cli, options, caDirectory);
            var startInfo = new ProcessStartInfo(node)
            {
                UseShellExecute = false,
                // Kept open, never written: the proxy (--exit-with-parent) stops when it closes, i.e. when this process dies.
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                WorkingDirectory = root,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
#if NETSTANDARD2_0
            startInfo.Arguments = string.Join(" ", arguments.Select(ProxyArguments.Quote));
#else
            foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
#endif
            foreach (var variable in options.EnvironmentVariables) startInfo.Environment[variable.Key] = variable.Value;

            var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            var commandLine = node + " " + string.Join(" ", arguments.Select(ProxyArguments.Quote));
            var proxy = new ProxyProcess(process, options, commandLine, caDirectory, ownsCaDirectory);
            process.OutputDataReceived += (sender, e) => proxy.OnStandardOutput(e.Data);
            process.ErrorDataReceived += (sender, e) => proxy.OnStandardError(e.Data);
            process.Exited += (sender, e) => proxy.exited.TrySetResult(true);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                process.Dispose();
                proxy.DeleteOwnedCaDirectory();
                throw new ProxyStartException($"Could not start {commandLine}: {e.Message}", e);
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (process.HasExited) proxy.exited.TrySetResult(true);

            try
            {
                await proxy.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return proxy;
        }

        /// <summary>The proxy's CA certificate.</summary>
        public X509Certificate2 LoadCaCertificate() => ProxyCertificateValidator.LoadPemCertificate(CaCertificatePath);

        /// <summary>A validator that accepts only certificates chaining to the proxy's CA.</summary>
        public ProxyCertificateValidator CertificateValidator => validator.Value;

        /// <summary>A <see cref="WebProxy"/> pointing at the proxy.</summary>
        public WebProxy CreateWebProxy() => new WebProxy(ProxyUri) { BypassProxyOnLocal = false };

        /// <summary>
        /// An HttpClient handler that sends everything through the proxy and trusts the proxy's CA (and nothing
        /// else) for HTTPS.
        /// </summary>
        public HttpClientHandler CreateHttpClientHandler() => new HttpClientHandler
        {
            Proxy = CreateWebProxy(),
            UseProxy = true,
            ServerCertificateCustomValidationCallback = CertificateValidator.HttpClientCallback,
        };

        /// <summary>ADBC connection properties that route a driver through this proxy and trust its CA.</summary>
        public IReadOnlyDictionary<string, string> AdbcConnectionProperties() =>
            AdbcProxyProperties.For(ProxyHost, ProxyPort, CaCertificatePath);

        /// <summary>
        /// Every property the ADBC Databricks driver needs to query the embedded fake warehouse through this proxy:
        /// <see cref="AdbcConnectionProperties"/> (proxy and TLS) plus the warehouse's host, port, path, token
        /// authentication and test-only token (<see cref="AdbcWarehouseProperties"/>). A new dictionary each call: add
        /// or override keys freely. Needs <see cref="ProxyProcessOptions.FakeWarehouse"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">The proxy was started without the fake warehouse.</exception>
        public Dictionary<string, string> WarehouseConnectionProperties()
        {
            var warehouse = Warehouse ?? throw new InvalidOperationException(
                "WarehouseConnectionProperties() describes the embedded fake warehouse, and this proxy runs without one: start it with " +
                "ProxyProcessOptions.FakeWarehouse = true (or use FakeWarehouseProxyFixture). For a real warehouse, add its " +
                "adbc.spark.* properties to AdbcConnectionProperties().");
            return AdbcWarehouseProperties.For(warehouse, AdbcConnectionProperties());
        }

        /// <summary>HTTP_PROXY / HTTPS_PROXY (both spellings) for clients configured by the environment, e.g. a CloudFetch HTTP client.</summary>
        public IReadOnlyDictionary<string, string> ProxyEnvironmentVariables()
        {
            var address = ProxyUri.ToString().TrimEnd('/');
            return new Dictionary<string, string>
            {
                ["HTTP_PROXY"] = address,
                ["HTTPS_PROXY"] = address,
                ["http_proxy"] = address,
                ["https_proxy"] = address,
            };
        }

        /// <summary>Stops the proxy: SIGTERM, then after <see cref="ProxyProcessOptions.StopTimeout"/> a kill of the process tree.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            control?.Dispose();
            if (!exited.Task.IsCompleted && !process.HasExited)
            {
                PosixSignals.TryTerminate(process.Id);
                if (!await WaitForExitAsync(options.StopTimeout).ConfigureAwait(false))
                {
                    KillTree();
                    await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
            }
            process.Dispose();
            DeleteOwnedCaDirectory();
        }

        /// <summary>Stops the proxy (blocking).</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
        {
            var startTimeout = options.StartTimeout;
            var clock = Stopwatch.StartNew();
            var gaveUp = NewSource<bool>();
            using (var timer = new CancellationTokenSource(startTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
            using (linked.Token.Register(() => gaveUp.TrySetResult(true)))
            {
                var first = await Task.WhenAny(ready.Task, exited.Task, gaveUp.Task).ConfigureAwait(false);
                if (first == exited.Task && !ready.Task.IsCompleted)
                {
                    // Let the last stderr lines arrive: they usually say why it exited.
                    // WaitForExit(timeout) does not wait for the asynchronous readers; WaitForExit() after it does.
                    await Task.Run(() =>
                    {
                        if (process.WaitForExit(2000)) process.WaitForExit();
                    }).ConfigureAwait(false);
                    throw new ProxyStartException(
                        $"The proxy exited with code {process.ExitCode} before it was ready.\nCommand: {commandLine}\nIts stderr:\n{StandardErrorTail}");
                }
                if (!ready.Task.IsCompleted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new ProxyStartException(
                        $"The proxy printed no ready line within {startTimeout.TotalSeconds:0.#} s.\nCommand: {commandLine}\nIts stderr:\n{StandardErrorTail}");
                }
            }

            readyLine = await ready.Task.ConfigureAwait(false);
            control = new ProxyControlClient(readyLine.ApiHost, readyLine.ApiPort);
            var remaining = startTimeout - clock.Elapsed;
            try
            {
                await control.WaitUntilServingAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new ProxyStartException($"{e.Message}\nCommand: {commandLine}\nIts stderr:\n{StandardErrorTail}", e);
            }
        }

        private async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            var first = await Task.WhenAny(exited.Task, Task.Delay(timeout)).ConfigureAwait(false);
            return first == exited.Task || process.HasExited;
        }

        private void KillTree()
        {
            try
            {
#if NETSTANDARD2_0
                ProcessTree.KillWithoutRuntimeSupport(process.Id);
#else
                process.Kill(entireProcessTree: true);
#endif
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        private void OnStandardOutput(string? line)
        {
            if (line == null || ready.Task.IsCompleted) return;
            var parsed = ReadyLine.TryParse(line);
            if (parsed != null) ready.TrySetResult(parsed);
        }

        private void OnStandardError(string? line)
        {
            if (line == null) return;
            lock (stderrTail)
            {
                stderrTail.Enqueue(line);
                while (stderrTail.Count > Math.Max(1, options.StandardErrorLinesKept)) stderrTail.Dequeue();
            }
        }

        private void DeleteOwnedCaDirectory()
        {
            if (!ownsCaDirectory || !Directory.Exists(caDirectory)) return;
            try
            {
                Directory.Delete(caDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless; failing a test over it is not.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static string UriHost(string host) => host.Contains(":") && !host.StartsWith("[", StringComparison.Ordinal) ? $"[{host}]" : host;

        private static TaskCompletionSource<T> NewSource<T>() => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
