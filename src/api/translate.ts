// Protobuf (gen/, ts-proto) <-> domain model (src/core/model.ts). Nothing here decides anything: requests are
// checked only for what the protobuf encoding allows and the domain cannot see (unknown enum numbers, uint64
// beyond a JavaScript number, sub-millisecond or malformed Durations); domain rules stay in the core.
import {
  CallFilter as CoreCallFilter,
  CallKind as CoreCallKind,
  CallRecord,
  CallState as CoreCallState,
  ConnectionEnd as CoreConnectionEnd,
  DeliveryEnd as CoreDeliveryEnd,
  FieldValue,
  EnableOptions,
  ProxyInfo,
  ScenarioDefinition as CoreScenarioDefinition,
  ReplyDelivery as CoreReplyDelivery,
  ScenarioError,
  ScenarioMatch,
  ScenarioStatus,
  StepSpec,
  ThriftMessageType as CoreThriftMessageType,
  ThriftStatusSummary,
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
  ConnectionEnd,
  CountCallsRequest,
  DeliveryEnd,
  EnableScenarioRequest,
  GetProxyInfoResponse,
  Match,
  Scenario,
  ScenarioAction,
  ScenarioActionKind,
  ScenarioDefinition,
  Step,
  ReplyDelivery,
  ThriftMessageType,
  ThriftStatus,
  VerificationKind,
  VerifyCallsRequest,
  VerifyCallsResponse,
  WatchCallsResponse,
  WatchEventType,
} from '../../gen/thriftproxy/v1/scenario_control';
import { explainSteps } from '../scenarios/definition';
import { operationOf } from '../scenarios/match';
import { STEP_KIND_NAMES, stepEnds } from '../steps/registry';

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
  [CallKind.CALL_KIND_HTTP, 'http'],
]);

/** `field` names the request field in errors, e.g. "filter.kind". Unspecified means any kind. */
export function callKindFromProto(value: CallKind, field: string): CoreCallKind | undefined {
  if (!CALL_KINDS.has(value)) {
    throw invalid(
      `${field}: unknown CallKind ${value}; allowed: CALL_KIND_UNSPECIFIED (0, any kind), ` +
        'CALL_KIND_THRIFT (1), CALL_KIND_CLOUD_FETCH (2), CALL_KIND_HTTP (3)',
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

/**
 * The first API version's ScenarioAction: the step that decides the request's fate (the first that ends the
 * exchange, else the last), and a summary of all the steps.
 */
function actionToProto(steps: readonly StepSpec[]): ScenarioAction {
  const decisive = steps.find(stepEnds) ?? steps[steps.length - 1];
  const action: ScenarioAction = {
    kind: ScenarioActionKind.SCENARIO_ACTION_KIND_UNSPECIFIED,
    httpStatus: 0,
    thriftStatusCode: 0,
    message: '',
    defaultDuration: undefined,
    summary: explainSteps(steps),
  };
  switch (decisive?.kind) {
    case 'respond':
      return { ...action, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HTTP_STATUS, httpStatus: decisive.httpStatus, message: decisive.body };
    case 'thrift_error':
      return {
        ...action,
        kind: ScenarioActionKind.SCENARIO_ACTION_KIND_THRIFT_ERROR,
        thriftStatusCode: decisive.statusCode,
        message: decisive.errorMessage,
      };
    case 'hold':
      return { ...action, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HOLD, defaultDuration: durationToProto(decisive.durationMs) };
    case 'reset':
      return { ...action, kind: ScenarioActionKind.SCENARIO_ACTION_KIND_RESET };
    default:
      return action;
  }
}

export function scenarioToProto(status: ScenarioStatus): Scenario {
  const { definition } = status;
  // The contract says 0 when disabled or unlimited, whatever the engine keeps internally.
  const limited = status.enabled && !status.untilDisabled;
  return {
    name: definition.name,
    description: definition.description,
    operation: operationOf(definition.match),
    action: actionToProto(definition.steps),
    ticket: definition.ticket ?? '',
    enabled: status.enabled,
    remainingFirings: limited ? status.remainingFirings : 0,
    untilDisabled: status.untilDisabled,
    skipRemaining: status.skipRemaining,
    duration: status.durationMs === undefined ? undefined : durationToProto(status.durationMs),
    firedCount: BigInt(status.firedCount),
    lastFiredTime: status.lastFiredTime,
    definition: definitionToProto(definition),
    builtin: status.builtin,
    explanation: status.explanation,
  };
}

const CALL_KIND_TO_PROTO: Record<CoreCallKind, CallKind> = {
  thrift: CallKind.CALL_KIND_THRIFT,
  cloudfetch: CallKind.CALL_KIND_CLOUD_FETCH,
  http: CallKind.CALL_KIND_HTTP,
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
    replyStatus: statusToProto(record.replyStatus),
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
    steps: record.steps === undefined ? [] : [...record.steps],
    delivery: record.delivery === undefined ? undefined : deliveryToProto(record.delivery),
    upstreamReply: record.upstreamReply,
    upstreamReplyStatus: statusToProto(record.upstreamReplyStatus),
  };
}

function statusToProto(status: ThriftStatusSummary | undefined): ThriftStatus | undefined {
  if (status === undefined) return undefined;
  return { statusCode: status.statusCode, statusName: status.statusName, errorMessage: status.errorMessage ?? '', sqlState: status.sqlState ?? '' };
}

const DELIVERY_END_TO_PROTO: Record<CoreDeliveryEnd, DeliveryEnd> = {
  complete: DeliveryEnd.DELIVERY_END_COMPLETE,
  reset: DeliveryEnd.DELIVERY_END_RESET,
  closed: DeliveryEnd.DELIVERY_END_CLOSED,
  client_closed: DeliveryEnd.DELIVERY_END_CLIENT_CLOSED,
  upstream_failed: DeliveryEnd.DELIVERY_END_UPSTREAM_FAILED,
};

function deliveryToProto(delivery: CoreReplyDelivery): ReplyDelivery {
  return {
    bytesDelivered: BigInt(delivery.bytesDelivered),
    upstreamBytes: BigInt(delivery.upstreamBytes),
    connectionEnd: DELIVERY_END_TO_PROTO[delivery.connectionEnd],
    timeToLastByte: durationToProto(delivery.timeToLastByteMs),
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

// ---- scenario definitions, both ways ---------------------------------------------------------------------------
// proto3 cannot tell an unset scalar from its zero value: here "" and 0 mean "not given" (so the core's defaults
// apply), except where zero is a meaningful value (0 ms durations). Rules about values are the core's.

function unreachable(value: never, field: string): never {
  throw invalid(`${field}: unknown value ${JSON.stringify(value)}`);
}

function requiredDurationMs(duration: Duration | undefined, field: string): number {
  if (duration === undefined) throw invalid(`${field}: is required (e.g. "2s")`);
  return durationMsFromProto(duration, field);
}

export function matchFromProto(match: Match | undefined, field: string): ScenarioMatch {
  const result: ScenarioMatch = {};
  if (match === undefined) return result;
  const kind = callKindFromProto(match.kind, `${field}.kind`);
  if (kind !== undefined) result.kind = kind;
  if (match.methods.length > 0) result.methods = [...match.methods];
  if (match.host !== '') result.host = match.host;
  if (match.path !== '') result.path = match.path;
  if (match.httpMethod !== '') result.httpMethod = match.httpMethod;
  if (match.header !== undefined) {
    result.header = match.header.value === '' ? { name: match.header.name } : { name: match.header.name, value: match.header.value };
  }
  if (match.thriftFields.length > 0) {
    result.thriftFields = match.thriftFields.map((f) => {
      const test: { path: string; equals?: string; contains?: string } = { path: f.path };
      if (f.equals !== undefined) test.equals = f.equals;
      if (f.contains !== undefined) test.contains = f.contains;
      return test;
    });
  }
  return result;
}

export function stepFromProto(step: Step, field: string): StepSpec {
  const kind = step.kind;
  if (kind === undefined) {
    throw invalid(`${field}: no step kind set; give one of ${STEP_KIND_NAMES}`);
  }
  switch (kind.$case) {
    case 'delay':
      return { kind: 'delay', durationMs: requiredDurationMs(kind.value.duration, `${field}.delay.duration`) };
    case 'hold':
      return { kind: 'hold', durationMs: requiredDurationMs(kind.value.duration, `${field}.hold.duration`) };
    case 'respond': {
      const r = kind.value;
      const result: StepSpec = { kind: 'respond', httpStatus: r.httpStatus, body: r.body };
      if (Object.keys(r.headers).length > 0) result.headers = { ...r.headers };
      if (r.contentType !== '') result.contentType = r.contentType;
      return result;
    }
    case 'thriftError': {
      const t = kind.value;
      const result: StepSpec = { kind: 'thrift_error', statusCode: t.statusCode === 0 ? 3 : t.statusCode, errorMessage: t.errorMessage };
      if (t.sqlState !== '') result.sqlState = t.sqlState;
      if (t.errorCode !== 0) result.errorCode = t.errorCode;
      if (t.applicationException !== undefined) result.applicationExceptionType = t.applicationException.type;
      return result;
    }
    case 'reset':
      return { kind: 'reset' };
    case 'close':
      return { kind: 'close' };
    case 'forward':
      return { kind: 'forward' };
    case 'truncateResponse': {
      const t = kind.value;
      const result: StepSpec = {
        kind: 'truncate_response',
        afterBytes: byteCountFromProto(t.afterBytes, `${field}.truncate_response.after_bytes`),
        then: connectionEndFromProto(t.then, `${field}.truncate_response.then`),
      };
      if (t.afterPercent !== 0) result.afterPercent = t.afterPercent;
      return result;
    }
    case 'throttleResponse':
      return { kind: 'throttle_response', bytesPerSecond: byteCountFromProto(kind.value.bytesPerSecond, `${field}.throttle_response.bytes_per_second`) };
    case 'stallResponse':
      return {
        kind: 'stall_response',
        afterBytes: byteCountFromProto(kind.value.afterBytes, `${field}.stall_response.after_bytes`),
        durationMs: requiredDurationMs(kind.value.duration, `${field}.stall_response.duration`),
      };
    case 'corruptResponse':
      return {
        kind: 'corrupt_response',
        offset: byteCountFromProto(kind.value.offset, `${field}.corrupt_response.offset`),
        length: byteCountFromProto(kind.value.length, `${field}.corrupt_response.length`),
      };
    case 'setResponse': {
      const result: StepSpec = { kind: 'set_response' };
      if (kind.value.httpStatus !== 0) result.httpStatus = kind.value.httpStatus;
      if (Object.keys(kind.value.headers).length > 0) result.headers = { ...kind.value.headers };
      return result;
    }
    case 'rewriteThriftReply':
      return {
        kind: 'rewrite_thrift_reply',
        set: kind.value.set.map((assignment, i) => {
          const at = `${field}.rewrite_thrift_reply.set[${i}]`;
          if (assignment.value === undefined) throw invalid(`${at}.value: is required (null removes the field)`);
          return { path: assignment.path, value: assignment.value as FieldValue };
        }),
      };
    default:
      return unreachable(kind, field);
  }
}

/** A uint64 byte count as a number; beyond 2^53 is beyond any reply. */
function byteCountFromProto(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${field}: ${value} is out of range (at most ${Number.MAX_SAFE_INTEGER})`);
  return Number(value);
}

const CONNECTION_END_FROM_PROTO: Partial<Record<ConnectionEnd, CoreConnectionEnd>> = {
  [ConnectionEnd.CONNECTION_END_RESET]: 'reset',
  [ConnectionEnd.CONNECTION_END_CLOSE]: 'close',
};

function connectionEndFromProto(value: ConnectionEnd, field: string): CoreConnectionEnd {
  const end = CONNECTION_END_FROM_PROTO[value];
  if (end === undefined) throw invalid(`${field}: give CONNECTION_END_RESET (TCP reset) or CONNECTION_END_CLOSE (FIN)`);
  return end;
}

export function definitionFromProto(definition: ScenarioDefinition | undefined, field: string): CoreScenarioDefinition {
  if (definition === undefined) throw invalid(`${field}: is required`);
  return {
    name: definition.name,
    description: definition.description,
    match: matchFromProto(definition.match, `${field}.match`),
    steps: definition.steps.map((step, i) => stepFromProto(step, `${field}.steps[${i}]`)),
  };
}

export function matchToProto(match: ScenarioMatch): Match {
  return {
    kind: match.kind === undefined ? CallKind.CALL_KIND_UNSPECIFIED : CALL_KIND_TO_PROTO[match.kind],
    methods: [...(match.methods ?? [])],
    host: match.host ?? '',
    path: match.path ?? '',
    httpMethod: match.httpMethod ?? '',
    header: match.header === undefined ? undefined : { name: match.header.name, value: match.header.value ?? '' },
    thriftFields: (match.thriftFields ?? []).map((f) => ({ path: f.path, equals: f.equals, contains: f.contains })),
  };
}

export function stepToProto(step: StepSpec): Step {
  switch (step.kind) {
    case 'delay':
      return { kind: { $case: 'delay', value: { duration: durationToProto(step.durationMs) } } };
    case 'hold':
      return { kind: { $case: 'hold', value: { duration: durationToProto(step.durationMs) } } };
    case 'respond':
      return {
        kind: {
          $case: 'respond',
          value: { httpStatus: step.httpStatus, headers: { ...step.headers }, body: step.body, contentType: step.contentType ?? '' },
        },
      };
    case 'thrift_error':
      return {
        kind: {
          $case: 'thriftError',
          value: {
            statusCode: step.statusCode,
            errorMessage: step.errorMessage,
            sqlState: step.sqlState ?? '',
            errorCode: step.errorCode ?? 0,
            applicationException: step.applicationExceptionType === undefined ? undefined : { type: step.applicationExceptionType },
          },
        },
      };
    case 'reset':
      return { kind: { $case: 'reset', value: {} } };
    case 'close':
      return { kind: { $case: 'close', value: {} } };
    case 'forward':
      return { kind: { $case: 'forward', value: {} } };
    case 'truncate_response':
      return {
        kind: {
          $case: 'truncateResponse',
          value: {
            afterBytes: BigInt(step.afterBytes),
            then: step.then === 'reset' ? ConnectionEnd.CONNECTION_END_RESET : ConnectionEnd.CONNECTION_END_CLOSE,
            afterPercent: step.afterPercent ?? 0,
          },
        },
      };
    case 'throttle_response':
      return { kind: { $case: 'throttleResponse', value: { bytesPerSecond: BigInt(step.bytesPerSecond) } } };
    case 'stall_response':
      return { kind: { $case: 'stallResponse', value: { afterBytes: BigInt(step.afterBytes), duration: durationToProto(step.durationMs) } } };
    case 'corrupt_response':
      return { kind: { $case: 'corruptResponse', value: { offset: BigInt(step.offset), length: BigInt(step.length) } } };
    case 'set_response':
      return { kind: { $case: 'setResponse', value: { httpStatus: step.httpStatus ?? 0, headers: { ...step.headers } } } };
    case 'rewrite_thrift_reply':
      return { kind: { $case: 'rewriteThriftReply', value: { set: step.set.map((a) => ({ path: a.path, value: a.value })) } } };
    default:
      return unreachable(step, 'step');
  }
}

export function definitionToProto(definition: CoreScenarioDefinition): ScenarioDefinition {
  return {
    name: definition.name,
    description: definition.description,
    match: matchToProto(definition.match),
    steps: definition.steps.map(stepToProto),
  };
}
