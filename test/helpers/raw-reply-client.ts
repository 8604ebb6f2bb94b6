// A client that sees a reply the way the wire delivers it: every body byte with the time it arrived, and how
// the connection ended (a TCP reset, or a FIN), which an HTTP client library would blur into one error. Plain
// requests go to the proxy in absolute form; https ones through a CONNECT tunnel with TLS on top.
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { openTunnel } from './proxied-client';

/**
 * A client sees a pause as the gap between two of its reads; on a loaded machine its read of the bytes before the
 * pause can come late, shortening the gap it sees by that much. Whole-request time has no such slack.
 */
export const CLIENT_READ_JITTER_MS = 50;

export interface RawReply {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body bytes as they came, de-chunked when the reply was chunked. */
  body: Buffer;
  /** 'reset': TCP reset; 'fin': the peer closed (FIN); 'complete': the whole promised body came (connection left open). */
  end: 'reset' | 'fin' | 'complete' | 'error';
  error?: string;
  /** performance.now() when the response head was complete, and when each body chunk arrived (cumulative bytes). */
  headAt: number;
  arrivals: Array<{ at: number; bytes: number }>;
}

export interface RawRequest {
  proxyPort: number;
  /** http:// or https:// URL as the client means it. */
  url: string;
  /** Trusted CA (the proxy's), for https. */
  ca?: string;
  timeoutMs?: number;
  /** Default GET (no body). */
  method?: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

export async function fetchRaw(request: RawRequest): Promise<RawReply> {
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  let socket: net.Socket;
  let target: string;
  if (secure) {
    const raw = await openTunnel(request.proxyPort, `${url.hostname}:${url.port === '' ? 443 : url.port}`);
    raw.allowHalfOpen = true;
    socket = tls.connect({ socket: raw, servername: url.hostname, ca: request.ca, allowHalfOpen: true } as tls.ConnectionOptions);
    target = url.pathname + url.search;
  } else {
    socket = net.connect({ port: request.proxyPort, host: '127.0.0.1', allowHalfOpen: true });
    target = request.url;
  }
  const body = request.body ?? Buffer.alloc(0);
  const headers = Object.entries({ ...request.headers, ...(request.body === undefined ? {} : { 'Content-Length': String(body.length) }) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(Buffer.concat([Buffer.from(`${request.method ?? 'GET'} ${target} HTTP/1.1\r\nHost: ${url.host}\r\n${headers}\r\n`, 'latin1'), body]));
  return readReply(socket, request.timeoutMs ?? 30_000);
}

function readReply(socket: net.Socket, timeoutMs: number): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let reply: RawReply | undefined;
    let expected: number | undefined;
    let chunked = false;
    let raw = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of the reply within ${timeoutMs} ms (${reply?.body.length ?? 0} body bytes so far)`));
    }, timeoutMs);
    const finish = (end: RawReply['end'], error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (reply === undefined) {
        reject(new Error(`connection ended (${end}${error === undefined ? '' : `: ${error}`}) before a response head`));
        return;
      }
      if (chunked) reply.body = dechunk(raw);
      reply.end = end;
      if (error !== undefined) reply.error = error;
      resolve(reply);
    };
    socket.on('data', (chunk: Buffer) => {
      const at = performance.now();
      if (reply === undefined) {
        buffered = Buffer.concat([buffered, chunk]);
        const headEnd = buffered.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const lines = buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        reply = { status: Number(lines[0].split(' ')[1]), headers, body: Buffer.alloc(0), end: 'error', headAt: at, arrivals: [] };
        expected = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
        chunked = headers['transfer-encoding'] === 'chunked';
        chunk = buffered.subarray(headEnd + 4);
      }
      if (chunk.length === 0) return;
      if (chunked) raw = Buffer.concat([raw, chunk]);
      reply.body = Buffer.concat([reply.body, chunk]);
      reply.arrivals.push({ at, bytes: reply.body.length });
      if (expected !== undefined && reply.body.length >= expected) finish('complete');
      else if (chunked && raw.subarray(-5).toString('latin1') === '0\r\n\r\n') finish('complete');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(RESET_CODES.has(error.code ?? '') ? 'reset' : 'error', error.code ?? error.message));
    // A reset that arrives while body bytes are still unread is reported by Linux as an end of stream. The
    // connection's state tells them apart: after a reset it is gone (a write fails), after a FIN only the
    // peer's side is closed (a write still goes out).
    socket.on('end', () => socket.write('\r\n', (error?: NodeJS.ErrnoException | null) => finish(error ? 'reset' : 'fin', error?.code)));
  });
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(pos, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
