// The proxy CA's certificate revocation list: empty (the proxy revokes nothing), signed by the CA, and served by
// the proxy itself over plain HTTP on its own listening port, at a path named after the CA. Leaf certificates
// point to it, so a client that checks revocation online (.NET's X509RevocationMode.Online, the default of the
// ADBC Databricks driver) fetches it and finds the leaf good, where a leaf without a CRL leaves the status
// unknown and fails the connection. .NET fetches CRLs over http only, directly or through its default proxy
// (HTTP_PROXY); both reach the proxy, as an origin-form or an absolute-form GET of this path.
import http from 'node:http';
import net from 'node:net';
import { signEmptyCrl } from '../tls/x509';
import { ProxyCa } from './ca-store';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** How long a CRL says it holds: clients (and .NET's CRL cache) fetch a new one after that. */
const CRL_VALIDITY_MS = 7 * DAY_MS;
/** A served CRL is signed again once it is this old, so nextUpdate always lies days ahead. */
const RESIGN_AFTER_MS = HOUR_MS;

export class RevocationList {
  /** Path of the CRL on the proxy's port; the CA's fingerprint in it keeps CRLs of different CAs apart in caches. */
  readonly path: string;
  private signed: { der: Buffer; at: number } | undefined;

  constructor(private readonly ca: ProxyCa) {
    this.path = `/.thrift-fault-proxy/crl/${ca.fingerprint.slice(0, 32)}.crl`;
  }

  /** The CRL's URL as a client connected on `socket` reaches the proxy: the address and port it connected to. */
  urlFor(socket: net.Socket): string {
    return `http://${urlHost(socket.localAddress ?? '127.0.0.1')}:${socket.localPort ?? 80}${this.path}`;
  }

  /** Answers a GET or HEAD of the CRL's path (origin-form, or absolute-form to any host); false for anything else. */
  answer(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const target = req.url ?? '';
    const path = target.startsWith('/') ? target : pathOfAbsolute(target);
    if (path !== this.path) return false;
    const der = this.current();
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/pkix-crl',
      'content-length': der.length,
      'cache-control': `max-age=${RESIGN_AFTER_MS / 1000}`,
    });
    res.end(req.method === 'HEAD' ? undefined : der);
    return true;
  }

  /** The CRL, DER. */
  current(now: Date = new Date()): Buffer {
    if (this.signed === undefined || now.getTime() - this.signed.at >= RESIGN_AFTER_MS) {
      const signer = this.ca.signer();
      const der = signEmptyCrl({
        issuer: signer.subject,
        issuerKey: signer.privateKey,
        authorityKeyId: signer.keyId,
        // From a day early, as the certificates: clocks need not agree.
        thisUpdate: new Date(now.getTime() - DAY_MS),
        nextUpdate: new Date(Math.min(now.getTime() + CRL_VALIDITY_MS, this.ca.notAfter.getTime())),
        number: Math.floor(now.getTime() / 1000),
      });
      this.signed = { der, at: now.getTime() };
    }
    return this.signed.der;
  }
}

function urlHost(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4 !== null) return v4[1];
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  return net.isIPv6(address) ? `[${address}]` : address;
}

function pathOfAbsolute(target: string): string | undefined {
  if (!/^http:\/\//i.test(target)) return undefined;
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}
