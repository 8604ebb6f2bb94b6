// The one-command mode as users run it: the built `thrift-fault-proxy --fake-warehouse`, its ready line and
// banner, and the official driver querying the fake through it with nothing else configured.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDriver } from '../../scripts/driver/spawn-driver';
import { assertBuilt, firstLine, startCli, type CliRun } from '../cli/support/cli-process';
import { waitFor } from '../helpers/wait-for';
import { expectedRangeDigest } from './support/expected-rows';

let caDir: string;
let run: CliRun;

beforeAll(() => {
  assertBuilt();
  caDir = mkdtempSync(join(tmpdir(), 'tfp-cli-fake-'));
  run = startCli(['--fake-warehouse', '--listen-port', '0', '--api-port', '0', '--ca-dir', caDir]);
});

afterAll(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  if (caDir) rmSync(caDir, { recursive: true, force: true });
});

it('prints the warehouse in the ready line and the banner, and serves the driver through the proxy', async () => {
  const ready = JSON.parse(await firstLine(run, 20_000)) as {
    proxyHost: string;
    proxyPort: number;
    caCertPath: string;
    warehouse: { host: string; port: number; path: string; token: string };
  };
  expect(ready.warehouse).toEqual({
    host: 'fake-workspace.cloud.databricks.com',
    port: 443,
    path: expect.stringMatching(/^\/sql\/1\.0\/warehouses\/[A-Za-z0-9_-]+$/),
    token: expect.stringMatching(/^dapi-fake-[0-9a-f]{32}$/),
  });
  const bannerLine = `warehouse    https://fake-workspace.cloud.databricks.com:443${ready.warehouse.path}`;
  // The banner follows the ready line on stderr.
  await waitFor(() => run.stderr().includes(bannerLine), 'the warehouse line of the banner');
  // The token is in the machine-readable line only, never in the human-readable output.
  expect(run.stderr()).not.toContain(ready.warehouse.token);

  const { report } = await spawnDriver(
    {
      connection: { ...ready.warehouse, proxy: { host: ready.proxyHost, port: ready.proxyPort } },
      client: { retryDelayMin: 20, retryDelayMax: 100 },
      // 12000 rows: more than the default CloudFetch threshold (10000), so the storage host is used too.
      steps: [{ kind: 'query', sql: 'SELECT * FROM range(12000)' }],
    },
    { caCertPem: readFileSync(ready.caCertPath, 'utf8') },
  );
  expect(report.error).toBeUndefined();
  expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(12000));
});
