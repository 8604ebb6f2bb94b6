// Cases driven by scenarios the test defines itself (gRPC DefineScenario, then EnableScenario): faults no
// built-in expresses, and what the official Node.js driver does about them.
import { CallKind, CallState, type Call } from '../../../gen/thriftproxy/v1/scenario_control';
import { durationMs, startMs } from './call-watch';
import { CLOUDFETCH_QUERY, CLOUDFETCH_ROWS, expectAllRows, firedBy, isDownload, type ScenarioCase } from './scenario-cases';

const method = (name: string) => (c: Call) => c.method === name;
const endMs = (c: Call) => startMs(c) + durationMs(c);

/** How long the delayed statement runs in the fake; the driver polls GetOperationStatus meanwhile. */
const STATEMENT_DELAY_MS = 1_500;
/** Rows of the paged query, and the page sizes: direct results, then each FetchResults. */
const PAGED_ROWS = 1_000;
const DIRECT_ROWS = 100;
const PAGE_ROWS = 300;
/** What the 429 asks for; the driver's retry delays are 20 to 100 ms in these runs (FAST_RETRIES). */
const RETRY_AFTER_S = 10;

export const CUSTOM_CASES: readonly ScenarioCase[] = [
  {
    scenario: 'get_operation_status_503',
    outcome: 'retries GetOperationStatus after each 503 of a running statement and returns every row',
    define: {
      description: 'The warehouse front end answers 503 to status polls of a running statement.',
      match: { kind: CallKind.CALL_KIND_THRIFT, methods: ['GetOperationStatus'] },
      steps: [{ kind: { $case: 'respond', value: { httpStatus: 503, body: 'Service Unavailable', contentType: 'text/plain' } } }],
    },
    enable: { times: 2 },
    steps: [{ kind: 'query', sql: `/* fake:delay_ms=${STATEMENT_DELAY_MS} */ SELECT * FROM range(100)` }],
    finding:
      'A 503 on GetOperationStatus while a statement runs is retried (after the retry delay) and the statement completes: ' +
      'the caller sees nothing of it; the statement is not executed again.',
    async check(run) {
      const thrift = run.completed().filter((c) => c.kind === CallKind.CALL_KIND_THRIFT);
      const polls = thrift.filter(method('GetOperationStatus'));
      // The first two polls got the 503s; the driver went on polling until the statement had finished.
      expect(polls.slice(0, 2).map((c) => [c.httpStatus, c.scenario, c.steps])).toEqual([
        [503, 'get_operation_status_503', ['respond HTTP 503']],
        [503, 'get_operation_status_503', ['respond HTTP 503']],
      ]);
      expect(polls.length).toBeGreaterThan(2);
      expect(polls.slice(2).every((c) => c.httpStatus === 200 && c.scenario === '')).toBe(true);
      expect(thrift.filter(method('ExecuteStatement'))).toHaveLength(1);
      // Polled while the statement ran: the 503s came before the statement could have finished.
      const executed = thrift.find(method('ExecuteStatement'))!;
      expect(startMs(polls[1]!)).toBeLessThan(startMs(executed) + STATEMENT_DELAY_MS);
      expectAllRows(run, 100);
    },
  },
  {
    scenario: 'second_fetch_results_error',
    outcome: 'fails fetchAll with a StatusError carrying the message of the 2nd FetchResults, which is not retried',
    define: {
      description: 'A Thrift error status on a FetchResults (armed with skip: 1 for the second).',
      match: { kind: CallKind.CALL_KIND_THRIFT, methods: ['FetchResults'] },
      steps: [{ kind: { $case: 'thriftError', value: { statusCode: 3, errorMessage: 'Fetch failed: executor lost', sqlState: 'HY000' } } }],
    },
    enable: { skip: 1 },
    steps: [{ kind: 'query', sql: `SELECT * FROM range(${PAGED_ROWS})`, maxRows: DIRECT_ROWS, fetchChunkRows: PAGE_ROWS }],
    finding:
      'A Thrift ERROR status on a later FetchResults page fails fetchAll with StatusError (code -1, the server message, ' +
      'no SQLSTATE); the page is not asked for again and the rows already fetched are not returned.',
    async check(run) {
      const fetches = run.completed().filter(method('FetchResults'));
      // The statement's direct results carried the first 100 rows; the first FetchResults page passed, the second
      // failed, and nothing asked for it again.
      expect(fetches.map((c) => [c.httpStatus, c.scenario, c.request?.maxRows])).toEqual([
        [200, '', PAGE_ROWS],
        [200, 'second_fetch_results_error', PAGE_ROWS],
      ]);
      // What a thrift_fields matcher sees: the decoded request, enums by name.
      expect(fetches.map((c) => c.request?.orientation)).toEqual(['FETCH_NEXT', 'FETCH_NEXT']);
      expect(fetches[1]!.replyStatus).toMatchObject({ statusCode: 3, statusName: 'ERROR_STATUS', errorMessage: 'Fetch failed: executor lost', sqlState: 'HY000' });
      expect(run.report.ok).toBe(false);
      expect(run.report.failedAt).toBe('step 0');
      expect(run.report.error).toEqual({ name: 'StatusError', code: -1, message: 'Fetch failed: executor lost' });
      expect(run.report.steps[0]!.rowCount).toBeUndefined();
      // The session is still usable: the runner closes the operation and the session without error.
      expect(run.completed().filter(method('CloseSession')).map((c) => c.httpStatus)).toEqual([200]);
    },
  },
  {
    scenario: 'cloudfetch_429_retry_after',
    outcome: `retries a download answered 429 with Retry-After: ${RETRY_AFTER_S} within milliseconds, not after ${RETRY_AFTER_S} s, and returns every row`,
    define: {
      description: 'Cloud storage throttles a download: 429 with Retry-After.',
      match: { kind: CallKind.CALL_KIND_CLOUD_FETCH },
      steps: [
        {
          kind: {
            $case: 'respond',
            value: { httpStatus: 429, headers: { 'Retry-After': String(RETRY_AFTER_S) }, body: '<Error><Code>ServerBusy</Code></Error>', contentType: 'application/xml' },
          },
        },
      ],
    },
    steps: CLOUDFETCH_QUERY,
    finding:
      `Retry-After is not honoured: a CloudFetch download answered 429 with Retry-After: ${RETRY_AFTER_S} is retried after the ` +
      'driver\'s own backoff (tens of milliseconds with retryDelayMin 20 ms). The retry policy reads the header\'s seconds ' +
      'as milliseconds (Math.max(retryDelayMin, value) as the backoff base) and caps the result at retryDelayMax.',
    async check(run) {
      const throttled = await run.streamed(firedBy('cloudfetch_429_retry_after'));
      expect(throttled).toMatchObject({ httpStatus: 429, state: CallState.CALL_STATE_COMPLETED, steps: [`respond HTTP 429 (Retry-After: ${RETRY_AFTER_S})`] });
      const sameFile = run.completed().filter((c) => isDownload(c) && c.path === throttled.path);
      expect(sameFile.map((c) => [c.httpStatus, c.scenario])).toEqual([
        [429, 'cloudfetch_429_retry_after'],
        [200, ''],
      ]);
      // Measured: about 20 ms. Half the Retry-After is far above any scheduling delay and far below honouring it.
      expect(startMs(sameFile[1]!) - endMs(throttled)).toBeLessThan((RETRY_AFTER_S * 1000) / 2);
      expectAllRows(run, CLOUDFETCH_ROWS);
    },
  },
];
