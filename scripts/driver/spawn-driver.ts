// Runs the official driver in a child process (run-driver) and returns its report. The child trusts exactly
// the CA given (NODE_EXTRA_CA_CERTS, read by Node at start) and has telemetry off.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_LINE_PREFIX, type DriverRunReport, type DriverRunRequest } from './protocol';

export interface SpawnDriverOptions {
  /** PEM of the CA the driver must trust (the proxy's CA, or the fake's when connecting directly). */
  caCertPem: string;
  /** Kill the child after this long; default 60 s. */
  timeoutMs?: number;
  /** Called with each stderr chunk (the driver's own console output), e.g. for a demo. */
  onStderr?: (text: string) => void;
}

export interface DriverRunOutcome {
  report: DriverRunReport;
  stderr: string;
  exitCode: number | null;
}

// Under jest (or any TypeScript runtime) this file is .ts and so is the runner: the child then compiles it on
// the fly with @swc/core, already installed for jest. From the build (dist/), the runner is plain .js.
const SWC_REQUIRE_HOOK = `
require.extensions['.ts'] = function (module, filename) {
  const source = require('fs').readFileSync(filename, 'utf8');
  const out = require('@swc/core').transformSync(source, {
    filename, sourceMaps: 'inline', module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  });
  module._compile(out.code, filename);
};`;

export function spawnDriver(request: DriverRunRequest, options: SpawnDriverOptions): Promise<DriverRunOutcome> {
  const isTypeScript = __filename.endsWith('.ts');
  const runner = join(__dirname, isTypeScript ? 'run-driver.ts' : 'run-driver.js');
  const dir = mkdtempSync(join(tmpdir(), 'driver-run-'));
  const caPath = join(dir, 'ca.pem');
  writeFileSync(caPath, options.caCertPem);
  const args = isTypeScript ? ['-e', `${SWC_REQUIRE_HOOK}\nrequire(${JSON.stringify(runner)});`] : [runner];
  const child = spawn(process.execPath, args, {
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: caPath,
      DATABRICKS_TELEMETRY_DISABLED: '1',
      DRIVER_RUNNER_MAIN: '1',
      // Jest's and the parent's own switches must not leak into the driver's process.
      NODE_OPTIONS: '',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise<DriverRunOutcome>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      options.onStderr?.(t);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      const line = stdout.split('\n').find((l) => l.startsWith(REPORT_LINE_PREFIX));
      if (!line) {
        const why = signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : `exit code ${String(exitCode)}`;
        reject(new Error(`driver runner printed no report (${why}); stderr:\n${stderr.slice(-4000)}`));
        return;
      }
      resolve({ report: JSON.parse(line.slice(REPORT_LINE_PREFIX.length)) as DriverRunReport, stderr, exitCode });
    });
    child.stdin.end(JSON.stringify(request));
  });
}
