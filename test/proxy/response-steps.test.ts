// The response-side step kinds through the real proxy, over plain HTTP and intercepted HTTPS: exact byte counts,
// timing measured against the rate or pause asked for, the connection end the client sees (RST or FIN), the
// Thrift reply the client decodes, and what the call record says the client received.
import http from 'node:http';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { CallRecord, ScenarioDefinition, StepSpec } from '../../src/core/model';
import { parseHostMapping } from '../../src/proxy/host-map';
import { CLIENT_READ_JITTER_MS, fetchRaw, RawReply } from '../helpers/raw-reply-client';
import { performance } from 'node:perf_hooks';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { STORAGE_HOST, upstreamCertificates, WAREHOUSE_HOST } from '../helpers/tls-fixtures';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { driverCall, driverReadReply, driverReply, type DriverProtocol } from '../thrift/support/driver-wire';
import { sampleRequests } from '../thrift/support/sample-requests';
import { fetchResultsCloudFetch, openSessionSuccess } from '../thrift/support/sample-replies';
import { patternBytes } from '../helpers/pattern-bytes';

const KiB = 1024;
const PLAIN_HOST = 'plain.blob.core.windows.net';
const PATH = '/sql/1.0/warehouses/response-steps';

type Transport = 'http' | 'https';

/** GET ?bytes=N: N pattern bytes with Content-Length; POST: the driver's own Thrift reply to the call. */
function upstreamHandler(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  if (req.method === 'POST') {
    const protocol: DriverProtocol = body[0] === 0x82 ? 'compact' : 'binary';
    const method = body.toString('latin1').includes('OpenSession') ? 'OpenSession' : 'FetchResults';
    const reply = driverReply(method, body, method === 'OpenSession' ? openSessionSuccess() : fetchResultsCloudFetch(), protocol);
    res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
    res.end(reply);
    return;
  }
  const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes'));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total, 'x-upstream': 'yes' });
  res.end(patternBytes(0, total));
}

let proxy: TestProxy;
let plain: TestUpstream;
let secure: TestUpstream;
let n = 0;

beforeAll(async () => {
  const certs = upstreamCertificates();
  plain = await startUpstream({ handler: upstreamHandler });
  secure = await startUpstream({ handler: upstreamHandler, tls: certs });
  proxy = await startTestProxy({
    hostMappings: [
      parseHostMapping(`${PLAIN_HOST}=127.0.0.1:${plain.port}`),
      parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`),
      parseHostMapping(`${WAREHOUSE_HOST}=127.0.0.1:${secure.port}`),
    ],
    upstreamCaPems: [certs.caCert],
  });
});

afterAll(async () => {
  await proxy?.close();
  await plain?.close();
  await secure?.close();
});

afterEach(() => proxy.engine.disableAll());

function arm(steps: StepSpec[], match: ScenarioDefinition['match'] = { kind: 'cloudfetch' }): string {
  const name = `response_steps_${++n}`;
  proxy.engine.define({ name, description: `test ${name}`, match, steps });
  proxy.engine.enable(name);
  return name;
}

async function download(transport: Transport, bytes: number): Promise<{ reply: RawReply; call: CallRecord }> {
  const host = transport === 'https' ? STORAGE_HOST : PLAIN_HOST;
  const first = proxy.journal.nextSequence;
  const reply = await fetchRaw({ proxyPort: proxy.port, url: `${transport}://${host}/results/f.arrow?bytes=${bytes}&sig=s3cret`, ca: proxy.caCertPem });
  const call = await proxy.waitForCall((c) => c.sequence === first, 'the download record');
  return { reply, call };
}

async function thriftCall(transport: Transport, method: 'OpenSession' | 'FetchResults', protocol: DriverProtocol = 'binary') {
  const base = transport === 'https' ? `https://${WAREHOUSE_HOST}` : `http://127.0.0.1:${plain.port}`;
  const first = proxy.journal.nextSequence;
  const reply = await fetchRaw({
    proxyPort: proxy.port,
    url: `${base}${PATH}`,
    ca: proxy.caCertPem,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-thrift' },
    body: driverCall(method, sampleRequests()[method], 7, protocol),
  });
  const call = await proxy.waitForCall((c) => c.sequence === first, 'the Thrift call record');
  return { reply, call };
}

/** Body bytes that had arrived `ms` after the first one. */
function bytesBy(reply: RawReply, ms: number): number {
  const t0 = reply.arrivals[0].at;
  return reply.arrivals.filter((a) => a.at - t0 <= ms).at(-1)?.bytes ?? 0;
}

describe.each<Transport>(['http', 'https'])('response-side steps over %s', (transport) => {
  it.each([
    ['reset', 'reset'],
    ['close', 'fin'],
  ] as const)('truncate_response then %s: headers unchanged, exactly after_bytes of the body, then %s', async (then, seen) => {
    const total = 600 * KiB;
    const after = 200 * KiB + 3;
    const scenario = arm([{ kind: 'truncate_response', afterBytes: after, then }]);
    const { reply, call } = await download(transport, total);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(total));
    expect(reply.headers['x-upstream']).toBe('yes');
    expect(reply.end).toBe(seen);
    expect(reply.body.length).toBe(after);
    expect(reply.body.equals(patternBytes(0, after))).toBe(true);
    expect(call).toMatchObject({
      state: 'failed',
      scenario,
      httpStatus: 200,
      responseBytes: after,
      delivery: { bytesDelivered: after, connectionEnd: then === 'reset' ? 'reset' : 'closed' },
    });
    expect(call.error).toMatch(new RegExp(`^connection ${then === 'reset' ? 'reset' : 'closed'} by scenario ${scenario} after ${after} of \\d+ body bytes`));
    expect(call.steps).toEqual([`truncate the reply after ${after} bytes, then ${then === 'reset' ? 'reset the connection (RST)' : 'close the connection (FIN)'}`]);
  });

  it('truncate_response after_percent: half of the announced body, then RST', async () => {
    const total = 300_001;
    arm([{ kind: 'truncate_response', afterBytes: 0, afterPercent: 50, then: 'reset' }]);
    const { reply, call } = await download(transport, total);
    expect(reply.end).toBe('reset');
    expect(reply.body.equals(patternBytes(0, 150_000))).toBe(true);
    expect(call.delivery).toMatchObject({ bytesDelivered: 150_000, connectionEnd: 'reset' });
  });

  it('throttle_response: the body at the rate, within 10 % over each second, and whole', async () => {
    const rate = 256 * KiB;
    const total = 640 * KiB;
    arm([{ kind: 'throttle_response', bytesPerSecond: rate }]);
    const { reply, call } = await download(transport, total);
    expect(reply.end).toBe('complete');
    expect(reply.body.equals(patternBytes(0, total))).toBe(true);
    for (const [from, to] of [
      [0, 1000],
      [1000, 2000],
    ]) {
      const perSecond = bytesBy(reply, to) - bytesBy(reply, from);
      expect(perSecond).toBeGreaterThan(rate * 0.9);
      expect(perSecond).toBeLessThan(rate * 1.1);
    }
    // The bucket starts full (1/16 s of bytes): the whole body takes (total - rate/16) / rate.
    const expectedMs = ((total - rate / 16) / rate) * 1000;
    expect(reply.arrivals.at(-1)!.at - reply.arrivals[0].at).toBeGreaterThan(expectedMs * 0.9);
    expect(call).toMatchObject({ state: 'completed', responseBytes: total, delivery: { bytesDelivered: total, upstreamBytes: total, connectionEnd: 'complete' } });
    expect(call.delivery!.timeToLastByteMs).toBeGreaterThan(expectedMs * 0.9);
  });

  it('stall_response: after_bytes, then nothing for at least the duration, then the rest', async () => {
    const after = 64 * KiB;
    const durationMs = 700;
    const total = 256 * KiB;
    arm([{ kind: 'stall_response', afterBytes: after, durationMs }]);
    const started = performance.now();
    const { reply, call } = await download(transport, total);
    expect(reply.end).toBe('complete');
    expect(reply.body.equals(patternBytes(0, total))).toBe(true);
    expect(reply.arrivals.at(-1)!.at - started).toBeGreaterThanOrEqual(durationMs);
    const before = reply.arrivals.filter((a) => a.bytes <= after).at(-1)!;
    const next = reply.arrivals.find((a) => a.bytes > after)!;
    expect(before.bytes).toBe(after);
    // The gap the client sees between its reads (see CLIENT_READ_JITTER_MS).
    expect(next.at - before.at).toBeGreaterThanOrEqual(durationMs - CLIENT_READ_JITTER_MS);
    expect(call.delivery).toMatchObject({ bytesDelivered: total, connectionEnd: 'complete' });
    expect(call.delivery!.timeToLastByteMs).toBeGreaterThanOrEqual(durationMs);
  });

  it('corrupt_response: exactly the byte range flipped; length and headers unchanged', async () => {
    const total = 100 * KiB;
    arm([{ kind: 'corrupt_response', offset: 1000, length: 24 }]);
    const { reply, call } = await download(transport, total);
    const want = patternBytes(0, total);
    for (let i = 1000; i < 1024; i++) want[i] ^= 0xff;
    expect(reply.headers['content-length']).toBe(String(total));
    expect(reply.body.equals(want)).toBe(true);
    expect(call).toMatchObject({ state: 'completed', delivery: { bytesDelivered: total, connectionEnd: 'complete' } });
  });

  it('set_response: status replaced, Retry-After added, Content-Length dropped (chunked), body passed through', async () => {
    arm([{ kind: 'set_response', httpStatus: 503, headers: { 'Retry-After': '2', 'Content-Length': '' } }]);
    const { reply, call } = await download(transport, 5000);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('2');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body.equals(patternBytes(0, 5000))).toBe(true);
    expect(call).toMatchObject({ state: 'completed', httpStatus: 503, delivery: { bytesDelivered: 5000 } });
  });

  it.each<DriverProtocol>(['binary', 'compact'])('rewrite_thrift_reply (%s): the driver reads the rewritten field; the record has both replies', async (protocol) => {
    arm([{ kind: 'rewrite_thrift_reply', set: [{ path: 'serverProtocolVersion', value: 'SPARK_CLI_SERVICE_PROTOCOL_V1' }] }], {
      kind: 'thrift',
      methods: ['OpenSession'],
    });
    const { reply, call } = await thriftCall(transport, 'OpenSession', protocol);
    expect(reply.status).toBe(200);
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    const read = driverReadReply('OpenSession', reply.body, protocol);
    const resp = read.success as T.TOpenSessionResp;
    expect(resp.serverProtocolVersion).toBe(T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V1);
    expect(resp.sessionHandle).toBeDefined();
    expect(call).toMatchObject({
      state: 'completed',
      reply: { serverProtocolVersion: 'SPARK_CLI_SERVICE_PROTOCOL_V1' },
      upstreamReply: { serverProtocolVersion: 'SPARK_CLI_SERVICE_PROTOCOL_V8' },
      delivery: { bytesDelivered: reply.body.length, connectionEnd: 'complete' },
    });
  });

  it('rewrite_thrift_reply on every link of a FetchResults reply', async () => {
    arm([{ kind: 'rewrite_thrift_reply', set: [{ path: 'results.resultLinks[*].expiryTime', value: 0 }] }], { kind: 'thrift', methods: ['FetchResults'] });
    const { reply, call } = await thriftCall(transport, 'FetchResults');
    const resp = driverReadReply('FetchResults', reply.body).success as T.TFetchResultsResp;
    expect(resp.results!.resultLinks!.map((l) => l.expiryTime.toNumber())).toEqual([0]);
    expect(call.reply).toMatchObject({ results: { resultLinks: [{ expiryTime: 0 }] } });
    expect(call.upstreamReply).toMatchObject({ results: { resultLinks: [{ expiryTime: 1893456000000 }] } });
  });

  it('rewrite_thrift_reply with a path the reply does not have: the call fails with the reason, the original reply is delivered', async () => {
    const scenario = arm([{ kind: 'rewrite_thrift_reply', set: [{ path: 'directResults.resultSet.hasMoreRows', value: true }] }], {
      kind: 'thrift',
      methods: ['FetchResults'],
    });
    const original = driverReply('FetchResults', driverCall('FetchResults', sampleRequests().FetchResults, 7), fetchResultsCloudFetch());
    const { reply, call } = await thriftCall(transport, 'FetchResults');
    expect(reply.body.equals(original)).toBe(true);
    expect(call.state).toBe('failed');
    expect(call.error).toBe(
      `scenario ${scenario} could not rewrite the reply: directResults.resultSet.hasMoreRows: TFetchResultsResp has no field "directResults" ` +
        '(it has status, hasMoreRows, results, resultSetMetadata): not rewritten',
    );
    expect(call.reply).toMatchObject({ hasMoreRows: false });
  });
});
