// Custom scenarios for the benchmark: defined and armed over gRPC as a test suite would, none of them matching
// the bench's traffic (GetOperationStatus calls to 127.0.0.1), so the figure is what armed rules cost a request
// they let pass. Half share the bench call's method and fail only on a decoded field (the costliest miss: the
// method matches, then a field is looked up); the rest miss on kind, method, host, path, HTTP method or header.
import { credentials, ServiceError } from '@grpc/grpc-js';
import { CallKind, DeepPartial, DefineScenarioRequest, EnableScenarioRequest, Match, ScenarioControlClient, ScenarioDefinition } from '../../gen/thriftproxy/v1/scenario_control';
import { definitionFromProto } from '../../src/api/translate';
import { MatchFacts } from '../../src/core/model';
import { thriftRequestFacts } from '../../src/proxy/thrift-message-facts';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { ScenarioEngine } from '../../src/scenarios/engine';
import { thriftCall } from './thrift-load';

function unary<T>(invoke: (callback: (error: ServiceError | null, response: T) => void) => unknown): Promise<T> {
  return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
}

function nonMatching(i: number): DeepPartial<Match> {
  switch (i % 8) {
    case 0:
    case 2:
    case 4:
    case 6:
      return { kind: CallKind.CALL_KIND_THRIFT, methods: ['GetOperationStatus'], thriftFields: [{ path: 'operationHandle.operationType', equals: String(100 + i) }] };
    case 1:
      return { kind: CallKind.CALL_KIND_CLOUD_FETCH };
    case 3:
      return { kind: CallKind.CALL_KIND_THRIFT, methods: ['FetchResults', 'ExecuteStatement'] };
    case 5:
      return { host: `*.never-${i}.example.com`, path: '/sql/*' };
    default:
      return { httpMethod: 'GET', header: { name: `x-never-${i}` } };
  }
}

/** Defines `count` scenarios (respond 503) that the bench's calls never match, and arms each until disabled. */
export async function armNonMatchingScenarios(apiPort: number, count: number): Promise<void> {
  const control = new ScenarioControlClient(`127.0.0.1:${apiPort}`, credentials.createInsecure());
  try {
    for (let i = 0; i < count; i++) {
      const name = `bench_custom_${i}`;
      const define = DefineScenarioRequest.fromPartial({ scenario: { name, match: nonMatching(i), steps: [{ kind: { $case: 'respond', value: { httpStatus: 503 } } }] } });
      await unary((cb) => control.defineScenario(define, cb));
      await unary((cb) => control.enableScenario(EnableScenarioRequest.fromPartial({ name, untilDisabled: true, keepCallHistory: true }), cb));
    }
  } finally {
    control.close();
  }
}

/**
 * What matching costs per request in-process, free of the machine's load on the wall clock: µs per
 * ScenarioEngine.claim() for the bench's call, with nothing armed and with `count` of these scenarios armed.
 */
export function claimMicros(count: number, claims = 200_000): { none: number; armed: number } {
  const facts = thriftRequestFacts(thriftCall());
  const match: MatchFacts = {
    kind: 'thrift',
    method: facts.matchMethod,
    host: '127.0.0.1',
    url: '/sql/1.0/warehouses/bench',
    httpMethod: 'POST',
    rawHeaders: ['Host', '127.0.0.1', 'Content-Type', 'application/x-thrift', 'Content-Length', '120'],
    request: facts.record.request,
  };
  const time = (engine: ScenarioEngine): number => {
    for (let i = 0; i < 10_000; i++) engine.claim(match); // warm-up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < claims; i++) if (engine.claim(match) !== undefined) throw new Error('a bench scenario matched the bench call');
    return Number(process.hrtime.bigint() - t0) / 1000 / claims;
  };
  const empty = new ScenarioEngine(SCENARIO_CATALOG);
  const armed = new ScenarioEngine(SCENARIO_CATALOG);
  for (let i = 0; i < count; i++) {
    const name = `bench_custom_${i}`;
    armed.define(definitionFromProto(ScenarioDefinition.fromPartial({ name, match: nonMatching(i), steps: [{ kind: { $case: 'respond', value: { httpStatus: 503 } } }] }), 'scenario'));
    armed.enable(name, { untilDisabled: true });
  }
  return { none: time(empty), armed: time(armed) };
}
