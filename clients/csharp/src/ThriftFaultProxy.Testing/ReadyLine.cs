using System.Text.Json;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// The JSON line the proxy prints on stdout when it is ready:
    /// {"event":"ready","proxyHost","proxyPort","apiHost","apiPort","caCertPath","version"[,"warehouse":{...}]}.
    /// </summary>
    public sealed class ReadyLine
    {
        private ReadyLine(string proxyHost, int proxyPort, string apiHost, int apiPort, string caCertPath, string version, FakeWarehouseInfo? warehouse)
        {
            ProxyHost = proxyHost;
            ProxyPort = proxyPort;
            ApiHost = apiHost;
            ApiPort = apiPort;
            CaCertPath = caCertPath;
            Version = version;
            Warehouse = warehouse;
        }

        /// <summary>Address the proxy listens on.</summary>
        public string ProxyHost { get; }

        /// <summary>Port the proxy listens on.</summary>
        public int ProxyPort { get; }

        /// <summary>Address of the control API.</summary>
        public string ApiHost { get; }

        /// <summary>Port of the control API.</summary>
        public int ApiPort { get; }

        /// <summary>Path of the proxy's CA certificate (PEM).</summary>
        public string CaCertPath { get; }

        /// <summary>Proxy version.</summary>
        public string Version { get; }

        /// <summary>The fake warehouse, when started with --fake-warehouse.</summary>
        public FakeWarehouseInfo? Warehouse { get; }

        /// <summary>Parses one stdout line; null if it is not a ready line.</summary>
        public static ReadyLine? TryParse(string line)
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("{", System.StringComparison.Ordinal)) return null;
            try
            {
                using (var document = JsonDocument.Parse(trimmed))
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("event", out var kind) ||
                        kind.ValueKind != JsonValueKind.String || kind.GetString() != "ready")
                    {
                        return null;
                    }
                    FakeWarehouseInfo? warehouse = null;
                    if (root.TryGetProperty("warehouse", out var w) && w.ValueKind == JsonValueKind.Object)
                    {
                        warehouse = new FakeWarehouseInfo(Text(w, "host"), Number(w, "port"), Text(w, "path"), Text(w, "token"));
                    }
                    return new ReadyLine(
                        Text(root, "proxyHost"),
                        Number(root, "proxyPort"),
                        Text(root, "apiHost"),
                        Number(root, "apiPort"),
                        Text(root, "caCertPath"),
                        Text(root, "version"),
                        warehouse);
                }
            }
            catch (JsonException)
            {
                return null;
            }
            catch (System.Collections.Generic.KeyNotFoundException)
            {
                return null;
            }
            catch (System.InvalidOperationException)
            {
                return null;
            }
        }

        private static string Text(JsonElement parent, string name) => parent.GetProperty(name).GetString() ?? string.Empty;

        private static int Number(JsonElement parent, string name) => parent.GetProperty(name).GetInt32();
    }

    /// <summary>Where the embedded fake Databricks SQL warehouse answers (reached through the proxy).</summary>
    public sealed class FakeWarehouseInfo
    {
        /// <summary>Creates the description.</summary>
        public FakeWarehouseInfo(string host, int port, string path, string token)
        {
            Host = host;
            Port = port;
            Path = path;
            Token = token;
        }

        /// <summary>Host name a driver connects to (the proxy maps it to the fake).</summary>
        public string Host { get; }

        /// <summary>Port a driver connects to.</summary>
        public int Port { get; }

        /// <summary>HTTP path of the warehouse, e.g. /sql/1.0/warehouses/&lt;id&gt;.</summary>
        public string Path { get; }

        /// <summary>Test-only access token the fake accepts.</summary>
        public string Token { get; }

        /// <summary>Do not print the token, even a test-only one.</summary>
        public override string ToString() => $"https://{Host}:{Port}{Path}";
    }
}
