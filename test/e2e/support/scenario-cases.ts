// One case per catalog scenario: what the driver is asked to do, how the scenario is enabled, and what must be
// observed afterwards, both on the driver's side (its report) and on the proxy's (recorded and streamed calls).
// Where the official Node.js driver behaves in a way a driver team might not expect, the case says so in
// `finding`; the README's "Findings about the official Node.js driver" section lists the same.
import type { Duration } from '../../../gen/google/protobuf/duration';
import {
  CallKind,
  CallState,
  type Call,
  type DeepPartial,
  type EnableScenarioRequest,
  type ScenarioDefinition,
} from '../../../gen/thriftproxy/v1/scenario_control';
import { CLOUDFETCH_METHOD } from '../../../src/core/model';
import type { DriverClientOptions, DriverRunReport, DriverStep } from '../../../scripts/driver/protocol';
import { durationMs, outcome, startMs } from './call-watch';
import type { E2eEnv } from './e2e-env';
import { expectedRangeDigest } from './expected-rows';

/**
 * The driver's socketTimeout and the hold that must outlast it, for the cases that pit one against the other.
 * Derived from the slowest Thrift call of an unheld run on this machine (see timingsFor), so that an ordinary call
 * never hits the socket timeout on a loaded machine, while the hold still clearly exceeds it.
 */
export interface CaseTimings {
  socketTimeoutMs: number;
  holdMs: number;
}

/** 700 ms and 2.5 s on a quick machine; more where Thrift calls are slow (4x the slowest, plus room for the hold). */
export function timingsFor(slowestThriftCallMs: number): CaseTimings {
  const socketTimeoutMs = Math.max(700, Math.ceil(4 * slowestThriftCallMs));
  return { socketTimeoutMs, holdMs: Math.max(2_500, socketTimeoutMs + Math.max(1_800, Math.ceil(4 * slowestThriftCallMs))) };
}

export interface ScenarioRun {
  env: E2eEnv;
  timings: CaseTimings;
  report: DriverRunReport;
  /** Waits until a completed call matching the predicate has been streamed (gRPC WatchCalls), and returns it. */
  streamed(predicate: (c: Call) => boolean): Promise<Call>;
  /**
   * Calls the gRPC WatchCalls stream reported completed, in the order it reported them. The runner has already
   * waited for the stream to report every call the proxy recorded during the run.
   */
  completed(): Call[];
}

/** How the case arms its scenario: the fields of the gRPC EnableScenarioRequest besides the name. */
export type EnableFields = Partial<Omit<EnableScenarioRequest, 'name'>>;

export interface ScenarioCase {
  /** A built-in's name, or the name of the scenario `define` describes. */
  scenario: string;
  /** A scenario of the test's own: defined with the gRPC DefineScenario RPC (under `scenario`) before it is armed. */
  define?: DeepPartial<Omit<ScenarioDefinition, 'name'>>;
  /** What the driver did, in words: the test's title. */
  outcome: string;
  enable?: EnableFields | ((timings: CaseTimings) => EnableFields);
  client?: DriverClientOptions | ((timings: CaseTimings) => DriverClientOptions);
  steps: DriverStep[];
  finding?: string;
  check(run: ScenarioRun): Promise<void>;
}

/** Rows in the CloudFetch query: three files of 4000 rows with the e2e fake's settings. */
export const CLOUDFETCH_ROWS = 12_000;
export const CLOUDFETCH_FAKE = { cloudFetchThresholdRows: 5_000, rowsPerCloudFetchFile: 4_000, linksPerFetch: 4 };
export const CLOUDFETCH_QUERY: DriverStep[] = [{ kind: 'query', sql: `SELECT * FROM range(${CLOUDFETCH_ROWS})` }];
export const INLINE_QUERY: DriverStep[] = [{ kind: 'query', sql: 'SELECT * FROM range(100)' }];
/** Fast retries plus a socket timeout well below the hold scenarios' durations. */
const shortSocketTimeout = (t: CaseTimings): DriverClientOptions => ({ retryDelayMin: 20, retryDelayMax: 100, retriesTimeout: 20_000, socketTimeout: t.socketTimeoutMs });

export const isDownload = (c: Call) => c.kind === CallKind.CALL_KIND_CLOUD_FETCH && c.method === CLOUDFETCH_METHOD;
export const firedBy = (name: string) => (c: Call) => c.scenario === name;

/** A hold time for EnableScenarioRequest.duration. */
function ms(value: number): Duration {
  return { seconds: BigInt(Math.floor(value / 1000)), nanos: (value % 1000) * 1_000_000 };
}

export function expectAllRows(run: ScenarioRun, rows: number): void {
  expect(run.report.error).toBeUndefined();
  expect(run.report.ok).toBe(true);
  expect(run.report.steps[0]!.rowCount).toBe(rows);
  expect(run.report.steps[0]!.rowsDigest).toBe(expectedRangeDigest(rows));
}

/** The scenario fired exactly once, on one download, and nothing else was injected. */
export function injectedOnce(run: ScenarioRun, name: string): Call[] {
  const injected = run.completed().filter(firedBy(name));
  expect(injected).toHaveLength(1);
  return injected;
}

/** A 4xx on a CloudFetch GET: the driver does not retry it and the query fails with the status in the message. */
function cloudFetchClientError(scenario: string, status: number, finding?: string): ScenarioCase {
  return {
    scenario,
    outcome: `fails the query with "CloudFetch HTTP error ${status}", no retry of the download`,
    steps: CLOUDFETCH_QUERY,
    finding,
    async check(run) {
      const call = await run.streamed(firedBy(scenario));
      expect(call).toMatchObject({ kind: CallKind.CALL_KIND_CLOUD_FETCH, method: CLOUDFETCH_METHOD, httpStatus: status, state: CallState.CALL_STATE_COMPLETED });
      injectedOnce(run, scenario);
      expect(run.report.ok).toBe(false);
      expect(run.report.failedAt).toBe('step 0');
      expect(run.report.error!.message).toMatch(new RegExp(`^CloudFetch HTTP error ${status}\\b`));
      // Not retried: no second GET of the same file.
      expect(run.completed().filter((c) => isDownload(c) && c.path === call.path)).toHaveLength(1);
    },
  };
}

/**
 * cloudfetch_expired_link: the proxy answers storage's expired-link 403 and the fake storage expires the link for
 * real. The operation stays open, so FetchResults from the link's row offset would hand out a fresh link; the
 * driver never asks for one.
 */
function expiredLinkNotRefreshed(): ScenarioCase {
  const base = cloudFetchClientError(
    'cloudfetch_expired_link',
    403,
    'The driver does not refresh an expired CloudFetch link: after the 403 it sends no FetchResults for a fresh link ' +
      '(the operation is still open and would hand one out) and fails the query at once.',
  );
  return {
    ...base,
    async check(run) {
      await base.check(run);
      const expired = run.completed().find(firedBy('cloudfetch_expired_link'))!;
      // The link is dead in the fake storage too: a real expiry, not only the proxy's answer.
      expect(run.env.fake.stats().expiredLinks).toBe(1);
      // No link refresh: nothing asked for results again after the 403.
      const later = run.completed().filter((c) => c.method === 'FetchResults' && startMs(c) > startMs(expired));
      expect(later).toEqual([]);
    },
  };
}

/** A retryable failure of a CloudFetch GET: one injected download, then a successful one of the same file. */
function cloudFetchRetried(scenario: string, what: string, injected: (c: Call) => void, extra: Partial<ScenarioCase> = {}): ScenarioCase {
  return {
    scenario,
    outcome: what,
    steps: CLOUDFETCH_QUERY,
    ...extra,
    async check(run) {
      const failed = await run.streamed(firedBy(scenario));
      injected(failed);
      injectedOnce(run, scenario);
      expectAllRows(run, CLOUDFETCH_ROWS);
      const sameFile = run.completed().filter((c) => isDownload(c) && c.path === failed.path);
      // The stream shows the injected attempt first, then the retry that succeeded.
      expect(sameFile.map((c) => (c.scenario ? `injected ${outcome(c)}` : `ok ${outcome(c)}`))).toEqual([
        `injected ${outcome(failed)}`,
        'ok 200',
      ]);
    },
  };
}

/** OpenSession refused with an HTTP status: the driver does not retry OpenSession and fails to connect. */
function openSessionHttpError(scenario: string, status: number, finding?: string): ScenarioCase {
  return {
    scenario,
    outcome: `fails openSession with HTTP ${status}, OpenSession not retried`,
    steps: INLINE_QUERY,
    finding,
    async check(run) {
      const call = await run.streamed(firedBy(scenario));
      expect(call).toMatchObject({ kind: CallKind.CALL_KIND_THRIFT, method: 'OpenSession', httpStatus: status, state: CallState.CALL_STATE_COMPLETED });
      expect(run.report.ok).toBe(false);
      expect(run.report.failedAt).toBe('openSession');
      expect(run.report.error!.message).toContain(`bad HTTP status code: ${status}`);
      expect(run.report.error!.statusCode).toBe(status);
      expect(run.completed().filter((c) => c.method === 'OpenSession')).toHaveLength(1);
      expect(run.env.fake.stats().openSessions).toBe(0);
    },
  };
}

export const CLOUDFETCH_CASES: readonly ScenarioCase[] = [
  expiredLinkNotRefreshed(),
  cloudFetchClientError('cloudfetch_400', 400),
  cloudFetchClientError('cloudfetch_403', 403),
  cloudFetchClientError('cloudfetch_404', 404),
  cloudFetchClientError('cloudfetch_405', 405),
  cloudFetchClientError('cloudfetch_412', 412),
  cloudFetchRetried('cloudfetch_500', 'retries the download after 500 and returns every row', (c) =>
    expect(c).toMatchObject({ httpStatus: 500, state: CallState.CALL_STATE_COMPLETED }),
  ),
  cloudFetchRetried('cloudfetch_503', 'retries the download after 503 and returns every row', (c) =>
    expect(c).toMatchObject({ httpStatus: 503, state: CallState.CALL_STATE_COMPLETED }),
  ),
  cloudFetchRetried(
    'cloudfetch_connection_reset',
    'retries the download after a connection reset and returns every row',
    (c) => expect(c).toMatchObject({ state: CallState.CALL_STATE_FAILED, httpStatus: 0, error: expect.stringMatching(/reset/) }),
  ),
  {
    scenario: 'cloudfetch_timeout',
    outcome: 'waits out a held download even with a socketTimeout shorter than the hold, and returns every row',
    enable: (t) => ({ duration: ms(t.holdMs) }),
    client: shortSocketTimeout,
    steps: CLOUDFETCH_QUERY,
    finding:
      'socketTimeout does not bound CloudFetch downloads: with socketTimeout 700 ms a download held 2.5 s is waited out, ' +
      'neither timed out nor retried (Thrift calls do time out, see network_timeout_open_session).',
    async check(run) {
      const held = await run.streamed(firedBy('cloudfetch_timeout'));
      expect(held).toMatchObject({ httpStatus: 200, state: CallState.CALL_STATE_COMPLETED });
      expect(durationMs(held)).toBeGreaterThanOrEqual(run.timings.holdMs - 100);
      injectedOnce(run, 'cloudfetch_timeout');
      expectAllRows(run, CLOUDFETCH_ROWS);
      // One GET per file: the held one was not abandoned and retried.
      expect(run.completed().filter((c) => isDownload(c) && c.path === held.path)).toHaveLength(1);
      expect(run.completed().filter(isDownload)).toHaveLength(3);
    },
  },
  {
    scenario: 'long_running_cloud_fetch',
    outcome: 'waits for a slow download and returns every row, sending no Thrift call meanwhile',
    enable: { duration: ms(1_000) },
    steps: CLOUDFETCH_QUERY,
    finding:
      'While a CloudFetch download is slow the driver sends no GetOperationStatus (or any other) heartbeat: the operation is not kept alive.',
    async check(run) {
      const held = await run.streamed(firedBy('long_running_cloud_fetch'));
      expect(held).toMatchObject({ httpStatus: 200, state: CallState.CALL_STATE_COMPLETED });
      expect(durationMs(held)).toBeGreaterThanOrEqual(900);
      expectAllRows(run, CLOUDFETCH_ROWS);
      const heldFrom = startMs(held);
      const heldUntil = heldFrom + durationMs(held);
      const thriftDuringHold = run
        .completed()
        .filter((c) => c.kind === CallKind.CALL_KIND_THRIFT && startMs(c) > heldFrom && startMs(c) < heldUntil);
      expect(thriftDuringHold.map((c) => c.method)).toEqual([]);
    },
  },
];

export const THRIFT_CASES: readonly ScenarioCase[] = [
  {
    scenario: 'invalid_session_handle',
    outcome: 'fails executeStatement with StatusError carrying the server message; ExecuteStatement not retried',
    steps: INLINE_QUERY,
    finding:
      'StatusError does not carry the TStatusCode: its code is TStatus.errorCode or -1, so INVALID_HANDLE cannot be told from ' +
      'ERROR (only the message differs). StatusError is not an Error subclass either (no stack).',
    async check(run) {
      const call = await run.streamed(firedBy('invalid_session_handle'));
      expect(call).toMatchObject({ kind: CallKind.CALL_KIND_THRIFT, method: 'ExecuteStatement', httpStatus: 200 });
      expect(call.replyStatus).toMatchObject({ statusCode: 4, statusName: 'INVALID_HANDLE_STATUS', errorMessage: 'Invalid SessionHandle: the session does not exist or has expired' });
      expect(run.report.failedAt).toBe('step 0');
      expect(run.report.error).toMatchObject({ name: 'StatusError', code: -1, message: 'Invalid SessionHandle: the session does not exist or has expired' });
      expect(run.completed().filter((c) => c.method === 'ExecuteStatement')).toHaveLength(1);
      // The session was never really lost: the driver still closes it, and the warehouse agrees.
      await run.streamed((c) => c.method === 'CloseSession');
      expect(run.env.fake.stats().openSessions).toBe(0);
    },
  },
  {
    scenario: 'session_timeout_premature',
    outcome: 'fails the call after OpenSession (ExecuteStatement) with StatusError carrying the server message',
    // The first Thrift call of a run is OpenSession; skipping it makes the session expire under a live session.
    enable: { skip: 1 },
    steps: INLINE_QUERY,
    async check(run) {
      const call = await run.streamed(firedBy('session_timeout_premature'));
      expect(call).toMatchObject({ kind: CallKind.CALL_KIND_THRIFT, method: 'ExecuteStatement', httpStatus: 200 });
      expect(call.replyStatus).toMatchObject({ statusCode: 3, statusName: 'ERROR_STATUS' });
      expect(run.report.failedAt).toBe('step 0');
      expect(run.report.error).toMatchObject({ name: 'StatusError', code: -1, message: 'Session expired due to inactivity. Open a new session and retry.' });
    },
  },
  openSessionHttpError('expired_credentials', 401, 'A 401 on OpenSession is final for a token (PAT) connection: the driver does not retry or re-authenticate.'),
  {
    scenario: 'network_timeout_open_session',
    outcome: 'gives up on a held OpenSession after its socketTimeout ("Request timed out"), without retrying',
    enable: (t) => ({ duration: ms(t.holdMs) }),
    client: shortSocketTimeout,
    steps: INLINE_QUERY,
    async check(run) {
      const held = await run.streamed(firedBy('network_timeout_open_session'));
      // The proxy records the call as failed when the driver hangs up, long before the hold would have ended.
      expect(held).toMatchObject({ method: 'OpenSession', state: CallState.CALL_STATE_FAILED });
      expect(durationMs(held)).toBeLessThan(run.timings.holdMs - 100);
      expect(run.report.failedAt).toBe('openSession');
      expect(run.report.error).toMatchObject({ name: 'TApplicationException', message: 'Request timed out' });
      expect(run.completed().filter((c) => c.method === 'OpenSession')).toHaveLength(1);
      expect(run.env.fake.stats().openSessions).toBe(0);
    },
  },
  {
    scenario: 'network_failure_close_session',
    outcome: 'retries CloseSession after a connection reset; the session is closed and close() succeeds',
    steps: INLINE_QUERY,
    async check(run) {
      const reset = await run.streamed(firedBy('network_failure_close_session'));
      expect(reset).toMatchObject({ method: 'CloseSession', state: CallState.CALL_STATE_FAILED });
      const closes = run.completed().filter((c) => c.method === 'CloseSession');
      expect(closes.map((c) => (c.scenario ? 'reset' : c.httpStatus))).toEqual(['reset', 200]);
      expectAllRows(run, 100);
      expect(run.env.fake.stats().openSessions).toBe(0);
    },
  },
  openSessionHttpError('service_unavailable_503_open_session', 503, 'OpenSession is never retried, not even on 503 or 429, which are retryable for other calls.'),
  openSessionHttpError('request_timeout_408_open_session', 408),
  openSessionHttpError('bad_gateway_502_open_session', 502),
  openSessionHttpError('gateway_timeout_504_open_session', 504),
  openSessionHttpError('too_many_requests_429_open_session', 429),
];
