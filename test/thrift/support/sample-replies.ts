// Responses a warehouse sends, built with the driver's generated classes: successes, errors, result metadata,
// CloudFetch links (with secrets in the URL and headers), inline Arrow batches and columnar rows.
import Int64 from 'node-int64';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { operationHandle, sessionHandle } from './sample-requests';

export const LINK_SIGNATURE = 'sv-signature-AbCdEf0123456789%2BxYz%3D';
export const LINK_HEADER_SECRET = 'x-ms-encryption-key-value-0123456789';
export const FILE_LINK = `https://acct.blob.core.windows.net/results/part-0001.arrow?sv=2021-08-06&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=${LINK_SIGNATURE}`;
export const REDACTED_FILE_LINK =
  'https://acct.blob.core.windows.net/results/part-0001.arrow?sv=2021-08-06&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=[REDACTED]';

const ok = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });

export const openSessionSuccess = (): T.TOpenSessionResp =>
  new T.TOpenSessionResp({
    status: ok(),
    serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
    sessionHandle: sessionHandle(),
    configuration: { 'spark.sql.ansi.enabled': 'true' },
    initialNamespace: new T.TNamespace({ catalogName: 'main', schemaName: 'default' }),
    canUseMultipleCatalogs: true,
  });

export const executeStatementError = (): T.TExecuteStatementResp =>
  new T.TExecuteStatementResp({
    status: new T.TStatus({
      statusCode: T.TStatusCode.ERROR_STATUS,
      infoMessages: ['*org.apache.hive.service.cli.HiveSQLException:Table not found:0:0'],
      sqlState: '42P01',
      errorCode: 1234,
      errorMessage: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.',
      displayMessage: 'Table not found',
      errorDetailsJson: '{"errorClass":"TABLE_OR_VIEW_NOT_FOUND"}',
    }),
  });

export const operationStatusFinished = (): T.TGetOperationStatusResp =>
  new T.TGetOperationStatusResp({
    status: ok(),
    operationState: T.TOperationState.FINISHED_STATE,
    operationStarted: new Int64(1700000000000),
    operationCompleted: new Int64(1700000001234),
    hasResultSet: true,
    numModifiedRows: new Int64(0),
  });

export const resultSetMetadata = (): T.TGetResultSetMetadataResp =>
  new T.TGetResultSetMetadataResp({
    status: ok(),
    schema: new T.TTableSchema({
      columns: [
        new T.TColumnDesc({
          columnName: 'price',
          position: 1,
          comment: '',
          typeDesc: new T.TTypeDesc({
            types: [
              new T.TTypeEntry({
                primitiveEntry: new T.TPrimitiveTypeEntry({
                  type: T.TTypeId.DECIMAL_TYPE,
                  typeQualifiers: new T.TTypeQualifiers({
                    qualifiers: { precision: new T.TTypeQualifierValue({ i32Value: 10 }), scale: new T.TTypeQualifierValue({ i32Value: 2 }) },
                  }),
                }),
              }),
            ],
          }),
        }),
      ],
    }),
    resultFormat: T.TSparkRowSetType.URL_BASED_SET,
    lz4Compressed: true,
    arrowSchema: Buffer.alloc(200, 1),
    uncompressedBytes: new Int64(123456),
    compressedBytes: new Int64(65432),
  });

export const fetchResultsCloudFetch = (): T.TFetchResultsResp =>
  new T.TFetchResultsResp({
    status: ok(),
    hasMoreRows: false,
    results: new T.TRowSet({
      startRowOffset: new Int64(0),
      rows: [],
      resultLinks: [
        new T.TSparkArrowResultLink({
          fileLink: FILE_LINK,
          expiryTime: new Int64(1893456000000),
          startRowOffset: new Int64(0),
          rowCount: new Int64(5000),
          bytesNum: new Int64(1048576),
          httpHeaders: { 'x-ms-encryption-key': LINK_HEADER_SECRET },
        }),
      ],
    }),
  });

export const fetchResultsArrow = (batchBytes: number): T.TFetchResultsResp =>
  new T.TFetchResultsResp({
    status: ok(),
    hasMoreRows: true,
    results: new T.TRowSet({
      startRowOffset: new Int64(0),
      rows: [],
      arrowBatches: [new T.TSparkArrowBatch({ batch: Buffer.alloc(batchBytes, 0xab), rowCount: new Int64(1000) })],
    }),
  });

export const fetchResultsColumns = (values: number): T.TFetchResultsResp =>
  new T.TFetchResultsResp({
    status: ok(),
    hasMoreRows: false,
    results: new T.TRowSet({
      startRowOffset: new Int64(0),
      rows: [],
      columns: [
        new T.TColumn({ i32Val: new T.TI32Column({ values: Array.from({ length: values }, (_, i) => i), nulls: Buffer.alloc(1) }) }),
      ],
    }),
  });

export const closeOperationSuccess = (): T.TCloseOperationResp => new T.TCloseOperationResp({ status: ok() });

/** A CloseOperation request, for replies whose request content does not matter. */
export const closeOperationRequest = (): T.TCloseOperationReq => new T.TCloseOperationReq({ operationHandle: operationHandle() });
