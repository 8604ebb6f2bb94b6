using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using ThriftFaultProxy.Client.Tests.Thrift;
using ThriftFaultProxy.Client.Tests.Upstreams;
using ThriftFaultProxy.Testing;
using Xunit;

namespace ThriftFaultProxy.Client.Tests;

/// <summary>
/// Revocation checking through the proxy, for Thrift over HTTPS (the fake warehouse) and a CloudFetch-like HTTPS
/// download (the test's storage upstream). A .NET client that trusts only the proxy CA as its custom root and checks
/// revocation Online succeeds: the proxy's leaf certificates name a CRL the proxy serves. The ADBC driver's own check
/// (CA file as an extra certificate, AllowUnknownCertificateAuthority) cannot use that CRL, because .NET checks
/// revocation of a chain without a trusted root Offline only; <see cref="ProxyProcess.AdbcConnectionProperties"/>
/// therefore sets revocation_mode=0, and the driver's check passes with exactly those properties.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class RevocationTests(ProxyWithUpstreamsFixture fixture) : IAsyncLifetime
{
    public enum Validation
    {
        /// <summary>
        /// As the ADBC driver (HiveServer2TlsImpl): CA file in ExtraStore, AllowUnknownCertificateAuthority, and the
        /// revocation mode that <see cref="ProxyProcess.AdbcConnectionProperties"/> gives it.
        /// </summary>
        AdbcDriverWithItsProperties,

        /// <summary>The platform's chain policy: CustomRootTrust with only the proxy CA, revocation Online.</summary>
        CustomRootTrustOnline,
    }

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Theory]
    [InlineData(Validation.AdbcDriverWithItsProperties)]
    [InlineData(Validation.CustomRootTrustOnline)]
    public async Task A_CloudFetch_like_download_passes_online_revocation_checking(Validation validation)
    {
        using var handler = OnlineRevocationHandler(fixture.Proxy, validation);
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var response = await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("revocation.arrow", "sig-revocation"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpstreamServers.BlobContent("/results/revocation.arrow"), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(Validation.AdbcDriverWithItsProperties)]
    [InlineData(Validation.CustomRootTrustOnline)]
    public async Task Thrift_over_HTTPS_to_the_fake_warehouse_passes_online_revocation_checking(Validation validation)
    {
        await using var proxy = await ProxyProcess.StartAsync(new ProxyProcessOptions { FakeWarehouse = true });
        var warehouse = proxy.Warehouse!;
        using var handler = OnlineRevocationHandler(proxy, validation);
        var tcli = new TcliClient(handler, new Uri($"https://{warehouse.Host}:{warehouse.Port}{warehouse.Path}"), warehouse.Token);

        var session = await tcli.OpenSessionAsync("token", warehouse.Token);
        var statement = await tcli.ExecuteStatementAsync(session.SessionGuid!, session.SessionSecret!, "SELECT 1");

        Assert.Equal(TcliProtocol.StatusSuccess, session.StatusCode);
        Assert.Equal(TcliProtocol.StatusSuccess, statement.StatusCode);
    }

    [Fact]
    public async Task The_ADBC_driver_s_own_check_with_revocation_Online_fails_even_though_the_CRL_is_served()
    {
        var caPath = fixture.Proxy.CaCertificatePath;
        using var handler = new HttpClientHandler
        {
            Proxy = fixture.Proxy.CreateWebProxy(),
            UseProxy = true,
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                ValidateLikeAdbcDriver(certificate, errors, caPath, X509RevocationMode.Online),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("online.arrow", "sig-online")));

        // The reason AdbcConnectionProperties() turns the driver's revocation checking off.
        Assert.Contains("RevocationStatusUnknown", error.InnerException?.Message);
    }

    [Fact]
    public async Task The_leaf_names_a_loopback_CRL_that_the_proxy_serves_signed_by_its_CA()
    {
        X509Certificate2? leaf = null;
        using var handler = new HttpClientHandler
        {
            Proxy = fixture.Proxy.CreateWebProxy(),
            UseProxy = true,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                leaf = certificate == null ? null : new X509Certificate2(certificate);
                return true;
            },
        };
        using (var http = new HttpClient(handler)) await http.GetAsync(ProxyWithUpstreamsFixture.PresignedUrl("leaf.arrow", "sig-leaf"));
        Assert.NotNull(leaf);

        var crlUrl = CrlUrl(leaf!);
        Assert.StartsWith($"http://{fixture.Proxy.ProxyHost}:{fixture.Proxy.ProxyPort}/", crlUrl);
        using var direct = new HttpClient(new HttpClientHandler { UseProxy = false });
        var crl = await direct.GetByteArrayAsync(crlUrl);
        Assert.Equal(0x30, crl[0]); // DER

        // The chain the driver builds sees no revocation problem at all, not merely an ignored one.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(fixture.Proxy.LoadCaCertificate());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        Assert.True(chain.Build(leaf!), Describe(chain));
        Assert.DoesNotContain(chain.ChainElements[0].ChainElementStatus, s => s.Status != X509ChainStatusFlags.NoError);
    }

    /// <summary>An HttpClient handler through <paramref name="proxy"/> that validates like <paramref name="validation"/>, revocation Online.</summary>
    private static HttpMessageHandler OnlineRevocationHandler(ProxyProcess proxy, Validation validation)
    {
        if (validation == Validation.AdbcDriverWithItsProperties)
        {
            var properties = proxy.AdbcConnectionProperties();
            var caPath = properties[AdbcProxyProperties.TrustedCertificatePath];
            // The driver reads the mode as X509RevocationMode ("0" is NoCheck); absent, it checks Online.
            var mode = properties.TryGetValue(AdbcProxyProperties.RevocationMode, out var value)
                ? (X509RevocationMode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : X509RevocationMode.Online;
            return new HttpClientHandler
            {
                Proxy = new WebProxy($"http://{properties[AdbcProxyProperties.ProxyHost]}:{properties[AdbcProxyProperties.ProxyPort]}"),
                UseProxy = properties[AdbcProxyProperties.UseProxy] == "true",
                ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => ValidateLikeAdbcDriver(certificate, errors, caPath, mode),
            };
        }
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.Online };
        policy.CustomTrustStore.Add(proxy.LoadCaCertificate());
        return new SocketsHttpHandler
        {
            Proxy = proxy.CreateWebProxy(),
            UseProxy = true,
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy },
        };
    }

    /// <summary>
    /// The ADBC driver's check (HiveServer2TlsImpl.ValidateCertificate with allow_hostname_mismatch=false and
    /// trusted_certificate_path=the proxy CA).
    /// </summary>
    private static bool ValidateLikeAdbcDriver(X509Certificate2? certificate, SslPolicyErrors errors, string trustedCertificatePath, X509RevocationMode revocationMode)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate == null) return false;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var trustedRoot = ProxyCertificateValidator.LoadPemCertificate(trustedCertificatePath);
        using var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.Add(trustedRoot);
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.RevocationMode = revocationMode;
        if (chain.Build(certificate)) return true;
        // The driver throws an AuthenticationException naming the first status; so does this.
        throw new AuthenticationException($"Certificate validation failed: {Describe(chain)}");
    }

    private static string Describe(X509Chain chain) =>
        string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));

    /// <summary>The first URI of the certificate's CRL distribution points extension (2.5.29.31).</summary>
    private static string CrlUrl(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.31"];
        Assert.NotNull(extension);
        var reader = new System.Formats.Asn1.AsnReader(extension!.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var points = reader.ReadSequence();
        var point = points.ReadSequence();
        var name = point.ReadSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, isConstructed: true));
        var fullName = name.ReadSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, isConstructed: true));
        return fullName.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6));
    }
}
