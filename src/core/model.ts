// The proxy's domain model. Every module speaks these types; only src/api translates them to protobuf.
// Nothing in src/core, src/thrift, src/proxy or src/fake imports generated code.

/** What kind of traffic a recorded call is. Traffic that is neither passes untouched and is not recorded. */
export type CallKind = 'thrift' | 'cloudfetch';

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
/** Operation name of scenarios that match any Thrift CALL. */
export const ANY_THRIFT_OPERATION = 'ThriftOperation';

/** One recorded Thrift call or CloudFetch download. Secrets are already redacted when a record is made. */
export interface CallRecord {
  /** From 1, increasing for the life of the proxy; not reset by reset(). */
  sequence: number;
  startTime: Date;
  kind: CallKind;
  state: CallState;
  /** Thrift method, CLOUDFETCH_METHOD for downloads, '' when a Thrift body did not decode. */
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
  error?: string;
}

/** Unset fields match everything. */
export interface CallFilter {
  kind?: CallKind;
  /** Exact method name. */
  method?: string;
  /** Any of these methods (combined with `method` by AND when both are set). */
  methods?: readonly string[];
}

/** What a scenario does when it fires. Each kind is implemented by one small action in src/proxy/actions. */
export type ActionSpec =
  | { kind: 'http_status'; status: number; body: string; contentType: string; headers?: Readonly<Record<string, string>> }
  | { kind: 'thrift_error'; statusCode: number; message: string; sqlState?: string }
  | { kind: 'hold'; defaultMs: number }
  | { kind: 'reset' };

/** A scenario as written in the catalog: which traffic (operation), what it does (action). */
export interface ScenarioDefinition {
  name: string;
  description: string;
  /** CLOUDFETCH_METHOD, ANY_THRIFT_OPERATION, or a Thrift method name. */
  operation: string;
  action: ActionSpec;
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
  /** Hold time override, only for hold actions. */
  durationMs?: number;
  keepCallHistory?: boolean;
}

/** A scenario definition with its live state. */
export interface ScenarioStatus {
  definition: ScenarioDefinition;
  enabled: boolean;
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  /** Hold time in force (override or default), for hold actions. */
  durationMs?: number;
  firedCount: number;
  lastFiredTime?: Date;
}

/** The traffic facts a scenario is matched against. */
export interface MatchFacts {
  kind: CallKind;
  /** Thrift method of a decoded CALL; undefined for downloads and undecodable bodies. */
  method?: string;
}

/** What the engine hands the proxy when a scenario fires: the action to perform, fully resolved. */
export interface Firing {
  scenario: string;
  action: ActionSpec;
  /** For hold actions: the hold time in force. */
  holdMs?: number;
}

export type ScenarioErrorCode = 'not_found' | 'invalid_argument';

/** Errors the control API maps to gRPC NOT_FOUND / INVALID_ARGUMENT. The message says what to fix. */
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
