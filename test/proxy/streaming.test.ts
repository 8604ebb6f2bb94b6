// CloudFetch downloads stream through the proxy with backpressure: a slow client slows the server down instead
// of filling the proxy's memory, and bodies are counted, never buffered.
import http from 'node:http';
import https from 'node:https';
import { parseHostMapping } from '../../src/proxy/host-map';
import { TunnelAgent } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { STORAGE_HOST, upstreamCertificates } from '../helpers/tls-fixtures';
import { pumpBytes, startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { waitFor, waitForEvent } from '../helpers/wait-for';

const MiB = 1024 * 1024;
const DOWNLOAD_BYTES = 96 * MiB;
const READ_BYTES_PER_MS = (64 * MiB) / 1000;

/** Bytes the upstream has handed to its socket so far, per request path. */
const sentByPath = new Map<string, number>();
const upstreamClosedEarly = new Set<string>();

function countingStreamHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://x');
  const total = Number(url.searchParams.get('bytes'));
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  sentByPath.set(url.pathname, 0);
  res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream', 'content-length': total });
  res.on('close', () => {
    if (!res.writableFinished) upstreamClosedEarly.add(url.pathname);
  });
  req.resume();
  pumpBytes(res, total, chunk, (sent) => sentByPath.set(url.pathname, sent));
}

describe('streaming downloads', () => {
  let upstream: TestUpstream;
  let proxy: TestProxy;
  let agent: TunnelAgent;

  beforeAll(async () => {
    const certs = upstreamCertificates();
    upstream = await startUpstream({ tls: certs, streamingHandler: countingStreamHandler });
    proxy = await startTestProxy({
      hostMappings: [parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${upstream.port}`)],
      upstreamCaPems: [certs.caCert],
    });
    agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
  });

  afterAll(async () => {
    agent?.destroy();
    await proxy?.close();
    await upstream?.close();
  });

  /** Downloads `bytes` through the proxy with a client reading at most `readBytesPerMs`, sampling memory and bytes in flight. */
  async function slowDownload(path: string, bytes: number, readBytesPerMs: number) {
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakArrayBuffers = before.arrayBuffers;
    let received = 0;
    let peakInFlight = 0;
    const sample = (): void => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
      peakInFlight = Math.max(peakInFlight, (sentByPath.get(path) ?? 0) - received);
    };
    const sampler = setInterval(sample, 20);
    const started = Date.now();
    try {
      await new Promise<void>((resolve, reject) => {
        const req = https.request({ host: STORAGE_HOST, path: `${path}?bytes=${bytes}&sig=abc`, agent, servername: STORAGE_HOST }, (res) => {
          // The client reads at most readBytesPerMs, slower than the upstream can send over loopback: without
          // backpressure the proxy would have to hold most of the body.
          const readFrom = Date.now();
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            const aheadMs = received / readBytesPerMs - (Date.now() - readFrom);
            if (aheadMs >= 1) {
              res.pause();
              setTimeout(() => res.resume(), aheadMs);
            }
          });
          res.on('end', resolve);
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
    } finally {
      clearInterval(sampler);
    }
    sample();
    return { received, peakInFlight, rssGrowth: peakRss - before.rss, arrayBuffersGrowth: peakArrayBuffers - before.arrayBuffers, elapsedMs: Date.now() - started };
  }

  it('keeps memory flat while a slow client reads a large download, and records the byte count', async () => {
    const path = '/results/large.arrow';
    const { received, peakInFlight, rssGrowth, arrayBuffersGrowth } = await slowDownload(path, DOWNLOAD_BYTES, READ_BYTES_PER_MS);
    expect(received).toBe(DOWNLOAD_BYTES);
    // What the upstream sent and the client has not read yet sits in the proxy or in kernel socket buffers (some
    // megabytes on two loopback hops); a proxy ignoring backpressure would hold most of the 96 MiB. Memory is
    // measured for the whole process (client and upstream too, garbage not yet collected included), so its
    // bounds are looser, but still below what buffering the body would take.
    expect(peakInFlight).toBeLessThan(16 * MiB);
    expect(arrayBuffersGrowth).toBeLessThan(64 * MiB);
    expect(rssGrowth).toBeLessThan(96 * MiB);

    const call = await proxy.waitForCall((c) => c.path.startsWith(path), 'the download record');
    expect(call).toMatchObject({ kind: 'cloudfetch', method: 'CloudFetchDownload', state: 'completed', httpStatus: 200, responseBytes: DOWNLOAD_BYTES });
    expect(call.path).not.toContain('abc');
  });

  it('keeps memory within the same bound for 256 MiB through throttle_response with a client slower still', async () => {
    const path = '/results/throttled.arrow';
    const bytes = 256 * MiB;
    const rate = 96 * MiB;
    proxy.engine.define({ name: 'streaming_throttle', description: 'throttled download', match: { kind: 'cloudfetch' }, steps: [{ kind: 'throttle_response', bytesPerSecond: rate }] });
    proxy.engine.enable('streaming_throttle');
    const { received, peakInFlight, rssGrowth, arrayBuffersGrowth, elapsedMs } = await slowDownload(path, bytes, READ_BYTES_PER_MS);
    expect(received).toBe(bytes);
    // The throttle is a stage with a small window: it adds nothing worth measuring to what is in flight.
    expect(peakInFlight).toBeLessThan(16 * MiB);
    expect(arrayBuffersGrowth).toBeLessThan(64 * MiB);
    expect(rssGrowth).toBeLessThan(96 * MiB);
    // Not faster than the throttle allows (the bucket starts with 64 KiB).
    expect(elapsedMs).toBeGreaterThanOrEqual(((bytes - 64 * 1024) / rate) * 1000 * 0.95);
    const call = await proxy.waitForCall((c) => c.path.startsWith(path), 'the throttled download record');
    expect(call).toMatchObject({ state: 'completed', scenario: 'streaming_throttle', responseBytes: bytes, delivery: { bytesDelivered: bytes, upstreamBytes: bytes, connectionEnd: 'complete' } });
  }, 180_000);

  it('records a download the client abandons as failed, and stops the upstream transfer', async () => {
    const path = '/results/abandoned.arrow';
    const abandoning = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = https.request({ host: STORAGE_HOST, path: `${path}?bytes=${64 * MiB}`, agent: abandoning, servername: STORAGE_HOST }, resolve);
        r.on('error', reject);
        r.end();
      });
      await waitForEvent(res, 'data');
      res.destroy();
      abandoning.destroy();
      const call = await proxy.waitForCall((c) => c.path.startsWith(path), 'the abandoned download');
      expect(call.state).toBe('failed');
      expect(call.error).toBe('client closed the connection before the reply was complete');
      expect(call.responseBytes).toBeLessThan(64 * MiB);
      await waitFor(() => upstreamClosedEarly.has(path), 'the upstream transfer to stop');
    } finally {
      abandoning.destroy();
    }
  });
});
