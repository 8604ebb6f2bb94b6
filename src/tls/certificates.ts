// A throwaway certificate authority and leaf certificates, made in memory. Used by the fake warehouse and
// the fake storage (which must present certificates for cloud-looking names) and by tests and the benchmark.
// EC P-256 keys made natively: issuing takes about a millisecond (node-forge's RSA took most of a second).
import { distinguishedName, extension, keyIdOf, newKeyPair, pem, signCertificate } from './x509';

export interface IssuedCertificates {
  /** PEM of the CA that signed the leaf: give it to whoever must trust the leaf. */
  caCert: string;
  /** PEM private key of the leaf. */
  key: string;
  /** PEM of the leaf certificate, valid for every name given. */
  cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Issues a new CA and one leaf certificate whose subjectAltName lists `names` (DNS names or IP addresses). */
export function issueCertificates(names: readonly string[], commonName = 'thrift-fault-proxy test CA'): IssuedCertificates {
  if (names.length === 0) throw new Error('issueCertificates needs at least one name');
  const now = Date.now();
  // Valid from a day early: the clocks of whoever checks the certificates need not agree with this one.
  const notBefore = new Date(now - DAY_MS);
  const notAfter = new Date(now + 365 * DAY_MS);
  const caKeys = newKeyPair();
  const caName = distinguishedName(commonName);
  const caKeyId = keyIdOf(caKeys.publicKey);
  const ca = signCertificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    issuerKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [extension.basicConstraints(true), extension.keyUsage('keyCertSign', 'cRLSign'), extension.subjectKeyId(caKeyId)],
  });
  const leafKeys = newKeyPair();
  const leaf = signCertificate({
    subject: distinguishedName(names[0]),
    issuer: caName,
    publicKey: leafKeys.publicKey,
    issuerKey: caKeys.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension.basicConstraints(false),
      extension.keyUsage('digitalSignature'),
      extension.serverAuth(),
      extension.subjectAltName(names),
      extension.authorityKeyId(caKeyId),
    ],
  });
  return {
    caCert: pem(ca),
    key: leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: pem(leaf),
  };
}
