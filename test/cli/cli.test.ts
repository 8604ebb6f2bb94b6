// The built command as users run it: ready line, a working API, clean stop on signals, exit codes.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ReadyLine } from '../../src/cli/ready-line';
import { ControlApi, healthCheck } from '../api/support/control-client';
import { assertBuilt, CliRun, firstLine, runCli, startCli, stderrContaining, withTimeout } from './support/cli-process';

const packageVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

let tmp: string;
const running: CliRun[] = [];

beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-cli-'));
});

afterAll(async () => {
  for (const run of running) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function start(args: string[]): CliRun {
  const run = startCli(args);
  running.push(run);
  return run;
}

const baseArgs = (name: string): string[] => ['--listen-port', '0', '--api-port', '0', '--ca-dir', path.join(tmp, name)];

describe('thrift-fault-proxy', () => {
  it('prints one ready line, serves the API, and exits 0 on SIGTERM', async () => {
    const t0 = process.hrtime.bigint();
    const run = start(baseArgs('ca-term'));
    const ready = JSON.parse(await firstLine(run)) as ReadyLine;
    const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await stderrContaining(run, `control API  ${ready.apiHost}:${ready.apiPort}`);

    expect(Object.keys(ready).sort()).toEqual(['apiHost', 'apiPort', 'caCertPath', 'event', 'proxyHost', 'proxyPort', 'version']);
    expect(ready).toMatchObject({ event: 'ready', proxyHost: '127.0.0.1', apiHost: '127.0.0.1', version: packageVersion });
    expect(ready.proxyPort).toBeGreaterThan(0);
    expect(ready.apiPort).toBeGreaterThan(0);
    expect(fs.readFileSync(ready.caCertPath, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(ready.caCertPath.startsWith(path.join(tmp, 'ca-term'))).toBe(true);

    const api = new ControlApi(`${ready.apiHost}:${ready.apiPort}`);
    try {
      const info = await api.getProxyInfo();
      expect(info).toMatchObject({ proxyPort: ready.proxyPort, apiPort: ready.apiPort, caCertPath: ready.caCertPath });
      expect((await api.listScenarios()).scenarios.length).toBeGreaterThan(10);
      expect(await healthCheck(`${ready.apiHost}:${ready.apiPort}`, '')).toBe('SERVING');
    } finally {
      api.close();
    }

    const t1 = Date.now();
    run.child.kill('SIGTERM');
    expect(await withTimeout(run.exited, 5000, 'no exit within 5 s of SIGTERM')).toBe(0);
    const stopMs = Date.now() - t1;
    expect(run.stdout().trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr()).toContain(`thrift-fault-proxy ${packageVersion}`);
    expect(run.stderr()).toContain(`CA cert      ${ready.caCertPath}`);
    // Reported, not asserted: the target is < 300 ms on an idle machine (CA already created: see the next test).
    console.info(`cli: ready after ${readyMs.toFixed(0)} ms (first run, creates the CA); stopped ${stopMs} ms after SIGTERM`);
  });

  it('exits 0 on SIGINT too, reusing the CA it created before', async () => {
    const args = baseArgs('ca-int');
    const first = start(args);
    const ready1 = JSON.parse(await firstLine(first)) as ReadyLine;
    first.child.kill('SIGINT');
    expect(await withTimeout(first.exited, 5000, 'no exit within 5 s of SIGINT')).toBe(0);

    const t0 = process.hrtime.bigint();
    const second = start(args);
    const ready2 = JSON.parse(await firstLine(second)) as ReadyLine;
    const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
    expect(ready2.caCertPath).toBe(ready1.caCertPath);
    second.child.kill('SIGINT');
    expect(await withTimeout(second.exited, 5000, 'no exit within 5 s of SIGINT')).toBe(0);
    console.info(`cli: ready after ${readyMs.toFixed(0)} ms with an existing CA (target < 300 ms)`);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--listen-port', 'eighty'], /--listen-port: 'eighty' is not a whole number from 0 to 65535/],
    [['--log-level', 'loud'], /--log-level: 'loud' is not one of error, warn, info, debug/],
    [['--map-host', 'no-equals-sign'], /--map-host: invalid host mapping 'no-equals-sign'.*NAME=HOST:PORT/],
    [['--upstream-ca', '/nonexistent/ca.pem'], /--upstream-ca: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
    [['--fake-warehouse', '--fake-link-lifetime-ms', '0'], /--fake-link-lifetime-ms: '0' is not a whole number from 1 to 604800000/],
    [['--fake-warehouse', '--fake-cloudfetch-threshold', 'lots'], /--fake-cloudfetch-threshold: 'lots' is not a whole number from 1 to 1000000000/],
    [['--fake-rows-per-file', '100'], /--fake-rows-per-file configures the fake warehouse: it needs --fake-warehouse too/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const result = await runCli([...args, '--ca-dir', path.join(tmp, 'unused')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("Run 'thrift-fault-proxy --help'");
    expect(result.stdout).toBe('');
  });

  it('exits 1 with a message when its port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const result = await runCli(['--listen-port', String(port), '--api-port', '0', '--ca-dir', path.join(tmp, 'ca-busy')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/failed to start: .*(EADDRINUSE|in use)/);
      expect(result.stdout).toBe('');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('prints help listing every flag the README documents, and its version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const flags = [...new Set(help.stdout.match(/--[a-z][a-z-]+/g))];
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of flags) expect(readme).toContain(`\`${flag}`);

    const version = await runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
  });
});
