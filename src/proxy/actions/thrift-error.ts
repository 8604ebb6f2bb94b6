// Scenario action: answer a Thrift call the way a real server reports a failure: HTTP 200 with a Thrift REPLY
// for the same method and sequence id, in the caller's protocol, whose TStatus carries the error.
import http from 'node:http';
import { ActionSpec } from '../../core/model';
import { encodeThriftErrorReply } from '../../thrift/error-reply';

export type ThriftErrorAction = Extract<ActionSpec, { kind: 'thrift_error' }>;

/** The Thrift call being answered, as decoded from the request. */
export interface ThriftCallIdentity {
  method: string;
  seqid: number;
  protocol: 'binary' | 'compact';
  strictHeader?: boolean;
}

export const THRIFT_CONTENT_TYPE = 'application/x-thrift';

export function encodeThriftErrorAction(action: ThriftErrorAction, call: ThriftCallIdentity): Buffer {
  return encodeThriftErrorReply({
    method: call.method,
    seqid: call.seqid,
    protocol: call.protocol,
    strictHeader: call.strictHeader,
    statusCode: action.statusCode,
    message: action.message,
    sqlState: action.sqlState,
  });
}

/** Writes the reply; returns it, so the caller can record what the client received. */
export function respondThriftError(res: http.ServerResponse, action: ThriftErrorAction, call: ThriftCallIdentity): Buffer {
  const body = encodeThriftErrorAction(action, call);
  res.writeHead(200, { 'content-type': THRIFT_CONTENT_TYPE, 'content-length': body.length });
  res.end(body);
  return body;
}
