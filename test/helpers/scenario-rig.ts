// Everything a scenario test needs: the proxy, a plain and a TLS upstream that each act as both warehouse
// (Thrift) and cloud storage (GET), host mappings for both, and a way to send the traffic a scenario matches
// over either transport.
import http from 'node:http';
import { ANY_THRIFT_OPERATION, CLOUDFETCH_METHOD } from '../../src/core/model';
import { parseHostMapping } from '../../src/proxy/host-map';
import { ClientResponse, requestViaProxy, TunnelAgent } from './proxied-client';
import { startTestProxy, TestProxy } from './proxy-harness';
import { answerThriftCalls, closeSessionRequest, encodeMessage, executeStatementRequest, openSessionRequest } from './thrift-messages';
import { STORAGE_HOST, upstreamCertificates, WAREHOUSE_HOST } from './tls-fixtures';
import { startUpstream, TestUpstream } from './upstream-servers';
import { settle } from './wait-for';

export type Transport = 'http' | 'https';

/** Storage reached over plain HTTP (absolute-form requests); STORAGE_HOST is reached over HTTPS. */
export const PLAIN_STORAGE_HOST = 'plain.blob.core.windows.net';
export const WAREHOUSE_PATH = '/sql/1.0/warehouses/scenario-tests';
export const STORED_FILE = Buffer.from('arrow-ipc-stream-bytes');

/** POST: answered as a warehouse; GET: answered as storage with STORED_FILE. */
export function warehouseAndStorage(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  if (req.method === 'POST') return answerThriftCalls(req, res, body);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': STORED_FILE.length });
  res.end(STORED_FILE);
}

export interface ScenarioRig {
  proxy: TestProxy;
  plain: TestUpstream;
  secure: TestUpstream;
  /** Requests either upstream received so far. */
  upstreamRequestCount(): number;
  close(): Promise<void>;
}

export async function startScenarioRig(): Promise<ScenarioRig> {
  const certs = upstreamCertificates();
  const plain = await startUpstream({ handler: warehouseAndStorage });
  const secure = await startUpstream({ handler: warehouseAndStorage, tls: certs });
  const proxy = await startTestProxy({
    hostMappings: [
      parseHostMapping(`${PLAIN_STORAGE_HOST}=127.0.0.1:${plain.port}`),
      parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`),
      parseHostMapping(`${WAREHOUSE_HOST}=127.0.0.1:${secure.port}`),
    ],
    upstreamCaPems: [certs.caCert],
  });
  return {
    proxy,
    plain,
    secure,
    upstreamRequestCount: () => plain.requests.length + secure.requests.length,
    close: async () => {
      await proxy.close();
      await plain.close();
      await secure.close();
    },
  };
}

export interface ScenarioTraffic {
  /** The Thrift method sent, or CLOUDFETCH_METHOD for a download. */
  method: string;
  url: string;
  httpMethod: 'GET' | 'POST';
  body?: Buffer;
}

/** A request that a scenario with `operation` matches, over `transport`, with Thrift seqid `seqid`. */
export function trafficFor(operation: string, transport: Transport, upstreamPlainPort: number, seqid = 1): ScenarioTraffic {
  if (operation === CLOUDFETCH_METHOD) {
    const host = transport === 'https' ? STORAGE_HOST : PLAIN_STORAGE_HOST;
    return { method: CLOUDFETCH_METHOD, httpMethod: 'GET', url: `${transport}://${host}/results/0.arrow?se=2099-01-01&sig=s3cr3t` };
  }
  const method = operation === ANY_THRIFT_OPERATION ? 'ExecuteStatement' : operation;
  const request = method === 'OpenSession' ? openSessionRequest() : method === 'CloseSession' ? closeSessionRequest() : executeStatementRequest();
  const base = transport === 'https' ? `https://${WAREHOUSE_HOST}` : `http://127.0.0.1:${upstreamPlainPort}`;
  return { method, httpMethod: 'POST', url: `${base}${WAREHOUSE_PATH}`, body: encodeMessage(method, request, seqid) };
}

export type SendOutcome = { ok: true; response: ClientResponse; elapsedMs: number } | { ok: false; error: NodeJS.ErrnoException; elapsedMs: number };

/** Sends over a connection of its own, so a reset cannot disturb other requests. */
export async function sendTraffic(proxy: TestProxy, traffic: ScenarioTraffic): Promise<SendOutcome> {
  const tunnel = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem, keepAlive: false });
  const started = process.hrtime.bigint();
  try {
    const outcome = await settle(
      requestViaProxy(
        proxy.port,
        { method: traffic.httpMethod, url: traffic.url, body: traffic.body, headers: traffic.body ? { 'content-type': 'application/x-thrift' } : {} },
        { tunnel },
      ),
    );
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    return outcome.ok ? { ok: true, response: outcome.value, elapsedMs } : { ok: false, error: outcome.error, elapsedMs };
  } finally {
    tunnel.destroy();
  }
}

/**
 * One rig for the test file: started before its tests, closed after them, every scenario disarmed after each
 * test. Returns a getter (the rig exists only once beforeAll ran).
 */
export function useScenarioRig(): () => ScenarioRig {
  let rig: ScenarioRig | undefined;
  beforeAll(async () => {
    rig = await startScenarioRig();
  });
  afterAll(async () => {
    await rig?.close();
  });
  afterEach(() => {
    rig?.proxy.engine.disableAll();
  });
  return () => {
    if (rig === undefined) throw new Error('the scenario rig is not started');
    return rig;
  };
}
