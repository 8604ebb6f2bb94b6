// One proxy and one fake warehouse per test file, the official driver in a child process per run, all on
// loopback: the driver connects to the fake's Databricks-looking host name through the proxy, which maps the
// names to the fake's servers and trusts the fake's CA upstream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startThriftFaultProxy, type RunningApp } from '../../../src/app';
import { createLogger } from '../../../src/core/logger';
import type { FakeWarehouseOptions, RunningFakeWarehouse } from '../../../src/fake';
import type { DriverClientOptions, DriverRunRequest, DriverStep } from '../../../scripts/driver/protocol';
import { spawnDriver, type DriverRunOutcome } from '../../../scripts/driver/spawn-driver';
import { ControlApi } from '../../api/support/control-client';

/** Retries fast so failure scenarios finish in milliseconds; attempts stay at the driver's default (5). */
export const FAST_RETRIES: DriverClientOptions = { retryDelayMin: 20, retryDelayMax: 100, retriesTimeout: 20_000 };

export interface E2eEnv {
  app: RunningApp;
  fake: RunningFakeWarehouse;
  /** A grpc-js client of the app's control port (apiHost:apiPort), as a driver team's test would use. */
  api: ControlApi;
  /** Runs the driver through the proxy against the fake. */
  runDriver(steps: DriverStep[], client?: DriverClientOptions, extra?: Partial<DriverRunRequest>): Promise<DriverRunOutcome>;
  close(): Promise<void>;
}

export async function startE2eEnv(fakeOptions: FakeWarehouseOptions = {}): Promise<E2eEnv> {
  const caDir = mkdtempSync(join(tmpdir(), 'tfp-e2e-ca-'));
  let app: RunningApp;
  try {
    // The fake as --fake-warehouse starts it: mapped, trusted, and wired to the journal (cloudfetch_expired_link
    // expires the link in the fake's storage too).
    app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, fakeWarehouse: fakeOptions, log: createLogger({ level: 'error' }) });
  } catch (err) {
    rmSync(caDir, { recursive: true, force: true });
    throw err;
  }
  const fake = app.fakeWarehouse!;
  const api = new ControlApi(`${app.info.apiHost}:${app.info.apiPort}`);
  return {
    app,
    fake,
    api,
    runDriver(steps, client = FAST_RETRIES, extra = {}) {
      return spawnDriver(
        {
          connection: {
            host: fake.info.host,
            port: fake.info.port,
            path: fake.info.path,
            token: fake.info.token,
            proxy: { host: app.info.proxyHost, port: app.info.proxyPort },
          },
          client,
          steps,
          maxRowsReturned: 3,
          ...extra,
        },
        { caCertPem: app.info.caCertPem, timeoutMs: 90_000 },
      );
    },
    async close() {
      api.close();
      try {
        await app.close();
      } finally {
        rmSync(caDir, { recursive: true, force: true });
      }
    },
  };
}
