using System.Collections.Generic;
using System.Globalization;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// ADBC (Databricks / Spark C# driver) connection properties that route a driver through the proxy and make it
    /// trust the proxy's CA, as the original proxy's README documents. Certificate validation stays on: the driver
    /// trusts the proxy CA file instead of accepting everything. Not verified against a real ADBC driver: if one does
    /// not apply <see cref="TrustedCertificatePath"/> to its CloudFetch downloads, set
    /// <see cref="DisableServerCertificateValidation"/> to "true" (clients/csharp/README.md, "ADBC properties").
    /// </summary>
    public static class AdbcProxyProperties
    {
        /// <summary>Turns the driver's proxy on.</summary>
        public const string UseProxy = "adbc.proxy_options.use_proxy";

        /// <summary>Proxy host.</summary>
        public const string ProxyHost = "adbc.proxy_options.proxy_host";

        /// <summary>Proxy port.</summary>
        public const string ProxyPort = "adbc.proxy_options.proxy_port";

        /// <summary>Accept a self-signed root (the proxy's CA is one).</summary>
        public const string AllowSelfSigned = "adbc.http_options.tls.allow_self_signed";

        /// <summary>Skip certificate validation entirely; left false.</summary>
        public const string DisableServerCertificateValidation = "adbc.http_options.tls.disable_server_certificate_validation";

        /// <summary>Accept a certificate for another host name; left false (the proxy issues certificates per host).</summary>
        public const string AllowHostnameMismatch = "adbc.http_options.tls.allow_hostname_mismatch";

        /// <summary>PEM file of the CA to trust.</summary>
        public const string TrustedCertificatePath = "adbc.http_options.tls.trusted_certificate_path";

        /// <summary>The properties for a proxy at host:port whose CA certificate is at <paramref name="caCertificatePath"/>.</summary>
        public static IReadOnlyDictionary<string, string> For(string proxyHost, int proxyPort, string caCertificatePath) =>
            new Dictionary<string, string>
            {
                [UseProxy] = "true",
                [ProxyHost] = proxyHost,
                [ProxyPort] = proxyPort.ToString(CultureInfo.InvariantCulture),
                [AllowSelfSigned] = "true",
                [DisableServerCertificateValidation] = "false",
                [AllowHostnameMismatch] = "false",
                [TrustedCertificatePath] = caCertificatePath,
            };
    }
}
