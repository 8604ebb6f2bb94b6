using System;
using System.IO;
using System.Threading.Tasks;
using ThriftFaultProxy.Testing;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>What the fixture exposes for drivers: proxy address, CA path, ADBC properties, proxy environment.</summary>
[Collection(ProxyCollection.Name)]
public sealed class FixtureTests(ProxyWithUpstreamsFixture fixture)
{
    [Fact]
    public async Task Adbc_connection_properties_route_through_the_proxy_and_trust_its_CA()
    {
        var proxy = fixture.Proxy;
        var properties = proxy.AdbcConnectionProperties();

        Assert.Equal("true", properties["adbc.proxy_options.use_proxy"]);
        Assert.Equal(proxy.ProxyHost, properties["adbc.proxy_options.proxy_host"]);
        Assert.Equal(proxy.ProxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture), properties["adbc.proxy_options.proxy_port"]);
        Assert.Equal("true", properties["adbc.http_options.tls.allow_self_signed"]);
        Assert.Equal("false", properties["adbc.http_options.tls.disable_server_certificate_validation"]);
        Assert.Equal("false", properties["adbc.http_options.tls.allow_hostname_mismatch"]);
        var caPath = properties["adbc.http_options.tls.trusted_certificate_path"];
        Assert.Equal(proxy.CaCertificatePath, caPath);
        Assert.Equal("0", properties["adbc.http_options.tls.revocation_mode"]); // NoCheck: see RevocationTests
        var info = await proxy.Control.GetProxyInfoAsync();
        Assert.Equal(Normalize(info.CaCertPem), Normalize(File.ReadAllText(caPath)));
    }

    private static string Normalize(string pem) => pem.Replace("\r", string.Empty).Trim();

    [Fact]
    public void The_proxy_address_is_offered_as_uri_web_proxy_and_environment()
    {
        var proxy = fixture.Proxy;

        Assert.Equal(new Uri($"http://{proxy.ProxyHost}:{proxy.ProxyPort}/"), proxy.ProxyUri);
        Assert.Equal(proxy.ProxyUri, proxy.CreateWebProxy().Address);
        var environment = proxy.ProxyEnvironmentVariables();
        Assert.Equal($"http://{proxy.ProxyHost}:{proxy.ProxyPort}", environment["HTTPS_PROXY"]);
        Assert.Equal(environment["HTTPS_PROXY"], environment["HTTP_PROXY"]);
        Assert.NotEqual(0, proxy.ApiPort);
        Assert.NotEqual(proxy.ApiPort, proxy.ProxyPort);
    }
}
