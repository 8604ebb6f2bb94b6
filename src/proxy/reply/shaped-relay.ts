// Relays a reply that response-side steps act on: status and headers changed, the whole body rewritten (it is
// collected first, up to a cap, and its Content-Length fixed), the bytes slowed, held or corrupted on their way,
// and the client's connection cut after so many body bytes (TCP reset or FIN, only once the bytes before the
// cut have been handed to the client's socket). Only used when a step is armed: a plain reply is piped as is.
//
// Order: content first, then delivery. Head changes and whole-body rewrites act on what the server sent; body
// stages act, in hook order, on what goes to the client; a cut a stage asks for ends the reply.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable, type Duplex } from 'node:stream';
import { resetConnection } from '../actions/reset';
import { endToEndHeaders } from '../http-headers';
import { readBodyUpTo } from '../read-body';
import { waitForAcknowledged } from './send-queue';

/** Longest a reset waits for the client to acknowledge the bytes before the cut. */
const RESET_ACK_TIMEOUT_MS = 30_000;

/** How the proxy ends the client's connection after a cut. */
export type ConnectionEnd = 'reset' | 'close';

/** The reply's status and headers before they are sent. Headers: Node's flat raw list (name, value, ...). */
export interface RelayHead {
  status: number;
  headers: string[];
}

/** What a body stage may ask of the relay. */
export interface BodyControl {
  /**
   * Instead of completing the reply, end the client's connection (RST or FIN) once every byte this stage has
   * passed on so far has been delivered; the stage then ends its output.
   */
  cut(how: ConnectionEnd): void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** The body length the reply's head announces (Content-Length), when it announces one. */
  readonly contentLength: number | undefined;
}

/** What a response-side step does to a reply; every part optional, applied in the order of the hooks. */
export interface RelayHook {
  /** The step's explanation. */
  readonly step: string;
  /** Change the status and headers before they are sent. */
  head?(head: RelayHead): void;
  /** Thrift replies: the whole reply, and what to send instead (or why not: the reply then goes out unchanged). */
  thriftReply?(reply: Buffer): Buffer | { error: string };
  /** A stage the body bytes stream through on their way to the client, with backpressure. */
  body?(control: BodyControl): Duplex;
}

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
  /** The server's whole body, when it was kept (Thrift rewrite, or keepUpstreamBytes). */
  upstreamBody?: Buffer;
  /** The body the client was sent instead, when a rewrite changed it. */
  rewrittenBody?: Buffer;
  /** Why a rewrite did not apply (the server's body was delivered instead). */
  rewriteError?: string;
  /** Why the exchange failed, or a note on the cut (bytes the client had not acknowledged at a reset). */
  error?: string;
}

export interface ShapedRelayOptions {
  response: http.IncomingMessage;
  res: http.ServerResponse;
  /** The client's TCP connection (the CONNECT socket for intercepted HTTPS): what a reset resets. */
  clientSocket: net.Socket;
  hooks: readonly RelayHook[];
  /** The reply is a Thrift reply: thriftReply hooks apply (elsewhere they are a reported error). */
  thrift: boolean;
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
  /** A stage asked for a cut: when the body ends, the connection is ended instead. */
  private cutRequested: ConnectionEnd | undefined;
  private status = 0;
  private source: Readable | undefined;
  private readonly pipes: Readable[] = [];
  private upstreamBody: Buffer | undefined;
  private rewrittenBody: Buffer | undefined;
  private rewriteError: string | undefined;
  private readonly clientGone = new AbortController();

  constructor(private readonly o: ShapedRelayOptions) {}

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
      this.clientGone.abort();
      if (res.writableFinished || this.reported || this.cutting) return;
      this.report('client_closed', 'client closed the connection before the reply was complete');
      this.stopReading();
    });
    const head: RelayHead = { status: response.statusCode ?? 502, headers: endToEndHeaders(response.rawHeaders) };
    for (const hook of this.o.hooks) hook.head?.(head);
    const rewriters = this.o.hooks.filter((h) => h.thriftReply !== undefined);
    if (rewriters.length === 0) {
      this.deliver(head, response);
      return;
    }
    if (!this.o.thrift) {
      this.rewriteError = 'not a Thrift reply: a Thrift rewrite does not apply; delivered unchanged';
      this.deliver(head, response);
      return;
    }
    readBodyUpTo(response, this.o.maxRewriteBytes, (collected) => {
      if (collected === undefined) return; // the upstream failed; reported through 'close'
      if (!collected.whole) {
        this.rewriteError = `reply longer than ${this.o.maxRewriteBytes} bytes: too large to rewrite, delivered unchanged`;
        this.deliver(head, prepend(collected.prefix, response));
        return;
      }
      this.upstreamBody = collected.body;
      let body = collected.body;
      for (const hook of rewriters) {
        const result = hook.thriftReply?.(body) ?? body;
        if (!Buffer.isBuffer(result)) {
          this.rewriteError = result.error;
          body = collected.body;
          break;
        }
        body = result;
      }
      if (body !== collected.body) this.rewrittenBody = body;
      this.deliver(withContentLength(head, body.length), Readable.from([body], { objectMode: false }));
    });
  }

  private deliver(head: RelayHead, body: Readable): void {
    const { res } = this.o;
    if (this.reported) return;
    this.status = head.status;
    try {
      res.writeHead(head.status, head.headers);
    } catch (error) {
      this.report('upstream_failed', `the reply cannot be sent as changed: ${(error as Error).message}`);
      res.destroy();
      this.o.response.destroy();
      return;
    }
    const control: BodyControl = {
      cut: (how) => {
        this.cutRequested ??= how;
      },
      signal: this.clientGone.signal,
      contentLength: announcedLength(head),
    };
    let out: Readable = body;
    this.pipes.push(body);
    for (const hook of this.o.hooks) {
      if (hook.body === undefined) continue;
      const next = hook.body(control);
      out = out.pipe(next);
      this.pipes.push(next);
    }
    this.source = out;
    out.on('data', (chunk: Buffer) => {
      this.deliveredBytes += chunk.length;
      if (!res.write(chunk)) {
        out.pause();
        res.once('drain', () => out.resume());
      }
    });
    out.once('end', () => {
      if (this.cutRequested !== undefined) this.cutNow(this.cutRequested);
      else res.end(() => this.report('complete'));
    });
  }

  /** Ends the client's connection once every byte written so far is in its socket (and, for a reset, acknowledged). */
  private cutNow(how: ConnectionEnd): void {
    const { res, clientSocket } = this.o;
    this.cutting = true;
    this.stopReading();
    // With no body bytes yet, the head is still waiting in the response: send it first.
    if (this.deliveredBytes === 0) res.flushHeaders();
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
    const endConnection = how === 'reset' ? reset : close;
    if (socket === null || socket.destroyed) {
      endConnection();
      return;
    }
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
    if (this.rewriteError !== undefined) delivery.rewriteError = this.rewriteError;
    if (error !== undefined) delivery.error = error;
    this.o.done(delivery);
  }
}

/** The head with Content-Length set to the new body's length (where the server sent one). */
function withContentLength(head: RelayHead, length: number): RelayHead {
  const headers = head.headers.slice();
  for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i].toLowerCase() === 'content-length') headers[i + 1] = String(length);
  return { status: head.status, headers };
}

function announcedLength(head: RelayHead): number | undefined {
  for (let i = 0; i + 1 < head.headers.length; i += 2) {
    if (head.headers[i].toLowerCase() === 'content-length') {
      const n = Number(head.headers[i + 1]);
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
  }
  return undefined;
}

/** `rest` with `prefix` in front of it, as one stream that keeps backpressure. */
function prepend(prefix: Buffer, rest: Readable): Readable {
  async function* joined(): AsyncGenerator<Buffer> {
    yield prefix;
    for await (const chunk of rest) yield chunk as Buffer;
  }
  return Readable.from(joined(), { objectMode: false });
}
