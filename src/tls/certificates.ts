// A throwaway certificate authority and leaf certificates, made in memory. Used by the fake warehouse and
// the fake storage (which must present certificates for cloud-looking names) and by tests and the benchmark.
import forge from 'node-forge';
import { newCertificate } from './new-certificate';

export interface IssuedCertificates {
  /** PEM of the CA that signed the leaf: give it to whoever must trust the leaf. */
  caCert: string;
  /** PEM private key of the leaf. */
  key: string;
  /** PEM of the leaf certificate, valid for every name given. */
  cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Issues a new CA and one leaf certificate whose subjectAltName lists `names` (DNS names or IPv4 addresses). */
export function issueCertificates(names: readonly string[], commonName = 'thrift-fault-proxy test CA'): IssuedCertificates {
  if (names.length === 0) throw new Error('issueCertificates needs at least one name');
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = newCertificate(caKeys.publicKey, new Date(), new Date(Date.now() + 365 * DAY_MS));
  const caSubject = [{ name: 'commonName', value: commonName }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = forge.pki.rsa.generateKeyPair(2048);
  const leaf = newCertificate(leafKeys.publicKey, new Date(), new Date(Date.now() + 365 * DAY_MS));
  leaf.setSubject([{ name: 'commonName', value: names[0] }]);
  leaf.setIssuer(caSubject);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(ca),
    key: forge.pki.privateKeyToPem(leafKeys.privateKey),
    cert: forge.pki.certificateToPem(leaf),
  };
}
