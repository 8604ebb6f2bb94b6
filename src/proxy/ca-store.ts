// The proxy's own certificate authority, persisted in --ca-dir: made on the first run, reused afterwards, so
// clients trust one PEM for good. The layout (certs/ca.pem, keys/ca.private.key, keys/ca.public.key) is the one
// http-mitm-proxy loads, so it picks up this CA instead of making its own. Private keys are mode 0600.
// Several proxies may start at once on one new directory (parallel test fixtures, default --ca-dir): creation
// happens under a lock file, and whoever did not create the CA loads the one on disk, so every proxy signs
// with the CA clients trust.
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { newCertificate } from '../tls/new-certificate';
import { makeDirectory, withFileLock } from './ca-files';

/** The CA parsed for signing leaf certificates. */
export interface CaSigner {
  cert: forge.pki.Certificate;
  privateKey: forge.pki.rsa.PrivateKey;
}

export interface ProxyCa {
  certPem: string;
  /** Absolute path of the PEM certificate clients must trust. */
  certPath: string;
  /** End of the CA's validity; leaf certificates never outlive it. */
  notAfter: Date;
  /** Whether this run created the CA (false: loaded from caDir). */
  created: boolean;
  /**
   * The certificate and key in forge's form, parsed on the first call (the first intercepted host) and kept:
   * forge's PEM parsing costs start-up milliseconds that only signing needs.
   */
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

type CaFiles = Pick<ProxyCa, 'certPem' | 'notAfter' | 'signer'>;

function tryLoad(paths: ReturnType<typeof caPaths>): CaFiles | undefined {
  if (!fs.existsSync(paths.cert) || !fs.existsSync(paths.privateKey)) return undefined;
  const certPem = fs.readFileSync(paths.cert, 'utf8');
  const keyPem = fs.readFileSync(paths.privateKey, 'utf8');
  // Node's native parser checks the pair now (well under a millisecond), so a broken CA still fails the start.
  const x509 = new X509Certificate(certPem);
  if (!x509.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(`${paths.privateKey} is not the key of ${paths.cert}`);
  let signer: CaSigner | undefined;
  return {
    certPem,
    notAfter: new Date(x509.validTo),
    signer: () =>
      (signer ??= {
        cert: forge.pki.certificateFromPem(certPem),
        privateKey: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
      }),
  };
}

function create(paths: ReturnType<typeof caPaths>, now: Date): CaFiles {
  // Node's native key generation takes milliseconds where forge's takes most of a second.
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(keys.privateKey) as forge.pki.rsa.PrivateKey;
  const cert = newCertificate(forge.pki.publicKeyFromPem(keys.publicKey), now, new Date(now.getTime() + CA_LIFETIME_MS));
  const subject = [
    { name: 'commonName', value: CA_COMMON_NAME },
    { name: 'organizationName', value: 'thrift-fault-proxy (testing only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);

  // Keys first, certificate last: a present ca.pem means a complete CA.
  writeFileAtomically(paths.privateKey, keys.privateKey, 0o600);
  writeFileAtomically(paths.publicKey, keys.publicKey, 0o644);
  writeFileAtomically(paths.cert, certPem, 0o644);
  const signer: CaSigner = { cert, privateKey };
  return { certPem, notAfter: cert.validity.notAfter, signer: () => signer };
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
