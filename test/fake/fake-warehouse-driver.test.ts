// The official Databricks Node.js driver (@databricks/sql, in a child process) against the fake directly,
// without a proxy: the fake must be something the real driver can use end to end.
import { expectedRangeRow, startFakeWarehouse, type RunningFakeWarehouse } from '../../src/fake';
import { canonicalRow, RowDigest } from '../../scripts/driver/protocol';
import { spawnDriver } from '../../scripts/driver/spawn-driver';
import type { DriverRunRequest, DriverStep } from '../../scripts/driver/protocol';

let fake: RunningFakeWarehouse;

beforeAll(async () => {
  fake = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 10_000, rowsPerCloudFetchFile: 5_000, linksPerFetch: 4 });
});

afterAll(async () => {
  await fake?.close();
});

function request(steps: DriverStep[], token = fake.info.token): DriverRunRequest {
  return {
    connection: { host: fake.direct.warehouseHost, port: fake.direct.warehousePort, path: fake.info.path, token },
    client: { retryDelayMin: 10, retryDelayMax: 50 },
    steps,
    maxRowsReturned: 3,
  };
}

function expectedDigest(rows: number): string {
  const digest = new RowDigest();
  for (let i = 0; i < rows; i++) digest.add(canonicalRow({ ...expectedRangeRow(i) }));
  return digest.digest();
}

it('runs inline, CloudFetch, polled and metadata work with exactly the expected rows', async () => {
  const before = fake.stats();
  const { report } = await spawnDriver(
    request([
      { kind: 'query', sql: 'SELECT 1' },
      { kind: 'query', sql: 'SELECT * FROM range(3000)' },
      { kind: 'query', sql: 'SELECT * FROM range(22000)' },
      { kind: 'query', sql: '/* fake:delay_ms=400 */ SELECT * FROM range(10)' },
      { kind: 'metadata', call: 'getCatalogs' },
      { kind: 'metadata', call: 'getColumns', args: { catalogName: 'main', schemaName: 'default', tableName: 'numbers' } },
      { kind: 'info', infoType: 17 },
    ]),
    { caCertPem: fake.caCertPem },
  );
  expect(report.error).toBeUndefined();
  expect(report.ok).toBe(true);
  const [one, inline, cloud, polled, catalogs, columns, info] = report.steps;
  expect(one!.rows).toEqual([{ '1': 1 }]);
  expect(inline!.rowCount).toBe(3000);
  expect(inline!.rowsDigest).toBe(expectedDigest(3000));
  expect(inline!.rows![1]).toEqual({ id: 1, label: 'row-1', ratio: 0.25, event_time: '2024-01-01T00:00:01.000Z', amount: 1.25, is_even: false });
  expect(cloud!.rowCount).toBe(22000);
  expect(cloud!.rowsDigest).toBe(expectedDigest(22000));
  expect(polled!.rowsDigest).toBe(expectedDigest(10));
  expect(catalogs!.columns).toEqual(['TABLE_CAT']);
  expect(columns!.rowCount).toBe(6);
  expect(info!.value).toBe('Spark SQL');

  const after = fake.stats();
  // 22000 rows in files of 5000: five downloads, from two FetchResults pages of at most four links.
  expect(after.downloads.served - before.downloads.served).toBe(5);
  expect(after.downloads.rejected).toBe(before.downloads.rejected);
  // The 400 ms statement was polled until it finished.
  expect((after.thriftCalls.GetOperationStatus ?? 0) - (before.thriftCalls.GetOperationStatus ?? 0)).toBeGreaterThanOrEqual(2);
  expect(after.openSessions).toBe(0);
  expect(after.openOperations).toBe(0);
});

it('surfaces a failed statement as OperationStateError with the warehouse message and SQLSTATE', async () => {
  const { report } = await spawnDriver(request([{ kind: 'query', sql: 'SELECT * FROM missing_table' }]), { caCertPem: fake.caCertPem });
  expect(report.ok).toBe(false);
  expect(report.failedAt).toBe('step 0');
  expect(report.error).toMatchObject({ name: 'OperationStateError', errorCode: 'ERROR', sqlState: '42P01' });
  expect(report.error!.message).toMatch(/TABLE_OR_VIEW_NOT_FOUND/);
});

it('refuses a wrong token: the driver fails to open a session on HTTP 401', async () => {
  const { report } = await spawnDriver(request([], 'dapi-not-the-token'), { caCertPem: fake.caCertPem });
  expect(report.ok).toBe(false);
  expect(report.failedAt).toBe('openSession');
  expect(report.error!.message).toMatch(/401/);
});

it('is refused by the driver itself when a CloudFetch link has already expired: no download is attempted', async () => {
  const expiring = await startFakeWarehouse({ directLinks: true, cloudFetchThresholdRows: 10, rowsPerCloudFetchFile: 10, linkLifetimeMs: 1 });
  try {
    const { report } = await spawnDriver(
      {
        connection: { host: expiring.direct.warehouseHost, port: expiring.direct.warehousePort, path: expiring.info.path, token: expiring.info.token },
        client: { retryDelayMin: 10, retryDelayMax: 50 },
        steps: [{ kind: 'query', sql: 'SELECT * FROM range(30)' }],
      },
      { caCertPem: expiring.caCertPem },
    );
    expect(report.failedAt).toBe('step 0');
    expect(report.error!.message).toBe('CloudFetch link has expired');
    expect(expiring.stats().downloads).toEqual({ served: 0, rejected: 0, aborted: 0 });
    // Nor does it ask the warehouse for fresh links: the only fetch was the direct result of ExecuteStatement.
    expect(expiring.stats().thriftCalls.FetchResults ?? 0).toBe(0);
  } finally {
    await expiring.close();
  }
});
