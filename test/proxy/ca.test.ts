import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CA_COMMON_NAME, caPaths, loadOrCreateCa } from '../../src/proxy/ca-store';
import { LeafCertificates } from '../../src/proxy/leaf-certificates';

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

  it('signs leaf certificates for DNS names and IP addresses that verify against it', async () => {
    const ca = await loadOrCreateCa(dir);
    const caCert = new X509Certificate(ca.certPem);
    const leaves = new LeafCertificates(ca);
    for (const host of ['fake.blob.core.windows.net', '127.0.0.1']) {
      const leaf = new X509Certificate(await leaves.issuePem(host));
      expect(leaf.verify(caCert.publicKey)).toBe(true);
      expect(leaf.checkIssued(caCert)).toBe(true);
      expect(host === '127.0.0.1' ? leaf.checkIP(host) : leaf.checkHost(host)).toBe(host);
      expect(new Date(leaf.validTo).getTime()).toBeLessThanOrEqual(new Date(caCert.validTo).getTime());
    }
    expect(await leaves.contextFor('a.example.com')).toBe(await leaves.contextFor('A.EXAMPLE.COM'));
  });
});
