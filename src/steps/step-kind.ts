// The one interface every step kind implements, and the exchange a step runs on.
//
// A scenario's steps run in order on one request. Each step either lets the next one run ('continue'), or ends
// the exchange ('ended': it answered, cut the connection, or forwarded the request). After the last step a
// request that nothing ended is forwarded. A step may also act on the way back: `exchange.onResponse(hook)`
// attaches a RelayHook (src/proxy/reply/shaped-relay.ts: head change, Thrift reply rewrite, body stage that may
// cut the connection) that the forwarder applies to the server's reply, in the order attached.
// docs/EXTENDING.md shows both sides.
import http from 'node:http';
import { CallKind, StepKind, StepOf } from '../core/model';
import type { RelayHook } from '../proxy/reply/shaped-relay';
import { ThriftCallIdentity } from '../thrift/call-identity';

export type StepOutcome = 'continue' | 'ended';

/** How a connection is cut without an answer: TCP reset (RST) or a normal close (FIN). */
export type CutKind = 'reset' | 'close';

/** An answer a step sends instead of the server's. */
export interface StepReply {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
  /** The body is a Thrift message: the record decodes it as the call's reply. */
  thrift?: boolean;
}

/**
 * One request in the hands of a scenario's steps. Every method that ends the exchange also finishes its call
 * record, exactly once; a step never touches the journal or the sockets itself.
 */
export interface Exchange {
  /** Name of the scenario whose steps run. */
  readonly scenario: string;
  readonly kind: CallKind;
  /** For a decoded Thrift call: what a Thrift reply must echo (method, seqid, protocol). */
  readonly thriftCall: ThriftCallIdentity | undefined;
  /** Answers the client instead of the server; the call completes when the answer is sent. */
  reply(answer: StepReply): 'ended';
  /** Cuts the client's connection without an answer; the call fails. */
  cut(how: CutKind): 'ended';
  /** Sends the request on to its server now, with every attached reply hook. */
  forward(): 'ended';
  /**
   * Waits `ms`, then 'continue' (also when a draining proxy releases the wait early). If the client goes away or
   * the proxy closes first, the call fails ("the client closed the connection while scenario X <doing>", e.g.
   * doing = "held the request") and the wait ends 'ended'.
   */
  wait(ms: number, doing: string): Promise<StepOutcome>;
  /** Acts on the server's reply when the request is forwarded (hooks apply in the order attached). */
  onResponse(hook: RelayHook): void;
}

/** Reports one problem with a step's parameters: `field` relative to the step's own message, e.g. "http_status". */
export type ProblemSink = (field: string, message: string) => void;

/**
 * One step kind: one module under src/steps, registered in STEP_KINDS (registry.ts).
 * `validate` and `explain` work on data (DefineScenario, ListScenarios); `run` works on a live exchange.
 */
export interface StepImplementation<K extends StepKind> {
  readonly kind: K;
  /**
   * Whether the step always ends the exchange. Steps after one that ends are rejected as unreachable; a
   * response-side step (one that only attaches a RelayHook) does not end it.
   */
  readonly ends: boolean;
  /** Response-side: it only acts on the server's reply, so a later step that answers instead makes it pointless. */
  readonly onResponse?: true;
  /** Ends the exchange by sending the request to the server (forward, hold): response-side steps before it act. */
  readonly forwards?: true;
  /** Reports every problem (nothing when the step is valid). Field names are the proto's (snake_case). */
  validate(step: StepOf<K>, problem: ProblemSink): void;
  /** One line a person can read, e.g. "respond HTTP 503 (Retry-After: 3)". */
  explain(step: StepOf<K>): string;
  /** Runs on one request. Synchronous steps return the outcome directly (no promise on the hot path). */
  run(exchange: Exchange, step: StepOf<K>): StepOutcome | Promise<StepOutcome>;
}
