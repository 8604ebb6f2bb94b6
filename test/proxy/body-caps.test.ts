// Thrift bodies are kept to decode only up to a cap (maxThriftRequestBytes, maxThriftReplyBytes). Past it the
// body still goes through byte for byte, streaming, and the call is recorded as too large to decode. Small caps
// here; the defaults are 16 MiB and 64 MiB.
import http from 'node:http';
import { DEFAULT_MAX_THRIFT_REPLY_BYTES, DEFAULT_MAX_THRIFT_REQUEST_BYTES } from '../../src/proxy/pipeline';
import { parseHostMapping } from '../../src/proxy/host-map';
import { REPLY_NOT_DECODED_KEY } from '../../src/proxy/thrift-message-facts';
import { requestViaProxy, TunnelAgent } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import {
  answerThriftCalls,
  decodeReply,
  encodeMessage,
  executeStatementRequest,
  fetchResultsReply,
  fetchResultsRequest,
  T,
} from '../helpers/thrift-messages';
import { upstreamCertificates, WAREHOUSE_HOST } from '../helpers/tls-fixtures';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { waitFor } from '../helpers/wait-for';
import { startWarehouseRig, type WarehouseRig } from '../helpers/warehouse-rig';

const REQUEST_CAP = 1024;
const REPLY_CAP = 4096;
/** The driver's generated response classes, typed as what these tests read of them. */
type StatusResp = new () => { status: { statusCode: number }; read(input: unknown): void };

const PATH = '/sql/1.0/warehouses/caps';

/** An ExecuteStatement CALL of about `bytes` bytes (the statement is the filler). */
function executeStatementOf(bytes: number, seqid: number): Buffer {
  return encodeMessage('ExecuteStatement', executeStatementRequest(`SELECT '${'x'.repeat(Math.max(0, bytes - 120))}'`), seqid);
}

describe('caps on Thrift bodies kept to decode', () => {
  let rig: WarehouseRig;
  let plain: TestUpstream;
  let secure: TestUpstream;
  let proxy: TestProxy;
  let tunnel: TunnelAgent;

  beforeAll(async () => {
    rig = await startWarehouseRig(answerThriftCalls, { maxThriftRequestBytes: REQUEST_CAP, maxThriftReplyBytes: REPLY_CAP });
    ({ plain, secure, proxy, tunnel } = rig);
  });

  afterAll(async () => {
    await rig?.close();
  });

  afterEach(() => {
    proxy.engine.disableAll();
  });

  const urlFor = (transport: 'http' | 'https'): string =>
    transport === 'https' ? `https://${WAREHOUSE_HOST}${PATH}` : `http://127.0.0.1:${plain.port}${PATH}`;
  const upstreamFor = (transport: 'http' | 'https'): TestUpstream => (transport === 'https' ? secure : plain);

  it('has defaults of 16 MiB for requests and 64 MiB for replies', () => {
    expect(DEFAULT_MAX_THRIFT_REQUEST_BYTES).toBe(16 * 1024 * 1024);
    expect(DEFAULT_MAX_THRIFT_REPLY_BYTES).toBe(64 * 1024 * 1024);
  });

  it.each(['http', 'https'] as const)(
    'over %s: forwards a request body longer than the cap byte for byte, records it as too large, and a scenario for its method does not match',
    async (transport) => {
      proxy.engine.enable('invalid_session_handle'); // ExecuteStatement -> INVALID_HANDLE, had the method been known
      const upstream = upstreamFor(transport);
      const body = executeStatementOf(REQUEST_CAP * 5, 31);
      expect(body.length).toBeGreaterThan(REQUEST_CAP);
      const before = upstream.requests.length;
      const seq = proxy.journal.nextSequence;
      const res = await requestViaProxy(proxy.port, { method: 'POST', url: urlFor(transport), body }, { tunnel });

      expect(res.status).toBe(200);
      expect(decodeReply(res.body, T.TExecuteStatementResp as never as StatusResp).success?.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
      expect(upstream.requests.length).toBe(before + 1);
      expect(upstream.requests[before].body.equals(body)).toBe(true);
      const call = await proxy.waitForCall((c) => c.sequence === seq, 'the oversized call');
      expect(call).toMatchObject({ kind: 'thrift', method: '', decoded: false, state: 'completed', httpStatus: 200, requestBytes: body.length });
      expect(call.request).toBeUndefined();
      expect(call.decodeError).toMatch(/request body too large to decode \(more than 1024 bytes\)/);
      expect(proxy.engine.get('invalid_session_handle')).toMatchObject({ enabled: true, remainingFirings: 1 });

      // The same call within the cap is decoded and the scenario fires: it was the size that kept it from matching.
      const small = executeStatementOf(200, 32);
      expect(small.length).toBeLessThanOrEqual(REQUEST_CAP);
      const answered = await requestViaProxy(proxy.port, { method: 'POST', url: urlFor(transport), body: small }, { tunnel });
      expect(decodeReply(answered.body, T.TExecuteStatementResp as never as StatusResp).success?.status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
      const decoded = await proxy.waitForCall((c) => c.seqid === 32 && c.method === 'ExecuteStatement', 'the small call');
      expect(decoded).toMatchObject({ decoded: true, scenario: 'invalid_session_handle' });
    },
  );

  it('decodes a request body of exactly the cap', async () => {
    let body = executeStatementOf(REQUEST_CAP, 33);
    // Pad the statement until the message is exactly REQUEST_CAP bytes.
    body = executeStatementOf(REQUEST_CAP + (REQUEST_CAP - body.length), 33);
    expect(body.length).toBe(REQUEST_CAP);
    await requestViaProxy(proxy.port, { method: 'POST', url: urlFor('http'), body });
    const call = await proxy.waitForCall((c) => c.seqid === 33, 'the call at the cap');
    expect(call).toMatchObject({ method: 'ExecuteStatement', decoded: true, state: 'completed' });
  });

  it('matches no Thrift scenario with an oversized request, not even one for any Thrift call (its method is unknown)', async () => {
    proxy.engine.enable('session_timeout_premature');
    const body = executeStatementOf(REQUEST_CAP * 3, 34);
    const before = plain.requests.length;
    const seq = proxy.journal.nextSequence;
    const res = await requestViaProxy(proxy.port, { method: 'POST', url: urlFor('http'), body });
    expect(res.status).toBe(200);
    expect(plain.requests[before].body.equals(body)).toBe(true);
    const call = await proxy.waitForCall((c) => c.sequence === seq, 'the oversized call');
    expect(call).toMatchObject({ decoded: false, state: 'completed', httpStatus: 200 });
    expect(call.scenario).toBeUndefined();
    expect(proxy.engine.get('session_timeout_premature')).toMatchObject({ enabled: true, remainingFirings: 1 });
  });

  it('streams an oversized request body on before the client has finished sending it', async () => {
    const received: Buffer[] = [];
    let receivedBytes = 0;
    const streaming = await startUpstream({
      streamingHandler: (req, res) => {
        req.on('data', (chunk: Buffer) => {
          received.push(chunk);
          receivedBytes += chunk.length;
        });
        req.on('end', () => {
          const reply = fetchResultsReply(35, 16);
          res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
          res.end(reply);
        });
      },
    });
    const client = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'POST',
      path: `http://127.0.0.1:${streaming.port}${PATH}`,
      headers: { host: `127.0.0.1:${streaming.port}`, 'content-type': 'application/x-thrift', 'transfer-encoding': 'chunked' },
      agent: false,
    });
    try {
      const response = new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        client.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        client.on('error', reject);
      });
      const whole = encodeMessage('FetchResults', fetchResultsRequest(), 35);
      const head = Buffer.concat([whole, Buffer.alloc(REQUEST_CAP * 2, 0x61)]);
      const tail = Buffer.alloc(REQUEST_CAP * 3, 0x62);
      client.write(head);
      // The client has not ended its request: with the body buffered whole, nothing would reach the server yet.
      await waitFor(() => receivedBytes >= head.length, 'the first part at the server before the client ends');
      client.end(tail);
      const res = await response;
      expect(res.status).toBe(200);
      expect(Buffer.concat(received).equals(Buffer.concat([head, tail]))).toBe(true);
      const call = await proxy.waitForCall((c) => c.host === '127.0.0.1' && c.requestBytes === head.length + tail.length, 'the streamed call');
      expect(call).toMatchObject({ decoded: false, state: 'completed', httpStatus: 200 });
    } finally {
      client.destroy();
      await streaming.close();
    }
  });

  it.each(['http', 'https'] as const)('over %s: relays a reply longer than the cap byte for byte and records a note instead of its fields', async (transport) => {
    const reply = fetchResultsReply(36, REPLY_CAP * 2);
    const big = await startUpstream({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-thrift' });
        for (let at = 0; at < reply.length; at += 1000) res.write(reply.subarray(at, at + 1000));
        res.end();
      },
      tls: transport === 'https' ? upstreamCertificates() : undefined,
    });
    const host = transport === 'https' ? 'big.mapped.example.com' : '127.0.0.1';
    const local = await startTestProxy({
      hostMappings: transport === 'https' ? [parseHostMapping(`${host}=127.0.0.1:${big.port}`)] : [],
      upstreamCaPems: [upstreamCertificates().caCert],
      maxThriftRequestBytes: REQUEST_CAP,
      maxThriftReplyBytes: REPLY_CAP,
    });
    const agent = new TunnelAgent({ proxyPort: local.port, ca: local.caCertPem });
    try {
      const url = transport === 'https' ? `https://${host}${PATH}` : `http://127.0.0.1:${big.port}${PATH}`;
      const res = await requestViaProxy(local.port, { method: 'POST', url, body: encodeMessage('FetchResults', fetchResultsRequest(), 36) }, { tunnel: agent });
      expect(res.status).toBe(200);
      expect(res.body.equals(reply)).toBe(true);
      const call = await local.waitForCall((c) => c.seqid === 36, 'the FetchResults record');
      expect(call).toMatchObject({ method: 'FetchResults', decoded: true, state: 'completed', responseBytes: reply.length });
      expect(call.replyStatus).toBeUndefined();
      expect(Object.keys(call.reply ?? {})).toEqual([REPLY_NOT_DECODED_KEY]);
      expect(call.reply?.[REPLY_NOT_DECODED_KEY]).toBe(`reply too large to decode (${reply.length} bytes, more than 4096 bytes); relayed undecoded`);
    } finally {
      agent.destroy();
      await local.close();
      await big.close();
    }
  });

  it('decodes a reply of exactly the cap', async () => {
    let reply = fetchResultsReply(37, REPLY_CAP);
    reply = fetchResultsReply(37, REPLY_CAP - (reply.length - REPLY_CAP));
    expect(reply.length).toBe(REPLY_CAP);
    const exact = await startUpstream({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
        res.end(reply);
      },
    });
    try {
      const res = await requestViaProxy(proxy.port, { method: 'POST', url: `http://127.0.0.1:${exact.port}${PATH}`, body: encodeMessage('FetchResults', fetchResultsRequest(), 37) });
      expect(res.body.equals(reply)).toBe(true);
      const call = await proxy.waitForCall((c) => c.seqid === 37, 'the FetchResults record');
      expect(call.replyStatus).toMatchObject({ statusName: 'SUCCESS_STATUS' });
    } finally {
      await exact.close();
    }
  });

  it('streams an oversized reply to the client before the server has finished sending it', async () => {
    const reply = fetchResultsReply(38, REPLY_CAP * 4);
    const head = reply.subarray(0, REPLY_CAP * 2);
    let release: (() => void) | undefined;
    const slow = await startUpstream({
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
        res.write(head);
        release = () => res.end(reply.subarray(head.length));
      },
    });
    let clientBytes = 0;
    const chunks: Buffer[] = [];
    const client = http.request({
      host: '127.0.0.1',
      port: proxy.port,
      method: 'POST',
      path: `http://127.0.0.1:${slow.port}${PATH}`,
      headers: { host: `127.0.0.1:${slow.port}`, 'content-type': 'application/x-thrift' },
      agent: false,
    });
    try {
      const ended = new Promise<void>((resolve, reject) => {
        client.on('response', (res) => {
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            clientBytes += chunk.length;
          });
          res.on('end', resolve);
          res.on('error', reject);
        });
        client.on('error', reject);
      });
      client.end(encodeMessage('FetchResults', fetchResultsRequest(), 38));
      await waitFor(() => clientBytes >= head.length && release !== undefined, 'the first part of the reply at the client before the server ends');
      release?.();
      await ended;
      expect(Buffer.concat(chunks).equals(reply)).toBe(true);
      const call = await proxy.waitForCall((c) => c.seqid === 38, 'the FetchResults record');
      expect(call.reply).toHaveProperty([REPLY_NOT_DECODED_KEY]);
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  it('refuses a cap that is not a whole number of bytes', async () => {
    await expect(startTestProxy({ maxThriftRequestBytes: -1 })).rejects.toThrow(/maxThriftRequestBytes must be a whole number/);
    await expect(startTestProxy({ maxThriftReplyBytes: 1.5 })).rejects.toThrow(/maxThriftReplyBytes must be a whole number/);
  });
});
