// The warehouse's TCLIService: sessions, statements (synchronous with direct results, or asynchronous and
// polled), result metadata and paging, cancel/close, and the metadata calls. Every reply carries a TStatus;
// unknown or closed handles answer INVALID_HANDLE, as Databricks does.
import Int64 from 'node-int64';
import { newHandleId } from './handles';
import {
  catalogsResult,
  columnsResult,
  emptyResult,
  schemasResult,
  tablesResult,
  tableTypesResult,
  typeInfoResult,
} from './metadata-results';
import { Operation } from './operation';
import type { ResolvedOptions } from './options';
import { ResultDelivery, type DeliverySettings } from './result-delivery';
import type { ResultSource } from './result-source';
import { operationKey, sessionKey, type Session, type SessionRegistry } from './session-registry';
import { planStatement, type SqlFailure } from './sql-surface';
import { errorStatus, invalidOperationHandle, invalidSessionHandle, successStatus } from './statuses';
import type { UrlSigner } from './storage/presigned-url';
import type { ResultFiles } from './storage/result-files';
import {
  T,
  type TCancelOperationReq,
  type TCloseOperationReq,
  type TCloseSessionReq,
  type TExecuteStatementReq,
  type TFetchResultsReq,
  type TGetCatalogsReq,
  type TGetColumnsReq,
  type TGetInfoReq,
  type TGetOperationStatusReq,
  type TGetOperationStatusResp,
  type TGetResultSetMetadataReq,
  type TGetSchemasReq,
  type TGetTablesReq,
  type TOpenSessionReq,
  type TSparkDirectResults,
  type TStatus,
} from './tcli-service';

const SERVER_PROTOCOL_VERSION = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8;

/** What every operation-creating call answers: TExecuteStatementResp, TGetCatalogsResp, ... share this shape. */
export interface OperationResponse {
  status: TStatus;
  operationHandle?: ReturnType<Operation['thriftHandle']>;
  directResults?: TSparkDirectResults;
}

interface DirectResultsRequest {
  sessionHandle: TGetCatalogsReq['sessionHandle'];
  getDirectResults?: TGetCatalogsReq['getDirectResults'];
  runAsync?: boolean;
}

export interface ServiceDependencies {
  options: ResolvedOptions;
  registry: SessionRegistry;
  files: ResultFiles;
  signer: UrlSigner;
  /** Origin CloudFetch links point at, e.g. https://fakeaccount.blob.core.windows.net */
  linkOrigin: string;
  /** Waits, but gives up early when the warehouse is closing. */
  sleep: (ms: number) => Promise<void>;
}

export class FakeTcliService {
  constructor(private readonly deps: ServiceDependencies) {}

  async OpenSession(req: TOpenSessionReq) {
    const session = this.deps.registry.open();
    const clientVersion = req.client_protocol_i64 ? req.client_protocol_i64.toNumber() : (req.client_protocol ?? SERVER_PROTOCOL_VERSION);
    return new T.TOpenSessionResp({
      status: successStatus(),
      serverProtocolVersion: Math.min(clientVersion, SERVER_PROTOCOL_VERSION),
      sessionHandle: new T.TSessionHandle({
        sessionId: new T.THandleIdentifier({ guid: session.handle.guid, secret: session.handle.secret }),
      }),
      configuration: {},
      initialNamespace: new T.TNamespace({
        catalogName: req.initialNamespace?.catalogName ?? 'hive_metastore',
        schemaName: req.initialNamespace?.schemaName ?? 'default',
      }),
      canUseMultipleCatalogs: true,
    });
  }

  async CloseSession(req: TCloseSessionReq) {
    const session = this.deps.registry.session(req.sessionHandle);
    if (!session) return new T.TCloseSessionResp({ status: invalidSessionHandle(sessionKey(req.sessionHandle)) });
    this.deps.registry.closeSession(session);
    return new T.TCloseSessionResp({ status: successStatus() });
  }

  async GetInfo(req: TGetInfoReq) {
    const session = this.deps.registry.session(req.sessionHandle);
    if (!session) return new T.TGetInfoResp({ status: invalidSessionHandle(sessionKey(req.sessionHandle)), infoValue: new T.TGetInfoValue({}) });
    const values: Record<number, string> = {
      [T.TGetInfoType.CLI_SERVER_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_NAME]: 'Spark SQL',
      [T.TGetInfoType.CLI_DBMS_VER]: '3.5.0',
    };
    const value = values[req.infoType];
    if (value === undefined) {
      return new T.TGetInfoResp({ status: errorStatus(`Unrecognized GetInfoType value: ${req.infoType}`, 'HY096'), infoValue: new T.TGetInfoValue({}) });
    }
    return new T.TGetInfoResp({ status: successStatus(), infoValue: new T.TGetInfoValue({ stringValue: value }) });
  }

  async ExecuteStatement(req: TExecuteStatementReq): Promise<OperationResponse> {
    const session = this.deps.registry.session(req.sessionHandle);
    if (!session) return { status: invalidSessionHandle(sessionKey(req.sessionHandle)) };
    const plan = planStatement(req.statement ?? '', this.deps.options.maxRangeRows);
    const delayMs = plan.delayMs ?? this.deps.options.executionDelayMs;
    const op = this.newOperation(
      session,
      T.TOperationType.EXECUTE_STATEMENT,
      delayMs,
      plan.ok
        ? { result: plan.result, canDownload: req.canDownloadResult === true, lz4: req.canDecompressLZ4Result === true && this.deps.options.lz4Compression }
        : { failure: plan.failure },
    );
    // HiveServer2 semantics: without runAsync the call returns only once the statement has run.
    if (req.runAsync !== true && delayMs > 0) await this.deps.sleep(delayMs);
    return this.operationResponse(op, req);
  }

  async GetTypeInfo(req: DirectResultsRequest) {
    return this.metadataOperation(req, T.TOperationType.GET_TYPE_INFO, () => typeInfoResult());
  }

  async GetCatalogs(req: TGetCatalogsReq) {
    return this.metadataOperation(req, T.TOperationType.GET_CATALOGS, () => catalogsResult());
  }

  async GetSchemas(req: TGetSchemasReq) {
    return this.metadataOperation(req, T.TOperationType.GET_SCHEMAS, () => schemasResult(req.catalogName, req.schemaName));
  }

  async GetTables(req: TGetTablesReq) {
    return this.metadataOperation(req, T.TOperationType.GET_TABLES, () =>
      tablesResult(req.catalogName, req.schemaName, req.tableName, req.tableTypes),
    );
  }

  async GetTableTypes(req: DirectResultsRequest) {
    return this.metadataOperation(req, T.TOperationType.GET_TABLE_TYPES, () => tableTypesResult());
  }

  async GetColumns(req: TGetColumnsReq) {
    return this.metadataOperation(req, T.TOperationType.GET_COLUMNS, () =>
      columnsResult(req.catalogName, req.schemaName, req.tableName, req.columnName),
    );
  }

  async GetFunctions(req: DirectResultsRequest) {
    return this.metadataOperation(req, T.TOperationType.GET_FUNCTIONS, () =>
      emptyResult(['FUNCTION_CAT', 'FUNCTION_SCHEM', 'FUNCTION_NAME', 'REMARKS', 'FUNCTION_TYPE', 'SPECIFIC_NAME']),
    );
  }

  async GetPrimaryKeys(req: DirectResultsRequest) {
    return this.metadataOperation(req, T.TOperationType.UNKNOWN, () =>
      emptyResult(['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME', 'KEY_SEQ', 'PK_NAME']),
    );
  }

  async GetCrossReference(req: DirectResultsRequest) {
    return this.metadataOperation(req, T.TOperationType.UNKNOWN, () =>
      emptyResult(['PKTABLE_CAT', 'PKTABLE_SCHEM', 'PKTABLE_NAME', 'PKCOLUMN_NAME', 'FKTABLE_CAT', 'FKTABLE_SCHEM', 'FKTABLE_NAME', 'FKCOLUMN_NAME']),
    );
  }

  async GetOperationStatus(req: TGetOperationStatusReq): Promise<TGetOperationStatusResp> {
    const op = this.deps.registry.operation(req.operationHandle);
    if (!op) return new T.TGetOperationStatusResp({ status: invalidOperationHandle(operationKey(req.operationHandle)) });
    return this.statusOf(op);
  }

  async CancelOperation(req: TCancelOperationReq) {
    const op = this.deps.registry.operation(req.operationHandle);
    if (!op) return new T.TCancelOperationResp({ status: invalidOperationHandle(operationKey(req.operationHandle)) });
    op.cancel();
    return new T.TCancelOperationResp({ status: successStatus() });
  }

  async CloseOperation(req: TCloseOperationReq) {
    const op = this.deps.registry.operation(req.operationHandle);
    if (!op) return new T.TCloseOperationResp({ status: invalidOperationHandle(operationKey(req.operationHandle)) });
    this.deps.registry.closeOperation(op);
    return new T.TCloseOperationResp({ status: successStatus() });
  }

  async GetResultSetMetadata(req: TGetResultSetMetadataReq) {
    const op = this.deps.registry.operation(req.operationHandle);
    if (!op) return new T.TGetResultSetMetadataResp({ status: invalidOperationHandle(operationKey(req.operationHandle)) });
    const notReady = this.notFinished(op);
    if (notReady) return new T.TGetResultSetMetadataResp({ status: notReady });
    return op.delivery!.metadata();
  }

  async FetchResults(req: TFetchResultsReq) {
    const op = this.deps.registry.operation(req.operationHandle);
    if (!op) return new T.TFetchResultsResp({ status: invalidOperationHandle(operationKey(req.operationHandle)) });
    // fetchType 1 asks for the operation log, which a warehouse does not keep: an empty page.
    if (req.fetchType === 1) {
      return new T.TFetchResultsResp({ status: successStatus(), hasMoreRows: false, results: new T.TRowSet({ startRowOffset: new Int64(0), rows: [] }) });
    }
    const notReady = this.notFinished(op);
    if (notReady) return new T.TFetchResultsResp({ status: notReady });
    const orientation = req.orientation ?? T.TFetchOrientation.FETCH_NEXT;
    if (orientation !== T.TFetchOrientation.FETCH_NEXT && orientation !== T.TFetchOrientation.FETCH_FIRST) {
      return new T.TFetchResultsResp({
        status: errorStatus(`The fetch type ${T.TFetchOrientation[orientation] ?? orientation} is not supported for this resultset.`, 'HY106'),
      });
    }
    const startRow = req.startRowOffset
      ? req.startRowOffset.toNumber()
      : orientation === T.TFetchOrientation.FETCH_FIRST
        ? 0
        : undefined;
    const delivery = op.delivery!;
    const page = delivery.fetch(req.maxRows ? req.maxRows.toNumber() : 10_000, startRow);
    return new T.TFetchResultsResp({
      status: successStatus(),
      hasMoreRows: page.hasMoreRows,
      results: page.rowSet,
      resultSetMetadata: req.includeResultSetMetadata ? delivery.metadata() : undefined,
    });
  }

  async GetDelegationToken() {
    return new T.TGetDelegationTokenResp({ status: notSupported('GetDelegationToken') });
  }

  async CancelDelegationToken() {
    return new T.TCancelDelegationTokenResp({ status: notSupported('CancelDelegationToken') });
  }

  async RenewDelegationToken() {
    return new T.TRenewDelegationTokenResp({ status: notSupported('RenewDelegationToken') });
  }

  private metadataOperation(req: DirectResultsRequest, operationType: number, result: () => ResultSource): OperationResponse {
    const session = this.deps.registry.session(req.sessionHandle);
    if (!session) return { status: invalidSessionHandle(sessionKey(req.sessionHandle)) };
    const op = this.newOperation(session, operationType, 0, { result: result(), canDownload: false, lz4: false });
    return this.operationResponse(op, req);
  }

  private newOperation(
    session: Session,
    operationType: number,
    delayMs: number,
    outcome: { result: ResultSource; canDownload: boolean; lz4: boolean } | { failure: SqlFailure },
  ): Operation {
    const handle = newHandleId();
    const now = Date.now();
    const o = this.deps.options;
    let opOutcome: Operation['outcome'];
    if ('failure' in outcome) {
      opOutcome = { failure: outcome.failure };
    } else {
      const useCloudFetch = outcome.canDownload && outcome.result.rowCount > o.cloudFetchThresholdRows;
      const settings: DeliverySettings = {
        maxRowsPerInlineBatch: o.maxRowsPerInlineBatch,
        rowsPerCloudFetchFile: o.rowsPerCloudFetchFile,
        linksPerFetch: o.linksPerFetch,
        linkLifetimeMs: o.linkLifetimeMs,
        linkOrigin: this.deps.linkOrigin,
      };
      const encoding = { format: useCloudFetch ? 'cloudfetch' : 'inline_arrow', lz4: outcome.lz4 } as const;
      opOutcome = { delivery: new ResultDelivery(handle.id, outcome.result, encoding, settings, this.deps.files, this.deps.signer) };
    }
    const op = new Operation(handle, session.handle.id, operationType, now, now + delayMs, opOutcome);
    this.deps.registry.addOperation(session, op);
    return op;
  }

  /**
   * The reply to a call that created an operation. With getDirectResults the first page comes along when the
   * operation is already done. When that page is the whole result inline, the operation is closed here and the
   * driver is told so (closeOperation), sparing it the FetchResults and CloseOperation round trips. CloudFetch
   * results stay open until CloseOperation or the session's end, as on a warehouse: links expire, and a driver
   * refreshes them with FetchResults from the link's row offset.
   */
  private operationResponse(op: Operation, req: DirectResultsRequest): OperationResponse {
    const response: OperationResponse = { status: successStatus(), operationHandle: op.thriftHandle() };
    if (!req.getDirectResults) return response;
    const operationStatus = this.statusOf(op);
    const delivery = op.delivery;
    if (op.phase() !== 'finished' || !delivery) {
      response.directResults = new T.TSparkDirectResults({ operationStatus });
      return response;
    }
    const page = delivery.fetch(req.getDirectResults.maxRows ? req.getDirectResults.maxRows.toNumber() : 10_000, 0);
    const resultSet = new T.TFetchResultsResp({ status: successStatus(), hasMoreRows: page.hasMoreRows, results: page.rowSet });
    const directResults = new T.TSparkDirectResults({ operationStatus, resultSetMetadata: delivery.metadata(), resultSet });
    if (!page.hasMoreRows && delivery.format === 'inline_arrow') {
      this.deps.registry.closeOperation(op);
      directResults.closeOperation = new T.TCloseOperationResp({ status: successStatus() });
    }
    response.directResults = directResults;
    return response;
  }

  private statusOf(op: Operation): TGetOperationStatusResp {
    const now = Date.now();
    const phase = op.phase(now);
    const failure = phase === 'failed' ? op.failure : undefined;
    return new T.TGetOperationStatusResp({
      status: successStatus(),
      operationState: op.thriftState(now),
      hasResultSet: op.hasResultSet,
      operationStarted: new Int64(op.startedAt),
      operationCompleted: phase === 'running' ? undefined : new Int64(op.completedAt),
      sqlState: failure?.sqlState,
      errorMessage: failure?.message,
      displayMessage: failure?.message,
      errorDetailsJson: failure ? JSON.stringify({ errorClass: failure.errorClass, sqlState: failure.sqlState }) : undefined,
    });
  }

  /** The error status for result calls on an operation that has no result to give (yet). */
  private notFinished(op: Operation): TStatus | undefined {
    const phase = op.phase();
    if (phase === 'finished' && op.delivery) return undefined;
    if (phase === 'failed' && op.failure) return errorStatus(op.failure.message, op.failure.sqlState);
    return errorStatus(`Expected state FINISHED, but found ${phase.toUpperCase()}`, 'HY010');
  }
}

function notSupported(method: string): TStatus {
  return errorStatus(`${method} is not supported by this warehouse.`, '0A000');
}
