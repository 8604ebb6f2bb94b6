// Real upstream servers for proxy tests, on 127.0.0.1 with an ephemeral port: plain HTTP or HTTPS. Each one
// remembers the requests it saw (with full bodies) and counts TCP connections, so tests can check what
// reached the server, byte for byte, and whether connections were reused.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { once } from 'node:events';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Which of the server's connections (1, 2, ...) carried it. */
  connection: number;
}

export type UpstreamHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export interface TestUpstream {
  port: number;
  readonly requests: SeenRequest[];
  /** TCP (or TLS) connections accepted so far. */
  readonly connectionCount: number;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Answers each request once its body has been read; default: 200 "ok". */
  handler?: UpstreamHandler;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
  /** Called with the raw request before its body is read (for streaming handlers that must not buffer). */
  streamingHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

export async function startUpstream(options: UpstreamOptions = {}): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const connectionIds = new WeakMap<net.Socket, number>();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const handler = options.handler ?? ((_req, res) => res.end('ok'));

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const connection = connectionIds.get(req.socket) ?? 0;
    if (options.streamingHandler !== undefined) {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0), connection });
      options.streamingHandler(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, connection });
      handler(req, res, body);
    });
  };
  const server =
    options.tls !== undefined
      ? https.createServer({ key: options.tls.key, cert: options.tls.cert, keepAliveTimeout: 30_000 }, onRequest)
      : http.createServer({ keepAliveTimeout: 30_000 }, onRequest);
  // 'secureConnection' for TLS, 'connection' for plain: either way the socket requests arrive on.
  server.on(options.tls !== undefined ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    connectionIds.set(socket, ++connections);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    requests,
    get connectionCount() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A streaming handler that sends `?bytes=N` bytes (default 1 MiB) of 'Z' in 64 KiB chunks, honouring backpressure. */
export function streamBytesHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes') ?? 1024 * 1024);
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  req.resume();
  pumpBytes(res, total, chunk);
}

/**
 * Writes `total` bytes of `chunk` repeated (the last one cut short) and ends `res`, waiting for 'drain' whenever
 * the socket is full; stops early if `res` is destroyed. `onSent` hears the running total after each write.
 */
export function pumpBytes(res: http.ServerResponse, total: number, chunk: Buffer, onSent?: (sent: number) => void): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      onSent?.(sent);
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
