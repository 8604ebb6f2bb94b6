// One realistic T<Method>Req per TCLIService method a driver calls, built with the driver's generated classes
// and filled with every field (Databricks extensions included) so the cross-check covers every field id.
import Int64 from 'node-int64';
import * as T from '@databricks/sql/thrift/TCLIService_types';

export const SESSION_GUID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
export const OPERATION_GUID = '11223344-5566-4778-8899-aabbccddeeff';

const guidBytes = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');

export function sessionHandle(): T.TSessionHandle {
  return new T.TSessionHandle({
    sessionId: new T.THandleIdentifier({ guid: guidBytes(SESSION_GUID), secret: Buffer.from('00112233445566778899aabbccddeeff', 'hex') }),
  });
}

export function operationHandle(): T.TOperationHandle {
  return new T.TOperationHandle({
    operationId: new T.THandleIdentifier({ guid: guidBytes(OPERATION_GUID), secret: Buffer.alloc(16, 7) }),
    operationType: T.TOperationType.EXECUTE_STATEMENT,
    hasResultSet: true,
    modifiedRowCount: 0.5,
  });
}

const directResults = (): T.TSparkGetDirectResults => new T.TSparkGetDirectResults({ maxRows: new Int64(100000), maxBytes: new Int64(10485760) });

export const OPEN_SESSION_PASSWORD = 'dapi-super-secret-password';
export const CONFIG_TOKEN = 'dapi0123456789abcdef';

/** Method name -> a request of that method. */
export function sampleRequests(): Record<string, object> {
  const session = sessionHandle;
  const operation = operationHandle;
  return {
    OpenSession: new T.TOpenSessionReq({
      client_protocol: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      username: 'token',
      password: OPEN_SESSION_PASSWORD,
      configuration: { 'spark.sql.ansi.enabled': 'true', 'spark.databricks.token': CONFIG_TOKEN, timezone: 'UTC' },
      getInfos: [T.TGetInfoType.CLI_SERVER_NAME, T.TGetInfoType.CLI_DBMS_VER],
      client_protocol_i64: new Int64(42248),
      connectionProperties: { 'user-agent': 'NodejsDatabricksSqlConnector/2.1.0' },
      initialNamespace: new T.TNamespace({ catalogName: 'main', schemaName: 'default' }),
      canUseMultipleCatalogs: true,
    }),
    CloseSession: new T.TCloseSessionReq({ sessionHandle: session() }),
    ExecuteStatement: new T.TExecuteStatementReq({
      sessionHandle: session(),
      statement: 'SELECT id, name FROM main.default.people WHERE id > 10',
      confOverlay: { 'spark.sql.shuffle.partitions': '8' },
      runAsync: true,
      getDirectResults: directResults(),
      queryTimeout: new Int64(300),
      canReadArrowResult: true,
      canDownloadResult: true,
      canDecompressLZ4Result: true,
      maxBytesPerFile: new Int64(20971520),
      useArrowNativeTypes: new T.TSparkArrowTypes({
        timestampAsArrow: true,
        decimalAsArrow: true,
        complexTypesAsArrow: false,
        intervalTypesAsArrow: false,
        nullTypeAsArrow: true,
      }),
      resultRowLimit: new Int64(1000),
      parameters: [
        new T.TSparkParameter({ ordinal: 1, name: 'minId', type: 'INT', value: new T.TSparkParameterValue({ stringValue: '10' }) }),
      ],
      maxBytesPerBatch: new Int64(4194304),
      statementConf: new T.TStatementConf({ sessionless: false, client_protocol_i64: new Int64(42248) }),
    }),
    GetOperationStatus: new T.TGetOperationStatusReq({ operationHandle: operation(), getProgressUpdate: false }),
    FetchResults: new T.TFetchResultsReq({
      operationHandle: operation(),
      orientation: T.TFetchOrientation.FETCH_NEXT,
      maxRows: new Int64(100000),
      fetchType: 0,
      maxBytes: new Int64(10485760),
      startRowOffset: new Int64(0),
      includeResultSetMetadata: true,
    }),
    GetResultSetMetadata: new T.TGetResultSetMetadataReq({ operationHandle: operation() }),
    CloseOperation: new T.TCloseOperationReq({ operationHandle: operation() }),
    CancelOperation: new T.TCancelOperationReq({ operationHandle: operation() }),
    GetInfo: new T.TGetInfoReq({ sessionHandle: session(), infoType: T.TGetInfoType.CLI_DBMS_NAME }),
    GetTypeInfo: new T.TGetTypeInfoReq({ sessionHandle: session(), getDirectResults: directResults(), runAsync: true }),
    GetCatalogs: new T.TGetCatalogsReq({ sessionHandle: session(), getDirectResults: directResults(), runAsync: false }),
    GetSchemas: new T.TGetSchemasReq({ sessionHandle: session(), catalogName: 'main', schemaName: 'def%', getDirectResults: directResults() }),
    GetTables: new T.TGetTablesReq({
      sessionHandle: session(),
      catalogName: 'main',
      schemaName: 'default',
      tableName: 'peo%',
      tableTypes: ['TABLE', 'VIEW'],
      getDirectResults: directResults(),
      runAsync: true,
    }),
    GetTableTypes: new T.TGetTableTypesReq({ sessionHandle: session(), getDirectResults: directResults() }),
    GetColumns: new T.TGetColumnsReq({
      sessionHandle: session(),
      catalogName: 'main',
      schemaName: 'default',
      tableName: 'people',
      columnName: '%',
      getDirectResults: directResults(),
    }),
    GetFunctions: new T.TGetFunctionsReq({ sessionHandle: session(), catalogName: 'main', schemaName: 'default', functionName: 'my_%' }),
    GetPrimaryKeys: new T.TGetPrimaryKeysReq({ sessionHandle: session(), catalogName: 'main', schemaName: 'default', tableName: 'people' }),
    GetCrossReference: new T.TGetCrossReferenceReq({
      sessionHandle: session(),
      parentCatalogName: 'main',
      parentSchemaName: 'default',
      parentTableName: 'people',
      foreignCatalogName: 'main',
      foreignSchemaName: 'default',
      foreignTableName: 'orders',
      getDirectResults: directResults(),
      runAsync: false,
    }),
  };
}
