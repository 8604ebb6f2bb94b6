// Every kind of reply the fake warehouse produces, for every TCLIService method (successes, direct results with
// inline Arrow and CloudFetch links, pages, metadata results, errors, invalid handles), re-encoded by our
// encoder: byte for byte in its own binary protocol, and in compact with the same content for the driver.
import Int64 from 'node-int64';
import { startFakeWarehouse, type RunningFakeWarehouse } from '../../src/fake';
import { TCLI_METHODS } from '../../src/fake/thrift-endpoint';
import { decodeThriftMessage, type ThriftMessage } from '../../src/thrift/decoder';
import { nameReply } from '../../src/thrift/naming';
import { encodeThriftMessage, LOSSLESS_DECODE_LIMITS } from '../../src/thrift/message-encoder';
import { httpsRequest, T } from '../fake/support/tcli-client';
import { driverCall, driverReadReply } from './support/driver-wire';

const V8 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8;

interface CapturedReply {
  method: string;
  what: string;
  bytes: Buffer;
}

let fake: RunningFakeWarehouse;
const captured: CapturedReply[] = [];
let seqid = 0;

/** Sends one call written by the driver's client; keeps the raw reply and returns what the driver reads. */
async function call<R>(method: string, req: object, what: string): Promise<R> {
  const reply = await httpsRequest(fake.direct.warehouseUrl, fake.caCertPem, {
    method: 'POST',
    headers: { Authorization: `Bearer ${fake.info.token}`, 'Content-Type': 'application/x-thrift' },
    body: driverCall(method, req, ++seqid),
  });
  expect(reply.status).toBe(200);
  captured.push({ method, what, bytes: reply.body });
  const read = driverReadReply(method, reply.body);
  if (read.error !== undefined) throw new Error(`${method}: ${String(read.error)}`);
  return read.success as R;
}

function decodeLossless(bytes: Buffer): ThriftMessage {
  const result = decodeThriftMessage(bytes, LOSSLESS_DECODE_LIMITS);
  if (!result.ok) throw new Error(result.error);
  return result.message;
}

beforeAll(async () => {
  fake = await startFakeWarehouse({ cloudFetchThresholdRows: 10, rowsPerCloudFetchFile: 10, linksPerFetch: 2, maxRowsPerInlineBatch: 7 });
  const open = await call<T.TOpenSessionResp>('OpenSession', new T.TOpenSessionReq({ client_protocol_i64: new Int64(V8), configuration: { a: 'b' } }), 'session');
  const sessionHandle = open.sessionHandle!;
  const direct = new T.TSparkGetDirectResults({ maxRows: new Int64(100), maxBytes: new Int64(1 << 20) });
  const exec = (statement: string, extra: Partial<T.TExecuteStatementReq>, what: string) =>
    call<T.TExecuteStatementResp>('ExecuteStatement', new T.TExecuteStatementReq({ sessionHandle, statement, ...extra }), what);

  await call('GetInfo', new T.TGetInfoReq({ sessionHandle, infoType: T.TGetInfoType.CLI_DBMS_VER }), 'info value');
  await call('GetInfo', new T.TGetInfoReq({ sessionHandle, infoType: T.TGetInfoType.CLI_MAX_DRIVER_CONNECTIONS }), 'unknown info type');
  await exec('SELECT 1', { getDirectResults: direct }, 'direct results, closed operation');
  await exec('SELECT * FROM range(40)', { getDirectResults: direct, canDownloadResult: true }, 'direct results with CloudFetch links');
  await exec('SELECT * FROM nope', { getDirectResults: direct }, 'failed statement');
  const inline = await exec('SELECT * FROM range(30)', { runAsync: true }, 'async statement');
  const inlineOp = inline.operationHandle!;
  await call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle: inlineOp }), 'status');
  await call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle: inlineOp }), 'inline metadata');
  await call('FetchResults', new T.TFetchResultsReq({ operationHandle: inlineOp, maxRows: new Int64(20), orientation: T.TFetchOrientation.FETCH_FIRST }), 'inline page');
  await call('FetchResults', new T.TFetchResultsReq({ operationHandle: inlineOp, maxRows: new Int64(20), orientation: T.TFetchOrientation.FETCH_NEXT, includeResultSetMetadata: true }), 'last inline page');
  await call('FetchResults', new T.TFetchResultsReq({ operationHandle: inlineOp, maxRows: new Int64(20), orientation: T.TFetchOrientation.FETCH_PRIOR }), 'unsupported orientation');
  await call('FetchResults', new T.TFetchResultsReq({ operationHandle: inlineOp, maxRows: new Int64(20), orientation: T.TFetchOrientation.FETCH_NEXT, fetchType: 1 }), 'operation log');
  const links = await exec('SELECT * FROM range(45)', { runAsync: true, canDownloadResult: true }, 'async CloudFetch statement');
  const linksOp = links.operationHandle!;
  await call('GetResultSetMetadata', new T.TGetResultSetMetadataReq({ operationHandle: linksOp }), 'CloudFetch metadata');
  await call('FetchResults', new T.TFetchResultsReq({ operationHandle: linksOp, maxRows: new Int64(100), orientation: T.TFetchOrientation.FETCH_FIRST }), 'links page');
  await call('CancelOperation', new T.TCancelOperationReq({ operationHandle: linksOp }), 'cancel');
  await call('CloseOperation', new T.TCloseOperationReq({ operationHandle: linksOp }), 'close operation');
  await call('GetOperationStatus', new T.TGetOperationStatusReq({ operationHandle: linksOp }), 'invalid operation handle');
  await call('GetTypeInfo', new T.TGetTypeInfoReq({ sessionHandle, getDirectResults: direct }), 'type info');
  await call('GetCatalogs', new T.TGetCatalogsReq({ sessionHandle, getDirectResults: direct }), 'catalogs');
  await call('GetSchemas', new T.TGetSchemasReq({ sessionHandle, getDirectResults: direct }), 'schemas');
  await call('GetTables', new T.TGetTablesReq({ sessionHandle, getDirectResults: direct }), 'tables');
  await call('GetTableTypes', new T.TGetTableTypesReq({ sessionHandle, getDirectResults: direct }), 'table types');
  await call('GetColumns', new T.TGetColumnsReq({ sessionHandle, getDirectResults: direct }), 'columns');
  await call('GetFunctions', new T.TGetFunctionsReq({ sessionHandle, functionName: '%', getDirectResults: direct }), 'functions');
  await call('GetPrimaryKeys', new T.TGetPrimaryKeysReq({ sessionHandle, getDirectResults: direct }), 'primary keys');
  await call('GetCrossReference', new T.TGetCrossReferenceReq({ sessionHandle, getDirectResults: direct }), 'cross reference');
  await call('GetDelegationToken', new T.TGetDelegationTokenReq({ sessionHandle, owner: 'o', renewer: 'r' }), 'not supported');
  await call('CancelDelegationToken', new T.TCancelDelegationTokenReq({ sessionHandle, delegationToken: 't' }), 'not supported');
  await call('RenewDelegationToken', new T.TRenewDelegationTokenReq({ sessionHandle, delegationToken: 't' }), 'not supported');
  await call('CloseSession', new T.TCloseSessionReq({ sessionHandle }), 'close session');
  await call('CloseSession', new T.TCloseSessionReq({ sessionHandle }), 'invalid session handle');
});

afterAll(async () => {
  await fake?.close();
});

describe('the encoder on every reply the fake warehouse produces', () => {
  it('covers every TCLIService method', () => {
    expect(new Set(captured.map((c) => c.method))).toEqual(new Set(TCLI_METHODS));
  });

  it('includes inline Arrow batches and CloudFetch links, in pages and in direct results', () => {
    const json = (c: CapturedReply) => JSON.stringify(nameReply(decodeLossless(c.bytes)).reply);
    const with_ = (re: RegExp) => captured.filter((c) => re.test(json(c))).map((c) => c.what);
    expect(with_(/"resultLinks":\[\{/)).toEqual(expect.arrayContaining(['direct results with CloudFetch links', 'links page']));
    expect(with_(/"arrowBatches":\[\{/)).toEqual(expect.arrayContaining(['direct results, closed operation', 'inline page']));
  });

  it('re-encodes each reply byte for byte, and decode(encode(tree)) == tree', () => {
    for (const reply of captured) {
      const message = decodeLossless(reply.bytes);
      const encoded = encodeThriftMessage(message);
      expect({ what: `${reply.method} (${reply.what})`, identical: encoded.equals(reply.bytes) }).toEqual({ what: `${reply.method} (${reply.what})`, identical: true });
      expect(decodeLossless(encoded)).toEqual(message);
    }
  });

  it('writes each reply in compact with the same content, as the driver reads it', () => {
    for (const reply of captured) {
      const message = decodeLossless(reply.bytes);
      const compact = encodeThriftMessage({ ...message, protocol: 'compact' });
      const original = driverReadReply(reply.method, reply.bytes, 'binary');
      const asCompact = driverReadReply(reply.method, compact, 'compact');
      expect(asCompact).toEqual(original);
    }
  });
});
