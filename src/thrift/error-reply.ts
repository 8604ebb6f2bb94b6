// A Thrift REPLY that reports a failure the way a Databricks SQL warehouse does: `<Method>_result` whose field 0
// (`success`, the T<Method>Resp) holds only field 1, a TStatus with the error. Every T...Resp in TCLIService
// has `status` at field 1, so the same bytes fit any method; a real client reads it as a StatusError.
import { encodeThriftMessage } from './message-encoder';
import { TType, type ThriftField, type ThriftStruct, type ThriftValue } from './wire-types';

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

const struct = (...fields: ThriftField[]): ThriftStruct => ({ type: TType.STRUCT, fields, omittedFields: 0 });
const i32 = (value: number): ThriftValue => ({ type: TType.I32, value });
const text = (value: string): ThriftValue => ({ type: TType.STRING, bytes: Buffer.from(value, 'utf8') });

export function encodeThriftErrorReply(o: ThriftErrorReplyOptions): Buffer {
  const status: ThriftField[] = [{ id: STATUS_CODE_FIELD, value: i32(o.statusCode) }];
  if (o.sqlState !== undefined) status.push({ id: STATUS_SQL_STATE_FIELD, value: text(o.sqlState) });
  if (o.errorCode !== undefined) status.push({ id: STATUS_ERROR_CODE_FIELD, value: i32(o.errorCode) });
  status.push({ id: STATUS_ERROR_MESSAGE_FIELD, value: text(o.message) });
  const resp = struct({ id: RESP_STATUS_FIELD, value: struct(...status) });
  return encodeThriftMessage({
    protocol: o.protocol,
    strictHeader: o.strictHeader ?? true,
    name: o.method,
    type: 'reply',
    seqid: o.seqid,
    body: struct({ id: RESULT_SUCCESS_FIELD, value: resp }),
  });
}

export interface ThriftApplicationExceptionOptions {
  method: string;
  seqid: number;
  protocol: 'binary' | 'compact';
  strictHeader?: boolean;
  /** TApplicationException type: 0 UNKNOWN ... 6 INTERNAL_ERROR, 7 PROTOCOL_ERROR ... 10. */
  type: number;
  message: string;
}

const APPLICATION_EXCEPTION_MESSAGE_FIELD = 1;
const APPLICATION_EXCEPTION_TYPE_FIELD = 2;

/** An EXCEPTION message carrying a TApplicationException, as a Thrift server sends for a failure of the call itself. */
export function encodeThriftApplicationException(o: ThriftApplicationExceptionOptions): Buffer {
  return encodeThriftMessage({
    protocol: o.protocol,
    strictHeader: o.strictHeader ?? true,
    name: o.method,
    type: 'exception',
    seqid: o.seqid,
    body: struct({ id: APPLICATION_EXCEPTION_MESSAGE_FIELD, value: text(o.message) }, { id: APPLICATION_EXCEPTION_TYPE_FIELD, value: i32(o.type) }),
  });
}
