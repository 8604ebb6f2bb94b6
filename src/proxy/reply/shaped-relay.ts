// Relays a reply that response-side steps act on: status and headers changed, the whole body rewritten (it is
// collected first, up to a cap, and its Content-Length fixed), the bytes slowed, held or corrupted on their way,
// and the client's connection cut after so many body bytes (TCP reset or FIN, only once the bytes before the
// cut have been handed to the client's socket). Only used when a step is armed: a plain reply is piped as is.
//
// Order: content first, then delivery. Head changes and whole-body rewrites act on what the server sent; byte
// stages act, in step order, on what goes to the client; the cut comes last.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable, type Transform } from 'node:stream';
import { resetConnection } from '../actions/reset';
import { endToEndHeaders } from '../http-headers';
import { changeHead, type HeadChange, type ReplyHead } from './head-change';
import { waitForAcknowledged } from './send-queue';

/** Longest a reset waits for the client to acknowledge the bytes before the cut. */
const RESET_ACK_TIMEOUT_MS = 30_000;

/** How the proxy ends the client's connection after a cut. */
export type ConnectionEnd = 'reset' | 'close';

/** What a whole-body rewrite made of the server's body. */
export type RewriteResult = { ok: true; body: Buffer } | { ok: false; error: string };

export type ReplyStage =
  | { kind: 'head'; change: HeadChange }
  | { kind: 'rewrite'; rewrite(body: Buffer): RewriteResult }
  | { kind: 'bytes'; create(): Transform }
  | { kind: 'cut'; afterBytes: number; then: ConnectionEnd };

/** How the client's side of the exchange ended. */
export type DeliveryEnd = 'complete' | 'reset' | 'closed' | 'client_closed' | 'upstream_failed';

export interface ShapedDelivery {
  status: number;
  /** Body bytes read from the server. */
  upstreamBytes: number;
  /** Body bytes handed to the client's connection. */
  deliveredBytes: number;
  end: DeliveryEnd;
  /** performance.now() when the last body byte was handed to the client's socket (or the reply ended). */
  lastByteAt: number;
  /** The server's whole body, when a rewrite stage collected it. */
  upstreamBody?: Buffer;
  /** The body the client was sent instead, when a rewrite changed it. */
  rewrittenBody?: Buffer;
  /** Why a rewrite did not apply (the server's body was delivered instead), or why the exchange failed. */
  error?: string;
}

export interface ShapedRelayOptions {
  response: http.IncomingMessage;
  res: http.ServerResponse;
  /** The client's TCP connection (the CONNECT socket for intercepted HTTPS): what a reset resets. */
  clientSocket: net.Socket;
  stages: readonly ReplyStage[];
  /** Most body bytes collected for a rewrite; a longer body is delivered unchanged and the rewrite reported failed. */
  maxRewriteBytes: number;
  /** Keep the server's body (up to this many bytes) for the record, as `upstreamBody`, even without a rewrite. */
  keepUpstreamBytes?: number;
  /** Called exactly once, before the proxy cuts the connection (so a close it causes is not taken for the client's). */
  done(delivery: ShapedDelivery): void;
}

export function relayShaped(o: ShapedRelayOptions): void {
  new ShapedRelay(o).start();
}

class ShapedRelay {
  private upstreamBytes = 0;
  private deliveredBytes = 0;
  private reported = false;
  /** The cut has begun: closes from here on are the proxy's own doing. */
  private cutting = false;
  private status = 0;
  private readonly cut: { afterBytes: number; then: ConnectionEnd } | undefined;
  private source: Readable | undefined;
  private readonly pipes: Readable[] = [];
  private upstreamBody: Buffer | undefined;
  private rewrittenBody: Buffer | undefined;
  private rewriteError: string | undefined;

  constructor(private readonly o: ShapedRelayOptions) {
    for (const stage of o.stages) {
      if (stage.kind === 'cut' && (this.cut === undefined || stage.afterBytes < this.cut.afterBytes)) this.cut = stage;
    }
  }

  start(): void {
    const { response, res } = this.o;
    const keep = this.o.keepUpstreamBytes ?? 0;
    let kept: Buffer[] | undefined = keep > 0 ? [] : undefined;
    response.on('data', (chunk: Buffer) => {
      this.upstreamBytes += chunk.length;
      if (kept === undefined) return;
      if (this.upstreamBytes > keep) kept = undefined;
      else kept.push(chunk);
    });
    response.once('end', () => {
      if (kept !== undefined && this.upstreamBody === undefined) this.upstreamBody = Buffer.concat(kept);
    });
    response.on('error', () => undefined); // reported through 'close'
    response.on('close', () => {
      if (!response.complete && !this.reported && !this.cutting) {
        this.report('upstream_failed', 'upstream closed the connection before the reply was complete');
        res.destroy();
      }
    });
    res.on('close', () => {
      if (res.writableFinished || this.reported || this.cutting) return;
      this.report('client_closed', 'client closed the connection before the reply was complete');
      this.stopReading();
    });
    let head: ReplyHead = { status: response.statusCode ?? 502, statusMessage: response.statusMessage, rawHeaders: endToEndHeaders(response.rawHeaders) };
    for (const stage of this.o.stages) if (stage.kind === 'head') head = changeHead(head, stage.change);
    const rewrites = this.o.stages.filter((s): s is Extract<ReplyStage, { kind: 'rewrite' }> => s.kind === 'rewrite');
    if (rewrites.length === 0) {
      this.deliver(head, response);
      return;
    }
    collectUpTo(response, this.o.maxRewriteBytes, (collected) => {
      if (collected === undefined) return; // the upstream failed; reported through 'close'
      if (!collected.whole) {
        this.rewriteError = `reply longer than ${this.o.maxRewriteBytes} bytes: too large to rewrite, delivered unchanged`;
        this.deliver(head, prepend(collected.prefix, response));
        return;
      }
      this.upstreamBody = collected.body;
      let body = collected.body;
      for (const stage of rewrites) {
        const result = stage.rewrite(body);
        if (!result.ok) {
          this.rewriteError = result.error;
          body = collected.body;
          break;
        }
        body = result.body;
      }
      if (body !== collected.body) this.rewrittenBody = body;
      this.deliver(withContentLength(head, body.length), Readable.from([body], { objectMode: false }));
    });
  }

  private deliver(head: ReplyHead, body: Readable): void {
    const { res } = this.o;
    if (this.reported) return;
    this.status = head.status;
    try {
      res.writeHead(head.status, head.statusMessage, head.rawHeaders);
    } catch (error) {
      this.report('upstream_failed', `the reply cannot be sent as changed: ${(error as Error).message}`);
      res.destroy();
      this.o.response.destroy();
      return;
    }
    let out: Readable = body;
    this.pipes.push(body);
    for (const stage of this.o.stages) {
      if (stage.kind !== 'bytes') continue;
      const next = stage.create();
      out = out.pipe(next);
      this.pipes.push(next);
    }
    this.source = out;
    if (this.cut !== undefined && this.cut.afterBytes === 0) {
      res.flushHeaders();
      this.cutAfter(Buffer.alloc(0));
      return;
    }
    out.on('data', (chunk: Buffer) => this.onData(chunk));
    out.once('end', () => {
      res.end(() => this.report('complete'));
    });
  }

  private onData(chunk: Buffer): void {
    const { res } = this.o;
    const cut = this.cut;
    if (cut !== undefined && this.deliveredBytes + chunk.length >= cut.afterBytes) {
      this.cutAfter(chunk.subarray(0, cut.afterBytes - this.deliveredBytes));
      return;
    }
    this.deliveredBytes += chunk.length;
    if (!res.write(chunk)) {
      this.source?.pause();
      res.once('drain', () => this.source?.resume());
    }
  }

  /** Writes the last bytes before the cut, waits until they are in the client's socket, then ends it. */
  private cutAfter(last: Buffer): void {
    const { res, clientSocket } = this.o;
    const cut = this.cut;
    if (cut === undefined) return;
    this.cutting = true;
    this.stopReading();
    this.deliveredBytes += last.length;
    const socket = res.socket;
    const close = (): void => {
      this.report('closed');
      socket?.end();
    };
    // A reset discards what the client's TCP has not acknowledged: wait for that first (for a client that stops
    // reading, only so long; the record then says how much was left).
    const reset = (): void => {
      void waitForAcknowledged(clientSocket, RESET_ACK_TIMEOUT_MS).then((left) => {
        this.report('reset', left !== undefined && left > 0 ? `reset with ${left} bytes not yet acknowledged by the client` : undefined);
        resetConnection(clientSocket);
      });
    };
    const endConnection = cut.then === 'reset' ? reset : close;
    if (socket === null || socket.destroyed) {
      endConnection();
      return;
    }
    if (last.length > 0) res.write(last);
    // Writes to a socket complete in order: when this empty one does, every byte before it has been handed over.
    socket.write(Buffer.alloc(0), endConnection);
  }

  private stopReading(): void {
    for (const stream of this.pipes) {
      stream.unpipe();
      stream.pause();
    }
    this.source?.removeAllListeners('data');
    for (const stream of this.pipes) if (stream !== this.o.response) stream.destroy();
    this.o.response.destroy();
  }

  private report(end: DeliveryEnd, error?: string): void {
    if (this.reported) return;
    this.reported = true;
    const delivery: ShapedDelivery = {
      status: this.status,
      upstreamBytes: this.upstreamBytes,
      deliveredBytes: this.deliveredBytes,
      end,
      lastByteAt: performance.now(),
    };
    if (this.upstreamBody !== undefined) delivery.upstreamBody = this.upstreamBody;
    if (this.rewrittenBody !== undefined) delivery.rewrittenBody = this.rewrittenBody;
    const reason = error ?? this.rewriteError;
    if (reason !== undefined) delivery.error = reason;
    this.o.done(delivery);
  }
}

/** The head with Content-Length set to the new body's length (added only where the server sent one). */
function withContentLength(head: ReplyHead, length: number): ReplyHead {
  const raw = head.rawHeaders.slice();
  let found = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'content-length') {
      raw[i + 1] = String(length);
      found = true;
    }
  }
  return found ? { ...head, rawHeaders: raw } : head;
}

type Collected = { whole: true; body: Buffer } | { whole: false; prefix: Buffer };

/** Reads a body of at most `maxBytes`; a longer one is paused and handed back with what was read so far. */
function collectUpTo(stream: Readable, maxBytes: number, done: (collected: Collected | undefined) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  const settle = (c: Collected | undefined): void => {
    if (settled) return;
    settled = true;
    stream.off('data', onData);
    done(c);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    length += chunk.length;
    if (length > maxBytes) {
      stream.pause();
      settle({ whole: false, prefix: Buffer.concat(chunks, length) });
    }
  };
  stream.on('data', onData);
  stream.once('end', () => settle({ whole: true, body: Buffer.concat(chunks, length) }));
  stream.once('close', () => settle(undefined));
}

/** `rest` with `prefix` in front of it, as one stream that keeps backpressure. */
function prepend(prefix: Buffer, rest: Readable): Readable {
  async function* joined(): AsyncGenerator<Buffer> {
    yield prefix;
    for await (const chunk of rest) yield chunk as Buffer;
  }
  return Readable.from(joined(), { objectMode: false });
}
