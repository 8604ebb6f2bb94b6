// Hostile Thrift traffic through the real proxy (properties): random bytes and mutated real TCLIService calls
// (bit flips, truncation, inserted bytes, huge lengths, bodies past the decode cap) POSTed over plain HTTP and
// intercepted HTTPS to a real upstream that answers with mutated real replies, random bytes or an echo. Whatever
// the bytes, they must cross the proxy unchanged both ways, every call must be recorded (decoded or not) and
// finished, and the proxy must still serve a normal call afterwards.
import http from 'node:http';
import fc from 'fast-check';
import { CallRecord } from '../../src/core/model';
import { REPLY_NOT_DECODED_KEY } from '../../src/proxy/thrift-message-facts';
import { driverCall, driverReply, type DriverProtocol } from '../thrift/support/driver-wire';
import { sampleRequests } from '../thrift/support/sample-requests';
import {
  closeOperationSuccess,
  executeStatementError,
  fetchResultsCloudFetch,
  fetchResultsColumns,
  openSessionSuccess,
  operationStatusFinished,
  resultSetMetadata,
} from '../thrift/support/sample-replies';
import { requestViaProxy, TunnelAgent } from '../helpers/proxied-client';
import { TestProxy } from '../helpers/proxy-harness';
import { decodeReply, encodeMessage, openSessionRequest, T } from '../helpers/thrift-messages';
import { mutate, mutationArb } from '../helpers/thrift-mutations';
import { WAREHOUSE_HOST } from '../helpers/tls-fixtures';
import { TestUpstream } from '../helpers/upstream-servers';
import { startWarehouseRig, type WarehouseRig } from '../helpers/warehouse-rig';

/** The driver's generated response classes, typed as what these tests read of them. */
type StatusResp = new () => { status: { statusCode: number }; read(input: unknown): void };

const PATH = '/sql/1.0/warehouses/fuzz';
/** Small caps, so some bodies take the too-large-to-decode path (streamed, not kept). */
const REQUEST_CAP = 4096;
const REPLY_CAP = 4096;
const NUM_RUNS = 50;

const PROTOCOLS: readonly DriverProtocol[] = ['binary', 'binary-old-header', 'compact'];

function validCalls(): Buffer[] {
  const out: Buffer[] = [];
  for (const [method, req] of Object.entries(sampleRequests())) for (const protocol of PROTOCOLS) out.push(driverCall(method, req, 7, protocol));
  return out;
}

function validReplies(): Buffer[] {
  const requests = sampleRequests();
  const replies: Array<[string, object]> = [
    ['OpenSession', openSessionSuccess()],
    ['ExecuteStatement', executeStatementError()],
    ['GetOperationStatus', operationStatusFinished()],
    ['GetResultSetMetadata', resultSetMetadata()],
    ['FetchResults', fetchResultsCloudFetch()],
    ['FetchResults', fetchResultsColumns(300)],
    ['CloseOperation', closeOperationSuccess()],
  ];
  const out: Buffer[] = [];
  for (const [method, resp] of replies) {
    for (const protocol of PROTOCOLS) out.push(driverReply(method, driverCall(method, requests[method], 7, protocol), resp, protocol));
  }
  return out;
}

/** Bytes appended to a body: usually none, sometimes enough to pass the decode cap. */
const paddingArb: fc.Arbitrary<number> = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 12_000 }) });

const THRIFT_PREFIXES: ReadonlyArray<readonly number[]> = [[], [0x80, 0x01, 0x00, 0x01], [0x82, 0x21], [0, 0, 0, 11]];

function randomBodyArb(): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...THRIFT_PREFIXES), fc.uint8Array({ maxLength: 600 }))
    .map(([prefix, bytes]) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes)]));
}

function mutatedArb(valid: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc
    .tuple(fc.constantFrom(...valid), fc.array(mutationArb, { minLength: 0, maxLength: 3 }), paddingArb)
    .map(([message, mutations, padding]) => Buffer.concat([mutate(message, mutations), Buffer.alloc(padding, 0x5a)]));
}

/** What the upstream answers: given bytes, or the request echoed. */
type ReplyPlan = { kind: 'bytes'; body: Buffer; chunked: boolean } | { kind: 'echo'; chunked: boolean };

describe('the proxy under hostile Thrift traffic (properties)', () => {
  let rig: WarehouseRig;
  let plain: TestUpstream;
  let secure: TestUpstream;
  let proxy: TestProxy;
  let tunnel: TunnelAgent;
  let httpAgent: http.Agent;
  let plan: ReplyPlan = { kind: 'echo', chunked: false };

  /** Answers with the current plan, in one write (content-length) or in small chunked pieces. */
  const answer = (_req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void => {
    const reply = plan.kind === 'echo' ? body : plan.body;
    if (!plan.chunked) {
      res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
      res.end(reply);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-thrift' });
    for (let at = 0; at < reply.length; at += 777) res.write(reply.subarray(at, at + 777));
    res.end();
  };

  beforeAll(async () => {
    rig = await startWarehouseRig(answer, { maxThriftRequestBytes: REQUEST_CAP, maxThriftReplyBytes: REPLY_CAP });
    ({ plain, secure, proxy, tunnel } = rig);
    httpAgent = new http.Agent({ keepAlive: true });
  });

  afterAll(async () => {
    httpAgent?.destroy();
    await rig?.close();
  });

  it('relays every body unchanged both ways and records and finishes every call', async () => {
    const calls = validCalls();
    const replies = validReplies();
    const firstSeq = proxy.journal.nextSequence;
    const planArb: fc.Arbitrary<ReplyPlan> = fc.oneof(
      fc.record({ kind: fc.constant('echo' as const), chunked: fc.boolean() }),
      fc.record({ kind: fc.constant('bytes' as const), body: fc.oneof(mutatedArb(replies), randomBodyArb()), chunked: fc.boolean() }),
    );
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: mutatedArb(calls) }, { weight: 1, arbitrary: randomBodyArb() }),
        planArb,
        fc.constantFrom('http' as const, 'https' as const),
        async (body, replyPlan, transport) => {
          runs++;
          plan = replyPlan;
          const upstream = transport === 'https' ? secure : plain;
          const expectedReply = replyPlan.kind === 'echo' ? body : replyPlan.body;
          const url = transport === 'https' ? `https://${WAREHOUSE_HOST}${PATH}` : `http://127.0.0.1:${plain.port}${PATH}`;
          const before = upstream.requests.length;
          const seq = proxy.journal.nextSequence;

          const res = await requestViaProxy(
            proxy.port,
            { method: 'POST', url, body, headers: { 'content-type': 'application/x-thrift' } },
            { http: httpAgent, tunnel },
          );

          // Byte for byte, both ways.
          expect(upstream.requests.length).toBe(before + 1);
          expect(upstream.requests[before].body.equals(body)).toBe(true);
          expect(res.status).toBe(200);
          expect(res.body.equals(expectedReply)).toBe(true);

          // Recorded, finished, and honest about what it could not decode.
          const call: CallRecord = await proxy.waitForCall((c) => c.sequence === seq, `call ${seq}`);
          expect(call).toMatchObject({ kind: 'thrift', state: 'completed', httpStatus: 200, requestBytes: body.length, responseBytes: expectedReply.length });
          if (call.decoded) {
            expect(call.decodeError).toBeUndefined();
            expect(typeof call.method).toBe('string');
          } else {
            expect(call.method).toBe('');
            expect(call.decodeError).toEqual(expect.any(String));
            expect(call.decodeError).not.toBe('');
          }
          if (body.length > REQUEST_CAP) expect(call).toMatchObject({ decoded: false, decodeError: expect.stringContaining('too large to decode') });
          if (expectedReply.length > REPLY_CAP) {
            expect(call.replyStatus).toBeUndefined();
            expect(call.reply?.[REPLY_NOT_DECODED_KEY]).toEqual(expect.stringContaining('too large to decode'));
          }
          expect(() => JSON.stringify(call)).not.toThrow();
          expect(proxy.journal.list().filter((c) => c.state === 'in_flight')).toEqual([]);
        },
      ),
      { numRuns: NUM_RUNS },
    );

    // Every run was recorded once, in order, and none is left in flight.
    const recorded = proxy.journal.list().filter((c) => c.sequence >= firstSeq);
    expect(recorded.map((c) => c.sequence)).toEqual(Array.from({ length: runs }, (_, i) => firstSeq + i));
    expect(recorded.every((c) => c.state === 'completed')).toBe(true);
    expect(proxy.logLines.filter((line) => / ERROR /.test(line))).toEqual([]);

    // And a normal call still goes through, decoded both ways, over each transport.
    plan = { kind: 'bytes', body: driverReply('OpenSession', driverCall('OpenSession', sampleRequests().OpenSession, 99), openSessionSuccess()), chunked: false };
    for (const url of [`http://127.0.0.1:${plain.port}${PATH}`, `https://${WAREHOUSE_HOST}${PATH}`]) {
      const seq = proxy.journal.nextSequence;
      const res = await requestViaProxy(proxy.port, { method: 'POST', url, body: encodeMessage('OpenSession', openSessionRequest(), 99) }, { http: httpAgent, tunnel });
      expect(res.status).toBe(200);
      expect(decodeReply(res.body, T.TOpenSessionResp as never as StatusResp).success?.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
      const call = await proxy.waitForCall((c) => c.sequence === seq, 'the normal call');
      expect(call).toMatchObject({ method: 'OpenSession', decoded: true, state: 'completed', replyStatus: { statusName: 'SUCCESS_STATUS' } });
    }
  });
});
