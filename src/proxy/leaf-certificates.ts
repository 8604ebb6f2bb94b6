// Server certificates for intercepted HTTPS, signed by the proxy CA on first use of a host name and kept in
// memory. Like mitmproxy, every leaf shares one key pair: issuing is then one native signature (a fraction of a
// millisecond for the EC CA, about one for an RSA CA of earlier versions) instead of a key generation per host.
// Each leaf names the CA's CRL (a CRL distribution point, served by the proxy itself), so that clients that
// check revocation online (.NET's default, the ADBC driver's) find the leaf not revoked instead of failing.
import tls from 'node:tls';
import { distinguishedName, extension, KeyPair, newKeyPair, pem, signCertificate } from '../tls/x509';
import { ProxyCa } from './ca-store';

const DAY_MS = 24 * 60 * 60 * 1000;
const LEAF_LIFETIME_MS = 365 * DAY_MS;
/** More distinct host names than a test run meets; bounds memory if a client wanders. */
const MAX_CACHED_HOSTS = 2000;

interface LeafKey extends KeyPair {
  privateKeyPem: string;
}

export class LeafCertificates {
  /** Made with the first leaf (EC P-256: well under a millisecond); start-up does without it. */
  private key: LeafKey | undefined;
  private readonly contexts = new Map<string, tls.SecureContext>();

  constructor(private readonly ca: ProxyCa) {}

  /**
   * A TLS context presenting a certificate for `hostname` (a DNS name or an IP address) whose CRL distribution
   * point is `crlUrl` (the URL under which the client reaches the proxy's CRL). Throws if it cannot be issued.
   */
  contextFor(hostname: string, crlUrl: string): tls.SecureContext {
    const name = hostname.toLowerCase();
    const cacheKey = `${name} ${crlUrl}`;
    const cached = this.contexts.get(cacheKey);
    if (cached !== undefined) return cached;
    const context = tls.createSecureContext({ key: this.leafKey().privateKeyPem, cert: this.issuePem(name, crlUrl) });
    if (this.contexts.size >= MAX_CACHED_HOSTS) {
      const oldest = this.contexts.keys().next();
      if (oldest.done !== true) this.contexts.delete(oldest.value);
    }
    this.contexts.set(cacheKey, context);
    return context;
  }

  /** PEM of a leaf certificate for `hostname`, signed by the CA, naming `crlUrl` as its CRL. */
  issuePem(hostname: string, crlUrl: string, now: Date = new Date()): string {
    const signer = this.ca.signer();
    return pem(
      signCertificate({
        subject: distinguishedName(hostname),
        issuer: signer.subject,
        publicKey: this.leafKey().publicKey,
        issuerKey: signer.privateKey,
        // Valid from a day early: clocks on the proxy and its clients need not agree.
        notBefore: new Date(now.getTime() - DAY_MS),
        notAfter: new Date(Math.min(now.getTime() + LEAF_LIFETIME_MS, this.ca.notAfter.getTime())),
        extensions: [
          extension.basicConstraints(false),
          extension.keyUsage('digitalSignature'),
          extension.serverAuth(),
          extension.subjectAltName([hostname]),
          // Strict verifiers (OpenSSL's X509_STRICT, Python 3.13 by default) require the authority key id.
          extension.authorityKeyId(signer.keyId),
          extension.crlDistributionPoint(crlUrl),
        ],
      }),
    );
  }

  private leafKey(): LeafKey {
    if (this.key === undefined) {
      const pair = newKeyPair();
      this.key = { ...pair, privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    }
    return this.key;
  }
}
