// Thrift calls through the proxy: decoded and recorded with their method, request and reply status; bodies
// that are not Thrift forwarded byte for byte and recorded as undecodable; secrets never recorded or logged.
import http from 'node:http';
import https from 'node:https';
import * as thrift from 'thrift';
import { requestViaProxy, TunnelAgent } from '../helpers/proxied-client';
import { TestProxy } from '../helpers/proxy-harness';
import {
  answerThriftCalls,
  encodeMessage,
  executeStatementRequest,
  fetchResultsReply,
  fetchResultsRequest,
  openSessionRequest,
  SECRET_PASSWORD,
  T,
} from '../helpers/thrift-messages';
import { upstreamCertificates, WAREHOUSE_HOST } from '../helpers/tls-fixtures';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { startWarehouseRig, type WarehouseRig } from '../helpers/warehouse-rig';

// The official driver's generated client, driven by the npm thrift library's HTTP connection.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TCLIService = require('@databricks/sql/thrift/TCLIService') as { Client: new (...args: never[]) => TcliClient };
interface TcliClient {
  OpenSession(req: unknown, callback: (error: unknown, response?: { status: { statusCode: number } }) => void): void;
}

const WAREHOUSE_PATH = '/sql/1.0/warehouses/w1';
const BEARER = 'Bearer dapi-authorization-secret';

describe('Thrift traffic', () => {
  let rig: WarehouseRig;
  let plainWarehouse: TestUpstream;
  let proxy: TestProxy;

  beforeAll(async () => {
    rig = await startWarehouseRig(answerThriftCalls);
    ({ plain: plainWarehouse, proxy } = rig);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('records a call made with the npm thrift client through the proxy, with method, request and reply status', async () => {
    const agent = new http.Agent({ keepAlive: false });
    const connection = thrift.createHttpConnection('127.0.0.1', proxy.port, {
      // Absolute-form path: the way an HTTP client talks to a forward proxy.
      path: `http://127.0.0.1:${plainWarehouse.port}${WAREHOUSE_PATH}?o=1`,
      nodeOptions: { agent },
      headers: { Host: `127.0.0.1:${plainWarehouse.port}`, Authorization: BEARER },
      transport: thrift.TBufferedTransport,
      protocol: thrift.TBinaryProtocol,
    });
    connection.on('error', () => undefined);
    try {
      const client = thrift.createHttpClient(TCLIService.Client as never, connection) as unknown as TcliClient;
      const response = await new Promise<{ status: { statusCode: number } }>((resolve, reject) =>
        client.OpenSession(new T.TOpenSessionReq({ client_protocol: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8, username: 'token', password: SECRET_PASSWORD }), (error, res) =>
          error ? reject(error) : resolve(res as { status: { statusCode: number } }),
        ),
      );
      expect(response.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
    } finally {
      agent.destroy();
    }
    const call = await proxy.waitForCall((c) => c.method === 'OpenSession', 'the OpenSession record');
    expect(call).toMatchObject({
      kind: 'thrift',
      state: 'completed',
      method: 'OpenSession',
      messageType: 'call',
      decoded: true,
      host: '127.0.0.1',
      path: `${WAREHOUSE_PATH}?o=1`,
      httpMethod: 'POST',
      httpStatus: 200,
      replyStatus: { statusCode: 0, statusName: 'SUCCESS_STATUS' },
    });
    expect(call.request).toMatchObject({ username: 'token' });
    expect(call.reply).toBeDefined();
    expect(call.requestBytes).toBe(plainWarehouse.requests[plainWarehouse.requests.length - 1].body.length);
    expect(call.responseBytes).toBeGreaterThan(0);
    expect(call.durationMs).toBeGreaterThan(0);
  });

  it('never records or logs the session password or the Authorization header', async () => {
    await proxy.waitForCall((c) => c.method === 'OpenSession', 'the OpenSession record');
    const everything = JSON.stringify(proxy.journal.list()) + proxy.logLines.join('');
    expect(everything).not.toContain(SECRET_PASSWORD);
    expect(everything).not.toContain('dapi-authorization-secret');
  });

  it('decodes compact-protocol calls over intercepted HTTPS and redacts signatures in the recorded path', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const body = encodeMessage('ExecuteStatement', executeStatementRequest('SELECT 42'), 77, { protocol: 'compact' });
      const res = await requestViaProxy(
        proxy.port,
        { method: 'POST', url: `https://${WAREHOUSE_HOST}${WAREHOUSE_PATH}?sig=topsecret`, body, headers: { 'content-type': 'application/x-thrift' } },
        { tunnel: agent },
      );
      expect(res.status).toBe(200);
      const call = await proxy.waitForCall((c) => c.method === 'ExecuteStatement' && c.seqid === 77, 'the ExecuteStatement record');
      expect(call).toMatchObject({ kind: 'thrift', host: WAREHOUSE_HOST, decoded: true, replyStatus: { statusName: 'SUCCESS_STATUS' } });
      expect(call.request).toMatchObject({ statement: 'SELECT 42' });
      expect(call.path).toBe(`${WAREHOUSE_PATH}?sig=[REDACTED]`);
      expect(JSON.stringify(call) + proxy.logLines.join('')).not.toContain('topsecret');
    } finally {
      agent.destroy();
    }
  });

  it.each([
    ['text', Buffer.from('{"not":"thrift"}')],
    ['a truncated Thrift header', encodeMessage('OpenSession', openSessionRequest(), 1).subarray(0, 9)],
    ['random bytes', Buffer.from([0x80, 0x01, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37])],
    ['an empty body', Buffer.alloc(0)],
  ])('forwards %s byte for byte and records it as undecodable', async (_what, body) => {
    const before = plainWarehouse.requests.length;
    const res = await requestViaProxy(proxy.port, { method: 'POST', url: `http://127.0.0.1:${plainWarehouse.port}/sql/1.0/endpoints/e1`, body });
    expect(res.status).toBe(400); // the test warehouse echoes what is not Thrift
    expect(plainWarehouse.requests.length).toBe(before + 1);
    expect(plainWarehouse.requests[before].body.equals(body)).toBe(true);
    expect(res.body.equals(body)).toBe(true);
    const seq = proxy.journal.nextSequence - 1;
    const call = await proxy.waitForCall((c) => c.sequence === seq, 'the undecodable call');
    expect(call).toMatchObject({ kind: 'thrift', method: '', decoded: false, state: 'completed', httpStatus: 400, requestBytes: body.length });
    expect(call.decodeError).toEqual(expect.any(String));
    expect(call.decodeError).not.toBe('');
  });

  it('streams a large Thrift reply to the client while keeping it to decode once', async () => {
    const big = await startUpstream({
      handler: (_req, res) => {
        // Written in pieces, without a content length: the proxy must relay chunked replies as they come.
        const reply = fetchResultsReply(5, 4 * 1024 * 1024);
        res.writeHead(200, { 'content-type': 'application/x-thrift' });
        for (let at = 0; at < reply.length; at += 256 * 1024) res.write(reply.subarray(at, at + 256 * 1024));
        res.end();
      },
    });
    try {
      const body = encodeMessage('FetchResults', fetchResultsRequest(), 5);
      const res = await requestViaProxy(proxy.port, { method: 'POST', url: `http://127.0.0.1:${big.port}${WAREHOUSE_PATH}`, body });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(4 * 1024 * 1024);
      const call = await proxy.waitForCall((c) => c.method === 'FetchResults' && c.seqid === 5, 'the FetchResults record');
      expect(call).toMatchObject({ state: 'completed', responseBytes: res.body.length, replyStatus: { statusName: 'SUCCESS_STATUS' } });
    } finally {
      await big.close();
    }
  });

  it('is refused by a client that does not trust the proxy CA: interception is never silent', async () => {
    const untrusting = new TunnelAgent({ proxyPort: proxy.port, ca: upstreamCertificates().caCert });
    try {
      await expect(
        new Promise((resolve, reject) => {
          const req = https.request({ host: WAREHOUSE_HOST, path: WAREHOUSE_PATH, method: 'POST', agent: untrusting, servername: WAREHOUSE_HOST }, resolve);
          req.on('error', reject);
          req.end();
        }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/) });
    } finally {
      untrusting.destroy();
    }
  });
});
