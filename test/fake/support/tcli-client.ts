// A plain Thrift client for tests that talk TCLIService to the fake directly: the npm thrift library's HTTP
// connection with the driver's generated Client, so requests are exactly what the driver's code would encode.
import https from 'node:https';
import { Agent } from 'node:https';
import { createHttpClient, createHttpConnection } from 'thrift';
import * as TCLIService from '@databricks/sql/thrift/TCLIService';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { tableFromIPC, type Table } from 'apache-arrow';
import { IPC_END_OF_STREAM } from '../../../src/fake/arrow-ipc';
import type { RunningFakeWarehouse } from '../../../src/fake';

type Client = InstanceType<typeof TCLIService.Client>;
type Method = Exclude<keyof Client, 'output' | 'pClass' | '_seqid'>;
type Req<M extends Method> = Client[M] extends (req: infer R, cb?: infer _C) => void ? R : never;
type Resp<M extends Method> = Client[M] extends (req: never, cb?: (err: void, resp: infer P) => void) => void ? P : never;

export interface TcliTestClient {
  call<M extends Method>(method: M, req: Req<M>): Promise<Resp<M>>;
  close(): void;
}

export function tcliClient(fake: RunningFakeWarehouse, token = fake.info.token): TcliTestClient {
  const agent = new Agent({ keepAlive: true, ca: fake.caCertPem });
  const connection = createHttpConnection(fake.direct.warehouseHost, fake.direct.warehousePort, {
    https: true,
    path: fake.info.path,
    headers: { Authorization: `Bearer ${token}` },
    nodeOptions: { ca: fake.caCertPem, agent },
  } as never);
  const client = createHttpClient(TCLIService.Client as never, connection) as Client;
  let pendingReject: ((err: Error) => void) | undefined;
  connection.on('error', (err: Error) => pendingReject?.(err));
  return {
    call<M extends Method>(method: M, req: Req<M>): Promise<Resp<M>> {
      return new Promise<Resp<M>>((resolve, reject) => {
        pendingReject = reject;
        const fn = client[method] as unknown as (r: Req<M>, cb: (err: unknown, resp: Resp<M>) => void) => void;
        fn.call(client, req, (err, resp) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(resp)));
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Reads inline Arrow batches of a TRowSet with the schema message from the result metadata. */
export function inlineTable(arrowSchema: Buffer, rowSet: T.TRowSet): Table {
  const batches = (rowSet.arrowBatches ?? []).map((b) => b.batch);
  return tableFromIPC(Buffer.concat([arrowSchema, ...batches, IPC_END_OF_STREAM]));
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function httpsRequest(url: string, caCertPem: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca: caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export { T };
