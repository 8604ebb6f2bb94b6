// Server certificates for intercepted HTTPS, signed by the proxy CA on first use of a host name and kept in
// memory. Like mitmproxy, every leaf shares one key pair: issuing is then a signature (milliseconds) instead
// of an RSA key generation per host. The key pair is made in the background at start-up, off the event loop,
// so the proxy is ready before it exists.
import { generateKeyPair } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import forge from 'node-forge';
import { newCertificate } from '../tls/new-certificate';
import { ProxyCa } from './ca-store';

const DAY_MS = 24 * 60 * 60 * 1000;
const LEAF_LIFETIME_MS = 365 * DAY_MS;
/** More distinct host names than a test run meets; bounds memory if a client wanders. */
const MAX_CACHED_HOSTS = 2000;

interface LeafKey {
  privateKeyPem: string;
  publicKey: forge.pki.PublicKey;
}

export class LeafCertificates {
  private readonly key: Promise<LeafKey>;
  /** Made with the first leaf: it needs the CA parsed, which start-up does without. */
  private caKeyId: string | undefined;
  private readonly contexts = new Map<string, Promise<tls.SecureContext>>();

  constructor(private readonly ca: ProxyCa) {
    this.key = new Promise((resolve, reject) =>
      generateKeyPair(
        'rsa',
        { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } },
        (error, publicKeyPem, privateKeyPem) =>
          error ? reject(error) : resolve({ privateKeyPem, publicKey: forge.pki.publicKeyFromPem(publicKeyPem) }),
      ),
    );
    // A failure surfaces to each tunnel that needs a certificate; it must not crash the process meanwhile.
    this.key.catch(() => undefined);
  }

  /** Resolves once the background key generation is over, so a closing proxy leaves no work running. */
  settled(): Promise<void> {
    return this.key.then(
      () => undefined,
      () => undefined,
    );
  }

  /** A TLS context presenting a certificate for `hostname` (a DNS name or an IP address). */
  contextFor(hostname: string): Promise<tls.SecureContext> {
    const name = hostname.toLowerCase();
    const cached = this.contexts.get(name);
    if (cached !== undefined) return cached;
    const context = this.key.then(async (key) => tls.createSecureContext({ key: key.privateKeyPem, cert: await this.issuePem(name) }));
    if (this.contexts.size >= MAX_CACHED_HOSTS) {
      const oldest = this.contexts.keys().next();
      if (oldest.done !== true) this.contexts.delete(oldest.value);
    }
    this.contexts.set(name, context);
    context.catch(() => this.contexts.delete(name));
    return context;
  }

  /** PEM of a leaf certificate for `hostname`, signed by the CA. */
  async issuePem(hostname: string, now: Date = new Date()): Promise<string> {
    const key = await this.key;
    const signer = this.ca.signer();
    this.caKeyId ??= signer.cert.generateSubjectKeyIdentifier().getBytes();
    const caExpiry = this.ca.notAfter.getTime();
    const cert = newCertificate(key.publicKey, now, new Date(Math.min(now.getTime() + LEAF_LIFETIME_MS, caExpiry)));
    // A common name longer than 64 characters is invalid X.509; the SAN is what clients check anyway.
    cert.setSubject([{ name: 'commonName', value: hostname.slice(0, 64) }]);
    cert.setIssuer(signer.cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [altName(hostname)] },
      { name: 'subjectKeyIdentifier' },
      // Strict verifiers (OpenSSL's X509_STRICT, Python 3.13 by default) require the authority key id.
      { name: 'authorityKeyIdentifier', keyIdentifier: this.caKeyId },
    ]);
    cert.sign(signer.privateKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}

function altName(hostname: string): { type: number; value?: string; ip?: string } {
  // 7 = iPAddress, 2 = dNSName.
  return net.isIP(hostname) !== 0 ? { type: 7, ip: hostname } : { type: 2, value: hostname };
}
