// Several proxies started at the same moment on one new CA directory, as parallel test fixtures on a fresh
// machine do with the default --ca-dir: exactly one CA may come out of it, and every proxy must sign its leaf
// certificates with the CA that is on disk (the one clients are told to trust).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { ReadyLine } from '../../src/cli/ready-line';
import { caPaths, loadOrCreateCa } from '../../src/proxy/ca-store';
import { assertBuilt, CliRun, firstLine, startCli, withTimeout } from '../cli/support/cli-process';
import { openTunnel } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';

const IN_PROCESS = 4;
const CHILDREN = 4;

let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-ca-race-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Completes a TLS handshake through the proxy trusting only `caPem`; rejects if the leaf does not verify. */
async function handshakeTrusting(proxyPort: number, caPem: string, host: string): Promise<void> {
  const raw = await openTunnel(proxyPort, `${host}:443`);
  const socket = tls.connect({ socket: raw, servername: host, ca: caPem });
  try {
    await withTimeout(once(socket, 'secureConnect'), 10_000, `no TLS handshake with ${host} through port ${proxyPort}`);
  } finally {
    socket.destroy();
  }
}

describe('proxies starting at once on one new CA directory', () => {
  it('all serve leaves that verify against the ca.pem on disk (in-process and child processes)', async () => {
    const caDir = path.join(tmp, 'shared', 'ca'); // neither it nor its parent exists yet
    const children: CliRun[] = Array.from({ length: CHILDREN }, () =>
      startCli(['--listen-port', '0', '--api-port', '0', '--ca-dir', caDir, '--log-level', 'warn']),
    );
    const inProcess: TestProxy[] = [];
    try {
      const started = await Promise.allSettled(Array.from({ length: IN_PROCESS }, () => startTestProxy({ caDir })));
      for (const result of started) if (result.status === 'fulfilled') inProcess.push(result.value);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      const ready = await Promise.all(children.map(async (run) => JSON.parse(await firstLine(run, 20_000)) as ReadyLine));

      const onDisk = fs.readFileSync(caPaths(caDir).cert, 'utf8');
      for (const line of ready) expect(line.caCertPath).toBe(caPaths(caDir).cert);
      for (const proxy of inProcess) expect(proxy.caCertPem).toBe(onDisk);
      const ports = [...inProcess.map((p) => p.port), ...ready.map((line) => line.proxyPort)];
      await Promise.all(ports.map((port) => handshakeTrusting(port, onDisk, 'race.example.test')));
      expect(fs.readdirSync(caDir).filter((name) => name.includes('lock'))).toEqual([]);
    } finally {
      await Promise.all(inProcess.map((p) => p.close()));
      for (const run of children) run.child.kill('SIGTERM');
      await Promise.all(children.map((run) => run.exited));
    }
  });

  it('makes one CA when many loads race in one process', async () => {
    const caDir = path.join(tmp, 'in-process');
    const cas = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateCa(caDir)));
    const onDisk = fs.readFileSync(caPaths(caDir).cert, 'utf8');
    expect(new Set(cas.map((ca) => ca.certPem))).toEqual(new Set([onDisk]));
    expect(cas.filter((ca) => ca.created)).toHaveLength(1);
  });

  it('takes over a lock left by a process that died', async () => {
    const caDir = path.join(tmp, 'stale');
    fs.mkdirSync(caDir, { recursive: true });
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    fs.writeFileSync(caPaths(caDir).lock, `${dead.pid}\n`);
    const ca = await withTimeout(loadOrCreateCa(caDir), 10_000, 'a stale lock blocked the CA');
    expect(ca.created).toBe(true);
    expect(fs.existsSync(caPaths(caDir).lock)).toBe(false);
  });

  it('waits for a live holder of the lock, then serves the CA it wrote', async () => {
    const caDir = path.join(tmp, 'held');
    const source = path.join(tmp, 'held-source');
    const written = await loadOrCreateCa(source);
    fs.mkdirSync(caDir, { recursive: true });
    fs.writeFileSync(caPaths(caDir).lock, `${process.pid}\n`);
    let settled = false;
    const loading = loadOrCreateCa(caDir).finally(() => (settled = true));
    // The holder finishes: its CA appears, then the lock goes.
    fs.cpSync(path.dirname(caPaths(source).cert), path.dirname(caPaths(caDir).cert), { recursive: true });
    fs.cpSync(path.dirname(caPaths(source).privateKey), path.dirname(caPaths(caDir).privateKey), { recursive: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    fs.rmSync(caPaths(caDir).lock);
    const ca = await withTimeout(loading, 10_000, 'the released lock was not noticed');
    expect(ca.created).toBe(false);
    expect(ca.certPem).toBe(written.certPem);
  });
});
