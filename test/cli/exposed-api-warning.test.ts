// The control API is plaintext gRPC without authentication: the proxy warns on stderr when it listens anywhere
// but loopback, and stays quiet on the loopback default.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isLoopbackHost } from '../../src/api/grpc-server';
import { assertBuilt, firstLine, startCli, stderrContaining, withTimeout } from './support/cli-process';

let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-exposed-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const WARNING = 'which is not a loopback address: it is plaintext gRPC without authentication';

it.each([
  ['0.0.0.0', true],
  ['127.0.0.1', false],
])('--api-host %s: warns %s', async (apiHost, warns) => {
  const run = startCli(['--api-host', apiHost, '--api-port', '0', '--listen-port', '0', '--ca-dir', path.join(tmp, 'ca')]);
  try {
    await firstLine(run, 20_000);
    // The banner follows the ready line on stderr; the warning, if any, comes before both.
    const stderr = await stderrContaining(run, 'control API');
    if (warns) expect(stderr).toMatch(new RegExp(`WARN .*control API listens on ${apiHost.replace(/\./g, '\\.')}:\\d+, ${WARNING}`));
    else expect(stderr).not.toContain('not a loopback address');
  } finally {
    run.child.kill('SIGTERM');
    await withTimeout(run.exited, 15_000, 'no exit after SIGTERM');
  }
}, 60_000);

it('knows loopback addresses', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
});
