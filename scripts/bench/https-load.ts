// HTTPS as CloudFetch does it: GETs of presigned storage URLs, directly or through a CONNECT tunnel that the
// proxy intercepts. Every transfer checks its byte count: a short body is a correctness failure.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { msSince } from './stats';

export interface HttpsRoute {
  /** Trusted CA (PEM): the upstream's directly, the proxy's through the proxy. */
  ca: string;
  /** The upstream's port (direct) or the proxy's (tunnelled). */
  port: number;
  tunnel: boolean;
}

/** A TLS connection to `host`, direct or through a CONNECT tunnel. */
export async function connectTo(route: HttpsRoute, host: string): Promise<tls.TLSSocket> {
  let raw: net.Socket;
  if (route.tunnel) {
    const req = http.request({ host: '127.0.0.1', port: route.port, method: 'CONNECT', path: `${host}:443` });
    req.end();
    const [res, socket] = (await once(req, 'connect')) as [http.IncomingMessage, net.Socket];
    if (res.statusCode !== 200) throw new Error(`CONNECT ${host} answered ${res.statusCode}`);
    raw = socket;
  } else {
    raw = net.connect(route.port, '127.0.0.1');
  }
  return new Promise((resolve, reject) => {
    const s = tls.connect({ socket: raw, servername: host, ca: route.ca }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Reading pace for a slow client: at most this many bytes per second. Unset: as fast as the data comes. */
export interface GetOptions {
  readBytesPerSecond?: number;
}

/** GETs `bytes` from `host` over `socket`; resolves when all of them arrived. */
export function get(socket: tls.TLSSocket, host: string, bytes: number, options: GetOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = https.request(
      { host, port: 443, path: `/results/file.arrow?bytes=${bytes}&se=2099-01-01&sig=benchsignature`, createConnection: () => socket },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET ${host} answered HTTP ${res.statusCode}`));
        let got = 0;
        const t0 = process.hrtime.bigint();
        const pace = options.readBytesPerSecond;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (pace === undefined) return;
          const aheadMs = (got / pace) * 1000 - msSince(t0);
          if (aheadMs > 1) {
            res.pause();
            setTimeout(() => res.resume(), aheadMs);
          }
        });
        res.on('end', () => (got === bytes ? resolve() : reject(new Error(`GET ${host}: got ${got} of ${bytes} bytes`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** One download on a new connection; returns MiB/s, timed from the request to the last byte. */
export async function download(route: HttpsRoute, host: string, bytes: number, options: GetOptions = {}): Promise<number> {
  const socket = await connectTo(route, host);
  try {
    const t0 = process.hrtime.bigint();
    await get(socket, host, bytes, options);
    return bytes / (1024 * 1024) / (msSince(t0) / 1000);
  } finally {
    socket.destroy();
  }
}

/** CONNECT, TLS handshake and a 1 KiB GET on a new connection: what a client's first request to `host` costs. */
export async function timeNewConnectionRequest(route: HttpsRoute, host: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const socket = await connectTo(route, host);
  try {
    await get(socket, host, 1024);
    return msSince(t0);
  } finally {
    socket.destroy();
  }
}
