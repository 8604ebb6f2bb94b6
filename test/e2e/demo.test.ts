// `npm run demo` as users run it: the built tour (dist/scripts/demo.js) starts the built CLI with
// --fake-warehouse, arms scenarios over gRPC and runs the official driver. It must finish cleanly and show the
// injected CloudFetch 503, the successful retry of the same file, the driver's rows, and the
// invalid_session_handle outcome, in that order.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalRow } from '../../scripts/driver/protocol';
import { expectedRangeRow } from '../../src/fake';
import { assertBuilt, withTimeout } from '../cli/support/cli-process';

const DEMO = join(__dirname, '../../dist/scripts/demo.js');
const DEMO_TIMEOUT_MS = 60_000;

jest.setTimeout(DEMO_TIMEOUT_MS + 10_000);

interface DemoRun {
  code: number | string;
  stdout: string;
  stderr: string;
}

async function runDemo(): Promise<DemoRun> {
  // Jest's own switches must not leak into the demo (or, through it, into the proxy and the driver).
  const child = spawn(process.execPath, [DEMO], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  try {
    const code = await withTimeout(exited, DEMO_TIMEOUT_MS, `the demo did not finish within ${DEMO_TIMEOUT_MS} ms`);
    return { code, stdout, stderr };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; stdout so far:\n${stdout}\nstderr:\n${stderr}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      // The demo stops its proxy on SIGTERM.
      child.kill('SIGTERM');
      await exited;
    }
  }
}

let run: DemoRun;

beforeAll(async () => {
  assertBuilt();
  if (!existsSync(DEMO)) throw new Error(`${DEMO} is missing: run 'npm run -s build' first (npm test does it before jest)`);
  run = await runDemo();
});

it('exits 0', () => {
  // stderr rides along so a failure shows why.
  expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
  expect(run.stderr).not.toMatch(/demo failed/);
});

it('shows the injected cloudfetch_503 download, then the successful retry of that file, then the driver\'s rows', () => {
  const lines = run.stdout.split('\n');
  const act = lines.slice(lines.findIndex((l) => l.startsWith('== A CloudFetch download answered 503')), lines.findIndex((l) => l.startsWith('== The warehouse says')));
  expect(act.length).toBeGreaterThan(0);
  expect(act).toContain('EnableScenario cloudfetch_503: respond HTTP 503 (Retry-After: 1), fires once');

  const injected = act.findIndex((l) => /^ {2}\[WatchCalls\] #\d+ GET \S+ -> HTTP 503 \d+ ms {2}<== cloudfetch_503$/.test(l));
  expect(injected).toBeGreaterThanOrEqual(0);
  const file = /GET (\S+) /.exec(act[injected]!)![1]!;
  expect(file).toMatch(/^\/dbsql-results\/[0-9a-f-]{36}\/part-\d+-5000\.arrow$/);
  const retry = act.findIndex((l, i) => i > injected && new RegExp(`^ {2}\\[WatchCalls\\] #\\d+ GET ${escape(file)} -> HTTP 200 \\d+ ms$`).test(l));
  expect(retry).toBeGreaterThan(injected);
  // 20000 rows in files of 5000 (the CLI's defaults): four files, one of them downloaded twice.
  const downloads = act.filter((l) => l.includes('[WatchCalls]') && l.includes(' GET '));
  expect(downloads).toHaveLength(5);
  expect(downloads.filter((l) => l.includes('<=='))).toHaveLength(1);

  const rows = act.findIndex((l) => l.startsWith('driver: 20000 rows in '));
  expect(rows).toBeGreaterThan(retry);
  const first = /^driver: 20000 rows in \d+ ms, first: (\{.*\})$/.exec(act[rows]!)![1]!;
  expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(canonicalRow({ ...expectedRangeRow(0) }))));
  expect(act[rows + 1]).toBe('driver: session and client closed cleanly');
  expect(act).toContain('GetScenario cloudfetch_503: fired 1 time(s), now disabled');
});

it('shows invalid_session_handle fired on ExecuteStatement, and the driver failing with the server\'s message', () => {
  const lines = run.stdout.split('\n');
  const act = lines.slice(lines.findIndex((l) => l.startsWith('== The warehouse says the session is gone')));
  expect(act.length).toBeGreaterThan(0);
  const fired = act.findIndex((l) => /^ {2}\[WatchCalls\] #\d+ ExecuteStatement -> HTTP 200 INVALID_HANDLE_STATUS \d+ ms {2}<== invalid_session_handle$/.test(l));
  expect(fired).toBeGreaterThanOrEqual(0);
  const failed = act.indexOf('driver: failed at step 0: StatusError: Invalid SessionHandle: the session does not exist or has expired');
  expect(failed).toBeGreaterThan(fired);
  expect(act).toContain('GetScenario invalid_session_handle: fired 1 time(s), now disabled');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
