import fc from 'fast-check';
import {
  Call,
  CallKind,
  EnableScenarioRequest,
  ScenarioActionKind,
  VerificationKind,
  VerifyCallsRequest,
  WatchEventType,
} from '../../gen/thriftproxy/v1/scenario_control';
import { CallRecord, FieldValue, NamedFields, ScenarioError } from '../../src/core/model';
import {
  callFilterFromProto,
  callToProto,
  countFilterFromProto,
  durationMsFromProto,
  durationToProto,
  enableOptionsFromProto,
  safeNumberFromProto,
  scenarioToProto,
  verificationFromProto,
  watchItemToProto,
} from '../../src/api/translate';

function invalidArgument(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).code).toBe('invalid_argument');
    return (error as ScenarioError).message;
  }
  throw new Error('expected an invalid_argument ScenarioError');
}

const enableRequest = (overrides: Partial<EnableScenarioRequest>): EnableScenarioRequest => ({
  name: 'cloudfetch_timeout',
  untilDisabled: false,
  keepCallHistory: false,
  ...overrides,
});

describe('durations', () => {
  it('round-trips every whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => {
        expect(durationMsFromProto(durationToProto(ms), 'duration')).toBe(ms);
      }),
    );
  });

  it('keeps sub-millisecond precision of measured call durations', () => {
    expect(durationToProto(1234.5678)).toEqual({ seconds: 1n, nanos: 234_567_800 });
  });

  it('rejects negative, sub-millisecond and malformed durations, saying what is allowed', () => {
    expect(invalidArgument(() => durationMsFromProto({ seconds: -1n, nanos: 0 }, 'duration'))).toMatch(
      /duration: must not be negative.*whole number of milliseconds/,
    );
    expect(invalidArgument(() => durationMsFromProto({ seconds: 0n, nanos: -5 }, 'duration'))).toMatch(/negative/);
    expect(invalidArgument(() => durationMsFromProto({ seconds: 1n, nanos: 500 }, 'duration'))).toMatch(
      /whole number of milliseconds \(got 1s 500ns\)/,
    );
    expect(invalidArgument(() => durationMsFromProto({ seconds: 0n, nanos: 1_000_000_000 }, 'duration'))).toMatch(
      /nanos must be 0 to 999999999/,
    );
    expect(invalidArgument(() => durationMsFromProto({ seconds: 10n ** 15n, nanos: 0 }, 'duration'))).toMatch(/too large/);
  });
});

describe('requests', () => {
  it('passes EnableScenario overrides through, only those that were set', () => {
    expect(enableOptionsFromProto(enableRequest({}))).toEqual({ untilDisabled: false, keepCallHistory: false });
    expect(
      enableOptionsFromProto(
        enableRequest({ times: 3, skip: 2, duration: { seconds: 1n, nanos: 500_000_000 }, keepCallHistory: true }),
      ),
    ).toEqual({ times: 3, skip: 2, durationMs: 1500, untilDisabled: false, keepCallHistory: true });
  });

  it('maps call kinds and rejects unknown enum numbers with the allowed values', () => {
    expect(callFilterFromProto({ kind: CallKind.CALL_KIND_THRIFT, method: 'OpenSession' }, 'filter')).toEqual({
      kind: 'thrift',
      method: 'OpenSession',
    });
    expect(callFilterFromProto(undefined, 'filter', ['A', 'B'])).toEqual({ methods: ['A', 'B'] });
    expect(countFilterFromProto({ kind: CallKind.CALL_KIND_CLOUD_FETCH, method: '' })).toEqual({ kind: 'cloudfetch' });
    const message = invalidArgument(() => callFilterFromProto({ kind: 7 as CallKind, method: '' }, 'filter'));
    expect(message).toMatch(/^filter\.kind: unknown CallKind 7; allowed: CALL_KIND_UNSPECIFIED.*CALL_KIND_THRIFT.*CALL_KIND_CLOUD_FETCH/);
  });

  it('rejects an unset or unknown verification kind, listing the four checks', () => {
    const base: VerifyCallsRequest = { kind: 0, methods: [], method: '', count: 0n, callKind: 0 };
    expect(invalidArgument(() => verificationFromProto(base))).toMatch(/^kind: not set; allowed: VERIFICATION_KIND_EXACT_SEQUENCE/);
    expect(invalidArgument(() => verificationFromProto({ ...base, kind: 9 as VerificationKind }))).toMatch(/unknown VerificationKind 9/);
    expect(
      verificationFromProto({ ...base, kind: VerificationKind.VERIFICATION_KIND_METHOD_COUNT, method: 'FetchResults', count: 2n }),
    ).toEqual({ kind: 'method_count', method: 'FetchResults', count: 2 });
  });

  it('refuses uint64 values a JavaScript number cannot hold', () => {
    expect(safeNumberFromProto(9007199254740991n, 'from_sequence')).toBe(Number.MAX_SAFE_INTEGER);
    expect(invalidArgument(() => safeNumberFromProto(9007199254740992n, 'from_sequence'))).toMatch(
      /^from_sequence: 9007199254740992 is too large/,
    );
  });
});

// Keys of decoded structs and maps. Not `__proto__`: ts-proto's generated Struct code assigns keys with
// `fields[key] = value`, which cannot create a property of that name, so it cannot cross the wire (a limitation of
// the generated code, not of the translation; struct keys are schema names or field ids, only a Thrift map key could
// be `__proto__`).
const fieldKey = fc.string({ minLength: 1 }).filter((key) => key !== '__proto__');

// JSON-shaped values, as the Thrift decoder produces them (finite numbers only: Struct cannot carry NaN in JSON).
const fieldValue: fc.Arbitrary<FieldValue> = fc.letrec<{ value: FieldValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('calls', () => {
  const base: CallRecord = {
    sequence: 42,
    startTime: new Date('2026-01-02T03:04:05.678Z'),
    kind: 'thrift',
    state: 'completed',
    method: 'ExecuteStatement',
    messageType: 'call',
    seqid: 7,
    decoded: true,
    host: 'adb-1.azuredatabricks.net',
    path: '/sql/1.0/warehouses/abc',
    httpMethod: 'POST',
    httpStatus: 200,
    durationMs: 12.5,
    requestBytes: 100,
    responseBytes: 2000,
    replyStatus: { statusCode: 3, statusName: 'ERROR_STATUS', errorMessage: 'boom' },
    scenario: 'invalid_session_handle',
  };

  it('survives the protobuf wire with request and reply structs intact', () => {
    fc.assert(
      fc.property(fc.dictionary(fieldKey, fieldValue, { maxKeys: 5 }), (fields: NamedFields) => {
        const record: CallRecord = { ...base, request: fields, reply: { status: { statusCode: 0 } } };
        const decoded = Call.decode(Call.encode(callToProto(record)).finish());
        expect(decoded.request).toEqual(fields);
        expect(decoded.reply).toEqual({ status: { statusCode: 0 } });
        expect(decoded.sequence).toBe(42n);
        expect(decoded.startTime).toEqual(base.startTime);
      }),
      { numRuns: 200 },
    );
  });

  it('fills the proto defaults for what a record leaves out', () => {
    const call = callToProto({
      ...base,
      kind: 'cloudfetch',
      state: 'in_flight',
      method: 'CloudFetchDownload',
      messageType: undefined,
      seqid: undefined,
      httpStatus: undefined,
      durationMs: undefined,
      replyStatus: undefined,
      scenario: undefined,
    });
    expect(call).toMatchObject({ kind: 2, state: 1, messageType: 0, seqid: 0, httpStatus: 0, scenario: '', error: '', decodeError: '' });
    expect(call.duration).toBeUndefined();
    expect(call.replyStatus).toBeUndefined();
  });

  it('translates every kind of watch item', () => {
    expect(watchItemToProto({ type: 'live' }).type).toBe(WatchEventType.WATCH_EVENT_TYPE_LIVE);
    expect(watchItemToProto({ type: 'events_dropped', droppedCount: 5 })).toMatchObject({
      type: WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED,
      droppedCount: 5n,
    });
    const started = watchItemToProto({ type: 'call_started', call: base, replayed: true });
    expect(started).toMatchObject({ type: WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED, replayed: true });
    expect(started.call?.sequence).toBe(42n);
  });
});

describe('scenarios', () => {
  it('describes each action kind and reports 0 firings left when unlimited or disabled', () => {
    const hold = scenarioToProto({
      definition: { name: 'cloudfetch_timeout', description: 'd', match: { kind: 'cloudfetch' }, steps: [{ kind: 'hold', durationMs: 65_000 }] },
      builtin: true,
      explanation: 'x',
      enabled: true,
      remainingFirings: Number.POSITIVE_INFINITY,
      untilDisabled: true,
      skipRemaining: 0,
      durationMs: 1500,
      firedCount: 3,
    });
    expect(hold.action).toMatchObject({ kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HOLD, summary: 'hold 65s, then forward' });
    expect(hold.action?.defaultDuration).toEqual({ seconds: 65n, nanos: 0 });
    expect(hold.duration).toEqual({ seconds: 1n, nanos: 500_000_000 });
    expect(hold.remainingFirings).toBe(0);
    expect(hold.firedCount).toBe(3n);

    const http = scenarioToProto({
      definition: {
        name: 'cloudfetch_503',
        description: 'd',
        match: { kind: 'cloudfetch' },
        steps: [{ kind: 'respond', httpStatus: 503, body: 'Service Unavailable', contentType: 'text/plain' }],
      },
      builtin: true,
      explanation: 'x',
      enabled: true,
      remainingFirings: 2,
      untilDisabled: false,
      skipRemaining: 1,
      firedCount: 0,
    });
    expect(http.action).toMatchObject({ httpStatus: 503, message: 'Service Unavailable', summary: 'respond HTTP 503' });
    expect(http.remainingFirings).toBe(2);
    expect(http.ticket).toBe('');
  });
});
