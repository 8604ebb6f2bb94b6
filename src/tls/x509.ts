// X.509 certificates and CRLs signed with node:crypto: native key generation and signing (well under a
// millisecond for EC P-256, where node-forge's pure-JS RSA took hundreds), for the proxy CA, its leaf
// certificates and CRL, and the throwaway certificates of the fake warehouse and tests.
import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import net from 'node:net';
import * as der from './der';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** An EC P-256 key pair: what every certificate made here now carries (TLS clients all accept ECDSA). */
export function newKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

export interface CertificateSpec {
  /** DER Name of the certificate's subject. */
  subject: Buffer;
  /** DER Name of the issuer: the subject of the signing CA, byte for byte. */
  issuer: Buffer;
  publicKey: KeyObject;
  /** The issuer's private key (the certificate's own for a self-signed CA). */
  issuerKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Encoded extensions, from the `extension` helpers. */
  extensions: Buffer[];
}

/** A signed X.509 v3 certificate, DER. */
export function signCertificate(spec: CertificateSpec): Buffer {
  const algorithm = signatureAlgorithm(spec.issuerKey);
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(randomSerial()),
    algorithm,
    spec.issuer,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    spec.subject,
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...spec.extensions)),
  );
  return der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, spec.issuerKey)));
}

export interface CrlSpec {
  issuer: Buffer;
  issuerKey: KeyObject;
  /** The issuer's subject key identifier. */
  authorityKeyId: Buffer;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Increases with each CRL the issuer publishes. */
  number: number;
}

/** A signed X.509 v2 CRL that revokes nothing, DER. */
export function signEmptyCrl(spec: CrlSpec): Buffer {
  const algorithm = signatureAlgorithm(spec.issuerKey);
  const tbs = der.sequence(
    der.smallInteger(1), // v2
    algorithm,
    spec.issuer,
    der.time(spec.thisUpdate),
    der.time(spec.nextUpdate),
    der.explicit(0, der.sequence(extension.authorityKeyId(spec.authorityKeyId), extensionOf('2.5.29.20', der.smallInteger(spec.number)))),
  );
  return der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, spec.issuerKey)));
}

export function pem(derBytes: Buffer, label: 'CERTIFICATE' | 'X509 CRL' = 'CERTIFICATE'): string {
  const lines = derBytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** DER of a PEM block (the first one). */
export function pemBody(pemText: string): Buffer {
  const match = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pemText);
  if (match === null) throw new Error('no PEM block found');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** A Name of a common name and, optionally, an organization. */
export function distinguishedName(commonName: string, organization?: string): Buffer {
  const attribute = (oid: string, value: string): Buffer => der.set(der.sequence(der.objectId(oid), der.utf8String(value)));
  return der.sequence(
    ...(organization === undefined ? [] : [attribute('2.5.4.10', organization)]),
    // A common name longer than 64 characters is invalid X.509; the subjectAltName is what clients check anyway.
    attribute('2.5.4.3', commonName.slice(0, 64)),
  );
}

/** Key identifier of a public key: SHA-1 of its subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
export function keyIdOf(publicKey: KeyObject): Buffer {
  const spki = der.childrenOf(der.readNode(publicKey.export({ type: 'spki', format: 'der' })));
  return createHash('sha1').update(spki[1].content.subarray(1)).digest();
}

/** What signing under a CA certificate needs from it: its subject, byte for byte, and its key identifier. */
export function issuerPartsOf(certDer: Buffer, publicKey: KeyObject): { subject: Buffer; keyId: Buffer } {
  const tbs = der.childrenOf(der.childrenOf(der.readNode(certDer))[0]);
  const fields = tbs[0].tag === 0xa0 ? tbs.slice(1) : tbs; // serial, signature, issuer, validity, subject, ...
  const subject = fields[4].raw;
  const extensions = tbs.find((node) => node.tag === 0xa3);
  const skidOid = der.objectId('2.5.29.14');
  for (const ext of extensions === undefined ? [] : der.childrenOf(der.childrenOf(extensions)[0])) {
    const parts = der.childrenOf(ext);
    if (parts[0].raw.equals(skidOid)) return { subject, keyId: der.readNode(parts[parts.length - 1].content).content };
  }
  return { subject, keyId: keyIdOf(publicKey) };
}

function extensionOf(oid: string, value: Buffer, critical = false): Buffer {
  return der.sequence(der.objectId(oid), ...(critical ? [der.booleanTrue()] : []), der.octetString(value));
}

const KEY_USAGE_BITS = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export const extension = {
  basicConstraints: (ca: boolean): Buffer => extensionOf('2.5.29.19', ca ? der.sequence(der.booleanTrue()) : der.sequence(), ca),
  keyUsage: (...uses: (keyof typeof KEY_USAGE_BITS)[]): Buffer =>
    extensionOf('2.5.29.15', der.namedBits(uses.map((use) => KEY_USAGE_BITS[use])), true),
  serverAuth: (): Buffer => extensionOf('2.5.29.37', der.sequence(der.objectId('1.3.6.1.5.5.7.3.1'))),
  /** DNS names (wildcards included) and IP addresses (v4 or v6). */
  subjectAltName: (names: readonly string[]): Buffer =>
    extensionOf(
      '2.5.29.17',
      der.sequence(...names.map((name) => (net.isIP(name) !== 0 ? der.implicitPrimitive(7, ipBytes(name)) : der.implicitPrimitive(2, Buffer.from(name, 'ascii'))))),
    ),
  subjectKeyId: (keyId: Buffer): Buffer => extensionOf('2.5.29.14', der.octetString(keyId)),
  authorityKeyId: (keyId: Buffer): Buffer => extensionOf('2.5.29.35', der.sequence(der.implicitPrimitive(0, keyId))),
  /** Where the issuer's CRL is published: one distribution point with one URI. */
  crlDistributionPoint: (url: string): Buffer =>
    extensionOf('2.5.29.31', der.sequence(der.sequence(der.explicit(0, der.explicit(0, der.implicitPrimitive(6, Buffer.from(url, 'ascii'))))))),
};

function signatureAlgorithm(key: KeyObject): Buffer {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return der.sequence(der.objectId('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
    case 'rsa':
      return der.sequence(der.objectId('1.2.840.113549.1.1.11'), der.nullValue()); // sha256WithRSAEncryption
    default:
      throw new Error(`cannot sign certificates with a ${key.asymmetricKeyType ?? 'unknown'} key`);
  }
}

function randomSerial(): Buffer {
  // 16 random bytes, positive and without a leading zero byte, so the INTEGER is exactly 16 bytes.
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return serial;
}

function ipBytes(address: string): Buffer {
  if (net.isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head, tail = ''] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (part: string | undefined): number[] => {
    if (part === undefined || part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [Number.parseInt(group, 16)];
      const [a, b, c, d] = group.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const front = groups(head);
  const back = groups(address.includes('::') ? tail : undefined);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}
