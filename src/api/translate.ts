// Protobuf (gen/, ts-proto) <-> domain model (src/core/model.ts). Nothing here decides anything: requests are
// checked only for what the protobuf encoding allows and the domain cannot see (unknown enum numbers, uint64
// beyond a JavaScript number, sub-millisecond or malformed Durations); domain rules stay in the core.
import {
  ActionSpec,
  CallFilter as CoreCallFilter,
  CallKind as CoreCallKind,
  CallRecord,
  CallState as CoreCallState,
  EnableOptions,
  ProxyInfo,
  ScenarioError,
  ScenarioStatus,
  ThriftMessageType as CoreThriftMessageType,
  VerificationKind as CoreVerificationKind,
  VerificationRequest,
  VerificationResult,
  WatchItem,
} from '../core/model';
import { Duration } from '../../gen/google/protobuf/duration';
import {
  Call,
  CallFilter,
  CallKind,
  CallState,
  CountCallsRequest,
  EnableScenarioRequest,
  GetProxyInfoResponse,
  Scenario,
  ScenarioAction,
  ScenarioActionKind,
  ThriftMessageType,
  VerificationKind,
  VerifyCallsRequest,
  VerifyCallsResponse,
  WatchCallsResponse,
  WatchEventType,
} from '../../gen/thriftproxy/v1/scenario_control';
import { describeAction } from './action-summary';

// ---- requests: protobuf -> core ------------------------------------------------------------------------------

function invalid(message: string): ScenarioError {
  return new ScenarioError('invalid_argument', message);
}

/** Longest scenario or method name accepted (real ones are under 50 characters). */
export const MAX_NAME_CHARS = 256;

/** At most `max` characters of `text`, saying how long it was when cut: for echoing client input in messages. */
export function clipForMessage(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}...(${text.length} characters)`;
}

/** A scenario or method name from a request; past MAX_NAME_CHARS it is INVALID_ARGUMENT (and never echoed whole). */
export function nameFromProto(value: string, field: string): string {
  if (value.length > MAX_NAME_CHARS) {
    throw invalid(`${field}: '${clipForMessage(value)}' is too long for a name; names are at most ${MAX_NAME_CHARS} characters`);
  }
  return value;
}

function namesFromProto(values: readonly string[], field: string): string[] {
  return values.map((value, i) => nameFromProto(value, `${field}[${i}]`));
}

const CALL_KINDS: ReadonlyMap<number, CoreCallKind | undefined> = new Map([
  [CallKind.CALL_KIND_UNSPECIFIED, undefined],
  [CallKind.CALL_KIND_THRIFT, 'thrift'],
  [CallKind.CALL_KIND_CLOUD_FETCH, 'cloudfetch'],
]);

/** `field` names the request field in errors, e.g. "filter.kind". Unspecified means any kind. */
export function callKindFromProto(value: CallKind, field: string): CoreCallKind | undefined {
  if (!CALL_KINDS.has(value)) {
    throw invalid(
      `${field}: unknown CallKind ${value}; allowed: CALL_KIND_UNSPECIFIED (0, any kind), ` +
        'CALL_KIND_THRIFT (1), CALL_KIND_CLOUD_FETCH (2)',
    );
  }
  return CALL_KINDS.get(value);
}

export function callFilterFromProto(
  filter: CallFilter | undefined,
  field: string,
  methods: readonly string[] = [],
): CoreCallFilter {
  const result: CoreCallFilter = {};
  const kind = callKindFromProto(filter?.kind ?? CallKind.CALL_KIND_UNSPECIFIED, `${field}.kind`);
  if (kind !== undefined) result.kind = kind;
  if (filter?.method) result.method = nameFromProto(filter.method, `${field}.method`);
  if (methods.length > 0) result.methods = namesFromProto(methods, 'methods');
  return result;
}

export function countFilterFromProto(request: CountCallsRequest): CoreCallFilter {
  const result: CoreCallFilter = {};
  const kind = callKindFromProto(request.kind, 'kind');
  if (kind !== undefined) result.kind = kind;
  if (request.method) result.method = nameFromProto(request.method, 'method');
  return result;
}

/** uint64 fields arrive as bigint; the core counts with numbers. */
export function safeNumberFromProto(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid(`${field}: ${value} is too large; the maximum is ${Number.MAX_SAFE_INTEGER}`);
  }
  return Number(value);
}

const MAX_DURATION_SECONDS = BigInt(Math.floor(Number.MAX_SAFE_INTEGER / 1000));

export function durationMsFromProto(duration: Duration, field: string): number {
  const { seconds, nanos } = duration;
  if (seconds < 0n || nanos < 0) {
    throw invalid(`${field}: must not be negative (got ${seconds}s ${nanos}ns); give a whole number of milliseconds`);
  }
  if (nanos > 999_999_999) {
    throw invalid(`${field}: nanos must be 0 to 999999999 (got ${nanos})`);
  }
  if (nanos % 1_000_000 !== 0) {
    throw invalid(`${field}: must be a whole number of milliseconds (got ${seconds}s ${nanos}ns)`);
  }
  if (seconds > MAX_DURATION_SECONDS) {
    throw invalid(`${field}: ${seconds}s is too large`);
  }
  return Number(seconds) * 1000 + nanos / 1_000_000;
}

export function enableOptionsFromProto(request: EnableScenarioRequest): EnableOptions {
  const options: EnableOptions = {
    untilDisabled: request.untilDisabled,
    keepCallHistory: request.keepCallHistory,
  };
  if (request.times !== undefined) options.times = request.times;
  if (request.skip !== undefined) options.skip = request.skip;
  if (request.duration !== undefined) options.durationMs = durationMsFromProto(request.duration, 'duration');
  return options;
}

const VERIFICATION_KINDS: ReadonlyMap<number, CoreVerificationKind> = new Map([
  [VerificationKind.VERIFICATION_KIND_EXACT_SEQUENCE, 'exact_sequence'],
  [VerificationKind.VERIFICATION_KIND_CONTAINS_SEQUENCE, 'contains_sequence'],
  [VerificationKind.VERIFICATION_KIND_METHOD_COUNT, 'method_count'],
  [VerificationKind.VERIFICATION_KIND_METHOD_EXISTS, 'method_exists'],
]);

export function verificationFromProto(request: VerifyCallsRequest): VerificationRequest {
  const kind = VERIFICATION_KINDS.get(request.kind);
  if (kind === undefined) {
    throw invalid(
      `kind: ${request.kind === VerificationKind.VERIFICATION_KIND_UNSPECIFIED ? 'not set' : `unknown VerificationKind ${request.kind}`}; ` +
        'allowed: VERIFICATION_KIND_EXACT_SEQUENCE (1), VERIFICATION_KIND_CONTAINS_SEQUENCE (2), ' +
        'VERIFICATION_KIND_METHOD_COUNT (3), VERIFICATION_KIND_METHOD_EXISTS (4)',
    );
  }
  const result: VerificationRequest = { kind };
  if (request.methods.length > 0) result.methods = namesFromProto(request.methods, 'methods');
  if (request.method) result.method = nameFromProto(request.method, 'method');
  if (kind === 'method_count') result.count = safeNumberFromProto(request.count, 'count');
  const callKind = callKindFromProto(request.callKind, 'call_kind');
  if (callKind !== undefined) result.callKind = callKind;
  return result;
}

// ---- replies: core -> protobuf -------------------------------------------------------------------------------

/** Accepts fractional milliseconds (call durations are measured with hrtime). */
export function durationToProto(ms: number): Duration {
  const clamped = Math.max(0, ms);
  const seconds = Math.floor(clamped / 1000);
  const nanos = Math.min(999_999_999, Math.round((clamped - seconds * 1000) * 1_000_000));
  return { seconds: BigInt(seconds), nanos };
}

function actionToProto(action: ActionSpec): ScenarioAction {
  const base: ScenarioAction = {
    kind: ScenarioActionKind.SCENARIO_ACTION_KIND_UNSPECIFIED,
    httpStatus: 0,
    thriftStatusCode: 0,
    message: '',
    defaultDuration: undefined,
    summary: describeAction(action),
  };
  switch (action.kind) {
    case 'http_status':
      return { ...base, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HTTP_STATUS, httpStatus: action.status, message: action.body };
    case 'thrift_error':
      return {
        ...base,
        kind: ScenarioActionKind.SCENARIO_ACTION_KIND_THRIFT_ERROR,
        thriftStatusCode: action.statusCode,
        message: action.message,
      };
    case 'hold':
      return { ...base, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HOLD, defaultDuration: durationToProto(action.defaultMs) };
    case 'reset':
      return { ...base, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_RESET };
  }
}

export function scenarioToProto(status: ScenarioStatus): Scenario {
  const { definition } = status;
  // The contract says 0 when disabled or unlimited, whatever the engine keeps internally.
  const limited = status.enabled && !status.untilDisabled;
  return {
    name: definition.name,
    description: definition.description,
    operation: definition.operation,
    action: actionToProto(definition.action),
    ticket: definition.ticket ?? '',
    enabled: status.enabled,
    remainingFirings: limited ? status.remainingFirings : 0,
    untilDisabled: status.untilDisabled,
    skipRemaining: status.skipRemaining,
    duration: status.durationMs === undefined ? undefined : durationToProto(status.durationMs),
    firedCount: BigInt(status.firedCount),
    lastFiredTime: status.lastFiredTime,
  };
}

const CALL_KIND_TO_PROTO: Record<CoreCallKind, CallKind> = {
  thrift: CallKind.CALL_KIND_THRIFT,
  cloudfetch: CallKind.CALL_KIND_CLOUD_FETCH,
};

const CALL_STATE_TO_PROTO: Record<CoreCallState, CallState> = {
  in_flight: CallState.CALL_STATE_IN_FLIGHT,
  completed: CallState.CALL_STATE_COMPLETED,
  failed: CallState.CALL_STATE_FAILED,
};

const MESSAGE_TYPE_TO_PROTO: Record<CoreThriftMessageType, ThriftMessageType> = {
  call: ThriftMessageType.THRIFT_MESSAGE_TYPE_CALL,
  reply: ThriftMessageType.THRIFT_MESSAGE_TYPE_REPLY,
  exception: ThriftMessageType.THRIFT_MESSAGE_TYPE_EXCEPTION,
  oneway: ThriftMessageType.THRIFT_MESSAGE_TYPE_ONEWAY,
};

export function callToProto(record: CallRecord): Call {
  return {
    sequence: BigInt(record.sequence),
    startTime: record.startTime,
    kind: CALL_KIND_TO_PROTO[record.kind],
    state: CALL_STATE_TO_PROTO[record.state],
    method: record.method,
    messageType:
      record.messageType === undefined
        ? ThriftMessageType.THRIFT_MESSAGE_TYPE_UNSPECIFIED
        : MESSAGE_TYPE_TO_PROTO[record.messageType],
    seqid: record.seqid ?? 0,
    decoded: record.decoded,
    decodeError: record.decodeError ?? '',
    request: record.request,
    replyStatus:
      record.replyStatus === undefined
        ? undefined
        : {
            statusCode: record.replyStatus.statusCode,
            statusName: record.replyStatus.statusName,
            errorMessage: record.replyStatus.errorMessage ?? '',
            sqlState: record.replyStatus.sqlState ?? '',
          },
    reply: record.reply,
    host: record.host,
    path: record.path,
    httpMethod: record.httpMethod,
    httpStatus: record.httpStatus ?? 0,
    duration: record.durationMs === undefined ? undefined : durationToProto(record.durationMs),
    requestBytes: BigInt(record.requestBytes),
    responseBytes: BigInt(record.responseBytes),
    scenario: record.scenario ?? '',
    error: record.error ?? '',
  };
}

export function watchItemToProto(item: WatchItem): WatchCallsResponse {
  switch (item.type) {
    case 'live':
      return { type: WatchEventType.WATCH_EVENT_TYPE_LIVE, call: undefined, replayed: false, droppedCount: 0n };
    case 'events_dropped':
      return {
        type: WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED,
        call: undefined,
        replayed: false,
        droppedCount: BigInt(item.droppedCount),
      };
    case 'call_started':
    case 'call_completed':
      return {
        type:
          item.type === 'call_started'
            ? WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED
            : WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED,
        call: callToProto(item.call),
        replayed: item.replayed,
        droppedCount: 0n,
      };
  }
}

export function verificationResultToProto(result: VerificationResult): VerifyCallsResponse {
  return {
    passed: result.passed,
    message: result.message,
    actualMethods: [...result.actualMethods],
    expectedMethods: [...result.expectedMethods],
    actualCount: BigInt(result.actualCount),
    expectedCount: BigInt(result.expectedCount),
  };
}

export function proxyInfoToProto(info: ProxyInfo): GetProxyInfoResponse {
  return {
    proxyHost: info.proxyHost,
    proxyPort: info.proxyPort,
    apiHost: info.apiHost,
    apiPort: info.apiPort,
    caCertPem: info.caCertPem,
    caCertPath: info.caCertPath,
    version: info.version,
    callHistoryCapacity: info.callHistoryCapacity,
    fakeWarehouse: info.fakeWarehouse === undefined ? undefined : { ...info.fakeWarehouse },
  };
}
