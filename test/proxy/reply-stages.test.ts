// The response-side stages on real sockets: an upstream server, the proxy's forwarder relaying each reply with
// the stages under test, and a raw client that sees every byte, when it came, and how the connection ended.
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createLogger } from '../../src/core/logger';
import { ForwardOutcome, UpstreamForwarder } from '../../src/proxy/forward-upstream';
import { HostMap } from '../../src/proxy/host-map';
import { CorruptStream } from '../../src/proxy/reply/corrupt-stream';
import { changeHead } from '../../src/proxy/reply/head-change';
import type { RelayHook } from '../../src/proxy/reply/shaped-relay';
import { TruncateStream } from '../../src/proxy/reply/truncate-stream';
import { StallStream } from '../../src/proxy/reply/stall-stream';
import { STAGE_WINDOW_BYTES, ThrottleStream } from '../../src/proxy/reply/throttle-stream';
import { createUpstreamAgents, UpstreamAgents } from '../../src/proxy/upstream-agents';
import { patternBytes } from '../helpers/pattern-bytes';
import { CLIENT_READ_JITTER_MS, fetchRaw } from '../helpers/raw-reply-client';
import { pumpBytes, startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { waitFor } from '../helpers/wait-for';

const KiB = 1024;


function patternHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const total = Number(url.searchParams.get('bytes'));
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'x-upstream': 'yes' };
  if (url.searchParams.get('chunked') === null) headers['content-length'] = total;
  res.writeHead(Number(url.searchParams.get('status') ?? 200), headers);
  req.resume();
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const n = Math.min(64 * KiB, total - sent);
      const ok = res.write(patternBytes(sent, n));
      sent += n;
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

describe('reply stages through the forwarder (HTTP, real sockets)', () => {
  let upstream: TestUpstream;
  let agents: UpstreamAgents;
  let front: http.Server;
  let port: number;
  let hooks: RelayHook[] = [];
  const outcomes: ForwardOutcome[] = [];
  /** Treat replies as Thrift (thriftReply hooks apply). */
  let thrift = false;

  beforeAll(async () => {
    upstream = await startUpstream({ streamingHandler: patternHandler });
    agents = createUpstreamAgents();
    const forwarder = new UpstreamForwarder(new HostMap([]), agents, createLogger({ level: 'error', write: () => undefined }));
    front = http.createServer((req, res) => {
      forwarder.forward(
        { req, res, secure: false, hostname: '127.0.0.1', port: upstream.port, collectReply: thrift, replyHooks: hooks, clientSocket: req.socket },
        (outcome) => outcomes.push(outcome),
      );
    });
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    port = (front.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    front?.closeAllConnections();
    await new Promise((r) => front?.close(r));
    agents?.destroy();
    await upstream?.close();
  });

  beforeEach(() => {
    outcomes.length = 0;
    thrift = false;
  });

  const get = (query: string) => fetchRaw({ proxyPort: port, url: `http://127.0.0.1:${upstream.port}/body?${query}` });
  const lastOutcome = () => waitFor(() => outcomes[0], 'the forward outcome');

  it('throttles to the rate: never ahead of it (beyond one burst), and not behind it by more than this process was stalled', async () => {
    const rate = 256 * KiB;
    hooks = [{ step: 'throttle', body: () => new ThrottleStream(rate) }];
    const total = 640 * KiB;
    // The client, the forwarder and the upstream share this process: whatever keeps its event loop from running
    // (other work on a loaded machine) delays the throttle too. Measured, it widens the lower bound only.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const requested = performance.now();
    const reply = await get(`bytes=${total}`);
    loopDelay.disable();
    expect(reply.end).toBe('complete');
    expect(reply.body.equals(patternBytes(0, total))).toBe(true);
    // Never ahead: by any arrival, at most the rate times the time since the request, plus the bucket's burst
    // (1/16 s of bytes) and the stage's window. A late-running client only sees bytes later, never earlier.
    const slackBytes = rate / 16 + STAGE_WINDOW_BYTES;
    for (const a of reply.arrivals) expect(a.bytes).toBeLessThanOrEqual((rate * (a.at - requested)) / 1000 + slackBytes);
    // Not behind: the whole transfer takes the nominal time, give or take 10 %, plus the time the event loop was
    // blocked (samples past their 10 ms slot, summed).
    const nominalMs = (total / rate) * 1000;
    const stalledMs = Math.max(0, loopDelay.mean / 1e6 - 10) * loopDelay.count;
    const tookMs = reply.arrivals.at(-1)!.at - requested;
    expect(tookMs).toBeGreaterThanOrEqual(nominalMs - (slackBytes / rate) * 1000);
    expect(tookMs).toBeLessThanOrEqual(nominalMs * 1.1 + stalledMs + 100);
    const outcome = await lastOutcome();
    expect(outcome.delivery).toMatchObject({ end: 'complete', deliveredBytes: total, upstreamBytes: total });
  });

  it('stalls after N bytes for at least the duration, then delivers the rest', async () => {
    const after = 64 * KiB;
    const durationMs = 800;
    hooks = [{ step: 'stall', body: () => new StallStream(after, durationMs) }];
    const total = 200 * KiB;
    const started = performance.now();
    const reply = await get(`bytes=${total}`);
    expect(reply.end).toBe('complete');
    expect(reply.body.equals(patternBytes(0, total))).toBe(true);
    const before = reply.arrivals.filter((a) => a.bytes <= after).at(-1)!;
    const next = reply.arrivals.find((a) => a.bytes > after)!;
    expect(before.bytes).toBe(after);
    expect(next.at - before.at).toBeGreaterThanOrEqual(durationMs - CLIENT_READ_JITTER_MS);
    expect(reply.arrivals.at(-1)!.at - started).toBeGreaterThanOrEqual(durationMs);
  });

  it('flips the bits of a byte range and nothing else; length and headers unchanged', async () => {
    hooks = [{ step: 'corrupt', body: () => new CorruptStream(70_000, 300) }];
    const total = 150 * KiB;
    const reply = await get(`bytes=${total}`);
    const original = patternBytes(0, total);
    expect(reply.headers['content-length']).toBe(String(total));
    expect(reply.headers['x-upstream']).toBe('yes');
    expect(reply.body.length).toBe(total);
    for (let i = 0; i < total; i++) {
      const want = i >= 70_000 && i < 70_300 ? original[i] ^ 0xff : original[i];
      if (reply.body[i] !== want) throw new Error(`byte ${i}: ${reply.body[i]} instead of ${want}`);
    }
  });

  it.each([
    ['reset', 'reset'],
    ['close', 'fin'],
  ] as const)('truncates after exactly N bytes, then ends the connection (%s: the client sees %s)', async (then, seen) => {
    const total = 300 * KiB;
    const after = 150 * KiB + 7;
    hooks = [{ step: 'truncate', body: (control) => new TruncateStream(after, () => control.cut(then)) }];
    const reply = await get(`bytes=${total}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(total));
    expect(reply.end).toBe(seen);
    expect(reply.body.equals(patternBytes(0, after))).toBe(true);
    const outcome = await lastOutcome();
    expect(outcome.delivery).toMatchObject({ end: then === 'reset' ? 'reset' : 'closed', deliveredBytes: after });
  });

  it('truncates at 0 bytes: the head, then the reset', async () => {
    hooks = [{ step: 'truncate', body: (control) => new TruncateStream(0, () => control.cut('reset')) }];
    const reply = await get(`bytes=${1000}`);
    expect(reply).toMatchObject({ status: 200, end: 'reset' });
    expect(reply.body.length).toBe(0);
  });

  it('throttles and then truncates: the cut comes after the slowed bytes', async () => {
    hooks = [
      { step: 'throttle', body: () => new ThrottleStream(1024 * KiB) },
      { step: 'truncate', body: (control) => new TruncateStream(100_000, () => control.cut('reset')) },
    ];
    const started = performance.now();
    const reply = await get(`bytes=${400 * KiB}`);
    expect(reply.end).toBe('reset');
    expect(reply.body.equals(patternBytes(0, 100_000))).toBe(true);
    // 100,000 bytes at 1 MiB/s, less the first burst of 1/16 s.
    expect(performance.now() - started).toBeGreaterThan((100_000 / (1024 * KiB) - 1 / 16) * 1000 * 0.9);
  });

  it('replaces the status, adds and replaces headers, and drops Content-Length (the body goes chunked)', async () => {
    hooks = [{ step: 'set', head: (head) => changeHead(head, { httpStatus: 503, headers: { 'Retry-After': '2', 'content-length': '', 'X-Upstream': 'replaced' } }) }];
    const reply = await get(`bytes=${5000}`);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('2');
    expect(reply.headers['x-upstream']).toBe('replaced');
    expect(reply.headers['content-length']).toBeUndefined();
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.body.equals(patternBytes(0, 5000))).toBe(true);
    expect((await lastOutcome()).httpStatus).toBe(503);
  });

  it('rewrites a whole body and fixes Content-Length; a failed rewrite delivers the original and says why', async () => {
    thrift = true;
    hooks = [{ step: 'rewrite', thriftReply: (body) => Buffer.concat([body, Buffer.from('tail')]) }];
    const reply = await get(`bytes=${3000}`);
    expect(reply.headers['content-length']).toBe('3004');
    expect(reply.body.equals(Buffer.concat([patternBytes(0, 3000), Buffer.from('tail')]))).toBe(true);
    expect((await lastOutcome()).delivery).toMatchObject({ end: 'complete', deliveredBytes: 3004, upstreamBytes: 3000 });

    outcomes.length = 0;
    thrift = true;
    hooks = [{ step: 'rewrite', thriftReply: () => ({ error: 'no such path' }) }];
    const untouched = await get(`bytes=${3000}`);
    expect(untouched.headers['content-length']).toBe('3000');
    expect(untouched.body.equals(patternBytes(0, 3000))).toBe(true);
    expect((await lastOutcome()).delivery).toMatchObject({ end: 'complete', rewriteError: 'no such path' });
  });
});
