using System.Collections.Generic;
using System.Globalization;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// ADBC (Databricks / Spark C# driver) connection properties that route a driver through the proxy and make it
    /// trust the proxy's CA. Certificate validation stays on: the driver checks every certificate (Thrift and
    /// CloudFetch alike) against the proxy CA file and the host name. Revocation checking is turned off
    /// (<see cref="RevocationMode"/>): the driver checks the chain with the CA as an extra certificate and
    /// AllowUnknownCertificateAuthority, and for a chain that does not end in a trusted root .NET downgrades Online
    /// revocation checking to Offline, so the CRL the proxy publishes is never fetched and Online always fails
    /// (clients/csharp/README.md, "TLS").
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

        /// <summary>
        /// Revocation checking of the driver's own chain check: "0" (<c>X509RevocationMode.NoCheck</c>). The driver's
        /// default, Online, cannot succeed for a CA that is not a trusted root of the machine (see the class summary).
        /// </summary>
        public const string RevocationMode = "adbc.http_options.tls.revocation_mode";

        /// <summary>The value of <see cref="RevocationMode"/> set here: X509RevocationMode.NoCheck, as the driver's own error message asks.</summary>
        public const string RevocationModeNoCheck = "0";

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
                [RevocationMode] = RevocationModeNoCheck,
            };
    }
}
