// Clients that go through the proxy the way drivers do: plain HTTP as absolute-form requests, HTTPS through
// CONNECT tunnels with real TLS on top, trusting the proxy's CA. Agents keep connections alive, so tests can
// check reuse.
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import tls from 'node:tls';

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ClientRequest {
  method?: string;
  /** Absolute URL as the client means it, e.g. https://fake.blob.core.windows.net/x?sig=... */
  url: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string;
}

/** Sends one request through the proxy: `http:` URLs in absolute form, `https:` URLs through `tunnelAgent`. */
export function requestViaProxy(proxyPort: number, request: ClientRequest, agents: { http?: http.Agent; tunnel?: TunnelAgent } = {}): Promise<ClientResponse> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  if (secure && agents.tunnel === undefined) throw new Error('an https URL needs a TunnelAgent');
  const options: https.RequestOptions = secure
    ? { host: url.hostname, port: url.port === '' ? 443 : Number(url.port), path: url.pathname + url.search, agent: agents.tunnel, servername: url.hostname }
    : { host: '127.0.0.1', port: proxyPort, path: request.url, agent: agents.http ?? false, headers: { host: url.host } };
  options.method = request.method ?? (request.body === undefined ? 'GET' : 'POST');
  options.headers = { ...options.headers, ...request.headers };
  return sendAndCollect(secure ? https : http, options, request.body);
}

export function sendAndCollect(proto: typeof http | typeof https, options: https.RequestOptions, body?: Buffer | string): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = proto.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a CONNECT tunnel through the proxy; resolves with the raw socket once the proxy said 200. */
export function openTunnel(proxyPort: number, authority: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority, headers: { host: authority } });
    req.once('connect', (res: http.IncomingMessage, socket: net.Socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`CONNECT ${authority} answered ${res.statusCode}`));
      }
    });
    req.once('error', reject);
    req.end();
  });
}

export interface TunnelAgentOptions {
  proxyPort: number;
  /** PEM the client trusts for the tunnelled TLS: the proxy's CA. */
  ca: string;
  keepAlive?: boolean;
  maxSockets?: number;
}

/** An https.Agent whose connections are CONNECT tunnels through the proxy, with TLS to the tunnelled host. */
export class TunnelAgent extends https.Agent {
  /** CONNECT tunnels opened so far (one per new connection; reused connections open none). */
  tunnelsOpened = 0;
  private readonly proxyPort: number;
  private readonly proxyCa: string;

  constructor(options: TunnelAgentOptions) {
    super({ keepAlive: options.keepAlive ?? true, maxSockets: options.maxSockets ?? Infinity });
    this.proxyPort = options.proxyPort;
    this.proxyCa = options.ca;
  }

  override createConnection(options: https.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const host = options.servername ?? options.hostname ?? options.host ?? 'localhost';
    this.tunnelsOpened++;
    openTunnel(this.proxyPort, `${host}:${options.port ?? 443}`).then(
      (raw) => {
        const secure = tls.connect({ socket: raw, servername: host, ca: this.proxyCa });
        secure.once('secureConnect', () => callback?.(null, secure));
        secure.once('error', (error) => callback?.(error, secure));
      },
      (error: Error) => callback?.(error, raw0()),
    );
    return undefined;
  }
}

/** The agent's callback wants a stream even on failure; an ended one stands in for the connection never made. */
function raw0(): Duplex {
  const stream = new PassThrough();
  stream.destroy();
  return stream;
}

/**
 * Writes raw request bytes to the proxy on a new connection and returns everything it sent back until it closed
 * the connection (for requests no HTTP client would send: HTTP/1.0 without Host, malformed CONNECT targets).
 */
export async function rawExchange(proxyPort: number, request: string, timeoutMs = 10_000): Promise<string> {
  const socket = net.connect(proxyPort, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
  socket.write(request);
  try {
    await once(socket, 'close', { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    socket.destroy();
    throw new Error(`the proxy neither answered nor closed within ${timeoutMs} ms after ${JSON.stringify(request)}: got ${JSON.stringify(received)}`);
  }
  return received;
}
