using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ThriftFaultProxy.Client.Tests.Upstreams;

/// <summary>
/// A throwaway CA for the test's HTTPS upstream, so the proxy verifies the upstream for real (--upstream-ca)
/// instead of running with --insecure-upstream.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly X509Certificate2 authority;

    public TestCertificateAuthority(string commonName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        PemPath = Path.Combine(Path.GetTempPath(), $"tfp-upstream-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(PemPath, authority.ExportCertificatePem());
    }

    /// <summary>The CA certificate as a PEM file, for --upstream-ca.</summary>
    public string PemPath { get; }

    public X509Certificate2 Certificate => authority;

    /// <summary>A server certificate for <paramref name="dnsNames"/>, signed by this CA, with its private key.</summary>
    public X509Certificate2 IssueServerCertificate(params string[] dnsNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames) names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // Inside the CA's validity, which a leaf may not outlast.
        using var issued = request.Create(authority, authority.NotBefore.ToUniversalTime(), authority.NotAfter.ToUniversalTime().AddMinutes(-1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Round-trip through PKCS#12 so the key is not ephemeral: SslStream on Linux needs a persisted key.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    public void Dispose()
    {
        authority.Dispose();
        File.Delete(PemPath);
    }
}
