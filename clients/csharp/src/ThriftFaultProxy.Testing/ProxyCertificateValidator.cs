using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ThriftFaultProxy.Testing
{
    /// <summary>
    /// Accepts a server certificate only if it chains to the proxy's CA and names the host that was asked for.
    /// Use it instead of accepting everything: a test then still fails if traffic bypasses the proxy.
    /// </summary>
    public sealed class ProxyCertificateValidator
    {
        private readonly X509Certificate2 authority;

        /// <summary>Trusts exactly <paramref name="authority"/> (the proxy's CA).</summary>
        public ProxyCertificateValidator(X509Certificate2 authority)
        {
            this.authority = authority;
        }

        /// <summary>Loads the first certificate of a PEM file.</summary>
        public static X509Certificate2 LoadPemCertificate(string path)
        {
            const string Begin = "-----BEGIN CERTIFICATE-----";
            const string End = "-----END CERTIFICATE-----";
            var pem = File.ReadAllText(path, Encoding.ASCII);
            var start = pem.IndexOf(Begin, StringComparison.Ordinal);
            var end = start < 0 ? -1 : pem.IndexOf(End, start, StringComparison.Ordinal);
            if (start < 0 || end < 0) throw new InvalidDataException($"{path} holds no PEM certificate.");
            var body = pem.Substring(start + Begin.Length, end - start - Begin.Length);
            var der = Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))));
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadCertificate(der);
#else
            return new X509Certificate2(der);
#endif
        }

        /// <summary>A callback for <see cref="HttpClientHandler.ServerCertificateCustomValidationCallback"/>.</summary>
        public Func<HttpRequestMessage, X509Certificate2?, X509Chain?, SslPolicyErrors, bool> HttpClientCallback =>
            (request, certificate, chain, errors) => Validate(certificate, errors);

        /// <summary>A callback for <see cref="SslStream"/> and SocketsHttpHandler's SslOptions.</summary>
        public RemoteCertificateValidationCallback SslStreamCallback =>
            (sender, certificate, chain, errors) => certificate != null && Validate(new X509Certificate2(certificate), errors);

        /// <summary>
        /// True if <paramref name="certificate"/> chains to the proxy CA. The platform's own chain errors are ignored
        /// (the CA is not in the system store, that is expected), but a host name mismatch or a missing certificate is not.
        /// </summary>
        public bool Validate(X509Certificate2? certificate, SslPolicyErrors errors)
        {
            if (certificate == null) return false;
            if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
#if NET5_0_OR_GREATER
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                return chain.Build(certificate);
#else
                chain.ChainPolicy.ExtraStore.Add(authority);
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                if (!chain.Build(certificate)) return false;
                var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
                return root.RawData.SequenceEqual(authority.RawData);
#endif
            }
        }
    }
}
