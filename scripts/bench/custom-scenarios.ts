// Custom scenarios for the benchmark: defined and armed over gRPC as a test suite would, none of them matching
// the bench's traffic (GetOperationStatus calls to 127.0.0.1), so the figure is what armed rules cost a request
// they let pass. Half share the bench call's method and fail only on a decoded field (the costliest miss: the
// method matches, then a field is looked up); the rest miss on kind, method, host, path, HTTP method or header.
import { credentials, ServiceError } from '@grpc/grpc-js';
import { CallKind, DeepPartial, DefineScenarioRequest, EnableScenarioRequest, Match, ScenarioControlClient } from '../../gen/thriftproxy/v1/scenario_control';

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
