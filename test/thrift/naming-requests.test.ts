// Every request a driver sends, written by the official driver's generated client in each protocol, decoded by
// us and named with our schema: same field names and values as the driver's own objects, secrets redacted.
import { type ThriftMessage } from '../../src/thrift/decoder';
import { nameCall } from '../../src/thrift/naming';
import { REDACTED } from '../../src/core/redact';
import { decodeOk } from './support/decoded';
import { differencesFromDriver } from './support/driver-equivalence';
import { driverCall, type DriverProtocol } from './support/driver-wire';
import { CONFIG_TOKEN, OPEN_SESSION_PASSWORD, SESSION_GUID, OPERATION_GUID, sampleRequests } from './support/sample-requests';

const CATALOG_METHODS = [
  'OpenSession',
  'CloseSession',
  'ExecuteStatement',
  'GetOperationStatus',
  'FetchResults',
  'GetResultSetMetadata',
  'CloseOperation',
  'CancelOperation',
  'GetInfo',
  'GetTypeInfo',
  'GetCatalogs',
  'GetSchemas',
  'GetTables',
  'GetTableTypes',
  'GetColumns',
  'GetFunctions',
  'GetPrimaryKeys',
  'GetCrossReference',
];

const OVERRIDES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  OpenSession: { '$.password': REDACTED, '$.configuration.spark.databricks.token': REDACTED },
};

const PROTOCOLS: ReadonlyArray<{ protocol: DriverProtocol; wire: ThriftMessage['protocol']; strictHeader: boolean }> = [
  { protocol: 'binary', wire: 'binary', strictHeader: true },
  { protocol: 'binary-old-header', wire: 'binary', strictHeader: false },
  { protocol: 'compact', wire: 'compact', strictHeader: true },
];

describe('request naming, cross-checked with the driver', () => {
  const requests = sampleRequests();

  it('has a sample for every method drivers call', () => {
    expect(Object.keys(requests).sort()).toEqual([...CATALOG_METHODS].sort());
  });

  describe.each(PROTOCOLS)('$protocol protocol', ({ protocol, wire, strictHeader }) => {
    it.each(CATALOG_METHODS)('%s', (method) => {
      const seqid = 7 + CATALOG_METHODS.indexOf(method);
      const bytes = driverCall(method, requests[method], seqid, protocol);
      const message = decodeOk(bytes);
      expect(message).toMatchObject({ protocol: wire, strictHeader, name: method, type: 'call', seqid, trailingBytes: 0 });
      expect(message.byteLength).toBe(bytes.length);
      const named = nameCall(message);
      expect(named.method).toBe(method);
      expect(differencesFromDriver(requests[method], named.request, OVERRIDES[method])).toEqual([]);
    });
  });
});

describe('request naming, spot checks', () => {
  const requests = sampleRequests();
  const name = (method: string) => nameCall(decodeOk(driverCall(method, requests[method], 1))).request ?? {};

  it('shows OpenSession without its password or secret-looking configuration values', () => {
    const request = name('OpenSession');
    expect(request).toMatchObject({
      client_protocol: 'SPARK_CLI_SERVICE_PROTOCOL_V8',
      username: 'token',
      password: REDACTED,
      configuration: { 'spark.sql.ansi.enabled': 'true', 'spark.databricks.token': REDACTED, timezone: 'UTC' },
      getInfos: ['CLI_SERVER_NAME', 'CLI_DBMS_VER'],
      client_protocol_i64: 42248,
      initialNamespace: { catalogName: 'main', schemaName: 'default' },
    });
    const json = JSON.stringify(request);
    expect(json).not.toContain(OPEN_SESSION_PASSWORD);
    expect(json).not.toContain(CONFIG_TOKEN);
  });

  it('shows handle GUIDs as UUIDs and enums by name', () => {
    expect(name('ExecuteStatement')).toMatchObject({
      sessionHandle: { sessionId: { guid: SESSION_GUID, secret: '00112233445566778899aabbccddeeff' } },
      statement: 'SELECT id, name FROM main.default.people WHERE id > 10',
      getDirectResults: { maxRows: 100000, maxBytes: 10485760 },
    });
    expect(name('FetchResults')).toMatchObject({
      operationHandle: { operationId: { guid: OPERATION_GUID }, operationType: 'EXECUTE_STATEMENT', hasResultSet: true },
      orientation: 'FETCH_NEXT',
      maxRows: 100000,
    });
  });
});
