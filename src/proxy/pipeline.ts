// One request's way through the proxy, always in this order: classify → (Thrift: read and decode the body) →
// record → ask the scenarios → run the firing scenario's steps (src/steps, on a StepExchange) or forward →
// record the outcome. Every request is recorded: Thrift calls, CloudFetch downloads, and any other HTTP request
// as kind 'http' (its body streams through unread).
//
// Thrift bodies are kept in memory to be decoded, each only up to a cap (PipelineLimits). A request body longer
// than its cap is not decoded: it is recorded with method '' and a decodeError saying so, streams on to the
// server byte for byte (no further buffering), and, its method being unknown, matches no Thrift scenario (neither
// one for a named method nor ThriftOperation), like any body that does not decode. A reply longer than its cap is
// relayed byte for byte as well, and recorded without status and with only a note under REPLY_NOT_DECODED_KEY.
import http from 'node:http';
import net from 'node:net';
import { Logger } from '../core/logger';
import { CallKind, CLOUDFETCH_METHOD, Firing, MatchFacts } from '../core/model';
import { redactUrl } from '../core/redact';
import { CallStart } from '../journal/call-journal';
import { ScenarioEngine } from '../scenarios/engine';
import { pathOf } from '../scenarios/match';
import { HeldRequests } from './actions/hold';
import { RelayHook } from './reply/shaped-relay';
import { ThriftCallIdentity } from '../thrift/call-identity';
import { Classifier } from './classify';
import { errorText } from './error-text';
import { ForwardOutcome, ForwardRequest, UpstreamForwarder } from './forward-upstream';
import { readBodyUpTo } from './read-body';
import { finishShapedCall } from './reply/delivery-record';
import { CallOutcome, CallRecorder, RecordedCall } from './recorded-call';
import { StepExchange } from './step-exchange';
import {
  REPLY_NOT_DECODED_KEY,
  thriftReplyFacts,
  ThriftRequestFacts,
  thriftRequestFacts,
  tooLargeReplyNote,
  tooLargeRequestError,
} from './thrift-message-facts';

/** Default cap on a Thrift request body kept to be decoded: 16 MiB (requests are small; statements can be long). */
export const DEFAULT_MAX_THRIFT_REQUEST_BYTES = 16 * 1024 * 1024;
/** Default cap on a Thrift reply body kept to be decoded: 64 MiB (FetchResults with inline Arrow can be tens of MB). */
export const DEFAULT_MAX_THRIFT_REPLY_BYTES = 64 * 1024 * 1024;

/** How much of a Thrift body the proxy keeps in memory to decode; longer bodies stream through undecoded. */
export interface PipelineLimits {
  maxThriftRequestBytes: number;
  maxThriftReplyBytes: number;
}

/** A request as the proxy received it, with where the client wanted it to go. */
export interface ProxiedRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Arrived through an intercepted TLS tunnel. */
  secure: boolean;
  hostname: string;
  port: number;
  /** The client's own TCP connection: what a reset scenario resets. */
  clientSocket: net.Socket;
}

export interface PipelineDeps {
  journal: CallRecorder;
  engine: Pick<ScenarioEngine, 'claim'>;
  log: Logger;
  classify: Classifier;
  forwarder: UpstreamForwarder;
  /** Default: DEFAULT_MAX_THRIFT_REQUEST_BYTES and DEFAULT_MAX_THRIFT_REPLY_BYTES. */
  limits?: Partial<PipelineLimits>;
}

/**
 * The Thrift side of a call: the body already read (or, when it was too long to keep, its first bytes, the rest
 * still to stream from the request), and what an error reply must echo.
 */
interface ThriftContext {
  body: Buffer;
  /** `body` is only the start of a request body longer than the cap. */
  partial: boolean;
  identity?: ThriftCallIdentity;
}


export class RequestPipeline {
  private readonly holds = new HeldRequests();
  private closed = false;
  private readonly limits: PipelineLimits;

  constructor(private readonly deps: PipelineDeps) {
    this.limits = {
      maxThriftRequestBytes: deps.limits?.maxThriftRequestBytes ?? DEFAULT_MAX_THRIFT_REQUEST_BYTES,
      maxThriftReplyBytes: deps.limits?.maxThriftReplyBytes ?? DEFAULT_MAX_THRIFT_REPLY_BYTES,
    };
  }

  handle(request: ProxiedRequest): void {
    const { req } = request;
    const kind = this.deps.classify(req.method ?? '', request.hostname, req.url ?? '/');
    if (kind === 'thrift') {
      readBodyUpTo(req, this.limits.maxThriftRequestBytes, (read) => {
        if (read === undefined) return;
        if (read.whole) this.safely(request, () => this.thriftCall(request, read.body));
        else this.safely(request, () => this.oversizedThriftCall(request, read.prefix));
      });
    } else if (kind === 'cloudfetch') this.safely(request, () => this.cloudFetchDownload(request));
    else this.safely(request, () => this.httpRequest(request));
  }

  /** Requests a scenario is holding right now. */
  get heldCount(): number {
    return this.holds.size;
  }

  /** For a drain: ends holds at once, and any later hold as soon as it starts; their requests go on to the server. */
  releaseHolds(): void {
    this.holds.releaseAll();
  }

  /** Ends holds at once (their calls fail); in-flight exchanges end when their sockets are closed. */
  close(): void {
    this.closed = true;
    this.holds.abortAll();
  }

  private thriftCall(request: ProxiedRequest, body: Buffer): void {
    const facts = thriftRequestFacts(body);
    const call = this.begin(request, 'thrift', facts.record.method, body.length, facts.record);
    const match = matchFacts(request, 'thrift', facts.matchMethod);
    match.request = facts.record.request;
    this.safely(request, () => this.decide(request, call, match, { body, partial: false, identity: facts.identity }), call);
  }

  /** Not decoded, so no method to match and no identity to echo; the rest of the body streams on. */
  private oversizedThriftCall(request: ProxiedRequest, prefix: Buffer): void {
    const record: ThriftRequestFacts['record'] = { method: '', decoded: false, decodeError: tooLargeRequestError(this.limits.maxThriftRequestBytes) };
    const call = this.begin(request, 'thrift', '', prefix.length, record);
    this.safely(request, () => this.decide(request, call, matchFacts(request, 'thrift', undefined), { body: prefix, partial: true }), call);
  }

  private cloudFetchDownload(request: ProxiedRequest): void {
    const call = this.begin(request, 'cloudfetch', CLOUDFETCH_METHOD, 0, undefined);
    this.safely(request, () => this.decide(request, call, matchFacts(request, 'cloudfetch', CLOUDFETCH_METHOD), undefined), call);
  }

  /** Any other HTTP request: recorded as "<METHOD> <path>" (no query: it may carry secrets), body streamed. */
  private httpRequest(request: ProxiedRequest): void {
    const method = `${request.req.method ?? ''} ${pathOf(request.req.url ?? '/')}`;
    const call = this.begin(request, 'http', method, 0, undefined);
    this.safely(request, () => this.decide(request, call, matchFacts(request, 'http', method), undefined), call);
  }

  /** A bug in a step must cost one request (answered 500, recorded as failed), never the proxy process. */
  private safely(request: ProxiedRequest, step: () => void, call?: RecordedCall): void {
    try {
      step();
    } catch (error) {
      this.internalError(request, error, call);
    }
  }

  private internalError(request: ProxiedRequest, error: unknown, call: RecordedCall | undefined): void {
    this.deps.log.error('request handling failed', { host: request.hostname, error: errorText(error) });
    const { res } = request;
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('thrift-fault-proxy: internal error\n');
    } else res.destroy();
    call?.fail(`proxy internal error: ${errorText(error)}`);
  }

  // Hot path: records are built field by field (no object spreads), one shape for every call.
  private begin(request: ProxiedRequest, kind: CallKind, method: string, requestBytes: number, thrift: ThriftRequestFacts['record'] | undefined): RecordedCall {
    const start: CallStart = {
      kind,
      method,
      messageType: thrift?.messageType,
      seqid: thrift?.seqid,
      decoded: thrift?.decoded ?? false,
      decodeError: thrift?.decodeError,
      request: thrift?.request,
      host: request.hostname,
      path: redactUrl(request.req.url ?? '/'),
      httpMethod: request.req.method ?? '',
      requestBytes,
      responseBytes: 0,
    };
    return new RecordedCall(this.deps.journal, this.deps.journal.begin(start));
  }

  private decide(request: ProxiedRequest, call: RecordedCall, facts: MatchFacts, thrift: ThriftContext | undefined): void {
    const firing = this.deps.engine.claim(facts);
    if (firing === undefined) {
      this.forward(request, call, thrift, undefined);
      return;
    }
    call.markScenario(firing.scenario);
    this.runSteps(request, call, facts.kind, firing, thrift);
  }

  private runSteps(request: ProxiedRequest, call: RecordedCall, kind: CallKind, firing: Firing, thrift: ThriftContext | undefined): void {
    const exchange = new StepExchange(firing.scenario, kind, thrift?.identity, call, {
      req: request.req,
      res: request.res,
      clientSocket: request.clientSocket,
      holds: this.holds,
      forward: (hooks) => this.forward(request, call, thrift, hooks, firing.scenario),
      internalError: (error) => this.internalError(request, error, call),
    });
    exchange.run(firing.steps);
  }

  private forward(
    request: ProxiedRequest,
    call: RecordedCall,
    thrift: ThriftContext | undefined,
    hooks: readonly RelayHook[] | undefined,
    scenario = '',
  ): void {
    const forwarded: ForwardRequest = {
      req: request.req,
      res: request.res,
      secure: request.secure,
      hostname: request.hostname,
      port: request.port,
      collectReply: thrift !== undefined,
      maxReplyBytes: this.limits.maxThriftReplyBytes,
    };
    if (hooks !== undefined) {
      forwarded.replyHooks = hooks;
      forwarded.clientSocket = request.clientSocket;
    }
    if (thrift?.partial === true) forwarded.bodyPrefix = thrift.body;
    else if (thrift !== undefined) forwarded.body = thrift.body;
    this.deps.forwarder.forward(forwarded, (outcome: ForwardOutcome) => {
      if (outcome.delivery !== undefined) {
        finishShapedCall(call, scenario, outcome, outcome.delivery, thrift === undefined ? undefined : this.limits.maxThriftReplyBytes);
        return;
      }
      const recorded: CallOutcome = { httpStatus: outcome.httpStatus, requestBytes: outcome.requestBytes, responseBytes: outcome.responseBytes };
      if (outcome.ok) {
        if (thrift !== undefined && outcome.replyTooLarge === true) {
          recorded.reply = { [REPLY_NOT_DECODED_KEY]: tooLargeReplyNote(outcome.responseBytes, this.limits.maxThriftReplyBytes) };
        } else if (thrift !== undefined) {
          const reply = thriftReplyFacts(outcome.replyBody);
          recorded.replyStatus = reply.replyStatus;
          recorded.reply = reply.reply;
        }
        call.complete(recorded);
      } else {
        call.fail(this.closed ? 'the proxy closed before the reply was complete' : (outcome.error ?? 'failed'), recorded);
      }
    });
  }
}


/** The facts the engine matches: one small object per request, pointing at what the request already has. */
function matchFacts(request: ProxiedRequest, kind: CallKind, method: string | undefined): MatchFacts {
  const { req } = request;
  return {
    kind,
    method,
    host: request.hostname,
    url: req.url ?? '/',
    httpMethod: req.method ?? '',
    rawHeaders: req.rawHeaders,
    request: undefined,
  };
}
