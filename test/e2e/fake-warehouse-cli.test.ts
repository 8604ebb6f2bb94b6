// The one-command mode as users run it: the built `thrift-fault-proxy --fake-warehouse`, its ready line and
// banner, and the official driver querying the fake through it with nothing else configured; then the fake's
// settings given on the command line (threshold, file size, link lifetime) doing what they say.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallKind, CallState, EnableScenarioRequest } from '../../gen/thriftproxy/v1/scenario_control';
import type { DriverRunRequest } from '../../scripts/driver/protocol';
import { spawnDriver, type DriverRunOutcome } from '../../scripts/driver/spawn-driver';
import type { ReadyLine } from '../../src/cli/ready-line';
import { CLOUDFETCH_METHOD } from '../../src/core/model';
import { ControlApi } from '../api/support/control-client';
import { assertBuilt, firstLine, startCli, stderrContaining, type CliRun } from '../cli/support/cli-process';
import { durationMs, GrpcCallWatch } from './support/call-watch';
import { expectedRangeDigest } from './support/expected-rows';

type Ready = ReadyLine & { warehouse: NonNullable<ReadyLine['warehouse']> };

/** The built CLI with --fake-warehouse (and `extra` flags) on free ports. */
async function startFakeCli(extra: string[]): Promise<{ ready: Ready; run: CliRun; stop(): Promise<void> }> {
  const caDir = mkdtempSync(join(tmpdir(), 'tfp-cli-fake-'));
  const run = startCli(['--fake-warehouse', '--listen-port', '0', '--api-port', '0', '--ca-dir', caDir, ...extra]);
  const stop = async (): Promise<void> => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    rmSync(caDir, { recursive: true, force: true });
  };
  try {
    return { ready: JSON.parse(await firstLine(run, 20_000)) as Ready, run, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type StartedCli = Awaited<ReturnType<typeof startFakeCli>>;

/**
 * Starts the CLI in beforeAll, with `extra` flags or with flags worked out first (e.g. from a measurement), and
 * stops it in afterAll. A failed start surfaces in the tests, through ready().
 */
function cliWithFakeWarehouse(extra: string[] | (() => Promise<string[]>)): { ready: () => Promise<Ready>; run: () => CliRun } {
  let started: Promise<StartedCli> | undefined;
  let current: StartedCli | undefined;
  beforeAll(async () => {
    assertBuilt();
    started = (typeof extra === 'function' ? extra() : Promise.resolve(extra)).then(startFakeCli).then((cli) => (current = cli));
    await started.catch(() => undefined);
  }, 120_000);
  afterAll(async () => {
    await current?.stop();
  });
  return {
    ready: async () => (await started!).ready,
    run: () => {
      if (current === undefined) throw new Error('the CLI has not started: await ready() first');
      return current.run;
    },
  };
}

function driveThroughProxy(ready: Ready, request: Omit<DriverRunRequest, 'connection'>): Promise<DriverRunOutcome> {
  return spawnDriver(
    { connection: { ...ready.warehouse, proxy: { host: ready.proxyHost, port: ready.proxyPort } }, ...request },
    { caCertPem: readFileSync(ready.caCertPath, 'utf8') },
  );
}

describe('thrift-fault-proxy --fake-warehouse', () => {
  const cli = cliWithFakeWarehouse([]);

  it('prints the warehouse and its test-only token in the ready line and the banner, and serves the driver through the proxy', async () => {
    const ready = await cli.ready();
    expect(ready.warehouse).toEqual({
      host: 'fake-workspace.cloud.databricks.com',
      port: 443,
      path: expect.stringMatching(/^\/sql\/1\.0\/warehouses\/[A-Za-z0-9_-]+$/),
      token: expect.stringMatching(/^dapi-fake-[0-9a-f]{32}$/),
    });
    // The banner on stderr says the same as the ready line: address and token, the token marked as a fake's.
    const bannerLine = `warehouse    https://fake-workspace.cloud.databricks.com:443${ready.warehouse.path}`;
    const tokenLine = `token        ${ready.warehouse.token} (test-only token of the fake warehouse, not a real secret)`;
    const stderr = await stderrContaining(cli.run(), tokenLine);
    expect(stderr).toContain(bannerLine);
    expect(stderr.indexOf(bannerLine)).toBeLessThan(stderr.indexOf(tokenLine));

    const { report } = await driveThroughProxy(ready, {
      client: { retryDelayMin: 20, retryDelayMax: 100 },
      // 12000 rows: more than the default CloudFetch threshold (10000), so the storage host is used too.
      steps: [{ kind: 'query', sql: 'SELECT * FROM range(12000)' }],
    });
    expect(report.error).toBeUndefined();
    expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(12000));
  });
});

const THRESHOLD = 1000;
const ROWS_PER_FILE = 400;
const FILE_FLAGS = ['--fake-cloudfetch-threshold', String(THRESHOLD), '--fake-rows-per-file', String(ROWS_PER_FILE)];

describe('thrift-fault-proxy --fake-warehouse with --fake-cloudfetch-threshold and --fake-rows-per-file', () => {
  // The default link lifetime (15 minutes): nothing here may depend on how fast this machine downloads.
  const cli = cliWithFakeWarehouse(FILE_FLAGS);
  let api: ControlApi;

  beforeAll(async () => {
    const ready = await cli.ready();
    api = new ControlApi(`${ready.apiHost}:${ready.apiPort}`);
  });

  afterAll(() => {
    api?.close();
  });

  beforeEach(async () => {
    await api.resetCalls();
  });

  it('serves a result of exactly the threshold inline, and one row more as CloudFetch files of the given size', async () => {
    const ready = await cli.ready();
    const atThreshold = await driveThroughProxy(ready, { steps: [{ kind: 'query', sql: `SELECT * FROM range(${THRESHOLD})` }] });
    expect(atThreshold.report.error).toBeUndefined();
    expect(atThreshold.report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(THRESHOLD));
    expect((await api.countCalls({ kind: CallKind.CALL_KIND_CLOUD_FETCH })).count).toBe(0n);

    const above = await driveThroughProxy(ready, {
      client: { retryDelayMin: 20, retryDelayMax: 100 },
      steps: [{ kind: 'query', sql: `SELECT * FROM range(${THRESHOLD + 1})` }],
    });
    expect(above.report.error).toBeUndefined();
    expect(above.report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(THRESHOLD + 1));
    const downloads = (await api.listCalls({ filter: { kind: CallKind.CALL_KIND_CLOUD_FETCH } })).calls;
    // 1001 rows in files of 400: 400 + 400 + 201, each file named by its first row and row count.
    expect(downloads.map((d) => /\/part-(\d+-\d+)\.arrow\?/.exec(d.path)?.[1]).sort()).toEqual(['0-400', '400-400', '800-201']);
    expect(downloads.every((d) => d.httpStatus === 200 && d.method === CLOUDFETCH_METHOD)).toBe(true);
  });
});

describe('thrift-fault-proxy --fake-warehouse with --fake-link-lifetime-ms', () => {
  // The lifetime must be longer than the downloads nobody holds take, and shorter than the hold: both derived from
  // how long the same query takes on this machine now (a fixed 300 ms failed on a loaded machine, with 403s).
  let lifetimeMs = 0;
  const cli = cliWithFakeWarehouse(async () => {
    lifetimeMs = linkLifetimeFor(await measureCloudFetchQueryMs());
    return [...FILE_FLAGS, '--fake-link-lifetime-ms', String(lifetimeMs)];
  });
  let api: ControlApi;

  beforeAll(async () => {
    const ready = await cli.ready();
    api = new ControlApi(`${ready.apiHost}:${ready.apiPort}`);
  });

  afterAll(() => {
    api?.close();
  });

  it('expires links after --fake-link-lifetime-ms: a download held past it gets 403 from the fake storage', async () => {
    const ready = await cli.ready();
    const watch = await GrpcCallWatch.open(api);
    try {
      // Hold one download past the link's lifetime before it goes on to storage. With the default
      // lifetime (15 minutes) the same hold is waited out and every row arrives (e2e long_running_cloud_fetch).
      const holdMs = lifetimeMs + HOLD_PAST_EXPIRY_MS;
      const duration = { seconds: BigInt(Math.floor(holdMs / 1000)), nanos: (holdMs % 1000) * 1e6 };
      await api.enableScenario(EnableScenarioRequest.fromPartial({ name: 'long_running_cloud_fetch', duration }));
      const { report } = await driveThroughProxy(ready, {
        client: { retryDelayMin: 20, retryDelayMax: 100 },
        steps: [{ kind: 'query', sql: `SELECT * FROM range(${THRESHOLD + 1})` }],
      });
      await watch.settle();

      const held = await watch.waitForCompleted((c) => c.scenario === 'long_running_cloud_fetch');
      // The proxy forwarded the held GET after the hold; storage refused the now expired link.
      expect(held).toMatchObject({ kind: CallKind.CALL_KIND_CLOUD_FETCH, state: CallState.CALL_STATE_COMPLETED, httpStatus: 403 });
      expect(durationMs(held)).toBeGreaterThanOrEqual(holdMs - 50);
      // The downloads nobody held got there in time.
      const others = watch.completed().filter((c) => c.kind === CallKind.CALL_KIND_CLOUD_FETCH && c.sequence !== held.sequence);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((c) => c.httpStatus === 200)).toBe(true);
      // The driver does not re-fetch links: the query fails.
      expect(report.ok).toBe(false);
      expect(report.failedAt).toBe('step 0');
      expect(report.error!.message).toMatch(/^CloudFetch HTTP error 403\b/);
    } finally {
      watch.close();
    }
  }, 120_000);
});

/** How long the CloudFetch query of these tests takes through the proxy, unheld, with the default link lifetime. */
async function measureCloudFetchQueryMs(): Promise<number> {
  const cli = await startFakeCli(FILE_FLAGS);
  try {
    const started = Date.now();
    const { report } = await driveThroughProxy(cli.ready, { steps: [{ kind: 'query', sql: `SELECT * FROM range(${THRESHOLD + 1})` }] });
    if (report.error !== undefined) throw new Error(`the measuring query failed: ${report.error.message}`);
    return Date.now() - started;
  } finally {
    await cli.stop();
  }
}

/** The hold starts after the link was handed out, so outlasting the lifetime by a second is enough to expire it. */
const HOLD_PAST_EXPIRY_MS = 1_000;

/** Links live several times as long as the whole measured query (spawning the driver included), and at least 2 s. */
function linkLifetimeFor(queryMs: number): number {
  return Math.max(2_000, 3 * queryMs);
}

describe('thrift-fault-proxy --fake-warehouse with --fake-links-per-fetch, --fake-execution-delay-ms and --fake-no-lz4', () => {
  const DELAY_MS = 600;
  const cli = cliWithFakeWarehouse([
    '--fake-cloudfetch-threshold', '10',
    '--fake-rows-per-file', '10',
    '--fake-links-per-fetch', '1',
    '--fake-execution-delay-ms', String(DELAY_MS),
    '--fake-no-lz4',
  ]);
  let api: ControlApi;

  beforeAll(async () => {
    const ready = await cli.ready();
    api = new ControlApi(`${ready.apiHost}:${ready.apiPort}`);
  });

  afterAll(() => {
    api?.close();
  });

  it('hands out one link per reply, so the driver fetches each file\'s link with its own FetchResults', async () => {
    await api.resetCalls();
    const { report } = await driveThroughProxy(await cli.ready(), {
      client: { retryDelayMin: 20, retryDelayMax: 100 },
      steps: [{ kind: 'query', sql: 'SELECT * FROM range(35)' }],
    });
    expect(report.error).toBeUndefined();
    expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(35));
    const { calls } = await api.listCalls({});
    const linksIn = (reply: unknown): number => {
      const results = (reply as { results?: { resultLinks?: unknown[] } } | undefined)?.results;
      return results?.resultLinks?.length ?? 0;
    };
    const fetches = calls.filter((c) => c.method === 'FetchResults');
    // 35 rows in files of 10: four links, none of them sharing a reply.
    expect(calls.filter((c) => c.kind === CallKind.CALL_KIND_CLOUD_FETCH)).toHaveLength(4);
    expect(fetches.length).toBeGreaterThanOrEqual(3);
    expect(fetches.every((c) => linksIn(c.reply) <= 1)).toBe(true);
    expect(fetches.reduce((sum, c) => sum + linksIn(c.reply), 0)).toBeGreaterThanOrEqual(3);
  });

  it('runs every statement for the given time (the driver polls GetOperationStatus until it finishes), uncompressed although the driver asked for LZ4', async () => {
    await api.resetCalls();
    // Without CloudFetch the driver asks for LZ4 (canDecompressLZ4Result), which --fake-no-lz4 declines.
    const { report } = await driveThroughProxy(await cli.ready(), { steps: [{ kind: 'query', sql: 'SELECT 1', useCloudFetch: false }] });
    expect(report.error).toBeUndefined();
    expect(report.steps[0]!.rowCount).toBe(1);
    const { calls } = await api.listCalls({});
    const execute = calls.find((c) => c.method === 'ExecuteStatement')!;
    const polls = calls.filter((c) => c.method === 'GetOperationStatus');
    const state = (c: (typeof calls)[number]) => (c.reply as { operationState?: unknown } | undefined)?.operationState;
    // ExecuteStatement answers at once, the statement still running; polls say RUNNING until it finishes.
    const executeReply = execute.reply as { directResults?: { operationStatus?: { operationState?: unknown } } };
    expect(executeReply.directResults?.operationStatus?.operationState).toBe('RUNNING_STATE');
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.map(state).slice(0, -1).every((s) => s === 'RUNNING_STATE')).toBe(true);
    const finished = polls.at(-1)!;
    expect(state(finished)).toBe('FINISHED_STATE');
    // Nothing reported the statement finished before its execution time had passed (a lower bound only).
    const sinceExecute = finished.startTime!.getTime() - execute.startTime!.getTime() + durationMs(finished);
    expect(sinceExecute).toBeGreaterThanOrEqual(DELAY_MS - 20);
    expect(report.steps[0]!.durationMs).toBeGreaterThanOrEqual(DELAY_MS - 20);
    expect(execute.request).toMatchObject({ canDecompressLZ4Result: true });
    const metadata = calls.find((c) => c.method === 'GetResultSetMetadata')!;
    expect(metadata.reply).toMatchObject({ lz4Compressed: false });
  });
});
