import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CA_COMMON_NAME, caPaths, loadOrCreateCa } from '../../src/proxy/ca-store';
import { LeafCertificates } from '../../src/proxy/leaf-certificates';
import { distinguishedName, extension, pem, signCertificate } from '../../src/tls/x509';

// Only written into certificates, never fetched: any port does.
const CRL_URL = 'http://127.0.0.1:9/.thrift-fault-proxy/crl/test.crl';

describe('proxy CA', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-ca-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is created once with a private key only its owner can read, then reused', async () => {
    const first = await loadOrCreateCa(dir);
    expect(first.created).toBe(true);
    const paths = caPaths(dir);
    expect(first.certPath).toBe(paths.cert);
    expect(fs.statSync(paths.privateKey).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(paths.cert, 'utf8')).toBe(first.certPem);

    const second = await loadOrCreateCa(dir);
    expect(second.created).toBe(false);
    expect(second.certPem).toBe(first.certPem);

    const x509 = new X509Certificate(first.certPem);
    expect(x509.ca).toBe(true);
    expect(x509.subject).toContain(`CN=${CA_COMMON_NAME}`);
  });

  it('tightens a private key file that others can read', async () => {
    await loadOrCreateCa(dir);
    const keyFile = caPaths(dir).privateKey;
    fs.chmodSync(keyFile, 0o644);
    await loadOrCreateCa(dir);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a CA whose key is not the certificate\'s, at load rather than at the first leaf', async () => {
    await loadOrCreateCa(dir);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-ca-other-'));
    try {
      await loadOrCreateCa(other);
      fs.copyFileSync(caPaths(other).privateKey, caPaths(dir).privateKey);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
    await expect(loadOrCreateCa(dir)).rejects.toThrow(/is not the key of/);
  });

  it('replaces a CA that is about to expire', async () => {
    const original = await loadOrCreateCa(dir);
    const nearExpiry = new Date(original.notAfter.getTime() - 24 * 60 * 60 * 1000);
    const renewed = await loadOrCreateCa(dir, nearExpiry);
    expect(renewed.created).toBe(true);
    expect(renewed.certPem).not.toBe(original.certPem);
  });

  it('signs leaf certificates for DNS names and IP addresses that verify against it and name its CRL', async () => {
    const ca = await loadOrCreateCa(dir);
    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.publicKey.asymmetricKeyType).toBe('ec');
    const leaves = new LeafCertificates(ca);
    for (const host of ['fake.blob.core.windows.net', '127.0.0.1', '::1']) {
      const leaf = new X509Certificate(leaves.issuePem(host, CRL_URL));
      expect(leaf.verify(caCert.publicKey)).toBe(true);
      expect(leaf.checkIssued(caCert)).toBe(true);
      expect(net.isIP(host) !== 0 ? leaf.checkIP(host) : leaf.checkHost(host)).toBe(host);
      expect(new Date(leaf.validTo).getTime()).toBeLessThanOrEqual(new Date(caCert.validTo).getTime());
      expect(leaf.raw.includes(Buffer.from(CRL_URL))).toBe(true);
    }
    expect(leaves.contextFor('a.example.com', CRL_URL)).toBe(leaves.contextFor('A.EXAMPLE.COM', CRL_URL));
    expect(leaves.contextFor('a.example.com', CRL_URL)).not.toBe(leaves.contextFor('a.example.com', 'http://10.0.0.1:1/x.crl'));
  });

  it('keeps loading and signing with an RSA CA made by earlier versions', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const subject = distinguishedName(CA_COMMON_NAME);
    const certDer = signCertificate({
      subject,
      issuer: subject,
      publicKey: keys.publicKey,
      issuerKey: keys.privateKey,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
      extensions: [extension.basicConstraints(true), extension.keyUsage('keyCertSign', 'cRLSign')],
    });
    const paths = caPaths(dir);
    fs.mkdirSync(path.dirname(paths.cert), { recursive: true });
    fs.mkdirSync(path.dirname(paths.privateKey), { recursive: true });
    fs.writeFileSync(paths.cert, pem(certDer));
    fs.writeFileSync(paths.privateKey, keys.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });

    const ca = await loadOrCreateCa(dir);
    expect(ca.created).toBe(false);
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate(new LeafCertificates(ca).issuePem('rsa.example.com', CRL_URL));
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIssued(caCert)).toBe(true);
  });
});
