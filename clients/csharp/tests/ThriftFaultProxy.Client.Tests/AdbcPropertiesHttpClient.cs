using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ThriftFaultProxy.Testing;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// An HttpClient handler set up from ADBC connection properties alone, the way the ADBC Databricks driver reads them
/// for its Thrift and CloudFetch clients: the proxy (adbc.proxy_options.*), and TLS (adbc.http_options.tls.*) with the
/// trusted certificate as the only custom root. A property it does not know is not silently assumed: the test that
/// uses it proves the properties alone are enough.
/// </summary>
public static class AdbcPropertiesHttpClient
{
    public const string RevocationMode = "adbc.http_options.tls.revocation_mode";

    /// <summary>Revocation mode when the properties name none: the driver's own default.</summary>
    public static readonly X509RevocationMode DefaultRevocationMode = X509RevocationMode.Online;

    public static HttpClientHandler CreateHandler(IReadOnlyDictionary<string, string> properties)
    {
        var handler = new HttpClientHandler { UseProxy = Flag(properties, AdbcProxyProperties.UseProxy) };
        if (handler.UseProxy)
        {
            handler.Proxy = new WebProxy(new Uri($"http://{Required(properties, AdbcProxyProperties.ProxyHost)}:{Required(properties, AdbcProxyProperties.ProxyPort)}"));
        }
        var trusted = properties.TryGetValue(AdbcProxyProperties.TrustedCertificatePath, out var path)
            ? ProxyCertificateValidator.LoadPemCertificate(path)
            : null;
        var revocation = properties.TryGetValue(RevocationMode, out var mode) ? (X509RevocationMode)int.Parse(mode) : DefaultRevocationMode;
        handler.ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
        {
            if (Flag(properties, AdbcProxyProperties.DisableServerCertificateValidation)) return true;
            if (certificate == null) return false;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 && !Flag(properties, AdbcProxyProperties.AllowHostnameMismatch)) return false;
            using var custom = new X509Chain();
            custom.ChainPolicy.RevocationMode = revocation;
            if (trusted != null)
            {
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.Add(trusted);
            }
            return custom.Build(certificate);
        };
        return handler;
    }

    /// <summary>https://adbc.spark.host:adbc.spark.port/adbc.spark.path</summary>
    public static Uri WarehouseUri(IReadOnlyDictionary<string, string> properties) =>
        new($"https://{Required(properties, AdbcWarehouseProperties.Host)}:{Required(properties, AdbcWarehouseProperties.Port)}{Required(properties, AdbcWarehouseProperties.Path)}");

    private static bool Flag(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) && bool.Parse(value);

    private static string Required(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"the properties lack {key}");
}
