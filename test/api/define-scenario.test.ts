// DefineScenario / DeleteScenario and the full definitions in ListScenarios / GetScenario, over real gRPC, with
// traffic through the real proxy: a definition made by a test fires, is recorded and streamed like a built-in;
// every rejected definition is INVALID_ARGUMENT naming the field path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { status } from '@grpc/grpc-js';
import { CallKind, DeepPartial, ScenarioDefinition, WatchEventType } from '../../gen/thriftproxy/v1/scenario_control';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { SILENT_LOGGER } from '../../src/core/logger';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { ControlApi, failure, StreamRecorder } from './support/control-client';
import { callThroughProxy, FakeUpstream, startFakeUpstream, thriftCall } from './support/thrift-traffic';

let caDir: string;
let upstream: FakeUpstream;
let app: RunningApp;
let api: ControlApi;

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-define-'));
  upstream = await startFakeUpstream();
  app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, log: SILENT_LOGGER });
  api = new ControlApi(`${app.info.apiHost}:${app.info.apiPort}`);
});

afterAll(async () => {
  api?.close();
  await app?.close();
  await upstream?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await api.disableAllScenarios();
  await api.resetCalls();
  const { scenarios } = await api.listScenarios();
  for (const s of scenarios.filter((s) => !s.builtin)) await api.deleteScenario(s.name);
});

const proxy = (): { host: string; port: number } => ({ host: app.info.proxyHost, port: app.info.proxyPort });

const status503: DeepPartial<ScenarioDefinition> = {
  name: 'status_503',
  description: 'GetOperationStatus is refused with 503',
  match: { kind: CallKind.CALL_KIND_THRIFT, methods: ['GetOperationStatus'] },
  steps: [{ kind: { $case: 'delay', value: { duration: { seconds: 0n, nanos: 50_000_000 } } } }, { kind: { $case: 'respond', value: { httpStatus: 503, headers: { 'Retry-After': '3' }, body: 'busy' } } }],
};

describe('DefineScenario', () => {
  it('creates a scenario that ListScenarios and GetScenario show in full, after the built-ins', async () => {
    const defined = await api.defineScenario({ scenario: status503 });
    expect(defined.replaced).toBe(false);
    expect(defined.scenario).toMatchObject({
      name: 'status_503',
      builtin: false,
      enabled: false,
      explanation: 'on Thrift GetOperationStatus: delay 50ms, then respond HTTP 503 (Retry-After: 3)',
      definition: {
        name: 'status_503',
        match: { kind: CallKind.CALL_KIND_THRIFT, methods: ['GetOperationStatus'] },
        steps: [
          { kind: { $case: 'delay', value: { duration: { seconds: 0n, nanos: 50_000_000 } } } },
          { kind: { $case: 'respond', value: { httpStatus: 503, headers: { 'Retry-After': '3' }, body: 'busy', contentType: '' } } },
        ],
      },
    });
    const { scenarios } = await api.listScenarios();
    expect(scenarios.map((s) => s.name)).toEqual([...SCENARIO_CATALOG.map((d) => d.name), 'status_503']);
    expect((await api.getScenario('status_503')).scenario?.definition).toEqual(defined.scenario?.definition);
  });

  it('shows every built-in with its definition, builtin set and an explanation', async () => {
    const { scenarios } = await api.listScenarios();
    for (const s of scenarios) {
      expect(s.builtin).toBe(true);
      expect(s.definition?.steps.length).toBe(1);
      expect(s.explanation).toMatch(/^on .+: .+/);
    }
    const timeout = scenarios.find((s) => s.name === 'cloudfetch_timeout');
    expect(timeout?.definition).toMatchObject({ match: { kind: CallKind.CALL_KIND_CLOUD_FETCH }, steps: [{ kind: { $case: 'hold', value: { duration: { seconds: 65n, nanos: 0 } } } }] });
    expect(timeout?.explanation).toBe('on any CloudFetch download: hold 65s, then forward');
  });

  it('fires when enabled; the call names the scenario and the steps that ran, in ListCalls and WatchCalls', async () => {
    await api.defineScenario({ scenario: status503 });
    await api.enableScenario({ name: 'status_503' });
    const watch = new StreamRecorder(api.watchCalls({}));
    try {
      await watch.until((m) => m.some((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_LIVE));
      expect((await callThroughProxy(proxy(), upstream.port, 'ExecuteStatement', 1)).status).toBe(200);
      expect((await callThroughProxy(proxy(), upstream.port, 'GetOperationStatus', 2)).status).toBe(503);
      expect((await callThroughProxy(proxy(), upstream.port, 'GetOperationStatus', 3)).status).toBe(200);
      const steps = ['delay 50ms', 'respond HTTP 503 (Retry-After: 3)'];
      const { calls } = await api.listCalls({ filter: { kind: CallKind.CALL_KIND_THRIFT } });
      expect(calls.map((c) => [c.method, c.scenario, c.steps])).toEqual([
        ['ExecuteStatement', '', []],
        ['GetOperationStatus', 'status_503', steps],
        ['GetOperationStatus', '', []],
      ]);
      const isFiring = (e: (typeof watch.messages)[number]): boolean => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && e.call?.scenario === 'status_503';
      const streamed = await watch.until((m) => m.some(isFiring));
      expect(streamed.find(isFiring)?.call?.steps).toEqual(steps);
      expect((await api.getScenario('status_503')).scenario).toMatchObject({ enabled: false, firedCount: 1n });
    } finally {
      watch.stream.cancel();
    }
  });

  it('replaces a custom scenario of the same name, disarmed', async () => {
    await api.defineScenario({ scenario: status503 });
    await api.enableScenario({ name: 'status_503', untilDisabled: true });
    const replaced = await api.defineScenario({ scenario: { ...status503, steps: [{ kind: { $case: 'reset', value: {} } }] } });
    expect(replaced.replaced).toBe(true);
    expect(replaced.scenario).toMatchObject({ enabled: false, explanation: 'on Thrift GetOperationStatus: reset the connection (no HTTP response)' });
    expect((await api.listScenarios()).scenarios.filter((s) => s.name === 'status_503')).toHaveLength(1);
  });

  it('applies EnableScenario duration to the hold steps of a custom scenario, and refuses it without one', async () => {
    await api.defineScenario({ scenario: { name: 'slow', match: {}, steps: [{ kind: { $case: 'hold', value: { duration: { seconds: 5n, nanos: 0 } } } }] } });
    expect((await api.enableScenario({ name: 'slow', duration: { seconds: 1n, nanos: 0 } })).scenario?.duration).toEqual({ seconds: 1n, nanos: 0 });
    await api.defineScenario({ scenario: status503 });
    const refused = await failure(api.enableScenario({ name: 'status_503', duration: { seconds: 1n, nanos: 0 } }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(/does not hold .*slow/);
  });

  it('refuses a built-in name with ALREADY_EXISTS and changes nothing', async () => {
    const refused = await failure(api.defineScenario({ scenario: { ...status503, name: 'cloudfetch_503' } }));
    expect(refused).toMatchObject({ code: status.ALREADY_EXISTS, details: expect.stringMatching(/'cloudfetch_503' is a built-in scenario/) });
    expect((await api.getScenario('cloudfetch_503')).scenario?.definition?.steps[0]?.kind?.$case).toBe('respond');
  });
});

describe('DeleteScenario', () => {
  it('removes a custom scenario (disarming it) and answers its definition', async () => {
    await api.defineScenario({ scenario: status503 });
    await api.enableScenario({ name: 'status_503' });
    const deleted = await api.deleteScenario('status_503');
    expect(deleted).toMatchObject({ wasEnabled: true, scenario: { name: 'status_503' } });
    expect((await failure(api.getScenario('status_503'))).code).toBe(status.NOT_FOUND);
    expect((await callThroughProxy(proxy(), upstream.port, 'GetOperationStatus', 1)).status).toBe(200);
  });

  it('refuses a built-in with FAILED_PRECONDITION and an unknown name with NOT_FOUND', async () => {
    expect(await failure(api.deleteScenario('cloudfetch_503'))).toMatchObject({ code: status.FAILED_PRECONDITION, details: expect.stringMatching(/built-in/) });
    expect(await failure(api.deleteScenario('no_such_scenario'))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failure(api.deleteScenario(''))).toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});

const ms = (n: number) => ({ seconds: BigInt(Math.floor(n / 1000)), nanos: (n % 1000) * 1_000_000 });
const respond = (httpStatus: number, headers: Record<string, string> = {}) => ({ kind: { $case: 'respond' as const, value: { httpStatus, headers, body: '' } } });
const thriftError = (statusCode: number, type?: number) => ({
  kind: { $case: 'thriftError' as const, value: { statusCode, errorMessage: 'x', applicationException: type === undefined ? undefined : { type } } },
});
const ok = [respond(503)];

/** [what is wrong, the definition, what the message must say]. */
const REJECTED: [string, DeepPartial<ScenarioDefinition> | undefined, RegExp][] = [
  ['no scenario', undefined, /^scenario: is required/],
  ['no name', { name: '', steps: ok }, /^scenario\.name: is required/],
  ['a name with spaces', { name: 'bad name', steps: ok }, /^scenario\.name: "bad name" is not a valid name/],
  ['a too long description', { name: 'x', description: 'd'.repeat(3000), steps: ok }, /^scenario\.description: is 3000 characters long/],
  ['no steps', { name: 'x', steps: [] }, /^scenario\.steps: give at least one step/],
  ['too many steps', { name: 'x', steps: Array.from({ length: 40 }, () => ({ kind: { $case: 'delay' as const, value: { duration: ms(1) } } })) }, /^scenario\.steps: 40 steps; at most 32/],
  ['a step without a kind', { name: 'x', steps: [{}] }, /^scenario\.steps\[0\]: no step kind set/],
  ['status 99', { name: 'x', steps: [{ kind: { $case: 'delay', value: { duration: ms(1) } } }, respond(99)] }, /^scenario\.steps\[1\]\.respond\.http_status: 99 is not an HTTP status/],
  ['an interim status', { name: 'x', steps: [respond(150)] }, /^scenario\.steps\[0\]\.respond\.http_status: 150 is an interim \(1xx\) status/],
  ['a bad header name', { name: 'x', steps: [respond(503, { 'Bad Header': '1' })] }, /^scenario\.steps\[0\]\.respond\.headers\["Bad Header"\]: is not a valid header name/],
  ['a framing header', { name: 'x', steps: [respond(503, { 'Content-Length': '1' })] }, /^scenario\.steps\[0\]\.respond\.headers\["Content-Length"\]: is set by the proxy itself/],
  ['a header value with CR LF', { name: 'x', steps: [respond(503, { 'Retry-After': '1\r\nX: y' })] }, /^scenario\.steps\[0\]\.respond\.headers\["Retry-After"\]: a header value must not contain CR, LF or NUL/],
  ['a delay without duration', { name: 'x', steps: [{ kind: { $case: 'delay', value: {} } }] }, /^scenario\.steps\[0\]\.delay\.duration: is required/],
  ['a delay of two hours', { name: 'x', steps: [{ kind: { $case: 'delay', value: { duration: { seconds: 7200n, nanos: 0 } } } }] }, /^scenario\.steps\[0\]\.delay\.duration: 7200000 ms is out of range/],
  ['a delay of half a millisecond', { name: 'x', steps: [{ kind: { $case: 'delay', value: { duration: { seconds: 0n, nanos: 500_000 } } } }] }, /^scenario\.steps\[0\]\.delay\.duration: must be a whole number of milliseconds/],
  ['a hold of two hours', { name: 'x', steps: [{ kind: { $case: 'hold', value: { duration: { seconds: 7200n, nanos: 0 } } } }] }, /^scenario\.steps\[0\]\.hold\.duration: 7200000 ms is out of range/],
  ['an unknown TStatusCode', { name: 'x', steps: [thriftError(9)] }, /^scenario\.steps\[0\]\.thrift_error\.status_code: 9 is not a TStatusCode/],
  ['an unknown TApplicationException type', { name: 'x', steps: [thriftError(3, 99)] }, /^scenario\.steps\[0\]\.thrift_error\.application_exception\.type: 99 is not a TApplicationException type/],
  ['a step after one that ends the exchange', { name: 'x', steps: [{ kind: { $case: 'reset', value: {} } }, respond(503)] }, /^scenario\.steps\[1\]: never runs: steps\[0\] \(reset\) ends the exchange/],
  ['an unknown CallKind', { name: 'x', match: { kind: 9 as CallKind }, steps: ok }, /^scenario\.match\.kind: unknown CallKind 9/],
  ['an empty method', { name: 'x', match: { methods: ['FetchResults', ' '] }, steps: ok }, /^scenario\.match\.methods\[1\]: is empty/],
  ['a path that is not a path', { name: 'x', match: { path: 'api/2.0' }, steps: ok }, /^scenario\.match\.path: "api\/2\.0" must start with "\/" or "\*"/],
  ['a bad HTTP method', { name: 'x', match: { httpMethod: 'GE T' }, steps: ok }, /^scenario\.match\.http_method: "GE T" is not an HTTP method/],
  ['a header matcher without a name', { name: 'x', match: { header: { name: '', value: 'v' } }, steps: ok }, /^scenario\.match\.header\.name: is required/],
  ['a field matcher without a test', { name: 'x', match: { thriftFields: [{ path: 'statement' }] }, steps: ok }, /^scenario\.match\.thrift_fields\[0\]: give equals or contains/],
  ['a field matcher with a bad path', { name: 'x', match: { thriftFields: [{ path: 'a..b', equals: '1' }] }, steps: ok }, /^scenario\.match\.thrift_fields\[0\]\.path: "a\.\.b" is not a dotted field path/],
  ['a field matcher on downloads', { name: 'x', match: { kind: CallKind.CALL_KIND_CLOUD_FETCH, thriftFields: [{ path: 'statement', contains: 'x' }] }, steps: ok }, /^scenario\.match\.thrift_fields: apply only to Thrift calls/],
];

describe('DefineScenario rejects', () => {
  it.each(REJECTED)('%s: INVALID_ARGUMENT naming the field', async (_what, scenario, message) => {
    const before = (await api.listScenarios()).scenarios.length;
    const refused = await failure(api.defineScenario({ scenario }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toMatch(message);
    expect((await api.listScenarios()).scenarios.length).toBe(before);
  });

  it('reports every problem of a definition at once', async () => {
    const refused = await failure(api.defineScenario({ scenario: { name: '', steps: [respond(99), respond(600)] } }));
    expect(refused.details).toMatch(/scenario\.name: is required.*; scenario\.steps\[0\]\.respond\.http_status: 99 .*; scenario\.steps\[1\]: never runs.*; scenario\.steps\[1\]\.respond\.http_status: 600/);
  });
});

describe('HTTP traffic', () => {
  it('ListCalls filters by CALL_KIND_HTTP', async () => {
    // The upstream answers anything Thrift-shaped; on this path it is not a Thrift call to the proxy.
    const body = thriftCall('GetInfo', 9);
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: app.info.proxyHost, port: app.info.proxyPort, path: `http://127.0.0.1:${upstream.port}/api/2.0/sql/statements?x=1`, method: 'POST', agent: false });
      req.on('response', (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end(body);
    });
    await callThroughProxy(proxy(), upstream.port, 'ExecuteStatement', 1);
    const { calls } = await api.listCalls({ filter: { kind: CallKind.CALL_KIND_HTTP } });
    expect(calls.map((c) => [c.kind, c.method, c.httpStatus])).toEqual([[CallKind.CALL_KIND_HTTP, 'POST /api/2.0/sql/statements', 200]]);
  });
});
