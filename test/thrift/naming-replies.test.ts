// Replies written by the official driver's generated processor (its `<Method>_result` classes), decoded and
// named by us: status summary, field names and values as the driver holds them, secrets redacted, size bounded.
import { TType, type ThriftMessage, type ThriftValue } from '../../src/thrift/decoder';
import { nameReply } from '../../src/thrift/naming';
import { REDACTED } from '../../src/core/redact';
import { decodeOk } from './support/decoded';
import { differencesFromDriver } from './support/driver-equivalence';
import { driverCall, driverReply, type DriverProtocol } from './support/driver-wire';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { operationHandle, sampleRequests } from './support/sample-requests';
import {
  closeOperationSuccess,
  executeStatementError,
  fetchResultsArrow,
  fetchResultsCloudFetch,
  fetchResultsColumns,
  FILE_LINK,
  LINK_HEADER_SECRET,
  LINK_SIGNATURE,
  openSessionSuccess,
  operationStatusFinished,
  REDACTED_FILE_LINK,
  resultSetMetadata,
} from './support/sample-replies';

const requests = sampleRequests();

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });

/** What a metadata call (GetTables, GetColumns, ...) answers: an operation handle, with direct results or without. */
function metadataReply<R>(Resp: new (args: { status: T.TStatus; operationHandle?: T.TOperationHandle; directResults?: T.TSparkDirectResults }) => R, direct: boolean): () => R {
  return () =>
    new Resp({
      status: ok(),
      operationHandle: operationHandle(),
      directResults: direct
        ? new T.TSparkDirectResults({
            operationStatus: operationStatusFinished(),
            resultSetMetadata: resultSetMetadata(),
            resultSet: fetchResultsColumns(5),
            closeOperation: closeOperationSuccess(),
          })
        : undefined,
    });
}

function field(node: ThriftValue, id: number): ThriftValue {
  if (node.type !== TType.STRUCT) throw new Error(`not a struct: ${node.type}`);
  const found = node.fields.find((f) => f.id === id);
  if (found === undefined) throw new Error(`no field ${id}`);
  return found.value;
}

function replyMessage(method: string, resp: object, protocol: DriverProtocol = 'binary', seqid = 42): { bytes: Buffer; message: ThriftMessage } {
  const bytes = driverReply(method, driverCall(method, requests[method], seqid, protocol), resp, protocol);
  return { bytes, message: decodeOk(bytes) };
}

describe('reply naming, cross-checked with the driver', () => {
  const cases: ReadonlyArray<[string, () => object, Readonly<Record<string, string>>]> = [
    ['OpenSession', openSessionSuccess, {}],
    ['ExecuteStatement', executeStatementError, {}],
    ['GetOperationStatus', operationStatusFinished, {}],
    ['GetResultSetMetadata', resultSetMetadata, {}],
    [
      'FetchResults',
      fetchResultsCloudFetch,
      { '$.results.resultLinks[0].fileLink': REDACTED_FILE_LINK, '$.results.resultLinks[0].httpHeaders': REDACTED },
    ],
    ['CloseSession', () => new T.TCloseSessionResp({ status: ok() }), {}],
    ['CloseOperation', closeOperationSuccess, {}],
    ['CancelOperation', () => new T.TCancelOperationResp({ status: ok() }), {}],
    ['GetInfo', () => new T.TGetInfoResp({ status: ok(), infoValue: new T.TGetInfoValue({ stringValue: 'Spark SQL' }) }), {}],
    ['GetTypeInfo', metadataReply(T.TGetTypeInfoResp, true), {}],
    ['GetCatalogs', metadataReply(T.TGetCatalogsResp, true), {}],
    ['GetSchemas', metadataReply(T.TGetSchemasResp, false), {}],
    ['GetTables', metadataReply(T.TGetTablesResp, true), {}],
    ['GetTableTypes', metadataReply(T.TGetTableTypesResp, false), {}],
    ['GetColumns', metadataReply(T.TGetColumnsResp, true), {}],
    ['GetFunctions', metadataReply(T.TGetFunctionsResp, false), {}],
    ['GetPrimaryKeys', metadataReply(T.TGetPrimaryKeysResp, true), {}],
    ['GetCrossReference', metadataReply(T.TGetCrossReferenceResp, false), {}],
  ];

  it('covers every method a driver calls', () => {
    expect(cases.map(([method]) => method).sort()).toEqual(Object.keys(requests).sort());
  });

  describe.each<DriverProtocol>(['binary', 'binary-old-header', 'compact'])('%s protocol', (protocol) => {
    it.each(cases)('%s', (method, makeResponse, overrides) => {
      const resp = makeResponse();
      const { message } = replyMessage(method, resp, protocol);
      expect(message).toMatchObject({ name: method, type: 'reply', seqid: 42, trailingBytes: 0 });
      const named = nameReply(message);
      expect(differencesFromDriver(resp, named.reply, overrides)).toEqual([]);
    });
  });

  it('reports a differing field name or value (the comparison itself is not vacuous)', () => {
    const resp = openSessionSuccess();
    const named = nameReply(replyMessage('OpenSession', resp).message).reply ?? {};
    expect(differencesFromDriver(resp, { ...named, canUseMultipleCatalogs: false })).toHaveLength(1);
    const { serverProtocolVersion, ...withoutVersion } = named;
    expect(serverProtocolVersion).toBe('SPARK_CLI_SERVICE_PROTOCOL_V8');
    expect(differencesFromDriver(resp, { ...withoutVersion, server_protocol: 42248 })).toHaveLength(2);
  });
});

describe('reply status', () => {
  it('summarizes a success', () => {
    expect(nameReply(replyMessage('OpenSession', openSessionSuccess()).message).status).toEqual({
      statusCode: 0,
      statusName: 'SUCCESS_STATUS',
    });
  });

  it('summarizes an error with its message and SQL state', () => {
    const named = nameReply(replyMessage('ExecuteStatement', executeStatementError()).message);
    expect(named.status).toEqual({
      statusCode: 3,
      statusName: 'ERROR_STATUS',
      errorMessage: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.',
      sqlState: '42P01',
    });
    expect(named.reply).toMatchObject({ status: { statusCode: 'ERROR_STATUS', errorCode: 1234, errorDetailsJson: '{"errorClass":"TABLE_OR_VIEW_NOT_FOUND"}' } });
  });

  it('redacts presigned URLs quoted in an error message', () => {
    const resp = executeStatementError();
    resp.status.errorMessage = `download failed: ${FILE_LINK} returned 403`;
    const named = nameReply(replyMessage('ExecuteStatement', resp).message);
    expect(named.status?.errorMessage).toBe(`download failed: ${REDACTED_FILE_LINK} returned 403`);
    expect(JSON.stringify(named)).not.toContain(LINK_SIGNATURE);
  });

  it('names an EXCEPTION reply as a TApplicationException, without a status', () => {
    const bytes = Buffer.concat([
      Buffer.from([0x80, 0x01, 0x00, 0x03, 0, 0, 0, 3]),
      Buffer.from('Foo'),
      Buffer.from([0, 0, 0, 9]),
      Buffer.from([11, 0, 1, 0, 0, 0, 4]),
      Buffer.from('oops'),
      Buffer.from([8, 0, 2, 0, 0, 0, 1, 0]),
    ]);
    const message = decodeOk(bytes);
    expect(message.type).toBe('exception');
    expect(nameReply(message)).toEqual({ reply: { message: 'oops', type: 1 } });
  });
});

describe('CloudFetch links', () => {
  it('never shows the URL signature or the link headers', () => {
    const named = nameReply(replyMessage('FetchResults', fetchResultsCloudFetch()).message);
    expect(named.reply).toMatchObject({
      results: { resultLinks: [{ fileLink: REDACTED_FILE_LINK, httpHeaders: REDACTED, rowCount: 5000, expiryTime: 1893456000000 }] },
    });
    const json = JSON.stringify(named);
    expect(json).not.toContain(LINK_SIGNATURE);
    expect(json).not.toContain(LINK_HEADER_SECRET);
  });
});

describe('large replies', () => {
  it('summarizes a multi-megabyte Arrow batch instead of copying it', () => {
    const batchBytes = 8 * 1024 * 1024;
    const { bytes, message } = replyMessage('FetchResults', fetchResultsArrow(batchBytes));
    const named = nameReply(message);
    expect(named.reply).toMatchObject({ hasMoreRows: true, results: { arrowBatches: [{ batch: `<binary ${batchBytes} bytes>`, rowCount: 1000 }] } });
    expect(JSON.stringify(named).length).toBeLessThan(1000);
    // The decoded tree holds a view into the reply, not a copy of the batch.
    const batchList = field(field(field(message.body, 0), 3), 1281);
    if (batchList.type !== TType.LIST) throw new Error('arrowBatches is not a list');
    const batch = field(batchList.elements[0], 1);
    if (batch.type !== TType.STRING) throw new Error('batch is not binary');
    expect(batch.bytes.length).toBe(batchBytes);
    expect(batch.bytes.buffer).toBe(bytes.buffer);
  });

  it('cuts long value lists and says how many were left out', () => {
    const named = nameReply(replyMessage('FetchResults', fetchResultsColumns(20000)).message);
    const column = (named.reply as { results: { columns: Array<{ i32Val: { values: unknown[] } }> } }).results.columns[0];
    expect(column.i32Val.values).toHaveLength(101);
    expect(column.i32Val.values.slice(0, 3)).toEqual([0, 1, 2]);
    expect(column.i32Val.values[100]).toBe('<19900 more elements omitted>');
  });
});
