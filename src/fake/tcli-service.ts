// The official driver's generated TCLIService code, served back to it: using the same generated structs on both
// sides is what makes the fake wire-compatible with @databricks/sql, Databricks extensions (field ids >= 1281)
// included. Only this file reaches into the driver package.
import * as types from '@databricks/sql/thrift/TCLIService_types';
import * as service from '@databricks/sql/thrift/TCLIService';

export const T = types;
export const TCLIServiceProcessor = service.Processor;
export type {
  TCloseOperationReq,
  TCloseOperationResp,
  TCloseSessionReq,
  TCancelOperationReq,
  TExecuteStatementReq,
  TFetchResultsReq,
  TFetchResultsResp,
  TGetCatalogsReq,
  TGetColumnsReq,
  TGetInfoReq,
  TGetOperationStatusReq,
  TGetOperationStatusResp,
  TGetResultSetMetadataReq,
  TGetResultSetMetadataResp,
  TGetSchemasReq,
  TGetTablesReq,
  TOpenSessionReq,
  TOperationHandle,
  TRowSet,
  TSessionHandle,
  TSparkDirectResults,
  TStatus,
  TTableSchema,
} from '@databricks/sql/thrift/TCLIService_types';
