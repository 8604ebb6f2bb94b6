// How every certificate this project makes starts: a public key, a random serial, and a validity window that
// opens a day early (clocks on the proxy and its clients need not agree).
import forge from 'node-forge';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An unsigned certificate for `publicKey` with a random serial, valid from a day before `now` until `notAfter`. */
export function newCertificate(publicKey: forge.pki.PublicKey, now: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = notAfter;
  return cert;
}

function randomSerial(): string {
  // 16 random bytes, leading nibble 0 so the ASN.1 integer stays positive.
  return '0' + forge.util.bytesToHex(forge.random.getBytesSync(16)).slice(1);
}
