// Each kind of scenario action, end to end through the proxy, over plain HTTP and intercepted HTTPS: answer
// with a status, answer with a Thrift error the driver's generated classes decode, hold then forward, reset.
import http from 'node:http';
import https from 'node:https';
import { StepKind, StepOf } from '../../src/core/model';
import { parseHostMapping } from '../../src/proxy/host-map';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { TunnelAgent } from '../helpers/proxied-client';
import { startTestProxy } from '../helpers/proxy-harness';
import { PLAIN_STORAGE_HOST, ScenarioRig, sendTraffic, startScenarioRig, trafficFor, Transport } from '../helpers/scenario-rig';
import { decodeReply, encodeMessage, executeStatementRequest, T } from '../helpers/thrift-messages';
import { STORAGE_HOST } from '../helpers/tls-fixtures';
import { waitFor } from '../helpers/wait-for';

function actionOf<K extends StepKind>(name: string, kind: K): StepOf<K> {
  const action = SCENARIO_CATALOG.find((s) => s.name === name)?.steps[0];
  if (action?.kind !== kind) throw new Error(`catalog scenario ${name} is not a ${kind} step`);
  return action as StepOf<K>;
}

describe('scenario actions', () => {
  let rig: ScenarioRig;

  beforeAll(async () => {
    rig = await startScenarioRig();
  });
  afterAll(async () => {
    await rig?.close();
  });
  afterEach(() => {
    rig.proxy.engine.disableAll();
  });

  describe.each<Transport>(['http', 'https'])('over %s', (transport) => {
    it('http_status: answers with the status and body without contacting the server', async () => {
      const action = actionOf('service_unavailable_503_open_session', 'respond');
      rig.proxy.engine.enable('service_unavailable_503_open_session');
      const before = rig.upstreamRequestCount();
      const outcome = await sendTraffic(rig.proxy, trafficFor('OpenSession', transport, rig.plain.port));
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(503);
      expect(outcome.response.body.toString()).toBe(action.body);
      expect(outcome.response.headers['content-type']).toBe(action.contentType);
      expect(rig.upstreamRequestCount()).toBe(before);
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'service_unavailable_503_open_session' && c.sequence >= rig.proxy.journal.nextSequence - 1, 'the answered call');
      expect(call).toMatchObject({ state: 'completed', method: 'OpenSession', httpStatus: 503, responseBytes: outcome.response.body.length });
    });

    it.each(['binary', 'compact'] as const)('thrift_error: a %s REPLY with the same method and seqid whose TStatus carries the error', async (protocol) => {
      const action = actionOf('invalid_session_handle', 'thrift_error');
      rig.proxy.engine.enable('invalid_session_handle');
      const before = rig.upstreamRequestCount();
      const traffic = trafficFor('ExecuteStatement', transport, rig.plain.port);
      traffic.body = encodeMessage('ExecuteStatement', executeStatementRequest(), 4141, { protocol });
      const outcome = await sendTraffic(rig.proxy, traffic);
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(200);
      expect(outcome.response.headers['content-type']).toBe('application/x-thrift');
      const reply = decodeReply(outcome.response.body, T.TExecuteStatementResp as never as new () => { status: { statusCode: number; errorMessage: string }; read(p: unknown): void }, protocol);
      expect(reply).toMatchObject({ method: 'ExecuteStatement', type: 2, seqid: 4141 });
      expect(reply.success?.status.statusCode).toBe(action.statusCode);
      expect(reply.success?.status.errorMessage).toBe(action.errorMessage);
      expect(rig.upstreamRequestCount()).toBe(before);
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'invalid_session_handle' && c.seqid === 4141 && c.sequence >= rig.proxy.journal.nextSequence - 1, 'the answered call');
      expect(call).toMatchObject({
        state: 'completed',
        httpStatus: 200,
        replyStatus: { statusCode: action.statusCode, statusName: 'INVALID_HANDLE_STATUS', errorMessage: action.errorMessage },
      });
    });

    it('hold: waits the hold time, then forwards the request normally', async () => {
      rig.proxy.engine.enable('network_timeout_open_session', { durationMs: 150 });
      const before = rig.upstreamRequestCount();
      const outcome = await sendTraffic(rig.proxy, trafficFor('OpenSession', transport, rig.plain.port));
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(200);
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(145);
      expect(rig.upstreamRequestCount()).toBe(before + 1);
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'network_timeout_open_session' && c.sequence >= rig.proxy.journal.nextSequence - 1, 'the held call');
      expect(call).toMatchObject({ state: 'completed', httpStatus: 200, replyStatus: { statusName: 'SUCCESS_STATUS' } });
      expect(call.durationMs).toBeGreaterThanOrEqual(145);
    });

    it('reset: the client sees ECONNRESET, the server is never contacted, the call is failed', async () => {
      rig.proxy.engine.enable('network_failure_close_session');
      const before = rig.upstreamRequestCount();
      const outcome = await sendTraffic(rig.proxy, trafficFor('CloseSession', transport, rig.plain.port));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.code).toBe('ECONNRESET');
      expect(rig.upstreamRequestCount()).toBe(before);
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'network_failure_close_session' && c.sequence >= rig.proxy.journal.nextSequence - 1, 'the reset call');
      expect(call).toMatchObject({ state: 'failed', method: 'CloseSession', error: 'connection reset by scenario network_failure_close_session' });
    });

    it('reset of a CloudFetch download', async () => {
      rig.proxy.engine.enable('cloudfetch_connection_reset');
      const outcome = await sendTraffic(rig.proxy, trafficFor('CloudFetchDownload', transport, rig.plain.port));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.code).toBe('ECONNRESET');
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'cloudfetch_connection_reset' && c.sequence >= rig.proxy.journal.nextSequence - 1, 'the reset download');
      expect(call).toMatchObject({ state: 'failed', kind: 'cloudfetch', error: 'connection reset by scenario cloudfetch_connection_reset' });
    });
  });

  it('hold: a client that gives up during the hold ends it; the server is never contacted', async () => {
    rig.proxy.engine.enable('cloudfetch_timeout', { durationMs: 60_000 });
    const before = rig.upstreamRequestCount();
    const agent = new TunnelAgent({ proxyPort: rig.proxy.port, ca: rig.proxy.caCertPem });
    try {
      const req = https.request({ host: STORAGE_HOST, path: '/results/held.arrow', agent, servername: STORAGE_HOST });
      req.on('error', () => undefined);
      req.end();
      await waitFor(() => rig.proxy.journal.list().find((c) => c.scenario === 'cloudfetch_timeout' && c.state === 'in_flight'), 'the held download');
      req.destroy();
      const call = await rig.proxy.waitForCall((c) => c.scenario === 'cloudfetch_timeout' && c.path === '/results/held.arrow', 'the abandoned hold');
      expect(call).toMatchObject({ state: 'failed', error: 'the client closed the connection while scenario cloudfetch_timeout held the request' });
      expect(call.durationMs).toBeLessThan(30_000);
      expect(rig.upstreamRequestCount()).toBe(before);
    } finally {
      agent.destroy();
    }
  });

  it('hold: closing the proxy ends the hold at once and records the call as failed', async () => {
    const proxy = await startTestProxy({ hostMappings: [parseHostMapping(`${PLAIN_STORAGE_HOST}=127.0.0.1:${rig.plain.port}`)] });
    try {
      proxy.engine.enable('long_running_cloud_fetch', { durationMs: 60_000 });
      const answered = new Promise<string>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, path: `http://${PLAIN_STORAGE_HOST}/results/x`, agent: false }, (res) => resolve(`HTTP ${res.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.end();
      });
      await waitFor(() => proxy.journal.list().find((c) => c.state === 'in_flight'), 'the held download');
      const started = Date.now();
      await proxy.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await answered).toMatch(/ECONNRESET|socket hang up/);
      const [call] = proxy.journal.list();
      expect(call).toMatchObject({ state: 'failed', scenario: 'long_running_cloud_fetch', error: 'the proxy closed while scenario long_running_cloud_fetch held the request' });
    } finally {
      await proxy.close();
    }
  });
});
