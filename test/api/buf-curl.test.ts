// Reflection, checked with an independent client: `buf curl` knows nothing of our schema except what the
// server's reflection tells it. It runs every example README.md shows, the WatchCalls stream included.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScenarioControlService } from '../../gen/thriftproxy/v1/scenario_control';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { SILENT_LOGGER } from '../../src/core/logger';
import { callThroughProxy, FakeUpstream, startFakeUpstream } from './support/thrift-traffic';

const ROOT = path.join(__dirname, '../..');
const BUF = path.join(ROOT, 'node_modules/.bin/buf');
/** The address the README's examples use: the default API port, replaced by the test's ephemeral one. */
const README_DEFAULT_API_ADDRESS = /127\.0\.0\.1:18081/g;
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

let caDir: string;
let upstream: FakeUpstream;
let app: RunningApp;
const children: ChildProcess[] = [];

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-bufcurl-'));
  upstream = await startFakeUpstream();
  app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, log: SILENT_LOGGER });
});

async function traffic(...methods: string[]): Promise<void> {
  const proxy = { host: app.info.proxyHost, port: app.info.proxyPort };
  for (const [i, method] of methods.entries()) await callThroughProxy(proxy, upstream.port, method, i + 1);
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await app?.close();
  await upstream?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

/** README's `npx buf curl ...` lines, pointed at this test's API port. */
function readmeBufCurlCommands(): string[] {
  const begin = README.indexOf('<!-- rpc-examples:begin -->');
  const end = README.indexOf('<!-- rpc-examples:end -->');
  expect(begin).toBeGreaterThan(0);
  return README.slice(begin, end)
    .split('\n')
    .filter((line) => line.startsWith('npx buf curl '))
    .map((line) => line.replace(/^npx buf /, `'${BUF}' `).replace(README_DEFAULT_API_ADDRESS, `127.0.0.1:${app.info.apiPort}`));
}

function run(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const rpcName = (command: string): string => /ScenarioControl\/(\w+)/.exec(command)?.[1] ?? '';

describe('buf curl through reflection', () => {
  it('lists every method of ScenarioControl and the health service', async () => {
    const result = await run(`'${BUF}' curl --protocol grpc --http2-prior-knowledge --list-methods http://127.0.0.1:${app.info.apiPort}`);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const methods = result.stdout.trim().split('\n').sort();
    const ours = Object.values(ScenarioControlService).map((m) => m.path.slice(1));
    expect(methods).toEqual([...ours, 'grpc.health.v1.Health/Check', 'grpc.health.v1.Health/List', 'grpc.health.v1.Health/Watch'].sort());
  });

  it('README shows a grpcurl and a buf curl example for every RPC', () => {
    const rpcs = Object.values(ScenarioControlService).map((m) => m.path.split('/')[2]);
    const examples = README.slice(README.indexOf('<!-- rpc-examples:begin -->'), README.indexOf('<!-- rpc-examples:end -->'));
    for (const rpc of rpcs) {
      expect(examples).toMatch(new RegExp(`^grpcurl .* thriftproxy\\.v1\\.ScenarioControl/${rpc}$`, 'm'));
      expect(examples).toMatch(new RegExp(`^npx buf curl .*/thriftproxy\\.v1\\.ScenarioControl/${rpc}$`, 'm'));
    }
  });

  it('runs every unary example in README successfully', async () => {
    const unary = readmeBufCurlCommands().filter((c) => rpcName(c) !== 'WatchCalls');
    const unaryRpcs = Object.values(ScenarioControlService)
      .filter((m) => !m.responseStream)
      .map((m) => m.path.split('/')[2]);
    expect(unary.map(rpcName).sort()).toEqual(unaryRpcs.sort());
    const replies: Record<string, unknown> = {};
    for (const command of unary) {
      // The EnableScenario example clears the history (the default): give ListCalls something to list.
      if (rpcName(command) === 'ListCalls') await traffic('OpenSession', 'ExecuteStatement');
      const result = await run(command);
      if (result.code !== 0) throw new Error(`${command}\nexited ${result.code}: ${result.stderr}`);
      replies[rpcName(command)] = JSON.parse(result.stdout) as unknown;
    }
    expect(replies.GetScenario).toMatchObject({ scenario: { name: 'cloudfetch_503', action: { httpStatus: 503 } } });
    expect(replies.EnableScenario).toMatchObject({
      scenario: { name: 'cloudfetch_timeout', enabled: true, remainingFirings: 2, skipRemaining: 1, duration: '2s' },
    });
    expect(replies.ListCalls).toMatchObject({ calls: [{ method: 'OpenSession' }, { method: 'ExecuteStatement' }] });
    expect(replies.GetProxyInfo).toMatchObject({ apiPort: app.info.apiPort, proxyPort: app.info.proxyPort });
  });

  it('streams WatchCalls: replayed calls, then the live marker', async () => {
    const [command] = readmeBufCurlCommands().filter((c) => rpcName(c) === 'WatchCalls');
    expect(command).toBeDefined();
    // Replays from sequence 1; history may have been reset by the unary examples, so make fresh traffic.
    await traffic('GetOperationStatus');
    const child = spawn('bash', ['-c', `exec ${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live marker within 10 s; stdout: ${out}; stderr: ${err}`)), 10_000);
      const check = (): void => {
        if (out.includes('WATCH_EVENT_TYPE_LIVE')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.on('exit', () => {
        clearTimeout(timer);
        if (!out.includes('WATCH_EVENT_TYPE_LIVE')) reject(new Error(`buf curl exited early: ${err}`));
      });
    });
    child.kill('SIGTERM');
    expect(out).toMatch(/"type": "WATCH_EVENT_TYPE_CALL_COMPLETED"[\s\S]*"method": "GetOperationStatus"[\s\S]*"replayed": true/);
    expect(out.indexOf('GetOperationStatus')).toBeLessThan(out.indexOf('WATCH_EVENT_TYPE_LIVE'));
  });
});
