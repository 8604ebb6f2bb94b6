// --exit-with-parent: a harness that dies must not leave a proxy holding its ports. A real parent process starts
// the proxy and is then killed with SIGKILL (no chance to clean up); the proxy must go away by itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, CLI, withTimeout } from './support/cli-process';

let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-parent-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntilGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      throw new Error(`proxy ${pid} outlived its parent by ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The parent: starts the proxy with the given stdin, prints the proxy's pid once it is ready, then waits forever.
const PARENT = `
const { spawn } = require('node:child_process');
const [cli, caDir, stdin] = process.argv.slice(1);
const proxy = spawn(process.execPath, [cli, '--exit-with-parent', '--listen-port', '0', '--api-port', '0', '--ca-dir', caDir],
  { stdio: [stdin, 'pipe', 'inherit'] });
let out = '';
proxy.stdout.on('data', (d) => { out += d; if (out.includes('\\n')) { process.stdout.write(proxy.pid + '\\n'); out = ''; } });
setInterval(() => {}, 1000);
`;

it.each([
  ['stdin is a pipe from the parent (its end closes)', 'pipe'],
  ['stdin is not connected (the parent pid is polled)', 'ignore'],
])('exits when its parent is killed: %s', async (_how, stdin) => {
  const parent = spawn(process.execPath, ['-e', PARENT, CLI, path.join(tmp, `ca-${stdin}`), stdin], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  parent.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const proxyPid = await withTimeout(
    new Promise<number>((resolve) => {
      let out = '';
      parent.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(Number(out.trim()));
      });
    }),
    20_000,
    'the proxy was not ready',
  ).catch((error: Error) => {
    parent.kill('SIGKILL');
    throw new Error(`${error.message}; stderr:\n${err}`);
  });
  expect(alive(proxyPid)).toBe(true);
  parent.kill('SIGKILL');
  // Poll interval 500 ms plus a clean stop: generous for a loaded machine.
  await waitUntilGone(proxyPid, 15_000);
  expect(err).toMatch(/stopping/);
}, 60_000);
