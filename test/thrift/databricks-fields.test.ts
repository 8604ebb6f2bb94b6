// Databricks fields that the official Node.js driver's generated code leaves out (the schema's supplement, seen
// from the ADBC C# driver): a request and a reply carrying them are named field by field, enums by symbol.
import * as thrift from 'thrift';
import { nameCall, nameReply } from '../../src/thrift/naming';
import { decodeOk } from './support/decoded';
import { encodeMessage, encodeReply, sessionHandle } from '../helpers/thrift-messages';

type Writer = (out: thrift.TProtocol) => void;
const Type = thrift.Thrift.Type;

/** A struct written field by field, as a driver with a newer IDL would. */
function struct(fields: Array<[number, thrift.Thrift.Type, Writer]>): { write: Writer } {
  return {
    write(out) {
      out.writeStructBegin('S');
      for (const [id, type, write] of fields) {
        out.writeFieldBegin('f', type, id);
        write(out);
        out.writeFieldEnd();
      }
      out.writeFieldStop();
      out.writeStructEnd();
    },
  };
}
const str = (value: string): Writer => (out) => out.writeString(value);
const bool = (value: boolean): Writer => (out) => out.writeBool(value);
const i32 = (value: number): Writer => (out) => out.writeI32(value);
const i64 = (value: number): Writer => (out) => out.writeI64(value);
const nested = (s: { write: Writer }): Writer => (out) => s.write(out);
const GUID = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

it('names TExecuteStatementReq 3335 resultPersistenceMode, 3344 enforceResultPersistenceMode and a TDBSqlSessionConf', () => {
  const request = struct([
    [1, Type.STRUCT, nested(sessionHandle() as unknown as { write: Writer })],
    [2, Type.STRING, str('SELECT 1')],
    [3329, Type.STRUCT, nested(struct([[1, Type.STRING, (out) => out.writeBinary(GUID)], [2, Type.STRING, (out) => out.writeBinary(GUID)]]))],
    [3330, Type.STRUCT, nested(struct([[3, Type.STRING, str('default')], [4, Type.STRING, str('main')], [5, Type.STRUCT, nested(struct([[1, Type.BOOL, bool(true)]]))]]))],
    [3335, Type.I32, i32(2)],
    [3344, Type.BOOL, bool(false)],
  ]);
  const named = nameCall(decodeOk(encodeMessage('ExecuteStatement', request, 1))).request!;
  expect(named).toMatchObject({
    statement: 'SELECT 1',
    operationId: { guid: '00112233-4455-6677-8899-aabbccddeeff' },
    sessionConf: { currentDatabase: 'default', currentCatalog: 'main', sessionCapabilities: { supportsMultipleCatalogs: true } },
    resultPersistenceMode: 'ALL_RESULTS',
    enforceResultPersistenceMode: false,
  });
  expect(Object.keys(named).filter((k) => /^\d+$/.test(k))).toEqual([]);
});

it('names TGetCatalogsReq and TGetTypeInfoReq 3329 operationId', () => {
  for (const method of ['GetCatalogs', 'GetTypeInfo']) {
    const request = struct([
      [1, Type.STRUCT, nested(sessionHandle() as unknown as { write: Writer })],
      [3329, Type.STRUCT, nested(struct([[1, Type.STRING, (out) => out.writeBinary(GUID)]]))],
    ]);
    expect(nameCall(decodeOk(encodeMessage(method, request, 2))).request).toMatchObject({ operationId: { guid: '00112233-4455-6677-8899-aabbccddeeff' } });
  }
});

it('names TGetResultSetMetadataResp 3329-3337 and 3344-3347, with TDBSqlCloudResultFile entries', () => {
  const resultFile = struct([
    [2, Type.I64, i64(0)],
    [3, Type.I64, i64(4000)],
    [4, Type.I64, i64(123456)],
    [5, Type.I64, i64(45678)],
  ]);
  const reply = struct([
    [1, Type.STRUCT, nested(struct([[1, Type.I32, i32(0)]]))],
    [1281, Type.I32, i32(3)],
    [3329, Type.I32, i32(5)],
    [3330, Type.LIST, (out) => {
      out.writeListBegin(Type.STRUCT, 1);
      resultFile.write(out);
      out.writeListEnd();
    }],
    [3331, Type.STRING, str('manifest.thrift')],
    [3335, Type.I32, i32(2)],
    [3337, Type.BOOL, bool(true)],
    [3344, Type.STRUCT, nested(struct([[1, Type.STRUCT, nested(struct([[1, Type.I32, i32(1)], [2, Type.I32, i32(1)]]))]]))],
    [3345, Type.BOOL, bool(false)],
    [3346, Type.I64, i64(1048576)],
    [3347, Type.BOOL, bool(true)],
  ]);
  const named = nameReply(decodeOk(encodeReply('GetResultSetMetadata', reply, 3))).reply;
  expect(named).toMatchObject({
    status: { statusCode: 'SUCCESS_STATUS' },
    resultFormat: 'URL_BASED_SET',
    reasonForNoCloudFetch: 'SMALL_RESULT_SIZE',
    resultFiles: [{ startRowOffset: 0, rowCount: 4000, uncompressedBytes: 123456, compressedBytes: 45678 }],
    manifestFile: 'manifest.thrift',
    fetchDisposition: 'DISPOSITION_EXTERNAL_LINKS',
    isServerless: true,
    resultDataFormat: { arrowFormat: { arrowLayout: 'ARROW_STREAMING', compressionCodec: 'LZ4_FRAME' } },
    truncatedByThriftLimit: false,
    resultByteLimit: 1048576,
    isInlineSmallResult: true,
  });
});

it('names SetClientInfo, GetQueryId, UploadData and DownloadData calls', () => {
  const setClientInfo = struct([
    [1, Type.STRUCT, nested(sessionHandle() as unknown as { write: Writer })],
    [2, Type.MAP, (out) => {
      out.writeMapBegin(Type.STRING, Type.STRING, 1);
      out.writeString('ApplicationName');
      out.writeString('adbc-tests');
      out.writeMapEnd();
    }],
  ]);
  expect(nameCall(decodeOk(encodeMessage('SetClientInfo', setClientInfo, 4))).request).toMatchObject({ configuration: { ApplicationName: 'adbc-tests' } });
  const queryId = struct([[1, Type.STRING, str('01ef-query')]]);
  expect(nameReply(decodeOk(encodeReply('GetQueryId', queryId, 5))).reply).toEqual({ queryId: '01ef-query' });
  const upload = struct([[2, Type.STRING, str('main.default.t')], [3, Type.STRING, str('/tmp/x.csv')]]);
  expect(nameCall(decodeOk(encodeMessage('UploadData', upload, 6))).request).toEqual({ tableName: 'main.default.t', path: '/tmp/x.csv' });
  const download = struct([[3, Type.STRING, str('SELECT 1')], [4, Type.STRING, str('arrow')]]);
  expect(nameCall(decodeOk(encodeMessage('DownloadData', download, 7))).request).toEqual({ query: 'SELECT 1', format: 'arrow' });
});
