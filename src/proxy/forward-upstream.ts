// Sends one client request on to its real server and relays the answer. Bodies stream with backpressure (a
// slow client slows the server down instead of filling memory); only Thrift replies (small, or tens of MB of
// inline Arrow) are also kept to be decoded once at the end, and only up to maxReplyBytes: a longer reply still
// streams through byte for byte, but what was kept is dropped and the outcome says it was too large to decode.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Logger } from '../core/logger';
import { errorCode, errorText } from './error-text';
import { HostMap } from './host-map';
import { endToEndHeaders } from './http-headers';
import { relayShaped, type RelayHook, type ShapedDelivery } from './reply/shaped-relay';
import { OwnListeningAddress, SELF_LOOP_CODE, SelfLoopError } from './self-loop';
import { resetConnection } from './actions/reset';
import { UpstreamAgents } from './upstream-agents';
import { DEFAULT_UPSTREAM_TIMEOUTS, TimeoutPhase, timeoutError, UpstreamTimeouts, watchUpstreamTimeouts } from './upstream-timeouts';

export interface ForwardRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  secure: boolean;
  /** The host and port the client addressed; host mappings decide where the proxy really connects. */
  hostname: string;
  port: number;
  /** The request body when it was read already (Thrift); otherwise the request streams through. */
  body?: Buffer;
  /**
   * The start of a body that was too large to read whole: sent first, then the rest of the request streams
   * through. Only without `body`.
   */
  bodyPrefix?: Buffer;
  /** Keep the response body and hand it back (Thrift replies), up to maxReplyBytes. */
  collectReply: boolean;
  /** With collectReply: keep at most this many bytes; a longer reply is relayed but not kept. Default: no cap. */
  maxReplyBytes?: number;
  /**
   * Response-side steps to apply (status/headers, rewrite, throttle, stall, corrupt, cut). Unset on the fast
   * path: the reply is then piped through untouched.
   */
  replyHooks?: readonly RelayHook[];
  /** The client's TCP connection, for a cut that resets it. Default: the response's socket. */
  clientSocket?: net.Socket;
}

export interface ForwardOutcome {
  ok: boolean;
  /** Status sent to the client: the server's, or 502 when the server could not be reached. */
  httpStatus?: number;
  requestBytes: number;
  responseBytes: number;
  /** The whole response body, when collectReply was set, the response completed and fit in maxReplyBytes. */
  replyBody?: Buffer;
  /** Set when collectReply was set but the response was longer than maxReplyBytes (so replyBody is unset). */
  replyTooLarge?: boolean;
  /** Why the exchange failed, for the record. */
  error?: string;
  /** With replyStages: what the client was actually sent, and how its connection ended. */
  delivery?: ShapedDelivery;
}

export type ForwardDone = (outcome: ForwardOutcome) => void;

/** Checks on where and how long the forwarder connects. */
export interface ForwardGuards {
  /** The proxy's own listening address: a request that would connect there is refused with 508 (a loop). */
  ownAddress?: OwnListeningAddress;
  /** Limits on connecting, the TLS handshake and the response; past one the client gets 504. Default: DEFAULT_UPSTREAM_TIMEOUTS. */
  timeouts?: UpstreamTimeouts;
}

export class UpstreamForwarder {
  constructor(
    private readonly hostMap: HostMap,
    private readonly agents: UpstreamAgents,
    private readonly log: Logger,
    private readonly guards: ForwardGuards = {},
  ) {}

  forward(request: ForwardRequest, done: ForwardDone): void {
    new UpstreamExchange(request, this.hostMap, this.agents, this.log, this.guards, done).start();
  }
}

class UpstreamExchange {
  private finished = false;
  private requestBytes = 0;
  private responseBytes = 0;
  private httpStatus: number | undefined;
  private upstreamRequest: http.ClientRequest | undefined;
  private upstreamResponse: http.IncomingMessage | undefined;
  private stopTimeouts: (() => void) | undefined;
  private shaping = false;
  private readonly bodyless: boolean;

  constructor(
    private readonly request: ForwardRequest,
    private readonly hostMap: HostMap,
    private readonly agents: UpstreamAgents,
    private readonly log: Logger,
    private readonly guards: ForwardGuards,
    private readonly done: ForwardDone,
  ) {
    const { req, body } = request;
    this.bodyless = body === undefined && !hasBody(req);
    if (body !== undefined) this.requestBytes = body.length;
    else if (request.bodyPrefix !== undefined) this.requestBytes = request.bodyPrefix.length;
  }

  start(): void {
    const { res } = this.request;
    res.on('close', () => {
      // A shaped relay reports the client's close itself, with what it had delivered.
      if (!res.writableFinished && !this.shaping) this.fail('client closed the connection before the reply was complete');
    });
    this.send(true);
  }

  private send(mayRetry: boolean): void {
    const { req, secure, hostname, port, body } = this.request;
    const target = this.hostMap.resolve(hostname) ?? { host: hostname, port };
    const headers = endToEndHeaders(req.rawHeaders, { dropFraming: body !== undefined });
    if (body !== undefined) headers.push('content-length', String(body.length));
    // HTTP/1.0 clients may send none; HTTP/1.1 servers require one.
    if (req.headers.host === undefined) headers.push('host', hostHeader(hostname, port, secure));
    const options: https.RequestOptions = {
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: secure ? this.agents.https : this.agents.http,
    };
    // SNI and the certificate check use the name the client asked for, even when the connection goes elsewhere.
    if (secure && net.isIP(hostname) === 0) options.servername = hostname;
    const own = this.guards.ownAddress;
    if (own?.mayBe(target.port)) {
      if (net.isIP(target.host) === 0) options.lookup = own.guardedLookup(target.port);
      else if (own.reaches(target.host, target.port)) {
        req.resume();
        this.upstreamFailed(new SelfLoopError(target.host, target.host, target.port));
        return;
      }
    }
    const upstream = (secure ? https : http).request(options);
    this.upstreamRequest = upstream;
    this.stopTimeouts?.();
    this.stopTimeouts = watchUpstreamTimeouts(upstream, secure, this.guards.timeouts ?? DEFAULT_UPSTREAM_TIMEOUTS, this);
    upstream.on('response', (response) => this.relay(response));
    upstream.on('error', (error) => {
      if (this.finished || upstream !== this.upstreamRequest) return;
      // A kept-alive socket the server closed while idle fails at once; the request never got there.
      if (mayRetry && upstream.reusedSocket && errorCode(error) === 'ECONNRESET' && this.httpStatus === undefined && this.replayable()) {
        this.send(false);
        return;
      }
      this.upstreamFailed(error);
    });

    if (body !== undefined) {
      upstream.end(body);
    } else if (this.bodyless) {
      upstream.end();
    } else {
      const { bodyPrefix } = this.request;
      if (bodyPrefix !== undefined && bodyPrefix.length > 0) upstream.write(bodyPrefix);
      req.on('data', (chunk: Buffer) => (this.requestBytes += chunk.length));
      req.pipe(upstream);
    }
  }

  private replayable(): boolean {
    return this.request.body !== undefined || this.bodyless;
  }

  /** TimeoutWatch: not waiting on the server while the client is still sending the body, or not reading. */
  waitingOnServer(): boolean {
    const response = this.upstreamResponse;
    if (response === undefined) return this.request.body !== undefined || this.bodyless || this.request.req.complete;
    return response.readableFlowing === true && response.readableLength === 0;
  }

  /** TimeoutWatch: 504 when the client can still be answered; otherwise its connection is reset. */
  onTimeout(phase: TimeoutPhase, limitMs: number): void {
    if (this.finished) return;
    const { res, hostname, port } = this.request;
    const error = timeoutError(phase, limitMs, this.upstreamResponse !== undefined);
    if (this.log.enabled('debug')) this.log.debug('upstream timed out', { host: hostname, port, error });
    if (res.headersSent) {
      const socket = this.request.clientSocket ?? res.socket;
      if (socket !== null) resetConnection(socket);
      else res.destroy();
    } else this.answerFailure(504, `thrift-fault-proxy: upstream ${hostname}:${port}: ${error}\n`);
    this.fail(error);
  }

  private relay(response: http.IncomingMessage): void {
    const { res, collectReply } = this.request;
    if (this.finished) {
      response.destroy();
      return;
    }
    this.httpStatus = response.statusCode ?? 502;
    this.upstreamResponse = response;
    response.once('end', () => this.stopTimeouts?.());
    if (this.request.replyHooks !== undefined) {
      this.relayShaped(response, this.request.replyHooks);
      return;
    }
    const maxReplyBytes = this.request.maxReplyBytes ?? Infinity;
    let chunks: Buffer[] | undefined = collectReply ? [] : undefined;
    let replyTooLarge = false;
    response.on('data', (chunk: Buffer) => {
      this.responseBytes += chunk.length;
      if (chunks === undefined) return;
      if (this.responseBytes > maxReplyBytes) {
        // Past the cap: let go of what was kept; the rest only streams through.
        chunks = undefined;
        replyTooLarge = true;
      } else chunks.push(chunk);
    });
    response.on('error', () => undefined); // reported through 'close' below
    response.on('close', () => {
      if (!response.complete) {
        this.fail('upstream closed the connection before the reply was complete');
        res.destroy();
      }
    });
    res.on('finish', () => {
      if (this.finished) return;
      this.finished = true;
      const replyBody = chunks === undefined ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const outcome: ForwardOutcome = { ok: true, httpStatus: this.httpStatus, requestBytes: this.requestBytes, responseBytes: this.responseBytes, replyBody };
      if (replyTooLarge) outcome.replyTooLarge = true;
      this.done(outcome);
    });
    try {
      res.writeHead(this.httpStatus, response.statusMessage, endToEndHeaders(response.rawHeaders));
    } catch (error) {
      // Node parses some header bytes it refuses to send again; such a reply cannot be relayed as it is.
      this.httpStatus = undefined;
      this.upstreamFailed(error as Error);
      response.destroy();
      return;
    }
    response.pipe(res);
  }

  private relayShaped(response: http.IncomingMessage, hooks: readonly RelayHook[]): void {
    const { res, collectReply } = this.request;
    const maxReplyBytes = this.request.maxReplyBytes ?? Infinity;
    const socket = this.request.clientSocket ?? res.socket;
    this.shaping = true;
    if (socket === null) {
      response.destroy();
      this.fail('client connection gone before the reply');
      return;
    }
    relayShaped({
      response,
      res,
      clientSocket: socket,
      hooks,
      thrift: collectReply,
      maxRewriteBytes: maxReplyBytes,
      keepUpstreamBytes: collectReply ? maxReplyBytes : 0,
      done: (delivery) => {
        if (this.finished) return;
        this.finished = true;
        this.httpStatus = delivery.status;
        const failed = delivery.end === 'client_closed' || delivery.end === 'upstream_failed';
        const outcome: ForwardOutcome = {
          ok: !failed,
          httpStatus: delivery.status,
          requestBytes: this.requestBytes,
          responseBytes: delivery.deliveredBytes,
          delivery,
        };
        if (collectReply) {
          const body = delivery.rewrittenBody ?? delivery.upstreamBody;
          if (body !== undefined) outcome.replyBody = body;
          else if (delivery.upstreamBytes > maxReplyBytes) outcome.replyTooLarge = true;
        }
        if (failed) outcome.error = delivery.error;
        this.done(outcome);
      },
    });
  }

  private upstreamFailed(error: Error): void {
    const { hostname, port } = this.request;
    const code = errorCode(error);
    if (this.log.enabled('debug')) this.log.debug('upstream request failed', { host: hostname, port, error: errorText(error) });
    if (code === SELF_LOOP_CODE) {
      // 508 Loop Detected: the request named the proxy itself, under some name or address.
      this.answerFailure(508, `thrift-fault-proxy: refused ${hostname}:${port}: ${error.message}\n`);
      this.fail(`request loop refused: ${error.message}`);
      return;
    }
    this.answerFailure(502, `thrift-fault-proxy: upstream ${hostname}:${port} failed: ${errorText(error)}\n`);
    this.fail(code !== undefined ? `upstream ${code}` : `upstream error: ${error.message}`);
  }

  /** Answers the client with `status` and `text`, or, when the reply has begun already, cuts its connection. */
  private answerFailure(status: number, text: string): void {
    const { res } = this.request;
    if (!res.headersSent) {
      const body = Buffer.from(text, 'utf8');
      this.httpStatus = status;
      this.responseBytes = body.length;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
      res.end(body);
    } else {
      res.destroy();
    }
  }

  private fail(error: string): void {
    if (this.finished) return;
    this.finished = true;
    this.stopTimeouts?.();
    this.upstreamRequest?.destroy();
    this.done({ ok: false, httpStatus: this.httpStatus, requestBytes: this.requestBytes, responseBytes: this.responseBytes, error });
  }
}

/** The Host header for a target: the port only when it is not the scheme's default, IPv6 in brackets. */
function hostHeader(hostname: string, port: number, secure: boolean): string {
  const host = net.isIPv6(hostname) ? `[${hostname}]` : hostname;
  return port === (secure ? 443 : 80) ? host : `${host}:${port}`;
}

/** Whether a client request carries a body that still has to be streamed. */
function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
