// The embedded fake Databricks SQL warehouse and its fake cloud storage: two HTTPS servers on loopback with
// certificates (from a CA made at start, in memory) for Databricks- and cloud-looking host names.
import { once } from 'node:events';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { FakeWarehouseInfo } from '../core/model';
import { issueCertificates } from '../tls/certificates';
import { resolveOptions, type FakeWarehouseOptions } from './options';
import { SessionRegistry } from './session-registry';
import { UrlSigner } from './storage/presigned-url';
import { parseBlobPath, ResultFiles } from './storage/result-files';
import { storageRequestHandler, type StorageCounters } from './storage/storage-server';
import type { WarehouseCounters } from './thrift-endpoint';

export type { FakeWarehouseOptions } from './options';
export { DEFAULT_STORAGE_HOST_NAME, DEFAULT_WAREHOUSE_HOST_NAME, DEFAULT_WAREHOUSE_ID } from './options';
export { expectedRangeRow, RANGE_COLUMNS, type RangeRow } from './range-result';

/** A host name and the loopback address that really serves it (for the proxy's NAME=HOST:PORT mapping). */
export interface HostMapping {
  name: string;
  host: string;
  port: number;
}

export interface FakeWarehouseStats {
  thriftCalls: WarehouseCounters['calls'];
  unauthorized: number;
  downloads: StorageCounters;
  openSessions: number;
  openOperations: number;
  /** Links made to expire before their time (expireLink). */
  expiredLinks: number;
}

export interface RunningFakeWarehouse {
  /** How a driver reaches the warehouse by name (through a proxy that applies hostMappings): port 443. */
  info: FakeWarehouseInfo;
  /** Warehouse and storage host names mapped to the loopback servers. */
  hostMappings: HostMapping[];
  /** PEM of the CA that issued both servers' certificate: whoever connects must trust it. */
  caCertPem: string;
  /** Addresses for talking to the servers directly, without a proxy (the certificate also covers 127.0.0.1). */
  direct: { warehouseUrl: string; storageOrigin: string; warehouseHost: string; warehousePort: number; storagePort: number };
  /** What the fake has seen so far: tests compare it with what the driver and the proxy report. */
  stats(): FakeWarehouseStats;
  /**
   * Makes one CloudFetch link expire now, as if its lifetime had run out: storage refuses it from then on, while a
   * link to the same file handed out again (FetchResults from the link's row offset) works. Takes the link's
   * path and query (the signature may be redacted: the link is known by its file and expiry). False when it is not
   * a link of this storage.
   */
  expireLink(pathAndQuery: string): boolean;
  close(): Promise<void>;
}

export async function startFakeWarehouse(opts: FakeWarehouseOptions = {}): Promise<RunningFakeWarehouse> {
  const o = resolveOptions(opts);
  const certs = issueCertificates([o.warehouseHostName, o.storageHostName, 'localhost', '127.0.0.1'], 'thrift-fault-proxy fake warehouse CA');
  const tls = { key: certs.key, cert: certs.cert };
  const closing = new AbortController();
  const sleep = (ms: number): Promise<void> => delay(ms, undefined, { signal: closing.signal }).catch(() => undefined);

  const signer = new UrlSigner();
  const files = new ResultFiles(o.linkLifetimeMs);
  const registry = new SessionRegistry();
  const storageCounters: StorageCounters = { served: 0, rejected: 0, aborted: 0 };
  const warehouseCounters: WarehouseCounters = { calls: {}, unauthorized: 0 };

  const storage = createServer(tls, storageRequestHandler(files, signer, storageCounters));
  const storagePort = await listen(storage, o.storagePort, o.bindHost);
  const storageOrigin = `https://${o.bindHost}:${storagePort}`;

  // The Thrift side (the driver's generated TCLIService code and the thrift library, a fifth of the fake's
  // start-up) is loaded by the first warehouse request, not at start.
  let thriftHandler: RequestListener | undefined;
  const handleThrift = (): RequestListener => {
    if (thriftHandler !== undefined) return thriftHandler;
    const { FakeTcliService } = require('./tcli-service-handler') as typeof import('./tcli-service-handler');
    const { warehouseRequestHandler } = require('./thrift-endpoint') as typeof import('./thrift-endpoint');
    const service = new FakeTcliService({
      options: o,
      registry,
      files,
      signer,
      linkOrigin: o.directLinks ? storageOrigin : `https://${o.storageHostName}`,
      sleep,
    });
    return (thriftHandler = warehouseRequestHandler({ warehouseId: o.warehouseId, token: o.token, service, counters: warehouseCounters }));
  };
  const warehouse = createServer(tls, (req, res) => handleThrift()(req, res));
  let warehousePort: number;
  try {
    warehousePort = await listen(warehouse, o.port, o.bindHost);
  } catch (err) {
    await closeServer(storage);
    throw err;
  }
  const path = `/sql/1.0/warehouses/${o.warehouseId}`;

  let closed: Promise<void> | undefined;
  return {
    info: { host: o.warehouseHostName, port: 443, path, token: o.token },
    hostMappings: [
      { name: o.warehouseHostName, host: o.bindHost, port: warehousePort },
      { name: o.storageHostName, host: o.bindHost, port: storagePort },
    ],
    caCertPem: certs.caCert,
    direct: {
      warehouseUrl: `https://${o.bindHost}:${warehousePort}${path}`,
      storageOrigin,
      warehouseHost: o.bindHost,
      warehousePort,
      storagePort,
    },
    stats: () => ({
      thriftCalls: { ...warehouseCounters.calls },
      unauthorized: warehouseCounters.unauthorized,
      downloads: { ...storageCounters },
      openSessions: registry.openSessionCount,
      openOperations: registry.openOperationCount,
      expiredLinks: signer.expiredEarlyCount,
    }),
    expireLink: (pathAndQuery) => {
      const url = new URL(pathAndQuery, 'https://storage.invalid');
      const se = url.searchParams.get('se');
      if (!se || !parseBlobPath(url.pathname)) return false;
      signer.expireNow(url.pathname, se);
      return true;
    },
    close: () => {
      closed ??= (async () => {
        closing.abort();
        await Promise.all([closeServer(warehouse), closeServer(storage)]);
        registry.closeAll();
        files.close();
      })();
      return closed;
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  const done = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections would hold close() open until they time out.
  server.closeAllConnections();
  await done;
}
