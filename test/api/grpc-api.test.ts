// The control API end to end: the whole proxy in-process on ephemeral ports, a real grpc-js client, real
// Thrift traffic through the proxy to a local upstream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { status } from '@grpc/grpc-js';
import {
  CallKind,
  CallState,
  ScenarioActionKind,
  VerificationKind,
  WatchCallsResponse,
  WatchEventType,
} from '../../gen/thriftproxy/v1/scenario_control';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { SILENT_LOGGER } from '../../src/core/logger';
import { ControlApi, failure, healthCheck, StreamRecorder } from './support/control-client';
import { callThroughProxy, FakeUpstream, startFakeUpstream } from './support/thrift-traffic';

let caDir: string;
let upstream: FakeUpstream;
let app: RunningApp;
let api: ControlApi;

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-api-'));
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

// Tests share one proxy: each starts from no armed scenario and an empty history.
beforeEach(async () => {
  await api.disableAllScenarios();
  await api.resetCalls();
});

const proxy = (): { host: string; port: number } => ({ host: app.info.proxyHost, port: app.info.proxyPort });
const send = (method: string, seqid = 1) => callThroughProxy(proxy(), upstream.port, method, seqid);

describe('scenarios', () => {
  it('lists the catalog with each action described', async () => {
    const { scenarios } = await api.listScenarios();
    const names = scenarios.map((s) => s.name);
    for (const name of ['cloudfetch_503', 'cloudfetch_timeout', 'invalid_session_handle', 'network_failure_close_session']) {
      expect(names).toContain(name);
    }
    const timeout = scenarios.find((s) => s.name === 'cloudfetch_timeout');
    expect(timeout?.action?.kind).toBe(ScenarioActionKind.SCENARIO_ACTION_KIND_HOLD);
    expect(timeout?.action?.defaultDuration).toEqual({ seconds: 65n, nanos: 0 });
    expect(timeout?.ticket).toBe('BL-13239');
    expect(scenarios.every((s) => s.action?.summary && !s.enabled)).toBe(true);
  });

  it('gets one scenario, and answers NOT_FOUND for an unknown name', async () => {
    const { scenario } = await api.getScenario('cloudfetch_503');
    expect(scenario?.action).toMatchObject({ kind: ScenarioActionKind.SCENARIO_ACTION_KIND_HTTP_STATUS, httpStatus: 503 });
    const missing = await failure(api.getScenario('no_such_scenario'));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toContain('no_such_scenario');
  });

  it('enables with overrides, disables one, disables all', async () => {
    const { scenario } = await api.enableScenario({
      name: 'cloudfetch_timeout',
      times: 2,
      skip: 1,
      duration: { seconds: 2n, nanos: 500_000_000 },
    });
    expect(scenario).toMatchObject({ enabled: true, remainingFirings: 2, skipRemaining: 1, untilDisabled: false });
    expect(scenario?.duration).toEqual({ seconds: 2n, nanos: 500_000_000 });

    const forever = await api.enableScenario({ name: 'cloudfetch_503', untilDisabled: true });
    expect(forever.scenario).toMatchObject({ enabled: true, untilDisabled: true, remainingFirings: 0 });

    const disabled = await api.disableScenario('cloudfetch_timeout');
    expect(disabled.scenario?.enabled).toBe(false);

    const all = await api.disableAllScenarios();
    expect(all.disabledNames).toEqual(['cloudfetch_503']);
    expect((await api.listScenarios()).scenarios.some((s) => s.enabled)).toBe(false);
  });

  it.each([
    ['a negative duration', { name: 'cloudfetch_timeout', duration: { seconds: -1n, nanos: 0 } }, /duration.*negative/],
    ['a sub-millisecond duration', { name: 'cloudfetch_timeout', duration: { seconds: 0n, nanos: 1 } }, /whole number of milliseconds/],
    ['a duration on a scenario that does not hold', { name: 'cloudfetch_503', duration: { seconds: 1n, nanos: 0 } }, /duration/],
    ['times together with until_disabled', { name: 'cloudfetch_503', times: 2, untilDisabled: true }, /times|until/],
  ])('answers INVALID_ARGUMENT with a helpful message for %s', async (_what, request, message) => {
    const result = await failure(api.enableScenario(request));
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.details).toMatch(message);
  });

  it('answers NOT_FOUND when enabling or disabling an unknown scenario', async () => {
    expect((await failure(api.enableScenario({ name: 'nope' }))).code).toBe(status.NOT_FOUND);
    expect((await failure(api.disableScenario('nope'))).code).toBe(status.NOT_FOUND);
    expect((await failure(api.enableScenario({ name: 'cloudfetch_timout' }))).details).toContain("did you mean 'cloudfetch_timeout'?");
  });

  it('answers INVALID_ARGUMENT, not NOT_FOUND, for a request without a scenario name', async () => {
    const result = await failure(api.enableScenario({ name: '' }));
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/^name is required/);
  });
});

describe('calls', () => {
  it('lists, counts, verifies and resets recorded calls', async () => {
    await send('OpenSession', 1);
    await send('ExecuteStatement', 2);
    await send('ExecuteStatement', 3);

    const listed = await api.listCalls({ filter: { kind: CallKind.CALL_KIND_THRIFT } });
    expect(listed.calls.map((c) => c.method)).toEqual(['OpenSession', 'ExecuteStatement', 'ExecuteStatement']);
    const first = listed.calls[0];
    expect(first).toMatchObject({ kind: CallKind.CALL_KIND_THRIFT, state: CallState.CALL_STATE_COMPLETED, decoded: true, httpStatus: 200 });
    expect(first.replyStatus?.statusCode).toBe(0);
    expect(listed.nextSequence).toBe(listed.calls[2].sequence + 1n);

    const page = await api.listCalls({ fromSequence: listed.calls[1].sequence, limit: 1 });
    expect(page.calls.map((c) => c.sequence)).toEqual([listed.calls[1].sequence]);

    expect((await api.countCalls({ method: 'ExecuteStatement' })).count).toBe(2n);
    expect((await api.countCalls({ kind: CallKind.CALL_KIND_CLOUD_FETCH })).count).toBe(0n);

    const contains = await api.verifyCalls({
      kind: VerificationKind.VERIFICATION_KIND_CONTAINS_SEQUENCE,
      methods: ['OpenSession', 'ExecuteStatement'],
    });
    expect(contains).toMatchObject({ passed: true, actualMethods: ['OpenSession', 'ExecuteStatement', 'ExecuteStatement'] });
    const count = await api.verifyCalls({ kind: VerificationKind.VERIFICATION_KIND_METHOD_COUNT, method: 'ExecuteStatement', count: 3n });
    expect(count).toMatchObject({ passed: false, actualCount: 2n, expectedCount: 3n });
    expect(count.message).toContain('ExecuteStatement');

    expect((await api.resetCalls()).clearedCount).toBe(3n);
    expect((await api.listCalls()).calls).toEqual([]);
  });

  it('answers INVALID_ARGUMENT for unknown enum values and an unset verification kind', async () => {
    const kind = await failure(api.listCalls({ filter: { kind: 9 as CallKind } }));
    expect(kind).toEqual({ code: status.INVALID_ARGUMENT, details: expect.stringMatching(/filter\.kind: unknown CallKind 9; allowed/) });
    const verify = await failure(api.verifyCalls({ methods: ['OpenSession'] }));
    expect(verify.code).toBe(status.INVALID_ARGUMENT);
    expect(verify.details).toMatch(/kind: not set; allowed: VERIFICATION_KIND_EXACT_SEQUENCE/);
  });

  it('records which scenario fired and what the client got', async () => {
    await api.enableScenario({ name: 'invalid_session_handle' });
    const reply = await send('ExecuteStatement', 5);
    expect(reply.status).toBe(200);
    const [call] = (await api.listCalls({ filter: { method: 'ExecuteStatement' } })).calls;
    expect(call.scenario).toBe('invalid_session_handle');
    expect(call.replyStatus?.statusCode).toBeGreaterThanOrEqual(3);
    expect((await api.getScenario('invalid_session_handle')).scenario).toMatchObject({ enabled: false, firedCount: 1n });
  });
});

describe('WatchCalls', () => {
  const types = (messages: WatchCallsResponse[]): WatchEventType[] => messages.map((m) => m.type);

  it('sends the live marker first, then each call when it arrives and when it completes', async () => {
    const watch = new StreamRecorder(api.watchCalls({ filter: { kind: CallKind.CALL_KIND_THRIFT } }));
    try {
      await watch.until((m) => m.length >= 1);
      expect(types(watch.messages)).toEqual([WatchEventType.WATCH_EVENT_TYPE_LIVE]);

      await send('GetOperationStatus', 9);
      const messages = await watch.until((m) => m.length >= 3);
      expect(types(messages)).toEqual([
        WatchEventType.WATCH_EVENT_TYPE_LIVE,
        WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED,
        WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED,
      ]);
      expect(messages[1].call).toMatchObject({ method: 'GetOperationStatus', seqid: 9, state: CallState.CALL_STATE_IN_FLIGHT });
      expect(messages[2].call).toMatchObject({ method: 'GetOperationStatus', state: CallState.CALL_STATE_COMPLETED, httpStatus: 200 });
      expect(messages[2].call?.sequence).toBe(messages[1].call?.sequence);
      expect(messages.every((m) => !m.replayed)).toBe(true);
    } finally {
      watch.stream.cancel();
    }
  });

  it('replays history from a sequence number, then goes live', async () => {
    await send('OpenSession', 1);
    await send('ExecuteStatement', 2);
    await send('CloseSession', 3);
    const { calls } = await api.listCalls();
    const from = calls[1].sequence;

    const watch = new StreamRecorder(api.watchCalls({ replayFromSequence: from }));
    try {
      const messages = await watch.until((m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_LIVE));
      const replayed = messages.filter((m) => m.replayed);
      expect(replayed.map((m) => m.call?.method)).toEqual(['ExecuteStatement', 'CloseSession']);
      expect(replayed.every((m) => m.call?.state === CallState.CALL_STATE_COMPLETED)).toBe(true);
      expect(messages[messages.length - 1].type).toBe(WatchEventType.WATCH_EVENT_TYPE_LIVE);
    } finally {
      watch.stream.cancel();
    }
  });

  it('filters by methods and rejects a bad filter before streaming', async () => {
    const watch = new StreamRecorder(api.watchCalls({ methods: ['CloseSession'] }));
    try {
      await watch.until((m) => m.length >= 1);
      await send('OpenSession', 1);
      await send('CloseSession', 2);
      const messages = await watch.until((m) => m.length >= 3);
      expect(messages.slice(1).map((m) => m.call?.method)).toEqual(['CloseSession', 'CloseSession']);
    } finally {
      watch.stream.cancel();
    }
    const bad = new StreamRecorder(api.watchCalls({ filter: { kind: 5 as CallKind } }));
    const error = (await bad.closed()) as (Error & { code?: number }) | undefined;
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.messages).toEqual([]);
  });
});

describe('proxy info and health', () => {
  it('reports the bound addresses, the CA and the version', async () => {
    const info = await api.getProxyInfo();
    expect(info).toMatchObject({
      proxyHost: app.info.proxyHost,
      proxyPort: app.info.proxyPort,
      apiPort: app.info.apiPort,
      caCertPath: app.info.caCertPath,
      callHistoryCapacity: 1000,
    });
    expect(info.proxyPort).toBeGreaterThan(0);
    expect(info.apiPort).toBeGreaterThan(0);
    expect(info.caCertPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('serves standard health checks for the server and the service', async () => {
    const address = `${app.info.apiHost}:${app.info.apiPort}`;
    expect(await healthCheck(address, '')).toBe('SERVING');
    expect(await healthCheck(address, 'thriftproxy.v1.ScenarioControl')).toBe('SERVING');
  });
});

describe('shutdown', () => {
  it('ends open WatchCalls streams with UNAVAILABLE and closes promptly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-api-stop-'));
    const own = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir: dir, log: SILENT_LOGGER });
    const client = new ControlApi(`${own.info.apiHost}:${own.info.apiPort}`);
    try {
      const watch = new StreamRecorder(client.watchCalls());
      await watch.until((m) => m.length >= 1);
      const started = Date.now();
      await own.close();
      // The open stream must not hold close() up (generous bound: the machine may be loaded).
      expect(Date.now() - started).toBeLessThan(5000);
      const error = (await watch.closed()) as (Error & { code?: number }) | undefined;
      expect(error?.code).toBe(status.UNAVAILABLE);
    } finally {
      client.close();
      await own.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
