// Setting reply fields by path: the rewritten reply must be exactly what the driver's own generated code writes
// for the same change (so a driver reads it as a real server's), and every path that does not apply must say why.
import Int64 from 'node-int64';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { decodeThriftMessage, type ThriftMessage } from '../../src/thrift/decoder';
import { encodeThriftMessage, LOSSLESS_DECODE_LIMITS } from '../../src/thrift/message-encoder';
import { replyMethodsForPath, ReplyFieldError, setReplyFields, type FieldAssignment } from '../../src/thrift/reply-fields';
import { encodeThriftErrorReply } from '../../src/thrift/error-reply';
import { driverCall, driverReply, type DriverProtocol } from './support/driver-wire';
import { sampleRequests } from './support/sample-requests';
import { fetchResultsCloudFetch, openSessionSuccess } from './support/sample-replies';

function wire(method: string, resp: object, protocol: DriverProtocol = 'binary'): Buffer {
  return driverReply(method, driverCall(method, sampleRequests()[method], 11, protocol), resp, protocol);
}

function decoded(bytes: Buffer): ThriftMessage {
  const r = decodeThriftMessage(bytes, LOSSLESS_DECODE_LIMITS);
  if (!r.ok) throw new Error(r.error);
  return r.message;
}

/** Rewrites `resp` (as written by the driver) with `set`; the bytes our encoder writes for the result. */
function rewritten(method: string, resp: object, set: FieldAssignment[], protocol: DriverProtocol = 'binary'): Buffer {
  const message = decoded(wire(method, resp, protocol));
  setReplyFields(message, set);
  return encodeThriftMessage(message);
}

const twoLinks = (): T.TFetchResultsResp => {
  const resp = fetchResultsCloudFetch();
  const second = new T.TSparkArrowResultLink({ ...resp.results!.resultLinks![0], startRowOffset: new Int64(5000), expiryTime: new Int64(1893456000001) });
  resp.results!.resultLinks!.push(second);
  return resp;
};

const directResultsReply = (): T.TExecuteStatementResp =>
  new T.TExecuteStatementResp({
    status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
    operationHandle: new T.TOperationHandle({
      operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }),
      operationType: T.TOperationType.EXECUTE_STATEMENT,
      hasResultSet: true,
    }),
    directResults: new T.TSparkDirectResults({
      operationStatus: new T.TGetOperationStatusResp({ status: new T.TStatus({ statusCode: 0 }), operationState: T.TOperationState.FINISHED_STATE }),
      resultSet: new T.TFetchResultsResp({ status: new T.TStatus({ statusCode: 0 }), hasMoreRows: false, results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [] }) }),
    }),
  });

describe('setReplyFields', () => {
  describe.each(['binary', 'compact'] as const)('%s protocol: writes what the driver would write for the same change', (protocol) => {
    it('an enum by name and by number (serverProtocolVersion)', () => {
      const expected = openSessionSuccess();
      expected.serverProtocolVersion = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V1;
      const want = wire('OpenSession', expected, protocol);
      expect(rewritten('OpenSession', openSessionSuccess(), [{ path: 'serverProtocolVersion', value: 'SPARK_CLI_SERVICE_PROTOCOL_V1' }], protocol)).toEqual(want);
      expect(rewritten('OpenSession', openSessionSuccess(), [{ path: 'serverProtocolVersion', value: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V1 }], protocol)).toEqual(want);
    });

    it('a field of every element of a list (results.resultLinks[*].expiryTime)', () => {
      const expected = twoLinks();
      for (const link of expected.results!.resultLinks!) link.expiryTime = new Int64(1000);
      expect(rewritten('FetchResults', twoLinks(), [{ path: 'results.resultLinks[*].expiryTime', value: 1000 }], protocol)).toEqual(wire('FetchResults', expected, protocol));
    });

    it('one element, an i64 as a decimal string beyond 2^53', () => {
      const expected = twoLinks();
      expected.results!.resultLinks![1].rowCount = new Int64('7fffffffffffffff');
      expect(rewritten('FetchResults', twoLinks(), [{ path: 'results.resultLinks[1].rowCount', value: '9223372036854775807' }], protocol)).toEqual(
        wire('FetchResults', expected, protocol),
      );
    });

    it('a nested boolean (directResults.resultSet.hasMoreRows)', () => {
      const expected = directResultsReply();
      expected.directResults!.resultSet!.hasMoreRows = true;
      expect(rewritten('ExecuteStatement', directResultsReply(), [{ path: 'directResults.resultSet.hasMoreRows', value: true }], protocol)).toEqual(
        wire('ExecuteStatement', expected, protocol),
      );
    });

    it('a status code, adding a field the reply did not have, in field-id order', () => {
      const expected = openSessionSuccess();
      expected.status = new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, sqlState: '08S01', errorMessage: 'rewritten' });
      const set = [
        { path: 'status.statusCode', value: 'ERROR_STATUS' },
        { path: 'status.errorMessage', value: 'rewritten' },
        { path: 'status.sqlState', value: '08S01' },
      ];
      expect(rewritten('OpenSession', openSessionSuccess(), set, protocol)).toEqual(wire('OpenSession', expected, protocol));
    });

    it('a whole struct from an object, and null removes a field', () => {
      const expected = openSessionSuccess();
      expected.initialNamespace = new T.TNamespace({ catalogName: 'other' });
      delete (expected as { configuration?: unknown }).configuration;
      const set = [
        { path: 'initialNamespace', value: { catalogName: 'other' } },
        { path: 'configuration', value: null },
      ];
      expect(rewritten('OpenSession', openSessionSuccess(), set, protocol)).toEqual(wire('OpenSession', expected, protocol));
    });
  });

  it('counts the fields it set', () => {
    const message = decoded(wire('FetchResults', twoLinks()));
    expect(setReplyFields(message, [{ path: 'results.resultLinks[*].expiryTime', value: 1 }, { path: 'hasMoreRows', value: true }])).toBe(3);
  });

  describe('paths that do not apply are errors that say why', () => {
    const cases: Array<[string, string, object, FieldAssignment, RegExp]> = [
      ['unknown field', 'OpenSession', openSessionSuccess(), { path: 'serverVersion', value: 1 }, /TOpenSessionResp has no field "serverVersion" \(it has status, serverProtocolVersion, sessionHandle/],
      ['absent struct on the way', 'ExecuteStatement', new T.TExecuteStatementResp({ status: new T.TStatus({ statusCode: 0 }) }), { path: 'directResults.resultSet.hasMoreRows', value: true }, /this ExecuteStatement reply has no TExecuteStatementResp\.directResults/],
      ['wildcard over an empty list', 'FetchResults', new T.TFetchResultsResp({ status: new T.TStatus({ statusCode: 0 }), results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [], resultLinks: [] }) }), { path: 'results.resultLinks[*].expiryTime', value: 0 }, /TFetchResultsResp\.results\.resultLinks is empty in this FetchResults reply/],
      ['index out of range', 'FetchResults', twoLinks(), { path: 'results.resultLinks[2].expiryTime', value: 0 }, /has 2 elements, no \[2\]/],
      ['index on a struct', 'FetchResults', twoLinks(), { path: 'results[0].startRowOffset', value: 0 }, /TFetchResultsResp\.results is not a list/],
      ['unknown enum name', 'OpenSession', openSessionSuccess(), { path: 'serverProtocolVersion', value: 'V9' }, /"V9" is not a TProtocolVersion \(a number, or one of HIVE_CLI_SERVICE_PROTOCOL_V1, .*SPARK_CLI_SERVICE_PROTOCOL_V1/],
      ['wrong value type', 'FetchResults', twoLinks(), { path: 'hasMoreRows', value: 'yes' }, /"yes" is not a boolean/],
      ['i64 that is not an integer', 'FetchResults', twoLinks(), { path: 'results.resultLinks[0].expiryTime', value: 1.5 }, /1.5 is not an i64/],
      ['bad syntax', 'FetchResults', twoLinks(), { path: 'results..x', value: 1 }, /bad path "results..x"/],
    ];
    it.each(cases)('%s', (_what, method, resp, assignment, error) => {
      const message = decoded(wire(method, resp));
      expect(() => setReplyFields(message, [assignment])).toThrow(ReplyFieldError);
      expect(() => setReplyFields(message, [assignment])).toThrow(error);
    });

    it('an error reply the server sent is still a REPLY; an EXCEPTION is not', () => {
      const message = decoded(encodeThriftErrorReply({ method: 'FetchResults', seqid: 1, protocol: 'binary', statusCode: 3, message: 'x' }));
      expect(() => setReplyFields(message, [{ path: 'results.resultLinks[*].expiryTime', value: 0 }])).toThrow(/this FetchResults reply has no TFetchResultsResp\.results/);
      const exception = { ...message, type: 'exception' as const };
      expect(() => setReplyFields(exception, [{ path: 'status.statusCode', value: 0 }])).toThrow(/answered with a Thrift EXCEPTION, not a REPLY/);
    });
  });
});

describe('replyMethodsForPath (checks a definition before any reply exists)', () => {
  it('names the methods whose reply has the path and takes the value', () => {
    expect(replyMethodsForPath('serverProtocolVersion', 'SPARK_CLI_SERVICE_PROTOCOL_V1')).toEqual(['OpenSession']);
    expect(replyMethodsForPath('results.resultLinks[*].expiryTime', 0)).toEqual(['FetchResults']);
    // The 21 methods of the driver, SetClientInfo, UploadData and DownloadData (GetQueryIdResp has no status).
    expect(replyMethodsForPath('status.statusCode', 'ERROR_STATUS')).toHaveLength(24);
    expect(replyMethodsForPath('directResults.resultSet.hasMoreRows', true).sort()).toContain('ExecuteStatement');
  });

  it('refuses a path or value that fits no reply', () => {
    expect(() => replyMethodsForPath('nope', 1)).toThrow(/nope fits the reply of no method/);
    expect(() => replyMethodsForPath('serverProtocolVersion', 'V9')).toThrow(/not a TProtocolVersion/);
    expect(() => replyMethodsForPath('serverProtocolVersion', 1, ['FetchResults'])).toThrow(/TFetchResultsResp has no field "serverProtocolVersion"/);
  });
});
