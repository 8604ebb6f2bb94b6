// Requests for tests of custom scenarios (matchers and steps), over plain HTTP or intercepted HTTPS, against a
// ScenarioRig's upstreams: Thrift calls to the warehouse, GETs to storage, and other HTTP requests.
import net from 'node:net';
import tls from 'node:tls';
import Int64 from 'node-int64';
import { ClientResponse, openTunnel, requestViaProxy, TunnelAgent } from './proxied-client';
import { ScenarioRig, Transport, WAREHOUSE_PATH, PLAIN_STORAGE_HOST } from './scenario-rig';
import { encodeMessage, T } from './thrift-messages';
import { STORAGE_HOST, WAREHOUSE_HOST } from './tls-fixtures';
import { settle } from './wait-for';

export type RuleOutcome = { ok: true; response: ClientResponse; elapsedMs: number } | { ok: false; error: NodeJS.ErrnoException; elapsedMs: number };

export interface RuleRequest {
  method?: string;
  /** Path and query on the target host. */
  path: string;
  /** 'warehouse' (Thrift), 'storage' (CloudFetch) or 'other' (neither). */
  target: 'warehouse' | 'storage' | 'other';
  headers?: Record<string, string>;
  body?: Buffer;
}

/** Where a target is reached over each transport (host mappings of the rig send both to its upstreams). */
export function baseUrl(rig: ScenarioRig, transport: Transport, target: RuleRequest['target']): string {
  if (transport === 'https') return `https://${target === 'storage' ? STORAGE_HOST : WAREHOUSE_HOST}`;
  return target === 'storage' ? `http://${PLAIN_STORAGE_HOST}` : `http://127.0.0.1:${rig.plain.port}`;
}

/** Sends over a connection of its own (a reset or close cannot disturb another request). */
export async function sendRule(rig: ScenarioRig, transport: Transport, request: RuleRequest): Promise<RuleOutcome> {
  const tunnel = new TunnelAgent({ proxyPort: rig.proxy.port, ca: rig.proxy.caCertPem, keepAlive: false });
  const started = process.hrtime.bigint();
  try {
    const outcome = await settle(
      requestViaProxy(
        rig.proxy.port,
        {
          method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
          url: `${baseUrl(rig, transport, request.target)}${request.path}`,
          headers: { ...(request.body !== undefined && request.target === 'warehouse' ? { 'content-type': 'application/x-thrift' } : {}), ...request.headers },
          body: request.body,
        },
        { tunnel },
      ),
    );
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    return outcome.ok ? { ok: true, response: outcome.value, elapsedMs } : { ok: false, error: outcome.error, elapsedMs };
  } finally {
    tunnel.destroy();
  }
}

/** An ExecuteStatement call with this SQL and getDirectResults.maxRows, as a Thrift request. */
export function thriftStatement(sql: string, seqid: number, maxRows?: number): RuleRequest {
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const request = new T.TExecuteStatementReq({
    sessionHandle: new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: id, secret: id }) }),
    statement: sql,
    ...(maxRows === undefined ? {} : { getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(maxRows) }) }),
  });
  return { target: 'warehouse', path: WAREHOUSE_PATH, body: encodeMessage('ExecuteStatement', request as never, seqid) };
}

export function thriftCall(method: string, request: object, seqid: number): RuleRequest {
  return { target: 'warehouse', path: WAREHOUSE_PATH, body: encodeMessage(method, request as never, seqid) };
}

/** Opens its own connection through the proxy (a CONNECT tunnel with TLS for https) and writes the request raw. */
export async function sendRaw(rig: ScenarioRig, transport: Transport, request: RuleRequest): Promise<net.Socket | tls.TLSSocket> {
  const url = new URL(`${baseUrl(rig, transport, request.target)}${request.path}`);
  let socket: net.Socket | tls.TLSSocket;
  let target: string;
  if (transport === 'https') {
    const raw = await openTunnel(rig.proxy.port, `${url.hostname}:443`);
    socket = tls.connect({ socket: raw, servername: url.hostname, ca: rig.proxy.caCertPem });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    target = `${url.pathname}${url.search}`;
  } else {
    socket = net.connect(rig.proxy.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    target = url.href;
  }
  const body = request.body ?? Buffer.alloc(0);
  const head =
    `${request.method ?? (request.body === undefined ? 'GET' : 'POST')} ${target} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  return socket;
}

/**
 * How a connection ends when the proxy answers nothing: 'fin' (a normal close), 'reset' (RST), or 'answered'
 * when bytes came back. Raw sockets, so a FIN and a RST can be told apart (Node's HTTP client calls both
 * "socket hang up").
 */
export async function connectionEnd(rig: ScenarioRig, transport: Transport, request: RuleRequest): Promise<'fin' | 'reset' | 'answered'> {
  const socket = await sendRaw(rig, transport, request);
  return new Promise((resolve) => {
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNRESET' ? 'reset' : 'answered'));
    socket.once('end', () => resolve(received > 0 ? 'answered' : 'fin'));
  });
}
