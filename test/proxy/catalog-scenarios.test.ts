// Every scenario of the catalog fires as described exactly once, end to end: armed (short holds), driven with
// the traffic it matches, its effect checked, the call records its name, it disarms itself, and the next
// matching request passes untouched.
import { ScenarioDefinition } from '../../src/core/model';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { operationOf } from '../../src/scenarios/match';
import { ScenarioRig, SendOutcome, sendTraffic, startScenarioRig, STORED_FILE, trafficFor } from '../helpers/scenario-rig';
import { decodeReply, readMessageHeader, T } from '../helpers/thrift-messages';

const HOLD_MS = 120;

type StatusResp = { status: { statusCode: number; errorMessage?: string }; read(p: unknown): void };

function expectEffect(scenario: ScenarioDefinition, outcome: SendOutcome, upstreamContacted: boolean, seqid: number): void {
  const action = scenario.steps[0];
  switch (action.kind) {
    case 'respond':
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(action.httpStatus);
      expect(outcome.response.body.toString()).toBe(action.body);
      expect(upstreamContacted).toBe(false);
      return;
    case 'thrift_error': {
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(200);
      const reply = decodeReply(outcome.response.body, T.TExecuteStatementResp as never as new () => StatusResp);
      expect(reply.seqid).toBe(seqid);
      expect(reply.success?.status.statusCode).toBe(action.statusCode);
      expect(reply.success?.status.errorMessage).toBe(action.errorMessage);
      expect(upstreamContacted).toBe(false);
      return;
    }
    case 'hold':
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(200);
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(HOLD_MS - 5);
      expect(upstreamContacted).toBe(true);
      return;
    case 'reset':
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.code).toBe('ECONNRESET');
      expect(upstreamContacted).toBe(false);
      return;
    case 'truncate_response':
      // The rig's file is 22 bytes: half of it, then a reset the client sees as a failed request.
      expect(outcome.ok).toBe(false);
      expect(upstreamContacted).toBe(true);
      return;
    case 'throttle_response':
    case 'stall_response':
      // 22 bytes pass at once at 256 KiB/s, and a stall after 64 KiB never begins: the file arrives whole.
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.body.equals(STORED_FILE)).toBe(true);
      expect(upstreamContacted).toBe(true);
      return;
    case 'rewrite_thrift_reply':
      if (!outcome.ok) throw outcome.error;
      expect(outcome.response.status).toBe(200);
      expect(readMessageHeader(outcome.response.body)).toMatchObject({ type: 2, seqid });
      expect(upstreamContacted).toBe(true);
      return;
    default:
      throw new Error(`no check for a built-in ${action.kind} step`);
  }
}

/**
 * Built-ins whose call is recorded as failed here: resets and truncations cut the client off, and the rig's
 * FetchResults reply carries no result links for cloudfetch_link_expired_in_reply to rewrite (an error the
 * record must show, not a silent no-op).
 */
const FAILS_IN_THIS_RIG = new Set(['cloudfetch_connection_reset', 'network_failure_close_session', 'cloudfetch_truncated_download', 'cloudfetch_link_expired_in_reply']);

/** A request that passed untouched got the upstream's own answer. */
function expectUntouched(outcome: SendOutcome, method: string): void {
  if (!outcome.ok) throw outcome.error;
  expect(outcome.response.status).toBe(200);
  if (method === 'CloudFetchDownload') expect(outcome.response.body.equals(STORED_FILE)).toBe(true);
  else expect(readMessageHeader(outcome.response.body)).toMatchObject({ method, type: 2 });
}

describe('catalog scenarios, end to end', () => {
  let rig: ScenarioRig;

  beforeAll(async () => {
    rig = await startScenarioRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('has scenarios to check', () => {
    expect(SCENARIO_CATALOG.length).toBeGreaterThanOrEqual(21);
  });

  it.each(SCENARIO_CATALOG.map((s) => [s.name, s] as const))('%s fires once as described', async (name, scenario) => {
    const { proxy } = rig;
    const operation = operationOf(scenario.match);
    const transport = operation === 'CloudFetchDownload' ? 'https' : 'http';
    proxy.engine.enable(name, scenario.steps[0].kind === 'hold' ? { durationMs: HOLD_MS } : {});
    const seqid = 1000 + SCENARIO_CATALOG.indexOf(scenario);
    const traffic = trafficFor(operation, transport, rig.plain.port, seqid);

    const firstSequence = proxy.journal.nextSequence;
    const before = rig.upstreamRequestCount();
    const fired = await sendTraffic(proxy, traffic);
    expectEffect(scenario, fired, rig.upstreamRequestCount() > before, seqid);
    const firedCall = await proxy.waitForCall((c) => c.sequence === firstSequence, `the call ${name} fired on`);
    expect(firedCall).toMatchObject({ scenario: name, method: traffic.method, state: FAILS_IN_THIS_RIG.has(name) ? 'failed' : 'completed' });
    if (name === 'cloudfetch_link_expired_in_reply') expect(firedCall.error).toMatch(/could not rewrite the reply: .*has no TFetchResultsResp\.results/);
    if (name === 'protocol_version_downgrade') expect(firedCall.reply).toMatchObject({ serverProtocolVersion: 'SPARK_CLI_SERVICE_PROTOCOL_V1' });
    expect(proxy.engine.get(name)).toMatchObject({ enabled: false, firedCount: 1 });

    const next = await sendTraffic(proxy, trafficFor(operation, transport, rig.plain.port, seqid + 100));
    expectUntouched(next, traffic.method);
    const nextCall = await proxy.waitForCall((c) => c.sequence === firstSequence + 1, 'the call after the scenario');
    expect(nextCall.scenario).toBeUndefined();
    expect(nextCall.state).toBe('completed');
  });
});
