// SIGTERM drains: the proxy stops accepting connections, releases held requests, lets requests in flight finish
// within the grace period, and only then closes what is left. Also: more than ten held requests make no
// MaxListenersExceededWarning on the proxy's stderr.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ReadyLine } from '../../src/cli/ready-line';
import { CallState } from '../../gen/thriftproxy/v1/scenario_control';
import { ControlApi } from '../api/support/control-client';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { settle, waitFor } from '../helpers/wait-for';
import { assertBuilt, CliRun, firstLine, startCli, withTimeout } from './support/cli-process';

const STORAGE = 'drain.blob.core.windows.net';

let tmp: string;
const running: CliRun[] = [];

beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-drain-'));
});

afterAll(async () => {
  for (const run of running) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An upstream that keeps every request waiting until answerAll(). */
async function parkingUpstream(): Promise<{ upstream: TestUpstream; answerAll(): void }> {
  const parked: http.ServerResponse[] = [];
  let answering = false;
  const answer = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  };
  const upstream = await startUpstream({ handler: (_req, res) => (answering ? answer(res) : parked.push(res)) });
  return {
    upstream,
    answerAll: () => {
      answering = true;
      for (const res of parked.splice(0)) answer(res);
    },
  };
}

async function startProxy(name: string, upstreamPort: number, graceMs: number): Promise<{ run: CliRun; ready: ReadyLine; api: ControlApi }> {
  const run = startCli([
    '--listen-port', '0', '--api-port', '0', '--ca-dir', path.join(tmp, name),
    '--map-host', `${STORAGE}=127.0.0.1:${upstreamPort}`, '--shutdown-grace-ms', String(graceMs),
  ]);
  running.push(run);
  const ready = JSON.parse(await firstLine(run)) as ReadyLine;
  return { run, ready, api: new ControlApi(`${ready.apiHost}:${ready.apiPort}`) };
}

/** A CloudFetch-looking GET through the proxy; resolves with the status, or the error code when it failed. */
function download(proxyPort: number, file: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: proxyPort, path: `http://${STORAGE}/results/${file}`, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(`HTTP ${res.statusCode}`));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** Polls the API until `count` calls are in flight. */
async function callsInFlight(api: ControlApi, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { calls } = await api.listCalls({});
    const inFlight = calls.filter((call) => call.state === CallState.CALL_STATE_IN_FLIGHT).length;
    if (inFlight === count) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${count} calls in flight (${inFlight} now)`);
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
}

describe('SIGTERM', () => {
  it('stops accepting, releases held requests, and lets requests in flight finish before exiting 0', async () => {
    const { upstream, answerAll } = await parkingUpstream();
    const { run, ready, api } = await startProxy('drain', upstream.port, 60_000);
    try {
      const first = download(ready.proxyPort, 'in-flight.arrow');
      await waitFor(() => upstream.requests.length === 1, 'the first download at the upstream', 15_000);
      await api.enableScenario({ name: 'long_running_cloud_fetch', untilDisabled: true, keepCallHistory: true, duration: { seconds: 600n, nanos: 0 } });
      const held = Array.from({ length: 12 }, (_, i) => download(ready.proxyPort, `held-${i}.arrow`));
      await callsInFlight(api, 13, 15_000);

      run.child.kill('SIGTERM');
      // Released, not failed: the held downloads reach the upstream during the drain.
      await waitFor(() => upstream.requests.length === 13, 'the released downloads at the upstream', 15_000);
      const refused = await settle(new Promise<void>((resolve, reject) => {
        const socket = net.connect(ready.proxyPort, '127.0.0.1', () => {
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
      }));
      expect(refused.ok ? 'connected' : refused.error.code).toBe('ECONNREFUSED');
      expect(run.child.exitCode).toBeNull();

      answerAll();
      expect(await first).toBe('HTTP 200');
      expect(await Promise.all(held)).toEqual(Array(12).fill('HTTP 200'));
      expect(await withTimeout(run.exited, 15_000, 'no exit after the drain')).toBe(0);
      expect(run.stderr()).not.toContain('MaxListenersExceededWarning');
      expect(run.stderr()).toContain('drained: every request in flight finished');
    } finally {
      api.close();
      await upstream.close();
    }
  });

  it('closes what is still in flight when the grace period is over', async () => {
    const { upstream } = await parkingUpstream();
    const graceMs = 300;
    const { run, ready, api } = await startProxy('grace', upstream.port, graceMs);
    try {
      const stuck = download(ready.proxyPort, 'never-answered.arrow');
      await waitFor(() => upstream.requests.length === 1, 'the download at the upstream', 15_000);
      const signalled = Date.now();
      run.child.kill('SIGTERM');
      expect(await withTimeout(run.exited, 15_000 + graceMs, 'no exit after the grace period')).toBe(0);
      expect(Date.now() - signalled).toBeGreaterThanOrEqual(graceMs - 20);
      expect(await stuck).toMatch(/ECONNRESET|socket hang up/);
      expect(run.stderr()).toContain('drain grace period over');
    } finally {
      api.close();
      await upstream.close();
    }
  });
});
