// With the fake warehouse started by the proxy (--fake-warehouse), `cloudfetch_expired_link` is a real expiry:
// after the proxy answered a download with storage's expired-link 403, the fake storage refuses that link too, and
// only a link handed out again by FetchResults (from the link's row offset) downloads. A proxy-only 403
// (`cloudfetch_403`) leaves the link valid, so the two can be told apart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Int64 from 'node-int64';
import { startThriftFaultProxy, type RunningApp } from '../../src/app';
import { createLogger } from '../../src/core/logger';
import type { RunningFakeWarehouse } from '../../src/fake';
import { T, tcliClient, type TcliTestClient } from '../fake/support/tcli-client';
import { requestViaProxy, TunnelAgent } from '../helpers/proxied-client';
import { waitFor } from '../helpers/wait-for';

let caDir: string;
let app: RunningApp;
let fake: RunningFakeWarehouse;
let client: TcliTestClient;
let tunnel: TunnelAgent;

beforeAll(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'tfp-expired-link-'));
  app = await startThriftFaultProxy({
    listenPort: 0,
    apiPort: 0,
    caDir,
    fakeWarehouse: { cloudFetchThresholdRows: 1, rowsPerCloudFetchFile: 5 },
    log: createLogger({ level: 'error' }),
  });
  fake = app.fakeWarehouse!;
  client = tcliClient(fake);
  tunnel = new TunnelAgent({ proxyPort: app.info.proxyPort, ca: app.info.caCertPem });
});

afterAll(async () => {
  client?.close();
  tunnel?.destroy();
  await app?.close();
  rmSync(caDir, { recursive: true, force: true });
});

/** A CloudFetch result of `rows` rows; its operation and first link. */
async function cloudFetchResult(rows: number) {
  const session = await client.call('OpenSession', new T.TOpenSessionReq({ client_protocol_i64: new Int64(T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8) }));
  const exec = await client.call(
    'ExecuteStatement',
    new T.TExecuteStatementReq({
      sessionHandle: session.sessionHandle!,
      statement: `SELECT * FROM range(${rows})`,
      canDownloadResult: true,
      getDirectResults: new T.TSparkGetDirectResults({ maxRows: new Int64(100_000) }),
    }),
  );
  return { operationHandle: exec.operationHandle!, link: exec.directResults!.resultSet!.results!.resultLinks![0]! };
}

const download = (url: string) => requestViaProxy(app.info.proxyPort, { url }, { tunnel });

async function refetch(operationHandle: T.TOperationHandle, startRowOffset: Int64) {
  const page = await client.call(
    'FetchResults',
    new T.TFetchResultsReq({ operationHandle, maxRows: new Int64(5), orientation: T.TFetchOrientation.FETCH_NEXT, startRowOffset }),
  );
  expect(page.status.statusCode).toBe(T.TStatusCode.SUCCESS_STATUS);
  return page.results!.resultLinks![0]!;
}

it('cloudfetch_expired_link expires the link in the fake storage: retrying it fails, a refreshed link downloads', async () => {
  const { operationHandle, link } = await cloudFetchResult(12);
  app.control.enableScenario('cloudfetch_expired_link');

  const injected = await download(link.fileLink);
  expect(injected.status).toBe(403);
  await waitFor(() => fake.stats().expiredLinks === 1, 'the fake storage to expire the link');

  // The scenario fired once and is off; the proxy forwards the retry, and storage itself refuses the link.
  const retried = await download(link.fileLink);
  expect(retried.status).toBe(403);
  expect(retried.body.toString('utf8')).toMatch(/<Code>AuthenticationFailed<\/Code>.*Signature not valid in the specified time frame/s);
  const calls = app.control.listCalls({ filter: { kind: 'cloudfetch' } }).calls;
  expect(calls.map((c) => [c.scenario ?? null, c.httpStatus])).toEqual([
    ['cloudfetch_expired_link', 403],
    [null, 403],
  ]);

  const fresh = await refetch(operationHandle, link.startRowOffset);
  expect(new URL(fresh.fileLink).pathname).toBe(new URL(link.fileLink).pathname);
  expect((await download(fresh.fileLink)).status).toBe(200);
});

it('cloudfetch_403 is the proxy\'s answer only: the same link still downloads afterwards', async () => {
  const { link } = await cloudFetchResult(12);
  const expiredBefore = fake.stats().expiredLinks;
  app.control.enableScenario('cloudfetch_403');

  expect((await download(link.fileLink)).status).toBe(403);
  expect((await download(link.fileLink)).status).toBe(200);
  expect(fake.stats().expiredLinks).toBe(expiredBefore);
});
