// Thrift over HTTP as the driver sends it: sequential keep-alive calls (latency) and many connections (rate),
// directly or through a proxy as absolute-form requests.
import http from 'node:http';
import { msSince } from './stats';

export const WAREHOUSE_PATH = '/sql/1.0/warehouses/bench';

/** A GetOperationStatus CALL as the driver sends it (binary protocol, strict header). */
export function thriftCall(): Buffer {
  const name = Buffer.from('GetOperationStatus');
  const guid = Buffer.alloc(16, 7);
  return Buffer.concat([
    u32(0x80010001), u32(name.length), name, u32(1), // header: CALL, name, seqid
    Buffer.from([12, 0, 1]), // field 1: TGetOperationStatusReq
    Buffer.from([12, 0, 1]), // operationHandle
    Buffer.from([12, 0, 1]), // operationId (THandleIdentifier)
    Buffer.from([11, 0, 1]), u32(16), guid, Buffer.from([11, 0, 2]), u32(16), guid, Buffer.from([0]),
    Buffer.from([8, 0, 2]), u32(0), // operationType
    Buffer.from([2, 0, 3, 1]), // hasResultSet
    Buffer.from([0]), Buffer.from([0]), Buffer.from([0]),
  ]);
}

/** Its SUCCESS reply: status SUCCESS, operationState FINISHED. */
export function thriftReply(): Buffer {
  const name = Buffer.from('GetOperationStatus');
  return Buffer.concat([
    u32(0x80010002), u32(name.length), name, u32(1),
    Buffer.from([12, 0, 0]), // success: TGetOperationStatusResp
    Buffer.from([12, 0, 1]), Buffer.from([8, 0, 1]), u32(0), Buffer.from([0]), // status SUCCESS
    Buffer.from([8, 0, 2]), u32(2), // operationState FINISHED
    Buffer.from([0]), Buffer.from([0]),
  ]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Where Thrift POSTs go: straight to the upstream, or through a proxy. */
export type ThriftTarget = (agent: http.Agent) => Promise<void>;

export function directTarget(upstreamPort: number): ThriftTarget {
  const body = thriftCall();
  return (agent) => postOnce({ host: '127.0.0.1', port: upstreamPort, path: WAREHOUSE_PATH, agent }, body);
}

export function proxiedTarget(proxyPort: number, upstreamPort: number): ThriftTarget {
  const body = thriftCall();
  const path = `http://127.0.0.1:${upstreamPort}${WAREHOUSE_PATH}`;
  const headers = { host: `127.0.0.1:${upstreamPort}` };
  return (agent) => postOnce({ host: '127.0.0.1', port: proxyPort, path, headers, agent }, body);
}

const EXPECTED_REPLY_BYTES = thriftReply().length;

/** One call; rejects on anything but a 200 carrying the whole reply (a correctness failure). */
export function postOnce(opts: http.RequestOptions, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...opts, method: 'POST', headers: { ...opts.headers, 'content-type': 'application/x-thrift', 'content-length': body.length } },
      (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => (got += c.length));
        res.on('end', () =>
          res.statusCode === 200 && got === EXPECTED_REPLY_BYTES
            ? resolve()
            : reject(new Error(`Thrift call answered HTTP ${res.statusCode} with ${got} bytes (expected 200 with ${EXPECTED_REPLY_BYTES})`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sequential calls on one keep-alive connection per target, in rounds that alternate between the targets so
 * that a burst of other work on the machine hits them all alike. Returns each target's samples (ms).
 */
export async function interleavedLatency(targets: readonly ThriftTarget[], calls: number, rounds = 15): Promise<number[][]> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const samples = targets.map((): number[] => []);
  try {
    for (let t = 0; t < targets.length; t++) for (let i = 0; i < 200; i++) await targets[t](agents[t]); // warm-up
    const perRound = Math.ceil(calls / rounds);
    for (let round = 0; round < rounds; round++) {
      for (let t = 0; t < targets.length; t++) {
        for (let i = 0; i < perRound; i++) {
          const t0 = process.hrtime.bigint();
          await targets[t](agents[t]);
          samples[t].push(msSince(t0));
        }
      }
    }
    return samples;
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

/** Calls per second with `connections` concurrent keep-alive connections, for `seconds`; and how many calls. */
export async function rate(target: ThriftTarget, connections: number, seconds: number): Promise<{ perSecond: number; calls: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  try {
    for (let i = 0; i < connections; i++) await target(agent); // opens nothing concurrently yet; warms the path
    const end = Date.now() + seconds * 1000;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < end) {
        await target(agent);
        done++;
      }
    };
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: connections }, worker));
    return { perSecond: done / (msSince(t0) / 1000), calls: done };
  } finally {
    agent.destroy();
  }
}
