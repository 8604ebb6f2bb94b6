using System;
using System.Collections.Generic;

namespace ThriftFaultProxy.Testing
{
    /// <summary>How to start the proxy. The defaults give an isolated proxy on ephemeral loopback ports.</summary>
    public sealed class ProxyProcessOptions
    {
        /// <summary>Repository root; null: <see cref="ProxyRepository.Locate"/>.</summary>
        public string? RepositoryRoot { get; set; }

        /// <summary>The node executable: a path, or a name searched on PATH.</summary>
        public string NodePath { get; set; } = "node";

        /// <summary>Address the proxy listens on.</summary>
        public string ListenHost { get; set; } = "127.0.0.1";

        /// <summary>Proxy port; 0: ephemeral (read back from the ready line).</summary>
        public int ListenPort { get; set; }

        /// <summary>Address of the gRPC control API.</summary>
        public string ApiHost { get; set; } = "127.0.0.1";

        /// <summary>Control API port; 0: ephemeral.</summary>
        public int ApiPort { get; set; }

        /// <summary>Where the proxy keeps its CA; null: a new temporary folder, deleted when the process is disposed.</summary>
        public string? CaDirectory { get; set; }

        /// <summary>--map-host: traffic for the host name (key) goes to "HOST:PORT" (value) instead.</summary>
        public IDictionary<string, string> HostMappings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>--upstream-ca: PEM files of extra CAs trusted for upstream HTTPS.</summary>
        public IList<string> UpstreamCaFiles { get; } = new List<string>();

        /// <summary>--insecure-upstream: do not verify upstream certificates.</summary>
        public bool InsecureUpstream { get; set; }

        /// <summary>--cloudfetch-host: extra host name patterns whose GETs count as CloudFetch downloads.</summary>
        public IList<string> CloudFetchHostPatterns { get; } = new List<string>();

        /// <summary>--history-size; null: the proxy's default.</summary>
        public int? HistorySize { get; set; }

        /// <summary>--history-mib: memory the recorded calls may take, in MiB (estimated); null: the proxy's default (128).</summary>
        public int? HistoryMib { get; set; }

        /// <summary>--log-level (error, warn, info, debug).</summary>
        public string LogLevel { get; set; } = "warn";

        /// <summary>--fake-warehouse: also run the embedded fake Databricks SQL warehouse.</summary>
        public bool FakeWarehouse { get; set; }

        /// <summary>
        /// --fake-cloudfetch-threshold (needs <see cref="FakeWarehouse"/>): results with more rows than this are served as
        /// CloudFetch links, smaller ones inline; null: the fake warehouse's default (10000).
        /// </summary>
        public int? FakeCloudFetchThresholdRows { get; set; }

        /// <summary>--fake-rows-per-file (needs <see cref="FakeWarehouse"/>): rows in each CloudFetch file; null: the default (5000).</summary>
        public int? FakeRowsPerFile { get; set; }

        /// <summary>
        /// --fake-link-lifetime-ms (needs <see cref="FakeWarehouse"/>): how long a presigned CloudFetch link stays valid, in
        /// whole milliseconds (at least 1); a later download gets 403. Null: the default (15 minutes).
        /// </summary>
        public TimeSpan? FakeLinkLifetime { get; set; }

        /// <summary>
        /// --fake-links-per-fetch (needs <see cref="FakeWarehouse"/>): most CloudFetch links in one FetchResults or
        /// direct-results reply (1: the driver fetches every file's link separately); null: the default (4).
        /// </summary>
        public int? FakeLinksPerFetch { get; set; }

        /// <summary>
        /// --fake-execution-delay-ms (needs <see cref="FakeWarehouse"/>): how long every statement runs before it
        /// finishes, in whole milliseconds (rounded up; at most one hour); drivers poll GetOperationStatus meanwhile.
        /// Null: the default (0, statements finish at once).
        /// </summary>
        public TimeSpan? FakeExecutionDelay { get; set; }

        /// <summary>
        /// False passes --fake-no-lz4 (needs <see cref="FakeWarehouse"/>): results are never LZ4-compressed. True (the
        /// default): a statement whose driver sets canDecompressLZ4Result gets LZ4-frame Arrow batches and CloudFetch files.
        /// </summary>
        public bool FakeLz4Compression { get; set; } = true;

        /// <summary>More command-line arguments, passed last.</summary>
        public IList<string> ExtraArguments { get; } = new List<string>();

        /// <summary>Extra environment variables for the proxy process.</summary>
        public IDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>();

        /// <summary>How long to wait for the ready line and a SERVING health check.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How long a graceful stop (SIGTERM) may take before the process tree is killed.</summary>
        public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>Lines of the proxy's stderr kept for error messages.</summary>
        public int StandardErrorLinesKept { get; set; } = 200;
    }
}
