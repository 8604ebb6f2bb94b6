// The warehouse's HTTP front: Thrift TCLIService over HTTP POST at /sql/1.0/warehouses/<id> (one binary-protocol
// message per request, bearer-token auth like a Databricks workspace), plus the driver's feature-flag lookup.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { TBinaryProtocol, TBufferedTransport } from 'thrift';
import type { FakeTcliService } from './tcli-service-handler';
import { TCLIServiceProcessor } from './tcli-service';

/** Largest Thrift request accepted; far above anything a driver sends. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const TCLI_METHODS = [
  'OpenSession',
  'CloseSession',
  'GetInfo',
  'ExecuteStatement',
  'GetTypeInfo',
  'GetCatalogs',
  'GetSchemas',
  'GetTables',
  'GetTableTypes',
  'GetColumns',
  'GetFunctions',
  'GetPrimaryKeys',
  'GetCrossReference',
  'GetOperationStatus',
  'CancelOperation',
  'CloseOperation',
  'GetResultSetMetadata',
  'FetchResults',
  'GetDelegationToken',
  'CancelDelegationToken',
  'RenewDelegationToken',
] as const;
export type TcliMethod = (typeof TCLI_METHODS)[number];

export interface WarehouseCounters {
  /** Thrift calls answered, by method. */
  calls: Partial<Record<TcliMethod, number>>;
  /** Requests refused with 401. */
  unauthorized: number;
}

type NodeCallback = (err: Error | null, result?: unknown) => void;

export function warehouseRequestHandler(opts: { warehouseId: string; token: string; service: FakeTcliService; counters: WarehouseCounters }) {
  const processor = new TCLIServiceProcessor(callbackAdapter(opts.service, opts.counters));
  const expectedAuth = Buffer.from(`Bearer ${opts.token}`);
  const thriftPaths = new Set([`/sql/1.0/warehouses/${opts.warehouseId}`, `/sql/1.0/endpoints/${opts.warehouseId}`]);

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://warehouse.invalid');
    const isThrift = thriftPaths.has(url.pathname.replace(/\/$/, ''));
    const isFeatureFlags = url.pathname.startsWith('/api/2.0/connector-service/feature-flags/');
    if (!isThrift && !isFeatureFlags) {
      return sendJson(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method ?? ''} ${url.pathname}'` });
    }
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expectedAuth.length || !timingSafeEqual(given, expectedAuth)) {
      opts.counters.unauthorized++;
      req.resume();
      return sendJson(res, 401, { error_code: '401', message: 'Invalid access token.' });
    }
    if (isFeatureFlags) {
      // No flags: the driver then keeps telemetry off instead of waiting on a failed lookup.
      req.resume();
      return sendJson(res, 200, { flags: [], ttl_seconds: 900 });
    }
    if (req.method !== 'POST') {
      req.resume();
      return sendJson(res, 405, { error_code: 'METHOD_NOT_ALLOWED', message: 'Thrift requests must be POST' });
    }
    readBody(req)
      .then((body) => processThrift(processor, body, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 400, { error_code: 'BAD_REQUEST', message: err instanceof Error ? err.message : String(err) });
        else res.destroy();
      });
  };
}

function processThrift(processor: InstanceType<typeof TCLIServiceProcessor>, body: Buffer, res: ServerResponse): void {
  const output = new TBufferedTransport(undefined, (reply?: Buffer) => {
    const bytes = reply ?? Buffer.alloc(0);
    res.writeHead(200, { 'Content-Type': 'application/x-thrift', 'Content-Length': String(bytes.length) });
    res.end(bytes);
  });
  let parsed = false;
  TBufferedTransport.receiver((input) => {
    parsed = true;
    processor.process(new TBinaryProtocol(input), new TBinaryProtocol(output));
  }, 0)(body);
  if (!parsed) throw new Error('empty Thrift request');
}

/**
 * The generated Processor calls handlers in Node callback style (its promise path needs thrift.Q, which the
 * npm thrift library no longer has), and counts each call for the warehouse's stats.
 */
function callbackAdapter(service: FakeTcliService, counters: WarehouseCounters): Record<TcliMethod, (req: unknown, cb: NodeCallback) => void> {
  const adapter = {} as Record<TcliMethod, (req: unknown, cb: NodeCallback) => void>;
  for (const method of TCLI_METHODS) {
    const impl = service[method].bind(service) as (req: unknown) => Promise<unknown>;
    adapter[method] = (req: unknown, cb: NodeCallback) => {
      counters.calls[method] = (counters.calls[method] ?? 0) + 1;
      impl(req).then(
        (result) => cb(null, result),
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    };
  }
  return adapter;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
