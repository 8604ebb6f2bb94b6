// Databricks fields and structs that the official Node.js driver's generated code leaves out but other drivers
// send or receive (seen from the ADBC Databricks C# driver): the 0xD01.. (3329..) extensions of the Databricks
// TCLIService.thrift, transcribed from the public copy of that IDL (ids are hex there: 0xD07 = 3335). The
// generator merges this into the driver-derived schema; a field id that the driver already defines under
// another name is an error, not an override. SetClientInfo, GetQueryId, UploadData and DownloadData are the Hive
// service-rpc methods the ADBC C# driver's generated code (Apache.Hive.Service.Rpc.Thrift) has, ids as there.
import type { FieldSchema, ThriftSchema, TypeRef } from '../../src/thrift/schema-types';

const bool: TypeRef = { kind: 'bool' };
const i16: TypeRef = { kind: 'i16' };
const i32: TypeRef = { kind: 'i32' };
const i64: TypeRef = { kind: 'i64' };
const str: TypeRef = { kind: 'string' };
const bin: TypeRef = { kind: 'binary' };
const struct = (name: string): TypeRef => ({ kind: 'struct', name });
const enumOf = (name: string): TypeRef => ({ kind: 'enum', name });
const list = (element: TypeRef): TypeRef => ({ kind: 'list', element });
const strMap: TypeRef = { kind: 'map', key: str, value: str };
const f = (name: string, type: TypeRef): FieldSchema => ({ name, type });

/** operationId / sessionConf, which every metadata request of the Databricks IDL carries at 0xD01 / 0xD02. */
const CLIENT_OPERATION_FIELDS = { 3329: f('operationId', struct('THandleIdentifier')), 3330: f('sessionConf', struct('TDBSqlSessionConf')) };

export const DATABRICKS_SUPPLEMENT: ThriftSchema = {
  methods: {
    SetClientInfo: { request: 'TSetClientInfoReq', response: 'TSetClientInfoResp' },
    GetQueryId: { request: 'TGetQueryIdReq', response: 'TGetQueryIdResp' },
    UploadData: { request: 'TUploadDataReq', response: 'TUploadDataResp' },
    DownloadData: { request: 'TDownloadDataReq', response: 'TDownloadDataResp' },
  },
  structs: {
    TExecuteStatementReq: {
      fields: {
        ...CLIENT_OPERATION_FIELDS,
        3331: f('rejectHighCostQueries', bool),
        3332: f('estimatedCost', { kind: 'double' }),
        3333: f('executionVersion', i16),
        3334: f('requestValidation', bin),
        3335: f('resultPersistenceMode', enumOf('TResultPersistenceMode')),
        3336: f('trimArrowBatchesToLimit', bool),
        3337: f('fetchDisposition', enumOf('TDBSqlFetchDisposition')),
        3344: f('enforceResultPersistenceMode', bool),
        3346: f('persistResultManifest', bool),
        3347: f('resultRetentionSeconds', i64),
        3348: f('resultByteLimit', i64),
        3349: f('resultDataFormat', struct('TDBSqlResultFormat')),
        3350: f('originatingClientIdentity', str),
        3351: f('preferSingleFileResult', bool),
        3352: f('preferDriverOnlyUpload', bool),
        3353: f('enforceEmbeddedSchemaCorrectness', bool),
        3360: f('idempotencyToken', str),
      },
    },
    TGetResultSetMetadataResp: {
      fields: {
        3329: f('reasonForNoCloudFetch', enumOf('TCloudFetchDisabledReason')),
        3330: f('resultFiles', list(struct('TDBSqlCloudResultFile'))),
        3331: f('manifestFile', str),
        3332: f('manifestFileFormat', enumOf('TDBSqlManifestFileFormat')),
        3333: f('cacheLookupLatency', i64),
        3334: f('remoteCacheMissReason', str),
        3335: f('fetchDisposition', enumOf('TDBSqlFetchDisposition')),
        3336: f('remoteResultCacheEnabled', bool),
        3337: f('isServerless', bool),
        3344: f('resultDataFormat', struct('TDBSqlResultFormat')),
        3345: f('truncatedByThriftLimit', bool),
        3346: f('resultByteLimit', i64),
        3347: f('isInlineSmallResult', bool),
      },
    },
    TGetResultSetMetadataReq: { fields: { 3329: f('includeCloudResultFiles', bool) } },
    TGetTypeInfoReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetCatalogsReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetSchemasReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetTablesReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetTableTypesReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetColumnsReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetFunctionsReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetPrimaryKeysReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetCrossReferenceReq: { fields: CLIENT_OPERATION_FIELDS },
    TGetInfoReq: { fields: { 3329: f('sessionConf', struct('TDBSqlSessionConf')) } },
    TDBSqlSessionConf: {
      fields: {
        1: f('confs', strMap),
        2: f('tempViews', list(struct('TDBSqlTempView'))),
        3: f('currentDatabase', str),
        4: f('currentCatalog', str),
        5: f('sessionCapabilities', struct('TDBSqlSessionCapabilities')),
        6: f('expressionsInfos', list(struct('TExpressionInfo'))),
        7: f('internalConfs', { kind: 'map', key: str, value: struct('TDBSqlConfValue') }),
        8: f('tempVariables', list(struct('TSQLVariable'))),
        9: f('mstConf', struct('TDBSqlMSTConf')),
        10: f('tempTableNamespace', struct('TDBSqlTempTableNamespace')),
        11: f('mstControlBits', struct('TDBSqlMSTControlBits')),
        12: f('autoCommitConf', struct('TDBSqlAutoCommitConf')),
      },
    },
    TDBSqlTempView: {
      fields: { 1: f('name', str), 2: f('sqlStatement', str), 3: f('properties', strMap), 4: f('viewSchema', str), 5: f('tableType', str) },
    },
    TDBSqlSessionCapabilities: { fields: { 1: f('supportsMultipleCatalogs', bool) } },
    TExpressionInfo: {
      fields: Object.fromEntries(
        ['className', 'usage', 'name', 'extended', 'db', 'arguments', 'examples', 'note', 'group', 'since', 'deprecated', 'source'].map((name, i) => [
          i + 1,
          f(name, str),
        ]),
      ),
    },
    TDBSqlConfValue: { fields: { 1: f('value', str) } },
    TSQLVariable: {
      fields: {
        1: f('catalogName', str),
        2: f('schemaName', str),
        3: f('variableName', str),
        4: f('defaultExpressionSQL', str),
        5: f('variableDataType', str),
        6: f('currentValue', str),
      },
    },
    TDBSqlMSTConf: {
      fields: { 1: f('txnId', str), 2: f('serializedMSTState', str), 3: f('isAborted', bool), 4: f('abortReason', str), 5: f('serializationVersion', i32) },
    },
    TDBSqlTempTableNamespace: { fields: { 1: f('catalogName', str), 2: f('schemaName', str) } },
    TDBSqlMSTControlBits: { fields: { 1: f('prevTxnId', str), 2: f('newTxnId', str) } },
    TDBSqlAutoCommitConf: { fields: { 1: f('autoCommit', bool) } },
    TDBSqlCloudResultFile: {
      fields: {
        1: f('filePath', str),
        2: f('startRowOffset', i64),
        3: f('rowCount', i64),
        4: f('uncompressedBytes', i64),
        5: f('compressedBytes', i64),
        6: f('fileLink', str),
        7: f('linkExpiryTime', i64),
        8: f('httpHeaders', strMap),
      },
    },
    TDBSqlResultFormat: {
      fields: { 1: f('arrowFormat', struct('TDBSqlArrowFormat')), 2: f('csvFormat', struct('TDBSqlCsvFormat')), 3: f('jsonArrayFormat', struct('TDBSqlJsonArrayFormat')) },
    },
    TDBSqlArrowFormat: { fields: { 1: f('arrowLayout', enumOf('TDBSqlArrowLayout')), 2: f('compressionCodec', enumOf('TDBSqlCompressionCodec')) } },
    TDBSqlCsvFormat: { fields: { 1: f('compressionCodec', enumOf('TDBSqlCompressionCodec')) } },
    TDBSqlJsonArrayFormat: { fields: { 1: f('compressionCodec', enumOf('TDBSqlCompressionCodec')) } },
    TSetClientInfoReq: { fields: { 1: f('sessionHandle', struct('TSessionHandle')), 2: f('configuration', strMap) } },
    TSetClientInfoResp: { fields: { 1: f('status', struct('TStatus')) } },
    TGetQueryIdReq: { fields: { 1: f('operationHandle', struct('TOperationHandle')) } },
    TGetQueryIdResp: { fields: { 1: f('queryId', str) } },
    TUploadDataReq: { fields: { 1: f('sessionHandle', struct('TSessionHandle')), 2: f('tableName', str), 3: f('path', str), 4: f('values', bin) } },
    TUploadDataResp: { fields: { 1: f('status', struct('TStatus')), 2: f('operationHandle', struct('TOperationHandle')) } },
    TDownloadDataReq: {
      fields: { 1: f('sessionHandle', struct('TSessionHandle')), 2: f('tableName', str), 3: f('query', str), 4: f('format', str), 5: f('downloadOptions', strMap) },
    },
    TDownloadDataResp: { fields: { 1: f('status', struct('TStatus')), 2: f('operationHandle', struct('TOperationHandle')) } },
  },
  enums: {
    TResultPersistenceMode: { 0: 'ONLY_LARGE_RESULTS', 1: 'ALL_QUERY_RESULTS', 2: 'ALL_RESULTS' },
    TCloudFetchDisabledReason: {
      0: 'ARROW_SUPPORT',
      1: 'CLOUD_FETCH_SUPPORT',
      2: 'PROTOCOL_VERSION',
      3: 'REGION_SUPPORT',
      4: 'BLOCKLISTED_OPERATION',
      5: 'SMALL_RESULT_SIZE',
      6: 'CUSTOMER_STORAGE_SUPPORT',
      7: 'UNKNOWN',
      8: 'METADATA_OPERATION',
    },
    TDBSqlManifestFileFormat: { 0: 'THRIFT_GET_RESULT_SET_METADATA_RESP' },
    TDBSqlFetchDisposition: {
      0: 'DISPOSITION_UNSPECIFIED',
      1: 'DISPOSITION_INLINE',
      2: 'DISPOSITION_EXTERNAL_LINKS',
      3: 'DISPOSITION_INTERNAL_DBFS',
      4: 'DISPOSITION_INLINE_OR_EXTERNAL_LINKS',
    },
    TDBSqlArrowLayout: { 0: 'ARROW_BATCH', 1: 'ARROW_STREAMING' },
    TDBSqlCompressionCodec: { 0: 'NONE', 1: 'LZ4_FRAME', 2: 'LZ4_BLOCK' },
  },
};

/**
 * The driver-derived schema with the supplement merged in: new structs, enums and methods added, new fields added
 * to existing structs. Anything the driver already defines differently is an error.
 */
export function withDatabricksSupplement(schema: ThriftSchema, supplement: ThriftSchema = DATABRICKS_SUPPLEMENT): ThriftSchema {
  const structs: Record<string, { fields: Record<number, FieldSchema> }> = {};
  for (const [name, s] of Object.entries(schema.structs)) structs[name] = { fields: { ...s.fields } };
  for (const [name, s] of Object.entries(supplement.structs)) {
    const target = (structs[name] ??= { fields: {} });
    for (const [id, field] of Object.entries(s.fields)) {
      const existing = target.fields[Number(id)];
      if (existing && JSON.stringify(existing) !== JSON.stringify(field)) {
        throw new Error(`${name} field ${id}: the driver defines ${existing.name}, the supplement ${field.name}`);
      }
      target.fields[Number(id)] = field;
    }
    target.fields = Object.fromEntries(Object.entries(target.fields).sort(([a], [b]) => Number(a) - Number(b)));
  }
  const enums = { ...schema.enums };
  for (const [name, values] of Object.entries(supplement.enums)) {
    if (enums[name] && JSON.stringify(enums[name]) !== JSON.stringify(values)) throw new Error(`enum ${name}: the driver defines it differently`);
    enums[name] = values;
  }
  const methods = { ...schema.methods };
  for (const [name, m] of Object.entries(supplement.methods)) {
    if (methods[name]) throw new Error(`method ${name}: the driver already defines it`);
    methods[name] = m;
  }
  const sortedStructs = Object.fromEntries(Object.entries(structs).sort(([a], [b]) => a.localeCompare(b)));
  const sortedEnums = Object.fromEntries(Object.entries(enums).sort(([a], [b]) => a.localeCompare(b)));
  return { structs: sortedStructs, enums: sortedEnums, methods };
}
