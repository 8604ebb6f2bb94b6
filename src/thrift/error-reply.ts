// A Thrift REPLY that reports a failure the way a Databricks SQL warehouse does: `<Method>_result` whose field 0
// (`success`, the T<Method>Resp) holds only field 1, a TStatus with the error. Every T...Resp in TCLIService
// has `status` at field 1, so the same bytes fit any method; a real client reads it as a StatusError.
import { createMessageWriter } from './message-writer';

export interface ThriftErrorReplyOptions {
  /** The request's method name, echoed. */
  method: string;
  /** The request's sequence id, echoed. */
  seqid: number;
  /** The request's protocol: a client reads replies with the protocol it wrote the call in. */
  protocol: 'binary' | 'compact';
  /** Binary only: echo an old (non-strict) header when the request used one. Default true. */
  strictHeader?: boolean;
  /** TStatusCode: 3 ERROR_STATUS, 4 INVALID_HANDLE_STATUS. */
  statusCode: number;
  /** TStatus.errorMessage. */
  message: string;
  /** TStatus.sqlState, e.g. "HY000". */
  sqlState?: string;
  /** TStatus.errorCode. */
  errorCode?: number;
}

const RESULT_SUCCESS_FIELD = 0;
const RESP_STATUS_FIELD = 1;
const STATUS_CODE_FIELD = 1;
const STATUS_SQL_STATE_FIELD = 3;
const STATUS_ERROR_CODE_FIELD = 4;
const STATUS_ERROR_MESSAGE_FIELD = 5;

export function encodeThriftErrorReply(o: ThriftErrorReplyOptions): Buffer {
  const w = createMessageWriter(o.protocol, o.strictHeader ?? true);
  w.messageBegin(o.method, 'reply', o.seqid);
  w.structFieldBegin(RESULT_SUCCESS_FIELD);
  w.structFieldBegin(RESP_STATUS_FIELD);
  w.i32Field(STATUS_CODE_FIELD, o.statusCode);
  if (o.sqlState !== undefined) w.stringField(STATUS_SQL_STATE_FIELD, o.sqlState);
  if (o.errorCode !== undefined) w.i32Field(STATUS_ERROR_CODE_FIELD, o.errorCode);
  w.stringField(STATUS_ERROR_MESSAGE_FIELD, o.message);
  w.structEnd(); // TStatus
  w.structEnd(); // T<Method>Resp
  w.structEnd(); // <Method>_result
  return w.finish();
}
