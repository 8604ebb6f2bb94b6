// The proxy's domain model. Every module speaks these types; only src/api translates them to protobuf.
// Nothing in src/core, src/thrift, src/proxy or src/fake imports generated code.

/** What kind of traffic a recorded call is: a Thrift call, a CloudFetch download, or any other HTTP request. */
export type CallKind = 'thrift' | 'cloudfetch' | 'http';

export type CallState = 'in_flight' | 'completed' | 'failed';

export type ThriftMessageType = 'call' | 'reply' | 'exception' | 'oneway';

/** A decoded value, JSON-shaped. i64 outside the safe integer range becomes a decimal string; binary is summarized. */
export type FieldValue = null | boolean | number | string | FieldValue[] | { [name: string]: FieldValue };

/** A decoded struct: field names from the TCLIService schema, unknown fields keyed by their id ("1281"). */
export type NamedFields = { [name: string]: FieldValue };

export interface ThriftStatusSummary {
  statusCode: number;
  /** e.g. "ERROR_STATUS", "SUCCESS_STATUS". */
  statusName: string;
  errorMessage?: string;
  sqlState?: string;
}

/** Method recorded for CloudFetch downloads, and the operation name scenarios use to match them. */
export const CLOUDFETCH_METHOD = 'CloudFetchDownload';
/** Operation name of scenarios that match any Thrift CALL (the first API version's Scenario.operation). */
export const ANY_THRIFT_OPERATION = 'ThriftOperation';

/** One recorded Thrift call, CloudFetch download or other HTTP request. Secrets are already redacted when a record is made. */
export interface CallRecord {
  /** From 1, increasing for the life of the proxy; not reset by reset(). */
  sequence: number;
  startTime: Date;
  kind: CallKind;
  state: CallState;
  /**
   * Thrift method, CLOUDFETCH_METHOD for downloads, "<HTTP method> <path without query>" for other HTTP
   * requests, '' when a Thrift body did not decode.
   */
  method: string;
  messageType?: ThriftMessageType;
  seqid?: number;
  decoded: boolean;
  decodeError?: string;
  request?: NamedFields;
  replyStatus?: ThriftStatusSummary;
  reply?: NamedFields;
  host: string;
  /** Path and query, signatures redacted. */
  path: string;
  httpMethod: string;
  httpStatus?: number;
  durationMs?: number;
  requestBytes: number;
  responseBytes: number;
  /** Name of the scenario that fired on this call. */
  scenario?: string;
  /** The steps of that scenario that ran, in order, each explained in one line. */
  steps?: readonly string[];
  error?: string;
  /** What the client was actually sent, when a response-side step acted on the reply. */
  delivery?: ReplyDelivery;
  /** The reply as the server sent it, when a step rewrote it (`reply` and `replyStatus` are what the client got). */
  upstreamReply?: NamedFields;
  upstreamReplyStatus?: ThriftStatusSummary;
}

/**
 * How the client's side of a reply ended: the whole reply sent ('complete'), the connection reset (RST) or
 * closed (FIN) by a step after some bytes, the client gone first, or the server failing mid-reply.
 */
export type DeliveryEnd = 'complete' | 'reset' | 'closed' | 'client_closed' | 'upstream_failed';

/** What a client actually received of a reply that response-side steps acted on. */
export interface ReplyDelivery {
  /** Body bytes handed to the client's connection (after a rewrite, up to a cut). */
  bytesDelivered: number;
  /** Body bytes the server sent. */
  upstreamBytes: number;
  connectionEnd: DeliveryEnd;
  /** From the call's arrival to the last body byte handed to the client (or to the end of the reply). */
  timeToLastByteMs: number;
}

/** Unset fields match everything. */
export interface CallFilter {
  kind?: CallKind;
  /** Exact method name. */
  method?: string;
  /** Any of these methods (combined with `method` by AND when both are set). */
  methods?: readonly string[];
}

/** Which requests a scenario fires on. Every field is optional; the ones set must all hold (AND). */
export interface ScenarioMatch {
  /** 'thrift' matches decoded Thrift calls only (an undecodable body matches no Thrift scenario). */
  kind?: CallKind;
  /** The call's method (CallRecord.method) is one of these. */
  methods?: readonly string[];
  /** Host glob, case-insensitive: '*' any run of characters, '?' one character. */
  host?: string;
  /** Glob on the path without its query string. */
  path?: string;
  /** HTTP method, case-insensitive. */
  httpMethod?: string;
  /** A request header: present (no value) or equal to value. */
  header?: { name: string; value?: string };
  /** Decoded Thrift request fields, by dotted path. */
  thriftFields?: readonly ThriftFieldMatch[];
}

/** One decoded Thrift request field test; the value is compared as text (numbers and booleans as JSON writes them). */
export interface ThriftFieldMatch {
  path: string;
  equals?: string;
  contains?: string;
}

/**
 * One step of a scenario, as data. Each kind is implemented by one module in src/steps (its parameters are
 * checked, explained and run there); src/steps/registry.ts maps every kind to its module, so adding a kind here
 * without a module is a compile error.
 */
export type StepSpec =
  | { kind: 'delay'; durationMs: number }
  | { kind: 'respond'; httpStatus: number; headers?: Readonly<Record<string, string>>; body: string; contentType?: string }
  | {
      kind: 'thrift_error';
      statusCode: number;
      errorMessage: string;
      sqlState?: string;
      errorCode?: number;
      /** Answer with a TApplicationException (EXCEPTION message) of this type instead of a TStatus REPLY. */
      applicationExceptionType?: number;
    }
  | { kind: 'reset' }
  | { kind: 'close' }
  | { kind: 'hold'; durationMs: number }
  | { kind: 'forward' }
  // Response-side steps: they act on the server's reply (src/proxy/reply), so they come before any step that ends.
  | {
      kind: 'truncate_response';
      /** Body bytes delivered before the cut. */
      afterBytes: number;
      /** Instead of afterBytes: this percentage (1 to 99) of the body as Content-Length announces it. */
      afterPercent?: number;
      then: ConnectionEnd;
    }
  | { kind: 'throttle_response'; bytesPerSecond: number }
  | { kind: 'stall_response'; afterBytes: number; durationMs: number }
  | { kind: 'corrupt_response'; offset: number; length: number }
  | { kind: 'set_response'; httpStatus?: number; headers?: Readonly<Record<string, string>> }
  | { kind: 'rewrite_thrift_reply'; set: readonly ThriftFieldAssignment[] };

/** How a response-side cut ends the client's connection: TCP reset (RST) or a normal close (FIN). */
export type ConnectionEnd = 'reset' | 'close';

/** One field a rewrite_thrift_reply step sets: a dotted path on the reply's named tree, and a JSON value. */
export interface ThriftFieldAssignment {
  path: string;
  value: FieldValue;
}

export type StepKind = StepSpec['kind'];

/** The parameters of one step kind. */
export type StepOf<K extends StepKind> = Extract<StepSpec, { kind: K }>;

/** A scenario: which requests (match), what happens to them (steps, in order). Completion is set when enabled. */
export interface ScenarioDefinition {
  name: string;
  description: string;
  match: ScenarioMatch;
  steps: readonly StepSpec[];
  ticket?: string;
}

/** Overrides accepted when a scenario is enabled. Validation errors are ScenarioError('invalid_argument'). */
export interface EnableOptions {
  /** Fire N times then disable; default 1. */
  times?: number;
  /** Fire on every match until disabled. */
  untilDisabled?: boolean;
  /** Let K matching requests pass first. */
  skip?: number;
  /** Hold time override, only for scenarios with a hold step. */
  durationMs?: number;
  keepCallHistory?: boolean;
}

/** A scenario definition with its live state. */
export interface ScenarioStatus {
  definition: ScenarioDefinition;
  /** One of the proxy's own scenarios: cannot be redefined or deleted. */
  builtin: boolean;
  /** One line a person can read: the match and the steps. */
  explanation: string;
  enabled: boolean;
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  /** Hold time in force (override or default), for scenarios with a hold step. */
  durationMs?: number;
  firedCount: number;
  lastFiredTime?: Date;
}

/** The traffic facts a scenario is matched against. Built per request from what the proxy already has. */
export interface MatchFacts {
  kind: CallKind;
  /** The recorded method; for Thrift only a decoded CALL's (undefined otherwise). */
  method?: string;
  host: string;
  /** Path and query as the client sent it. */
  url: string;
  httpMethod: string;
  /** Node's raw header list: name, value, name, value, ... (searched only when a header matcher is set). */
  rawHeaders: readonly string[];
  /** Decoded Thrift request fields, for thrift_fields matchers. */
  request?: NamedFields;
}

/** What the engine hands the proxy when a scenario fires: the steps to run, with EnableScenario overrides applied. */
export interface Firing {
  scenario: string;
  steps: readonly StepSpec[];
}

export type ScenarioErrorCode = 'not_found' | 'invalid_argument' | 'already_exists' | 'failed_precondition';

/**
 * Errors the control API maps to gRPC NOT_FOUND / INVALID_ARGUMENT / ALREADY_EXISTS / FAILED_PRECONDITION.
 * The message says what to fix.
 */
export class ScenarioError extends Error {
  constructor(
    readonly code: ScenarioErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export type VerificationKind = 'exact_sequence' | 'contains_sequence' | 'method_count' | 'method_exists';

export interface VerificationRequest {
  kind: VerificationKind;
  methods?: readonly string[];
  method?: string;
  count?: number;
  callKind?: CallKind;
}

export interface VerificationResult {
  passed: boolean;
  message: string;
  actualMethods: string[];
  expectedMethods: string[];
  actualCount: number;
  expectedCount: number;
}

/** One item a WatchCalls subscriber receives. */
export type WatchItem =
  | { type: 'call_started' | 'call_completed'; call: CallRecord; replayed: boolean }
  | { type: 'live' }
  | { type: 'events_dropped'; droppedCount: number };

export interface FakeWarehouseInfo {
  host: string;
  port: number;
  path: string;
  token: string;
}

/** What the running proxy reports about itself (GetProxyInfo, the ready line). */
export interface ProxyInfo {
  proxyHost: string;
  proxyPort: number;
  apiHost: string;
  apiPort: number;
  caCertPem: string;
  caCertPath: string;
  version: string;
  callHistoryCapacity: number;
  fakeWarehouse?: FakeWarehouseInfo;
}
