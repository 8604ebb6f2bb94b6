import { verifyCalls } from '../../src/journal/verify';
import { CallRecord, ScenarioError, VerificationRequest } from '../../src/core/model';
import { CallJournal } from '../../src/journal/call-journal';
import { download, thriftCall } from './call-fixtures';

/** Recorded calls for the given methods, in order ("CloudFetchDownload" becomes a download). */
function calls(...methods: string[]): CallRecord[] {
  const journal = new CallJournal({ capacity: 100 });
  for (const m of methods) journal.begin(m === 'CloudFetchDownload' ? download() : thriftCall(m));
  return journal.list();
}

function invalidMessage(req: VerificationRequest): string {
  try {
    verifyCalls(calls('OpenSession'), req);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).code).toBe('invalid_argument');
    return (error as ScenarioError).message;
  }
  throw new Error(`expected ${JSON.stringify(req)} to be rejected`);
}

const session = calls('OpenSession', 'ExecuteStatement', 'CloudFetchDownload', 'FetchResults', 'CloseSession');

describe('verifyCalls', () => {
  describe('exact_sequence', () => {
    it('passes on exactly the expected methods', () => {
      const result = verifyCalls(session, {
        kind: 'exact_sequence',
        methods: ['OpenSession', 'ExecuteStatement', 'CloudFetchDownload', 'FetchResults', 'CloseSession'],
      });
      expect(result.passed).toBe(true);
      expect(result.actualMethods).toEqual(result.expectedMethods);
      expect(result.message).toMatch(/exactly/);
    });

    it('fails on a difference, naming the position and both methods', () => {
      const result = verifyCalls(session, {
        kind: 'exact_sequence',
        methods: ['OpenSession', 'ExecuteStatement', 'FetchResults'],
        callKind: 'thrift',
      });
      expect(result).toMatchObject({
        passed: false,
        actualMethods: ['OpenSession', 'ExecuteStatement', 'FetchResults', 'CloseSession'],
        expectedMethods: ['OpenSession', 'ExecuteStatement', 'FetchResults'],
        actualCount: 4,
        expectedCount: 3,
      });
      expect(result.message).toContain('expected exactly [OpenSession, ExecuteStatement, FetchResults] (3 calls)');
      expect(result.message).toContain('1 extra call after the expected ones, starting with CloseSession');

      const wrong = verifyCalls(session, { kind: 'exact_sequence', methods: ['OpenSession', 'GetInfo'] });
      expect(wrong.passed).toBe(false);
      expect(wrong.message).toContain('first difference at position 2: expected GetInfo, found ExecuteStatement');

      const short = verifyCalls(calls('OpenSession'), { kind: 'exact_sequence', methods: ['OpenSession', 'CloseSession'] });
      expect(short.message).toContain('position 2: expected CloseSession, found nothing more');
    });

    it('lets callKind pick the calls that take part', () => {
      expect(verifyCalls(session, { kind: 'exact_sequence', methods: ['CloudFetchDownload'], callKind: 'cloudfetch' }).passed).toBe(true);
    });
  });

  describe('contains_sequence', () => {
    it('passes when the methods appear in order with others between', () => {
      const result = verifyCalls(session, { kind: 'contains_sequence', methods: ['OpenSession', 'FetchResults', 'CloseSession'] });
      expect(result.passed).toBe(true);
      expect(result.message).toContain('contain [OpenSession, FetchResults, CloseSession] in order');
    });

    it('fails when the order is wrong, saying how far it matched', () => {
      const result = verifyCalls(session, { kind: 'contains_sequence', methods: ['OpenSession', 'CloseSession', 'FetchResults'] });
      expect(result.passed).toBe(false);
      expect(result.message).toBe(
        'expected [OpenSession, CloseSession, FetchResults] in order (other calls may come between) in the recorded calls ' +
          '[OpenSession, ExecuteStatement, CloudFetchDownload, FetchResults, CloseSession], ' +
          'but after [OpenSession, CloseSession] matched in order, no FetchResults follows',
      );
    });

    it('fails when a method is missing entirely', () => {
      const result = verifyCalls(session, { kind: 'contains_sequence', methods: ['GetTables'] });
      expect(result.passed).toBe(false);
      expect(result.message).toContain('but GetTables never appears');
    });
  });

  describe('method_count', () => {
    const polling = calls('ExecuteStatement', 'GetOperationStatus', 'GetOperationStatus', 'GetOperationStatus');

    it('passes on the exact count, zero included', () => {
      expect(verifyCalls(polling, { kind: 'method_count', method: 'GetOperationStatus', count: 3 })).toMatchObject({
        passed: true,
        actualCount: 3,
        expectedCount: 3,
        expectedMethods: ['GetOperationStatus'],
      });
      expect(verifyCalls(polling, { kind: 'method_count', method: 'CancelOperation', count: 0 }).passed).toBe(true);
    });

    it('fails on another count, with both numbers', () => {
      const result = verifyCalls(polling, { kind: 'method_count', method: 'GetOperationStatus', count: 2 });
      expect(result).toMatchObject({ passed: false, actualCount: 3, expectedCount: 2 });
      expect(result.message).toContain('expected GetOperationStatus to be called 2 times, but it was called 3 times');
    });

    it('counts only calls of callKind', () => {
      const result = verifyCalls(session, { kind: 'method_count', method: 'CloudFetchDownload', count: 1, callKind: 'thrift' });
      expect(result).toMatchObject({ passed: false, actualCount: 0 });
      expect(result.message).toContain('recorded thrift calls');
    });
  });

  describe('method_exists', () => {
    it('passes when the method was called at least once', () => {
      expect(verifyCalls(session, { kind: 'method_exists', method: 'FetchResults' })).toMatchObject({
        passed: true,
        actualCount: 1,
        expectedCount: 1,
      });
    });

    it('fails when it was not called, listing what was', () => {
      const result = verifyCalls(calls('OpenSession', ''), { kind: 'method_exists', method: 'CloseSession' });
      expect(result.passed).toBe(false);
      expect(result.message).toBe('expected at least one CloseSession call, but the recorded calls [OpenSession, (undecoded)] have none');
    });
  });

  it('rejects requests that lack what their kind needs', () => {
    expect(invalidMessage({ kind: 'exact_sequence' })).toMatch(/exact_sequence needs methods/);
    expect(invalidMessage({ kind: 'contains_sequence', methods: [] })).toMatch(/contains_sequence needs methods/);
    expect(invalidMessage({ kind: 'contains_sequence', methods: ['OpenSession', ''] })).toMatch(/must not contain an empty name/);
    expect(invalidMessage({ kind: 'method_count', count: 1 })).toMatch(/method_count needs method/);
    expect(invalidMessage({ kind: 'method_exists', method: '' })).toMatch(/method_exists needs method/);
    expect(invalidMessage({ kind: 'method_count', method: 'GetInfo' })).toMatch(/method_count needs count.*got undefined/);
    expect(invalidMessage({ kind: 'method_count', method: 'GetInfo', count: -1 })).toMatch(/whole number of 0 or more/);
    const unknown = invalidMessage({ kind: 'most_calls' as VerificationRequest['kind'] });
    expect(unknown).toMatch(/unknown verification kind 'most_calls'; allowed: exact_sequence, contains_sequence, method_count, method_exists/);
  });
});
