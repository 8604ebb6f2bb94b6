// Benchmark: the proxy against a direct connection, measured in the same run, reported as ratios.
// Roles run in separate processes (load generator, proxy, upstream) so none starves another on 2 cores.
//   npm run bench            (builds first; prints a table and writes .test-results/bench.json)
// Targets (DEVELOPERS.md): ≤ 0.15 ms added per Thrift call, ≥ 25 % of direct req/s,
// ≥ 50 % of direct HTTPS throughput with flat proxy memory, ready in < 300 ms.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createInterface } from 'node:readline';
import { issueCertificates } from '../src/tls/certificates';

const STORAGE_HOST = 'benchaccount.blob.core.windows.net';
const WAREHOUSE_PATH = '/sql/1.0/warehouses/bench';
const DOWNLOAD_BYTES = Number(process.env.BENCH_DOWNLOAD_MIB ?? 256) * 1024 * 1024;
const LATENCY_CALLS = Number(process.env.BENCH_LATENCY_CALLS ?? 3000);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 3);
const RATE_CONCURRENCY = 16;

// A GetOperationStatus CALL as the driver sends it (binary protocol, strict header) and a SUCCESS reply.
function thriftCall(): Buffer {
  const name = Buffer.from('GetOperationStatus');
  const guid = Buffer.alloc(16, 7);
  const parts = [
    u32(0x80010001), u32(name.length), name, u32(1), // header: CALL, name, seqid
    Buffer.from([12, 0, 1]), // field 1: TGetOperationStatusReq
    Buffer.from([12, 0, 1]), // operationHandle
    Buffer.from([12, 0, 1]), // operationId (THandleIdentifier)
    Buffer.from([11, 0, 1]), u32(16), guid, Buffer.from([11, 0, 2]), u32(16), guid, Buffer.from([0]),
    Buffer.from([8, 0, 2]), u32(0), // operationType
    Buffer.from([2, 0, 3, 1]), // hasResultSet
    Buffer.from([0]), Buffer.from([0]), Buffer.from([0]),
  ];
  return Buffer.concat(parts);
}
function thriftReply(): Buffer {
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

// ---- upstream role ------------------------------------------------------------------------------------------
async function runUpstream(certDir: string): Promise<void> {
  const reply = thriftReply();
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.method === 'POST') {
      req.on('data', () => undefined);
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
        res.end(reply);
      });
      return;
    }
    const total = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes') ?? DOWNLOAD_BYTES);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
  const certs = JSON.parse(fs.readFileSync(path.join(certDir, 'certs.json'), 'utf8')) as { key: string; cert: string };
  const plain = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  const secure = https.createServer({ key: certs.key, cert: certs.cert, keepAliveTimeout: 60_000 }, handler);
  plain.listen(0, '127.0.0.1');
  secure.listen(0, '127.0.0.1');
  await Promise.all([once(plain, 'listening'), once(secure, 'listening')]);
  const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  process.stdout.write(JSON.stringify({ httpPort: port(plain), httpsPort: port(secure) }) + '\n');
}

// ---- bare pass-through proxy role: the floor any Node.js HTTP proxy pays for the extra hop ----------------------
async function runBareProxy(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const target = new URL(req.url ?? '/');
    const up = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(JSON.stringify({ port: (server.address() as net.AddressInfo).port }) + '\n');
}

// ---- load generator role -------------------------------------------------------------------------------------
interface Target {
  /** How a POST reaches the upstream: directly, or through the proxy as an absolute-URI request. */
  post(agent: http.Agent): Promise<void>;
}

function directTarget(port: number, body: Buffer): Target {
  return {
    post: (agent) => postOnce({ host: '127.0.0.1', port, path: WAREHOUSE_PATH, agent }, body),
  };
}
function proxiedTarget(proxyPort: number, upstreamPort: number, body: Buffer): Target {
  return {
    post: (agent) =>
      postOnce(
        {
          host: '127.0.0.1',
          port: proxyPort,
          path: `http://127.0.0.1:${upstreamPort}${WAREHOUSE_PATH}`,
          headers: { host: `127.0.0.1:${upstreamPort}` },
          agent,
        },
        body,
      ),
  };
}

function postOnce(opts: http.RequestOptions, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...opts, method: 'POST', headers: { ...opts.headers, 'content-type': 'application/x-thrift', 'content-length': body.length } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function latency(target: Target, calls: number): Promise<{ medianMs: number; p99Ms: number; meanMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await target.post(agent); // warm-up: JIT, sockets, certificates
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await target.post(agent);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { medianMs: samples[Math.floor(samples.length / 2)], p99Ms: samples[Math.floor(samples.length * 0.99)], meanMs: mean };
}

async function rate(target: Target, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: RATE_CONCURRENCY });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      await target.post(agent);
      done++;
    }
  };
  const t0 = Date.now();
  await Promise.all(Array.from({ length: RATE_CONCURRENCY }, worker));
  agent.destroy();
  return done / ((Date.now() - t0) / 1000);
}

/** Downloads `bytes` over HTTPS, directly or through a CONNECT tunnel; returns MiB/s. */
async function download(opts: { upstreamPort: number; ca: string; proxyPort?: number; bytes: number }): Promise<number> {
  const socket = await (opts.proxyPort === undefined
    ? connectTls(net.connect(opts.upstreamPort, '127.0.0.1'), opts.ca)
    : connectViaProxy(opts.proxyPort, opts.upstreamPort, opts.ca));
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const req = https.request(
      {
        host: STORAGE_HOST,
        path: `/results/file.arrow?bytes=${opts.bytes}&se=2099-01-01&sig=benchsignature`,
        createConnection: () => socket,
      },
      (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => (got += c.length));
        res.on('end', () => (got === opts.bytes ? resolve() : reject(new Error(`got ${got} of ${opts.bytes} bytes`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
  socket.destroy();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return opts.bytes / (1024 * 1024) / seconds;
}

function connectTls(raw: net.Socket, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ socket: raw, servername: STORAGE_HOST, ca }, () => resolve(s));
    s.once('error', reject);
  });
}

async function connectViaProxy(proxyPort: number, upstreamPort: number, ca: string): Promise<tls.TLSSocket> {
  const req = http.request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: `${STORAGE_HOST}:443` });
  req.end();
  const [res, socket] = (await once(req, 'connect')) as [http.IncomingMessage, net.Socket];
  if (res.statusCode !== 200) throw new Error(`CONNECT answered ${res.statusCode}`);
  void upstreamPort;
  return connectTls(socket, ca);
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function readJsonLine<T>(child: ChildProcess): Promise<T> {
  if (!child.stdout) throw new Error('child has no stdout');
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`child exited with ${String(code)} before its ready line`);
  });
  const first = new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await Promise.race([first, exited]);
  lines.close();
  return JSON.parse(line) as T;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--upstream') return runUpstream(process.argv[3]);
  if (process.argv[2] === '--bare-proxy') return runBareProxy();

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-bench-'));
  const certs = issueCertificates([STORAGE_HOST, 'localhost']);
  fs.writeFileSync(path.join(work, 'certs.json'), JSON.stringify(certs));
  fs.writeFileSync(path.join(work, 'upstream-ca.pem'), certs.caCert);

  const children: ChildProcess[] = [];
  try {
    const upstream = spawn(process.execPath, [__filename, '--upstream', work], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(upstream);
    const { httpPort, httpsPort } = await readJsonLine<{ httpPort: number; httpsPort: number }>(upstream);

    const startProxy = async (): Promise<{ child: ChildProcess; ready: { proxyPort: number; caCertPath: string }; ms: number }> => {
      const cli = path.join(__dirname, '..', 'src', 'cli.js');
      const t0 = process.hrtime.bigint();
      const child = spawn(
        process.execPath,
        [...(process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean), cli, '--listen-port', '0', '--api-port', '0', '--ca-dir', path.join(work, 'ca'), '--log-level', 'error',
          '--map-host', `${STORAGE_HOST}=127.0.0.1:${httpsPort}`, '--upstream-ca', path.join(work, 'upstream-ca.pem')],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      children.push(child);
      const ready = await readJsonLine<{ proxyPort: number; caCertPath: string }>(child);
      return { child, ready, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    };
    // First start creates the CA; later starts (the usual case) reuse it.
    const first = await startProxy();
    const firstReadyMs = first.ms;
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');
    const { child: proxy, ready, ms: readyMs } = await startProxy();
    const proxyCa = fs.readFileSync(ready.caCertPath, 'utf8');
    const pid = proxy.pid ?? 0;

    const body = thriftCall();
    const direct = directTarget(httpPort, body);
    const proxied = proxiedTarget(ready.proxyPort, httpPort, body);

    const bareProxy = spawn(process.execPath, [__filename, '--bare-proxy'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(bareProxy);
    const bare = await readJsonLine<{ port: number }>(bareProxy);
    const bareTarget = proxiedTarget(bare.port, httpPort, body);

    const latDirect = await latency(direct, LATENCY_CALLS);
    const latProxy = await latency(proxied, LATENCY_CALLS);
    const latBare = await latency(bareTarget, LATENCY_CALLS);
    const rateDirect = await rate(direct, RATE_SECONDS);
    const rateProxy = await rate(proxied, RATE_SECONDS);

    // Warm the leaf certificate for the storage host, then measure.
    await download({ upstreamPort: httpsPort, ca: proxyCa, proxyPort: ready.proxyPort, bytes: 1024 });
    const rssBefore = rssMiB(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(pid))), 50);
    // Best of three each, alternating, so a burst of other work on the machine does not decide the ratio.
    let tputDirect = 0;
    let tputProxy = 0;
    for (let round = 0; round < 3; round++) {
      tputDirect = Math.max(tputDirect, await download({ upstreamPort: httpsPort, ca: certs.caCert, bytes: DOWNLOAD_BYTES }));
      tputProxy = Math.max(tputProxy, await download({ upstreamPort: httpsPort, ca: proxyCa, proxyPort: ready.proxyPort, bytes: DOWNLOAD_BYTES }));
    }
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMiB(pid));

    const addedMs = latProxy.medianMs - latDirect.medianMs;
    const result = {
      readyMs,
      firstReadyMs,
      thrift: { direct: latDirect, proxied: latProxy, addedMedianMs: addedMs, bareNodeProxy: latBare, bareAddedMedianMs: latBare.medianMs - latDirect.medianMs },
      requestRate: { directPerSec: rateDirect, proxiedPerSec: rateProxy, ratio: rateProxy / rateDirect },
      httpsDownload: {
        mib: DOWNLOAD_BYTES / 1024 / 1024,
        directMiBps: tputDirect,
        proxiedMiBps: tputProxy,
        ratio: tputProxy / tputDirect,
        proxyRssBeforeMiB: rssBefore,
        proxyRssPeakMiB: rssPeak,
      },
    };
    const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');
    const rows: [string, string, string][] = [
      ['ready time (spawn to ready line, CA exists)', `${readyMs.toFixed(0)} ms (first run, creating the CA: ${firstReadyMs.toFixed(0)} ms)`, verdict(readyMs < 300) + ' (< 300 ms)'],
      ['added latency per Thrift call (median)', `${addedMs.toFixed(3)} ms (direct ${latDirect.medianMs.toFixed(3)}, proxied ${latProxy.medianMs.toFixed(3)})`, verdict(addedMs <= 0.15) + ' (≤ 0.15 ms)'],
      ['  floor: a bare Node.js pass-through proxy', `${(latBare.medianMs - latDirect.medianMs).toFixed(3)} ms added (proxied ${latBare.medianMs.toFixed(3)})`, 'reference, no target'],
      ['Thrift req/s vs direct', `${(result.requestRate.ratio * 100).toFixed(1)} % (${rateProxy.toFixed(0)} / ${rateDirect.toFixed(0)})`, verdict(result.requestRate.ratio >= 0.25) + ' (≥ 25 %)'],
      ['HTTPS download vs direct', `${(result.httpsDownload.ratio * 100).toFixed(1)} % (${tputProxy.toFixed(0)} / ${tputDirect.toFixed(0)} MiB/s)`, verdict(result.httpsDownload.ratio >= 0.5) + ' (≥ 50 %)'],
      ['proxy RSS during download', `${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MiB for ${result.httpsDownload.mib} MiB`, verdict(rssPeak - rssBefore < 64) + ' (flat: < 64 MiB growth)'],
    ];
    for (const [what, value, v] of rows) console.log(`${what.padEnd(46)} ${value.padEnd(60)} ${v}`);
    fs.mkdirSync('.test-results', { recursive: true });
    fs.writeFileSync('.test-results/bench.json', JSON.stringify(result, null, 2));
  } finally {
    for (const c of children) c.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
