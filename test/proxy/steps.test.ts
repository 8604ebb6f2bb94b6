// Every step kind of a custom scenario, through the real proxy over plain HTTP and intercepted HTTPS, alone and
// composed: what the client gets, whether the server was contacted, and what the call record says.
import { ScenarioDefinition, StepSpec } from '../../src/core/model';
import { ScenarioRig, useScenarioRig, STORED_FILE, Transport } from '../helpers/scenario-rig';
import { connectionEnd, RuleOutcome, RuleRequest, sendRaw, sendRule, thriftStatement } from '../helpers/rule-traffic';
import { decodeReply, readMessageHeader, T } from '../helpers/thrift-messages';
import * as thrift from 'thrift';
import { waitFor } from '../helpers/wait-for';

const WAIT_MS = 150;

type StatusResp = { status: { statusCode: number; errorMessage?: string; sqlState?: string; errorCode?: number }; read(p: unknown): void };

let rig: ScenarioRig;
let seqid = 1;

const theRig = useScenarioRig();
beforeAll(() => {
  rig = theRig();
});

/** Defines and arms a one-shot scenario on ExecuteStatement calls with these steps. */
function arm(name: string, steps: StepSpec[], match: ScenarioDefinition['match'] = { kind: 'thrift', methods: ['ExecuteStatement'] }): void {
  rig.proxy.engine.define({ name, description: `test ${name}`, match, steps });
  rig.proxy.engine.enable(name);
}

/** Sends, then returns the outcome, whether the server saw it, and its finished call record. */
async function drive(transport: Transport, request: RuleRequest = thriftStatement('SELECT 1', seqid++)) {
  const first = rig.proxy.journal.nextSequence;
  const before = rig.upstreamRequestCount();
  const outcome = await sendRule(rig, transport, request);
  const call = await rig.proxy.waitForCall((c) => c.sequence === first && c.state !== 'in_flight', 'the call the scenario ran on');
  return { outcome, contacted: rig.upstreamRequestCount() > before, call };
}

function response(outcome: RuleOutcome) {
  if (!outcome.ok) throw outcome.error;
  return outcome.response;
}

describe.each<Transport>(['http', 'https'])('steps over %s', (transport) => {
  it('delay: waits, then forwards when nothing follows', async () => {
    arm(`delay_${transport}`, [{ kind: 'delay', durationMs: WAIT_MS }]);
    const { outcome, contacted, call } = await drive(transport);
    expect(response(outcome).status).toBe(200);
    expect(readMessageHeader(response(outcome).body)).toMatchObject({ method: 'ExecuteStatement', type: 2 });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(contacted).toBe(true);
    expect(call).toMatchObject({ state: 'completed', scenario: `delay_${transport}`, steps: ['delay 150ms'] });
  });

  it('respond: answers status, headers (Retry-After), body and content type without contacting the server', async () => {
    arm(`respond_${transport}`, [
      { kind: 'respond', httpStatus: 503, headers: { 'Retry-After': '3', 'X-Why': 'test' }, body: '{"error":"busy"}', contentType: 'application/json' },
    ]);
    const { outcome, contacted, call } = await drive(transport);
    const res = response(outcome);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.headers['x-why']).toBe('test');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe('{"error":"busy"}');
    expect(contacted).toBe(false);
    expect(call).toMatchObject({ state: 'completed', httpStatus: 503, responseBytes: 16, steps: ['respond HTTP 503 (Retry-After: 3)'] });
  });

  it('respond: defaults to an empty text/plain body', async () => {
    arm(`respond_default_${transport}`, [{ kind: 'respond', httpStatus: 429, body: '' }]);
    const res = response((await drive(transport)).outcome);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body.length).toBe(0);
  });

  it('thrift_error: a Thrift REPLY with the TStatus, sqlState and errorCode, echoing method and seqid', async () => {
    arm(`thrift_error_${transport}`, [{ kind: 'thrift_error', statusCode: 3, errorMessage: 'boom', sqlState: '42P01', errorCode: 1234 }]);
    const request = thriftStatement('SELECT 1', 777);
    const { outcome, contacted, call } = await drive(transport, request);
    const res = response(outcome);
    expect(res.status).toBe(200);
    const reply = decodeReply(res.body, T.TExecuteStatementResp as never as new () => StatusResp);
    expect(reply.seqid).toBe(777);
    expect(reply.success?.status).toMatchObject({ statusCode: 3, errorMessage: 'boom', sqlState: '42P01', errorCode: 1234 });
    expect(contacted).toBe(false);
    expect(call).toMatchObject({ state: 'completed', replyStatus: { statusCode: 3, statusName: 'ERROR_STATUS', errorMessage: 'boom', sqlState: '42P01' } });
  });

  it('thrift_error: a TApplicationException as an EXCEPTION message', async () => {
    arm(`app_exception_${transport}`, [{ kind: 'thrift_error', statusCode: 3, errorMessage: 'internal', applicationExceptionType: 6 }]);
    const res = response((await drive(transport, thriftStatement('SELECT 1', 778))).outcome);
    expect(readMessageHeader(res.body)).toMatchObject({ method: 'ExecuteStatement', type: thrift.Thrift.MessageType.EXCEPTION, seqid: 778 });
    let exception: thrift.Thrift.TApplicationException | undefined;
    thrift.TBufferedTransport.receiver((transportIn: thrift.TTransport) => {
      const proto = new thrift.TBinaryProtocol(transportIn);
      proto.readMessageBegin();
      exception = new thrift.Thrift.TApplicationException();
      exception.read(proto);
    }, 0)(res.body);
    expect(exception).toMatchObject({ message: 'internal', type: 6 });
  });

  it('thrift_error: a request that is not a Thrift call gets HTTP 500 with the message', async () => {
    arm(`thrift_error_http_${transport}`, [{ kind: 'thrift_error', statusCode: 3, errorMessage: 'not thrift' }], { kind: 'http' });
    const { outcome, contacted } = await drive(transport, { target: 'other', path: '/api/2.0/sql/statements' });
    expect(response(outcome).status).toBe(500);
    expect(response(outcome).body.toString()).toBe('not thrift');
    expect(contacted).toBe(false);
  });

  it('reset: cuts the connection with a TCP reset', async () => {
    arm(`reset_${transport}`, [{ kind: 'reset' }]);
    const first = rig.proxy.journal.nextSequence;
    expect(await connectionEnd(rig, transport, thriftStatement('SELECT 1', seqid++))).toBe('reset');
    const call = await rig.proxy.waitForCall((c) => c.sequence === first && c.state !== 'in_flight', 'the reset call');
    expect(call).toMatchObject({ state: 'failed', error: `connection reset by scenario reset_${transport}` });
  });

  it('close: ends the connection normally (FIN) without an answer', async () => {
    arm(`close_${transport}`, [{ kind: 'close' }]);
    const first = rig.proxy.journal.nextSequence;
    const before = rig.upstreamRequestCount();
    expect(await connectionEnd(rig, transport, thriftStatement('SELECT 1', seqid++))).toBe('fin');
    const call = await rig.proxy.waitForCall((c) => c.sequence === first && c.state !== 'in_flight', 'the closed call');
    expect(call).toMatchObject({ state: 'failed', error: `connection closed by scenario close_${transport}`, steps: ['close the connection (FIN, no HTTP response)'] });
    expect(rig.upstreamRequestCount()).toBe(before);
  });

  it('hold: holds, then forwards', async () => {
    arm(`hold_${transport}`, [{ kind: 'hold', durationMs: WAIT_MS }]);
    const { outcome, contacted, call } = await drive(transport);
    expect(response(outcome).status).toBe(200);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(contacted).toBe(true);
    expect(call.steps).toEqual(['hold 150ms, then forward']);
  });

  it('forward: sends the request on at once, and nothing after it runs', async () => {
    arm(`forward_${transport}`, [{ kind: 'forward' }], { kind: 'cloudfetch' });
    const { outcome, contacted, call } = await drive(transport, { target: 'storage', path: '/results/0.arrow' });
    expect(response(outcome).body.equals(STORED_FILE)).toBe(true);
    expect(contacted).toBe(true);
    expect(call).toMatchObject({ kind: 'cloudfetch', state: 'completed', scenario: `forward_${transport}`, steps: ['forward to the server'] });
  });

  it('delay then reset: waits, then cuts the connection; the record names both steps', async () => {
    arm(`delay_reset_${transport}`, [{ kind: 'delay', durationMs: WAIT_MS }, { kind: 'reset' }]);
    const { outcome, contacted, call } = await drive(transport);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe('ECONNRESET');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(contacted).toBe(false);
    expect(call).toMatchObject({ state: 'failed', steps: ['delay 150ms', 'reset the connection (no HTTP response)'] });
  });

  it('delay then respond: a slow 429 with Retry-After', async () => {
    arm(`delay_respond_${transport}`, [
      { kind: 'delay', durationMs: WAIT_MS },
      { kind: 'respond', httpStatus: 429, headers: { 'Retry-After': '1' }, body: 'slow down' },
    ]);
    const { outcome } = await drive(transport);
    expect(response(outcome)).toMatchObject({ status: 429, headers: { 'retry-after': '1' } });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(WAIT_MS - 5);
  });

  it('a delay ends when the client goes away: the call fails saying so, and nothing is forwarded', async () => {
    arm(`delay_gone_${transport}`, [{ kind: 'delay', durationMs: 60_000 }]);
    const first = rig.proxy.journal.nextSequence;
    const before = rig.upstreamRequestCount();
    const socket = await sendRaw(rig, transport, thriftStatement('SELECT 1', seqid++));
    await waitFor(() => rig.proxy.journal.list().find((c) => c.sequence === first && (c.steps?.length ?? 0) > 0), 'the delayed call');
    socket.destroy();
    const call = await rig.proxy.waitForCall((c) => c.sequence === first && c.state !== 'in_flight', 'the abandoned call');
    expect(call).toMatchObject({ state: 'failed', error: `the client closed the connection while scenario delay_gone_${transport} delayed the request` });
    expect(rig.upstreamRequestCount()).toBe(before);
  });
});
