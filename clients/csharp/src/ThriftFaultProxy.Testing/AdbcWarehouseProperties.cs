using System.Collections.Generic;
using System.Globalization;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// ADBC (Databricks / Spark C# driver) properties that say which warehouse to connect to and how to authenticate:
    /// host, port, HTTP path, a personal access token, and the Thrift protocol (the only one the fake speaks). Together with <see cref="AdbcProxyProperties"/> (the proxy and
    /// TLS) they are everything the driver needs to reach the fake warehouse through the proxy.
    /// </summary>
    public static class AdbcWarehouseProperties
    {
        /// <summary>Warehouse host name (the fake's cloud-looking name; the proxy maps it to the fake).</summary>
        public const string Host = "adbc.spark.host";

        /// <summary>Warehouse port (443).</summary>
        public const string Port = "adbc.spark.port";

        /// <summary>HTTP path of the warehouse, /sql/1.0/warehouses/&lt;id&gt;.</summary>
        public const string Path = "adbc.spark.path";

        /// <summary>Authentication type; <see cref="TokenAuthType"/> for a personal access token.</summary>
        public const string AuthType = "adbc.spark.auth_type";

        /// <summary>The access token, sent as "Authorization: Bearer ...".</summary>
        public const string Token = "adbc.spark.token";

        /// <summary>Which protocol the Databricks driver speaks; the fake warehouse serves only <see cref="ThriftProtocol"/>.</summary>
        public const string Protocol = "adbc.databricks.protocol";

        /// <summary>The value of <see cref="Protocol"/> for TCLIService over HTTP (not the Statement Execution REST API).</summary>
        public const string ThriftProtocol = "thrift";

        /// <summary>The value of <see cref="AuthType"/> for token authentication.</summary>
        public const string TokenAuthType = "token";

        /// <summary>
        /// The warehouse's properties added to <paramref name="proxyProperties"/> (normally
        /// <see cref="ProxyProcess.AdbcConnectionProperties"/>); a new dictionary, which callers may change.
        /// </summary>
        public static Dictionary<string, string> For(FakeWarehouseInfo warehouse, IReadOnlyDictionary<string, string> proxyProperties)
        {
            var properties = new Dictionary<string, string>();
            foreach (var property in proxyProperties) properties[property.Key] = property.Value;
            properties[Host] = warehouse.Host;
            properties[Port] = warehouse.Port.ToString(CultureInfo.InvariantCulture);
            properties[Path] = warehouse.Path;
            properties[AuthType] = TokenAuthType;
            properties[Token] = warehouse.Token;
            properties[Protocol] = ThriftProtocol;
            return properties;
        }
    }
}
