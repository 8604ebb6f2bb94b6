// The benchmark's servers, each run as its own process (`node bench.js --role NAME ...`): the upstream
// (warehouse and storage), and the floors the proxy is compared with: a bare pass-through proxy, a bare
// TLS-intercepting proxy and a gRPC unary echo server. Each prints one JSON line with its ports when ready.
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { Server, ServerCredentials, ServiceDefinition, handleUnaryCall } from '@grpc/grpc-js';
import { thriftReply } from './thrift-load';

export const STORAGE_HOST = 'benchaccount.blob.core.windows.net';
/** Names the upstream's certificate covers: the storage host and any other host under the same suffix. */
export const STORAGE_WILDCARD = '*.blob.core.windows.net';

/** Certificates the bench made for its upstream (and the bare interceptor), trusted through `caCert`. */
export interface BenchCertificates {
  caCert: string;
  key: string;
  cert: string;
}

function readCertificates(file: string): BenchCertificates {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchCertificates;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return portOf(server);
}

function announce(ports: Record<string, number>): void {
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

// ---- upstream: Thrift replies on POST, `?bytes=N` of data on GET, over HTTP and HTTPS -------------------------
async function runUpstream(certsFile: string): Promise<void> {
  const reply = thriftReply();
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
        res.end(reply);
      });
      return;
    }
    const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes') ?? 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
  const certs = readCertificates(certsFile);
  const plain = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  const secure = https.createServer({ key: certs.key, cert: certs.cert, keepAliveTimeout: 60_000 }, handler);
  announce({ httpPort: await listen(plain), httpsPort: await listen(secure) });
}

// ---- bare pass-through proxy: absolute-form HTTP requests piped to their server, nothing else --------------------
async function runBareProxy(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const target = new URL(req.url ?? '/');
    const up = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  announce({ port: await listen(server) });
}

// ---- bare TLS interceptor: answers CONNECT, terminates TLS with one fixed certificate, pipes each request to the
// upstream over HTTPS. Node's defaults everywhere: the floor for a Node.js intercepting proxy. -------------------
async function runBareInterceptor(certsFile: string, upstreamPort: number): Promise<void> {
  const certs = readCertificates(certsFile);
  const context = tls.createSecureContext({ key: certs.key, cert: certs.cert });
  const agent = new https.Agent({ keepAlive: true, ca: certs.caCert });
  const decrypted = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const up = https.request(
      { host: '127.0.0.1', port: upstreamPort, servername: (req.headers.host ?? '').replace(/:\d+$/, ''), path: req.url, method: req.method, headers: req.headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const server = http.createServer();
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
    secure.on('error', () => secure.destroy());
    secure.once('secure', () => decrypted.emit('connection', secure));
  });
  announce({ port: await listen(server) });
}

// ---- gRPC unary echo: the floor for any grpc-js unary call (bytes in, the same bytes out) ------------------------
export const ECHO_PATH = '/bench.Echo/Echo';
const ECHO_SERVICE: ServiceDefinition = {
  echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

async function runGrpcEcho(): Promise<void> {
  const server = new Server();
  const echo: handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, call.request);
  server.addService(ECHO_SERVICE, { echo });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  announce({ port });
}

/** Runs the role named on the command line (`--role NAME ARGS...`) until SIGTERM. */
export async function runRole(argv: readonly string[]): Promise<void> {
  const [, role, ...args] = argv;
  process.once('SIGTERM', () => process.exit(0));
  switch (role) {
    case 'upstream':
      return runUpstream(args[0]);
    case 'bare-proxy':
      return runBareProxy();
    case 'bare-interceptor':
      return runBareInterceptor(args[0], Number(args[1]));
    case 'grpc-echo':
      return runGrpcEcho();
    default:
      throw new Error(`unknown role '${role}'`);
  }
}
