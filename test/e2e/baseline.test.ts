// The official driver through the proxy against the fake, with no scenario enabled: results must be exactly what
// the warehouse computed, and the proxy must have recorded every Thrift call and CloudFetch download.
import { CallKind, CallState, WatchEventType, type WatchCallsResponse } from '../../gen/thriftproxy/v1/scenario_control';
import { CLOUDFETCH_METHOD } from '../../src/core/model';
import { StreamRecorder } from '../api/support/control-client';
import { startE2eEnv, type E2eEnv } from './support/e2e-env';
import { expectedRangeDigest } from './support/expected-rows';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv({ cloudFetchThresholdRows: 10_000, rowsPerCloudFetchFile: 4_000, linksPerFetch: 3 });
});

afterAll(async () => {
  await env?.close();
});

beforeEach(() => {
  env.app.control.resetCalls();
});

/** What each ExecuteStatement asked for (canDecompressLZ4Result) and got (lz4Compressed), in order. */
function lz4PerStatement(): { asked: unknown; compressed: unknown }[] {
  return env.app.control.listCalls({ filter: { method: 'ExecuteStatement' } }).calls.map((call) => ({
    asked: (call.request as { canDecompressLZ4Result?: unknown }).canDecompressLZ4Result,
    compressed: (call.reply as { directResults?: { resultSetMetadata?: { lz4Compressed?: unknown } } }).directResults?.resultSetMetadata?.lz4Compressed,
  }));
}

it('returns inline results exactly, and the proxy records the session as the driver ran it', async () => {
  const { report } = await env.runDriver([
    { kind: 'query', sql: 'SELECT 1' },
    { kind: 'query', sql: 'SELECT * FROM range(2500)' },
  ]);
  expect(report.error).toBeUndefined();
  expect(report.steps[0]!.rows).toEqual([{ '1': 1 }]);
  expect(report.steps[1]!.rowCount).toBe(2500);
  expect(report.steps[1]!.rowsDigest).toBe(expectedRangeDigest(2500));

  const calls = env.app.control.listCalls().calls;
  expect(calls.every((c) => c.kind === 'thrift' && c.state === 'completed' && c.httpStatus === 200)).toBe(true);
  const methods = calls.map((c) => c.method);
  expect(methods[0]).toBe('OpenSession');
  expect(methods.at(-1)).toBe('CloseSession');
  expect(methods.filter((m) => m === 'ExecuteStatement')).toHaveLength(2);
  // Both results fit in the direct results of ExecuteStatement, so the driver never had to fetch.
  expect(methods).not.toContain('FetchResults');
  // The driver asks for LZ4 only when it does not allow CloudFetch (its default allows it): nothing compressed.
  expect(lz4PerStatement()).toEqual([
    { asked: undefined, compressed: false },
    { asked: undefined, compressed: false },
  ]);
  // Secrets stay out of the record: the token travels in the Authorization header, never into a recorded call.
  expect(JSON.stringify(calls)).not.toContain(env.fake.info.token);
});

it('returns a CloudFetch result spread over several files exactly, each download recorded', async () => {
  const { report } = await env.runDriver([{ kind: 'query', sql: 'SELECT * FROM range(30000)' }]);
  expect(report.error).toBeUndefined();
  expect(report.steps[0]!.rowCount).toBe(30000);
  expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(30000));

  const downloads = env.app.control.listCalls({ filter: { kind: 'cloudfetch' } }).calls;
  // 30000 rows in files of 4000: 8 files.
  expect(downloads).toHaveLength(8);
  for (const d of downloads) {
    expect(d.method).toBe(CLOUDFETCH_METHOD);
    expect(d.httpStatus).toBe(200);
    expect(d.host).toBe(env.fake.hostMappings[1]!.name);
    // The signature is redacted, the rest of the presigned URL kept.
    expect(d.path).toMatch(/^\/dbsql-results\/[0-9a-f-]{36}\/part-\d+-\d+\.arrow\?sv=[^&]+&se=[^&]+&sr=b&sp=r&sig=\[REDACTED\]$/);
  }
  expect(env.fake.stats().downloads.rejected).toBe(0);
});

it('pages a large result inline through FetchResults when the driver turns CloudFetch off', async () => {
  const { report } = await env.runDriver([{ kind: 'query', sql: 'SELECT * FROM range(30000)', useCloudFetch: false, maxRows: 10_000 }]);
  expect(report.error).toBeUndefined();
  expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(30000));
  expect(env.app.control.countCalls({ kind: 'cloudfetch' })).toBe(0);
  // maxRows bounds the direct results (10000 rows with ExecuteStatement); the driver fetches the other 20000 in
  // one FetchResults, since it asks for up to 100000 rows per fetch.
  expect(env.app.control.countCalls({ method: 'FetchResults' })).toBe(1);
  // Without CloudFetch the driver asks for LZ4, and the rows above are exact with every Arrow batch (direct
  // results and FetchResults pages) an LZ4 frame.
  expect(lz4PerStatement()).toEqual([{ asked: true, compressed: true }]);
  const fetched = env.app.control.listCalls({ filter: { method: 'FetchResults' } }).calls[0]!;
  expect((fetched.reply as { results?: { arrowBatches?: unknown[] } }).results?.arrowBatches?.length).toBeGreaterThan(0);
});

it('runs metadata calls through the proxy', async () => {
  const { report } = await env.runDriver([
    { kind: 'metadata', call: 'getSchemas', args: { catalogName: 'samples' } },
    { kind: 'metadata', call: 'getTables', args: { catalogName: 'samples', schemaName: 'nyctaxi' } },
  ]);
  expect(report.error).toBeUndefined();
  expect(report.steps[0]!.rows).toEqual([{ TABLE_SCHEM: 'nyctaxi', TABLE_CATALOG: 'samples' }]);
  expect(report.steps[1]!.rowCount).toBe(2);
  expect(env.app.control.countCalls({ method: 'GetSchemas' })).toBe(1);
  expect(env.app.control.countCalls({ method: 'GetTables' })).toBe(1);
});

it('streams a scenario over gRPC WatchCalls: the injected CloudFetch 503, then the retry that succeeded', async () => {
  const api = env.api;
  const events = new StreamRecorder<WatchCallsResponse>(api.watchCalls({}));
  try {
    await events.until((m) => m.some((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_LIVE));
    await api.enableScenario({ name: 'cloudfetch_503' });
    const { report } = await env.runDriver([{ kind: 'query', sql: 'SELECT * FROM range(12000)' }]);
    expect(report.error).toBeUndefined();
    expect(report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(12000));

    const completedDownloads = (m: WatchCallsResponse[]) =>
      m.filter((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && e.call?.kind === CallKind.CALL_KIND_CLOUD_FETCH).map((e) => e.call!);
    // 12000 rows in files of 4000: three files, one of them downloaded twice.
    const downloads = completedDownloads(await events.until((m) => completedDownloads(m).length >= 4, 10_000));
    const injected = downloads.filter((c) => c.scenario === 'cloudfetch_503');
    expect(injected).toHaveLength(1);
    expect(injected[0]).toMatchObject({ httpStatus: 503, state: CallState.CALL_STATE_COMPLETED });
    const sameFile = downloads.filter((c) => c.path === injected[0]!.path);
    expect(sameFile.map((c) => [c.scenario, c.httpStatus])).toEqual([
      ['cloudfetch_503', 503],
      ['', 200],
    ]);
    // Every completed call was announced first, with the same sequence number.
    const started = new Set(events.messages.filter((e) => e.type === WatchEventType.WATCH_EVENT_TYPE_CALL_STARTED).map((e) => e.call!.sequence));
    for (const call of downloads) expect(started.has(call.sequence)).toBe(true);
    expect((await api.getScenario('cloudfetch_503')).scenario).toMatchObject({ enabled: false, firedCount: 1n });
  } finally {
    events.stream.cancel();
  }
});
