// The proxy's own certificate authority, persisted in --ca-dir: made on the first run, reused afterwards, so
// clients trust one PEM for good. The layout (certs/ca.pem, keys/ca.private.key, keys/ca.public.key) is
// http-mitm-proxy's. New CAs have an EC P-256 key; RSA CAs made by earlier versions still load and sign.
// Private keys are mode 0600.
// Several proxies may start at once on one new directory (parallel test fixtures, default --ca-dir): creation
// happens under a lock file, and whoever did not create the CA loads the one on disk, so every proxy signs
// with the CA clients trust.
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { distinguishedName, extension, issuerPartsOf, keyIdOf, newKeyPair, pem, signCertificate } from '../tls/x509';
import { makeDirectory, withFileLock } from './ca-files';

/** What signing leaf certificates and CRLs under the CA needs. */
export interface CaSigner {
  /** DER of the CA's subject: the issuer of everything it signs. */
  subject: Buffer;
  /** The CA's subject key identifier: the authority key identifier of everything it signs. */
  keyId: Buffer;
  privateKey: KeyObject;
}

export interface ProxyCa {
  certPem: string;
  /** Absolute path of the PEM certificate clients must trust. */
  certPath: string;
  /** End of the CA's validity; leaf certificates never outlive it. */
  notAfter: Date;
  /** Whether this run created the CA (false: loaded from caDir). */
  created: boolean;
  /** SHA-256 fingerprint of the CA certificate, hex: names this CA (e.g. in its CRL's URL). */
  fingerprint: string;
  signer(): CaSigner;
}

export const CA_COMMON_NAME = 'thrift-fault-proxy CA';
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_LIFETIME_MS = 10 * 365 * DAY_MS;
/** A CA closer than this to expiry is replaced, so leaf certificates never outlive it. */
const RENEW_BEFORE_MS = 7 * DAY_MS;

export function caPaths(caDir: string): { cert: string; privateKey: string; publicKey: string; lock: string } {
  return {
    cert: path.join(caDir, 'certs', 'ca.pem'),
    privateKey: path.join(caDir, 'keys', 'ca.private.key'),
    publicKey: path.join(caDir, 'keys', 'ca.public.key'),
    lock: path.join(caDir, 'ca.lock'),
  };
}

/**
 * Loads the CA from caDir, or creates it there when absent or about to expire. Creation is exclusive across
 * processes: a proxy that finds another one creating the CA waits, then serves the CA that one wrote.
 */
export async function loadOrCreateCa(caDir: string, now: Date = new Date()): Promise<ProxyCa> {
  const paths = caPaths(caDir);
  // The common case, an existing CA, needs no lock (and works in a read-only directory). A key that does not
  // match its certificate may be a renewal in progress: decided under the lock.
  const existing = loadUsable(paths, now, { tolerateMismatch: true });
  if (existing !== undefined) return existing;
  makeDirectory(path.dirname(paths.cert));
  makeDirectory(path.dirname(paths.privateKey), 0o700);
  return withFileLock(paths.lock, () => loadUsable(paths, now, { tolerateMismatch: false }) ?? { ...create(paths, now), certPath: paths.cert, created: true });
}

function loadUsable(paths: ReturnType<typeof caPaths>, now: Date, how: { tolerateMismatch: boolean }): ProxyCa | undefined {
  let loaded: CaFiles | undefined;
  try {
    loaded = tryLoad(paths);
  } catch (error) {
    if (how.tolerateMismatch) return undefined;
    throw error;
  }
  if (loaded === undefined || loaded.notAfter.getTime() - now.getTime() <= RENEW_BEFORE_MS) return undefined;
  restrictKeyFiles(paths);
  return { ...loaded, certPath: paths.cert, created: false };
}

type CaFiles = Pick<ProxyCa, 'certPem' | 'notAfter' | 'signer' | 'fingerprint'>;

function tryLoad(paths: ReturnType<typeof caPaths>): CaFiles | undefined {
  if (!fs.existsSync(paths.cert) || !fs.existsSync(paths.privateKey)) return undefined;
  const certPem = fs.readFileSync(paths.cert, 'utf8');
  const privateKey = createPrivateKey(fs.readFileSync(paths.privateKey, 'utf8'));
  // Checked now (well under a millisecond), so a broken CA fails the start rather than the first tunnel.
  const x509 = new X509Certificate(certPem);
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${paths.privateKey} is not the key of ${paths.cert}`);
  return filesOf(certPem, x509, privateKey);
}

/** `certPem` as on disk, byte for byte: the proxy reports it and clients compare it. */
function filesOf(certPem: string, x509: X509Certificate, privateKey: KeyObject): CaFiles {
  let signer: CaSigner | undefined;
  return {
    certPem,
    notAfter: new Date(x509.validTo),
    fingerprint: x509.fingerprint256.replace(/:/g, '').toLowerCase(),
    signer: () => (signer ??= { ...issuerPartsOf(x509.raw, x509.publicKey), privateKey }),
  };
}

function create(paths: ReturnType<typeof caPaths>, now: Date): CaFiles {
  // EC P-256, made natively: a fraction of a millisecond, where an RSA key took tens to hundreds.
  const keys = newKeyPair();
  const subject = distinguishedName(CA_COMMON_NAME, 'thrift-fault-proxy (testing only)');
  const certDer = signCertificate({
    subject,
    issuer: subject,
    publicKey: keys.publicKey,
    issuerKey: keys.privateKey,
    // Valid from a day early: clocks on the proxy and its clients need not agree.
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
    extensions: [
      extension.basicConstraints(true),
      extension.keyUsage('digitalSignature', 'keyCertSign', 'cRLSign'),
      extension.subjectKeyId(keyIdOf(keys.publicKey)),
    ],
  });
  const certPem = pem(certDer);

  // Keys first, certificate last: a present ca.pem means a complete CA.
  writeFileAtomically(paths.privateKey, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  writeFileAtomically(paths.publicKey, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  writeFileAtomically(paths.cert, certPem, 0o644);
  return filesOf(certPem, new X509Certificate(certDer), keys.privateKey);
}

/** Tightens key files made by older runs or other tools; the mode asked at creation is subject to umask. */
function restrictKeyFiles(paths: ReturnType<typeof caPaths>): void {
  try {
    if ((fs.statSync(paths.privateKey).mode & 0o077) !== 0) fs.chmodSync(paths.privateKey, 0o600);
  } catch {
    // Read-only CA directories are allowed: the key was readable, which is all this run needs.
  }
}

function writeFileAtomically(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.chmodSync(temp, mode);
  fs.renameSync(temp, file);
}
