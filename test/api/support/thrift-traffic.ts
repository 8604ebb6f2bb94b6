// Real Thrift-over-HTTP traffic for API tests: a tiny upstream warehouse that answers every CALL with a
// SUCCESS reply, and a client that POSTs CALLs to it through the proxy (plain HTTP, absolute URI).
import http from 'node:http';
import { AddressInfo } from 'node:net';

export const WAREHOUSE_PATH = '/sql/1.0/warehouses/apitest';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function header(type: number, method: string, seqid: number): Buffer {
  const name = Buffer.from(method);
  return Buffer.concat([u32(0x80010000 | type), u32(name.length), name, u32(seqid)]);
}

/** `<Method>_args { 1: T<Method>Req {} }`: binary protocol, strict header. */
export function thriftCall(method: string, seqid: number): Buffer {
  return Buffer.concat([header(1, method, seqid), Buffer.from([0x0c, 0x00, 0x01, 0x00, 0x00])]);
}

/** `<Method>_result { 0: T<Method>Resp { 1: TStatus { 1: statusCode = SUCCESS } } }`. */
function thriftReply(method: string, seqid: number): Buffer {
  return Buffer.concat([
    header(2, method, seqid),
    Buffer.from([0x0c, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x08, 0x00, 0x01]),
    u32(0),
    Buffer.from([0x00, 0x00, 0x00]),
  ]);
}

function readMessageHeader(body: Buffer): { method: string; seqid: number } {
  const length = body.readUInt32BE(4);
  return { method: body.subarray(8, 8 + length).toString(), seqid: body.readInt32BE(8 + length) };
}

export interface FakeUpstream {
  port: number;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { method, seqid } = readMessageHeader(Buffer.concat(chunks));
      const reply = thriftReply(method, seqid);
      res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
      res.end(reply);
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ThriftResponse {
  status: number;
  body: Buffer;
}

/** `OpenSession_args { 1: TOpenSessionReq { 3: password } }`: a call that carries a secret. */
export function openSessionWithPassword(password: string, seqid: number): Buffer {
  const secret = Buffer.from(password);
  return Buffer.concat([
    header(1, 'OpenSession', seqid),
    Buffer.from([0x0c, 0x00, 0x01, 0x0b, 0x00, 0x03]),
    u32(secret.length),
    secret,
    Buffer.from([0x00, 0x00]),
  ]);
}

export interface CallOptions {
  /** The whole Thrift message; default: an empty `<Method>_args` CALL. */
  body?: Buffer;
  headers?: http.OutgoingHttpHeaders;
}

/** POSTs one Thrift CALL to the upstream through the proxy and returns what the client got. */
export function callThroughProxy(
  proxy: { host: string; port: number },
  upstreamPort: number,
  method: string,
  seqid = 1,
  options: CallOptions = {},
): Promise<ThriftResponse> {
  const body = options.body ?? thriftCall(method, seqid);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: proxy.host,
        port: proxy.port,
        method: 'POST',
        path: `http://127.0.0.1:${upstreamPort}${WAREHOUSE_PATH}`,
        headers: {
          host: `127.0.0.1:${upstreamPort}`,
          'content-type': 'application/x-thrift',
          'content-length': body.length,
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
