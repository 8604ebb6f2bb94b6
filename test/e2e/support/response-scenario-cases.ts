// One case per response-side built-in (issue 8): the server starts answering, then the reply is cut, slowed,
// stalled or rewritten. What the official Node.js driver does with each is what the README's findings report.
import { CallKind, CallState, DeliveryEnd, type Call } from '../../../gen/thriftproxy/v1/scenario_control';
import { CLOUDFETCH_METHOD } from '../../../src/core/model';
import { SLOW_DOWNLOAD_BYTES_PER_SECOND } from '../../../src/scenarios/catalog';
import type { DriverStep } from '../../../scripts/driver/protocol';
import { durationMs } from './call-watch';
import { CLOUDFETCH_QUERY, CLOUDFETCH_ROWS, expectAllRows, INLINE_QUERY, injectedOnce, isDownload, type ScenarioCase } from './scenario-cases';

/** Five files of 4000 rows: the first four links come with the statement, the fifth from a FetchResults. */
const LINKS_BY_FETCH_ROWS = 20_000;
const LINKS_BY_FETCH_QUERY: DriverStep[] = [{ kind: 'query', sql: `SELECT * FROM range(${LINKS_BY_FETCH_ROWS})` }];

const timeToLastByteMs = (c: Call): number => {
  const t = c.delivery?.timeToLastByte;
  return t === undefined ? 0 : Number(t.seconds) * 1000 + t.nanos / 1e6;
};

export const RESPONSE_CASES: readonly ScenarioCase[] = [
  {
    scenario: 'cloudfetch_truncated_download',
    outcome: 'retries a download reset after half of its body and returns every row',
    steps: CLOUDFETCH_QUERY,
    finding: 'A CloudFetch download cut short (RST after half of the announced Content-Length) is retried like a reset before any byte: a second GET of the same file, and every row.',
    async check(run) {
      const [cut] = injectedOnce(run, 'cloudfetch_truncated_download');
      expect(cut).toMatchObject({ method: CLOUDFETCH_METHOD, httpStatus: 200, state: CallState.CALL_STATE_FAILED });
      expect(cut.delivery).toMatchObject({ connectionEnd: DeliveryEnd.DELIVERY_END_RESET });
      // Half of the file, to the byte: the retry's record says how long the whole file is.
      const again = run.completed().filter((c) => isDownload(c) && c.path === cut.path && c.scenario === '');
      expect(again.map((c) => c.httpStatus)).toEqual([200]);
      expect(Number(cut.delivery!.bytesDelivered)).toBe(Math.floor(Number(again[0].responseBytes) / 2));
      expect(cut.error).toMatch(/^connection reset by scenario cloudfetch_truncated_download after \d+ of \d+ body bytes/);
      expectAllRows(run, CLOUDFETCH_ROWS);
    },
  },
  {
    scenario: 'cloudfetch_slow_download',
    outcome: 'waits for a download throttled to 256 KiB/s and returns every row',
    steps: CLOUDFETCH_QUERY,
    async check(run) {
      const [slow] = injectedOnce(run, 'cloudfetch_slow_download');
      expect(slow).toMatchObject({ httpStatus: 200, state: CallState.CALL_STATE_COMPLETED });
      const bytes = Number(slow.delivery!.bytesDelivered);
      expect(slow.delivery).toMatchObject({ connectionEnd: DeliveryEnd.DELIVERY_END_COMPLETE, upstreamBytes: BigInt(bytes) });
      // The bucket starts with 1/16 s of bytes; the rest comes at the rate (10 % slack for the measurement).
      const atRateMs = ((bytes - SLOW_DOWNLOAD_BYTES_PER_SECOND / 16) / SLOW_DOWNLOAD_BYTES_PER_SECOND) * 1000;
      expect(timeToLastByteMs(slow)).toBeGreaterThanOrEqual(atRateMs * 0.9);
      expect(run.completed().filter((c) => isDownload(c) && c.path === slow.path)).toHaveLength(1);
      expectAllRows(run, CLOUDFETCH_ROWS);
    },
  },
  {
    scenario: 'cloudfetch_stalled_download',
    outcome: 'waits out a download stalled for 10 s after 64 KiB (no read timeout, no retry) and returns every row',
    steps: CLOUDFETCH_QUERY,
    finding:
      'A CloudFetch download that stalls mid-body (10 s without a byte after 64 KiB) is waited out: the driver has no read timeout on downloads and does not retry.',
    async check(run) {
      const [stalled] = injectedOnce(run, 'cloudfetch_stalled_download');
      expect(stalled).toMatchObject({ httpStatus: 200, state: CallState.CALL_STATE_COMPLETED });
      expect(stalled.delivery).toMatchObject({ connectionEnd: DeliveryEnd.DELIVERY_END_COMPLETE });
      expect(Number(stalled.delivery!.bytesDelivered)).toBeGreaterThan(64 * 1024);
      expect(timeToLastByteMs(stalled)).toBeGreaterThanOrEqual(10_000);
      expect(durationMs(stalled)).toBeGreaterThanOrEqual(10_000);
      expect(run.completed().filter((c) => isDownload(c) && c.path === stalled.path)).toHaveLength(1);
      expectAllRows(run, CLOUDFETCH_ROWS);
    },
  },
  {
    scenario: 'cloudfetch_link_expired_in_reply',
    outcome: 'fails the query with "CloudFetch link has expired" for a FetchResults link that arrived already expired, without downloading it or asking for fresh links',
    steps: LINKS_BY_FETCH_QUERY,
    finding:
      'A CloudFetch link that arrives already expired (expiryTime in the past in the FetchResults reply) fails the query with "CloudFetch link has expired": no download attempt, no FetchResults for fresh links.',
    async check(run) {
      const [fetch] = injectedOnce(run, 'cloudfetch_link_expired_in_reply');
      expect(fetch).toMatchObject({ method: 'FetchResults', state: CallState.CALL_STATE_COMPLETED });
      // The record has the reply as the driver got it, and as the server sent it.
      const links = (reply: unknown) => ((reply as { results: { resultLinks: Array<{ expiryTime: number; fileLink: string }> } }).results.resultLinks);
      expect(links(fetch.reply).map((l) => l.expiryTime)).toEqual([0]);
      expect(links(fetch.upstreamReply)[0].expiryTime).toBeGreaterThan(Date.now());
      expect(run.report.failedAt).toBe('step 0');
      expect(run.report.error).toMatchObject({ message: 'CloudFetch link has expired' });
      // The four links of the statement's reply were downloaded; the expired one never was.
      const expiredPath = new URL(links(fetch.upstreamReply)[0].fileLink).pathname;
      expect(run.completed().filter(isDownload)).toHaveLength(4);
      expect(run.completed().filter((c) => isDownload(c) && c.path.startsWith(expiredPath))).toHaveLength(0);
      expect(run.completed().filter((c) => c.method === 'FetchResults')).toHaveLength(1);
    },
  },
  {
    scenario: 'protocol_version_downgrade',
    outcome: 'accepts SPARK_CLI_SERVICE_PROTOCOL_V1: no CloudFetch then, every row inline',
    steps: CLOUDFETCH_QUERY,
    finding:
      'The driver accepts an OpenSession reply with serverProtocolVersion SPARK_CLI_SERVICE_PROTOCOL_V1 and falls back: it no longer asks for CloudFetch (canDownloadResult), so the same query comes back inline, every row, with no download.',
    async check(run) {
      const [open] = injectedOnce(run, 'protocol_version_downgrade');
      expect(open).toMatchObject({ method: 'OpenSession', state: CallState.CALL_STATE_COMPLETED });
      expect(open.reply).toMatchObject({ serverProtocolVersion: 'SPARK_CLI_SERVICE_PROTOCOL_V1' });
      expect(open.upstreamReply).toMatchObject({ serverProtocolVersion: 'SPARK_CLI_SERVICE_PROTOCOL_V8' });
      const execute = run.completed().find((c) => c.method === 'ExecuteStatement')!;
      expect(execute.request?.canDownloadResult ?? false).toBe(false);
      expect(run.completed().filter(isDownload)).toHaveLength(0);
      expectAllRows(run, CLOUDFETCH_ROWS);
    },
  },
  {
    scenario: 'retry_after_429_open_session',
    outcome: 'fails openSession with HTTP 429 at once: Retry-After: 2 is not honoured, OpenSession not retried',
    steps: INLINE_QUERY,
    finding: 'Retry-After is not honoured on OpenSession: a 429 with Retry-After: 2 fails openSession at once, without a retry.',
    async check(run) {
      const [refused] = injectedOnce(run, 'retry_after_429_open_session');
      expect(refused).toMatchObject({ kind: CallKind.CALL_KIND_THRIFT, method: 'OpenSession', httpStatus: 429, state: CallState.CALL_STATE_COMPLETED });
      expect(run.report.failedAt).toBe('openSession');
      expect(run.report.error).toMatchObject({ statusCode: 429, message: 'Received a response with a bad HTTP status code: 429' });
      expect(run.completed().filter((c) => c.method === 'OpenSession')).toHaveLength(1);
      expect(run.env.fake.stats().openSessions).toBe(0);
    },
  },
];
