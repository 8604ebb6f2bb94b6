// `npm run demo`: the one-command tour. Starts `thrift-fault-proxy --fake-warehouse`, arms a scenario over the
// gRPC control API, runs a real @databricks/sql query through the proxy, and prints what the proxy streamed
// (WatchCalls) next to what the driver did.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { credentials } from '@grpc/grpc-js';
import {
  CallKind,
  ScenarioControlClient,
  WatchEventType,
  type Call,
  type WatchCallsResponse,
} from '../gen/thriftproxy/v1/scenario_control';
import type { ReadyLine } from '../src/cli/ready-line';
import type { DriverRunReport, DriverStep } from './driver/protocol';
import { spawnDriver } from './driver/spawn-driver';

const CLI = join(__dirname, '..', 'src', 'cli.js');

interface Act {
  title: string;
  scenario: string;
  steps: DriverStep[];
}

const ACTS: Act[] = [
  {
    title: 'A CloudFetch download answered 503 by "cloud storage"',
    scenario: 'cloudfetch_503',
    steps: [{ kind: 'query', sql: 'SELECT * FROM range(20000)' }],
  },
  {
    title: 'The warehouse says the session is gone',
    scenario: 'invalid_session_handle',
    steps: [{ kind: 'query', sql: 'SELECT 1' }],
  },
];

async function main(): Promise<void> {
  const caDir = mkdtempSync(join(tmpdir(), 'tfp-demo-'));
  say(`$ thrift-fault-proxy --fake-warehouse --listen-port 0 --api-port 0 --ca-dir ${caDir}`);
  // --exit-with-parent: if this process dies without its handlers running (SIGKILL), the proxy goes too.
  const proxy = spawn(process.execPath, [CLI, '--exit-with-parent', '--fake-warehouse', '--listen-port', '0', '--api-port', '0', '--ca-dir', caDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Interrupted (Ctrl-C, or a test's timeout): stop the proxy too rather than leave it running.
  const interrupted = (signal: NodeJS.Signals): void => {
    if (proxy.exitCode === null) proxy.kill('SIGTERM');
    rmSync(caDir, { recursive: true, force: true });
    process.stderr.write(`demo: stopped by ${signal}\n`);
    process.exit(1);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const ready = await readReadyLine(proxy);
    const warehouse = ready.warehouse!;
    say(`ready: proxy ${ready.proxyHost}:${ready.proxyPort}, control API ${ready.apiHost}:${ready.apiPort}`);
    say(`fake warehouse: https://${warehouse.host}${warehouse.path} (reached through the proxy)\n`);

    const client = new ScenarioControlClient(`${ready.apiHost}:${ready.apiPort}`, credentials.createInsecure());
    const watch = new WatchPrinter(client);
    try {
      // The stream carries live events only: traffic before its LIVE marker would not be shown.
      await watch.until(() => watch.live, 'the LIVE marker of WatchCalls');
      for (const act of ACTS) await runAct(act, client, ready, watch);
    } finally {
      watch.close();
      client.close();
    }
  } finally {
    await stop(proxy);
    rmSync(caDir, { recursive: true, force: true });
  }
}

async function runAct(act: Act, client: ScenarioControlClient, ready: ReadyLine, watch: WatchPrinter): Promise<void> {
  say(`== ${act.title}`);
  await new Promise<void>((resolve, reject) =>
    client.enableScenario({ name: act.scenario, untilDisabled: false, keepCallHistory: false }, (err, resp) => {
      if (err) return reject(err);
      say(`EnableScenario ${act.scenario}: ${resp.scenario?.action?.summary ?? ''}, fires once`);
      resolve();
    }),
  );
  const sql = act.steps.map((s) => (s.kind === 'query' ? s.sql : s.kind)).join('; ');
  say(`driver (@databricks/sql, in a child process): ${sql}`);
  const warehouse = ready.warehouse!;
  const { report } = await spawnDriver(
    {
      connection: {
        host: warehouse.host,
        port: warehouse.port,
        path: warehouse.path,
        token: warehouse.token,
        proxy: { host: ready.proxyHost, port: ready.proxyPort },
      },
      client: { retryDelayMin: 100, retryDelayMax: 500 },
      steps: act.steps,
      maxRowsReturned: 2,
    },
    { caCertPem: readFileSync(ready.caCertPath, 'utf8') },
  );
  // Show every call the proxy recorded for this act (EnableScenario cleared the history) before the driver's
  // verdict, so the output reads in the order things happened.
  const recorded = await new Promise<bigint[]>((resolve, reject) =>
    client.listCalls({ fromSequence: 0n, limit: 0 }, (err, resp) => (err ? reject(err) : resolve(resp.calls.map((c) => c.sequence)))),
  );
  await watch.until(() => recorded.every((seq) => watch.completed.has(seq)), 'WatchCalls to report every recorded call');
  printReport(report);
  const fired = await new Promise<number>((resolve, reject) =>
    client.getScenario({ name: act.scenario }, (err, resp) => (err ? reject(err) : resolve(Number(resp.scenario?.firedCount ?? 0)))),
  );
  say(`GetScenario ${act.scenario}: fired ${fired} time(s), now disabled\n`);
}

/** Prints the WatchCalls stream as it arrives and remembers enough to wait for it to catch up. */
class WatchPrinter {
  live = false;
  readonly completed = new Set<bigint>();
  private error: Error | undefined;
  private readonly stream;
  private readonly waiters = new Set<() => void>();

  constructor(client: ScenarioControlClient) {
    this.stream = client.watchCalls({ methods: [] });
    this.stream.on('data', (event: WatchCallsResponse) => {
      printEvent(event);
      if (event.type === WatchEventType.WATCH_EVENT_TYPE_LIVE) this.live = true;
      if (event.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && event.call) this.completed.add(event.call.sequence);
      this.wake();
    });
    this.stream.on('error', (err: Error) => {
      this.error = err;
      this.wake();
    });
  }

  /** Resolves once `done()` holds; rejects if the stream fails or after `timeoutMs`. */
  until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish(resolve);
        else if (this.error) finish(() => reject(new Error(`WatchCalls failed while waiting for ${what}: ${this.error!.message}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.stream.on('error', () => undefined);
    this.stream.cancel();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function printEvent(event: WatchCallsResponse): void {
  if (event.type === WatchEventType.WATCH_EVENT_TYPE_LIVE) return say('  [WatchCalls] live');
  if (event.type === WatchEventType.WATCH_EVENT_TYPE_EVENTS_DROPPED) return say(`  [WatchCalls] ${event.droppedCount} events dropped`);
  const call = event.call;
  if (!call || event.type !== WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED) return;
  say(`  [WatchCalls] #${call.sequence} ${describeCall(call)}`);
}

function describeCall(call: Call): string {
  const what = call.kind === CallKind.CALL_KIND_CLOUD_FETCH ? `GET ${call.path.split('?')[0]}` : call.method;
  const result = call.httpStatus ? `HTTP ${call.httpStatus}` : (call.error || 'no response');
  const status = call.replyStatus?.statusName && call.replyStatus.statusName !== 'SUCCESS_STATUS' ? ` ${call.replyStatus.statusName}` : '';
  const ms = call.duration ? ` ${Math.round(Number(call.duration.seconds) * 1000 + call.duration.nanos / 1e6)} ms` : '';
  return `${what} -> ${result}${status}${ms}${call.scenario ? `  <== ${call.scenario}` : ''}`;
}

function printReport(report: DriverRunReport): void {
  for (const step of report.steps) {
    if (step.ok) say(`driver: ${step.rowCount} rows in ${step.durationMs} ms, first: ${JSON.stringify(step.rows?.[0])}`);
  }
  if (!report.ok) say(`driver: failed at ${report.failedAt}: ${report.error?.name}: ${report.error?.message}`);
  else say('driver: session and client closed cleanly');
}

function readReadyLine(proxy: ChildProcessWithoutNullStreams): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    proxy.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const lines = createInterface({ input: proxy.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as ReadyLine));
    proxy.once('exit', (code) => reject(new Error(`thrift-fault-proxy exited (${String(code)}) before it was ready:\n${stderr}`)));
  });
}

async function stop(proxy: ChildProcessWithoutNullStreams): Promise<void> {
  if (proxy.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => proxy.once('exit', () => resolve()));
  proxy.kill('SIGTERM');
  await exited;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
