// Thrift messages for proxy tests, made and read with the official driver's generated TCLIService structs and
// the npm thrift library: what the proxy sees is what a driver sends, and what a driver would decode.
import http from 'node:http';
import Int64 from 'node-int64';
import * as thrift from 'thrift';
import * as T from '@databricks/sql/thrift/TCLIService_types';

export { T };

export type WireProtocol = 'binary' | 'compact';

interface ThriftStruct {
  write(output: thrift.TProtocol): void;
}
interface ReadableStruct {
  read(input: thrift.TProtocol): void;
}

function protocolClass(protocol: WireProtocol): new (transport: thrift.TTransport) => thrift.TProtocol {
  return (protocol === 'compact' ? thrift.TCompactProtocol : thrift.TBinaryProtocol) as unknown as new (
    transport: thrift.TTransport,
  ) => thrift.TProtocol;
}

/** A `<method>_args { 1: request }` CALL (or another message type) as one buffer. */
export function encodeMessage(
  method: string,
  request: ThriftStruct,
  seqid: number,
  options: { protocol?: WireProtocol; type?: thrift.Thrift.MessageType; fieldId?: number } = {},
): Buffer {
  const type = options.type ?? thrift.Thrift.MessageType.CALL;
  return encodeEnvelope(options.protocol ?? 'binary', method, type, seqid, `${method}_args`, 'req', options.fieldId ?? 1, request);
}

/** A message whose body is `<structName> { fieldId: field }`, as one buffer. */
function encodeEnvelope(
  protocol: WireProtocol,
  method: string,
  type: thrift.Thrift.MessageType,
  seqid: number,
  structName: string,
  fieldName: string,
  fieldId: number,
  field: ThriftStruct,
): Buffer {
  let out: Buffer | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (buffer?: Buffer) => {
    out = buffer;
  });
  const proto = new (protocolClass(protocol))(transport);
  proto.writeMessageBegin(method, type, seqid);
  proto.writeStructBegin(structName);
  proto.writeFieldBegin(fieldName, thrift.Thrift.Type.STRUCT, fieldId);
  field.write(proto);
  proto.writeFieldEnd();
  proto.writeFieldStop();
  proto.writeStructEnd();
  proto.writeMessageEnd();
  transport.flush();
  if (out === undefined) throw new Error('thrift transport produced no bytes');
  return out;
}

export interface DecodedReply<R> {
  method: string;
  type: thrift.Thrift.MessageType;
  seqid: number;
  /** Field 0 of `<method>_result`, read with the generated response class. */
  success?: R;
}

/** Reads a REPLY the way the driver's generated client does: header, then `<method>_result` field 0. */
export function decodeReply<R extends ReadableStruct>(body: Buffer, ResponseClass: new () => R, protocol: WireProtocol = 'binary'): DecodedReply<R> {
  let decoded: DecodedReply<R> | undefined;
  const receive = thrift.TBufferedTransport.receiver((transport: thrift.TTransport) => {
    const proto = new (protocolClass(protocol))(transport);
    const header = proto.readMessageBegin();
    const result: DecodedReply<R> = { method: header.fname, type: header.mtype, seqid: header.rseqid };
    proto.readStructBegin();
    for (;;) {
      const field = proto.readFieldBegin();
      if (field.ftype === thrift.Thrift.Type.STOP) break;
      if (field.fid === 0 && field.ftype === thrift.Thrift.Type.STRUCT) {
        const response = new ResponseClass();
        response.read(proto);
        result.success = response;
      } else proto.skip(field.ftype);
      proto.readFieldEnd();
    }
    proto.readStructEnd();
    proto.readMessageEnd();
    decoded = result;
  }, 0);
  receive(body);
  if (decoded === undefined) throw new Error('not a complete Thrift message');
  return decoded;
}

/** A REPLY `<method>_result { 0: response }`. */
export function encodeReply(method: string, response: ThriftStruct, seqid: number, protocol: WireProtocol = 'binary'): Buffer {
  return encodeEnvelope(protocol, method, thrift.Thrift.MessageType.REPLY, seqid, `${method}_result`, 'success', 0, response);
}

export const SECRET_PASSWORD = 'dapi-secret-token-never-recorded';

// The generated .d.ts files leave out read/write; every generated struct has them.
function struct(value: object): ThriftStruct {
  return value as ThriftStruct;
}

export function openSessionRequest(): ThriftStruct {
  return struct(
    new T.TOpenSessionReq({
      client_protocol: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      username: 'token',
      password: SECRET_PASSWORD,
    }),
  );
}

export function sessionHandle(): T.TSessionHandle {
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  return new T.TSessionHandle({ sessionId: new T.THandleIdentifier({ guid: id, secret: id }) });
}

export function executeStatementRequest(sql = 'SELECT 1'): ThriftStruct {
  return struct(new T.TExecuteStatementReq({ sessionHandle: sessionHandle(), statement: sql }));
}

export function closeSessionRequest(): ThriftStruct {
  return struct(new T.TCloseSessionReq({ sessionHandle: sessionHandle() }));
}

const SUCCESS = (): T.TStatus => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });

/** A SUCCESS reply for any TCLIService method: every T<Method>Resp has status as field 1. */
export function successReply(method: string, seqid: number, protocol: WireProtocol = 'binary'): Buffer {
  const response = struct(
    method === 'OpenSession'
      ? new T.TOpenSessionResp({ status: SUCCESS(), serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8, sessionHandle: sessionHandle() })
      : new T.TCloseSessionResp({ status: SUCCESS() }),
  );
  return encodeReply(method, response, seqid, protocol);
}

/** The header of a Thrift message read with the npm library, or undefined when the body is not Thrift. */
export function readMessageHeader(body: Buffer): { method: string; type: number; seqid: number; protocol: WireProtocol } | undefined {
  if (body.length < 4) return undefined;
  const protocol: WireProtocol = body[0] === 0x82 ? 'compact' : 'binary';
  if (protocol === 'binary' && body[0] !== 0x80) return undefined;
  let header: { method: string; type: number; seqid: number; protocol: WireProtocol } | undefined;
  try {
    thrift.TBufferedTransport.receiver((transport: thrift.TTransport) => {
      const begin = new (protocolClass(protocol))(transport).readMessageBegin();
      header = { method: begin.fname, type: begin.mtype, seqid: begin.rseqid, protocol };
    }, 0)(body);
  } catch {
    return undefined;
  }
  return header;
}

/**
 * An upstream warehouse: answers every Thrift CALL with a SUCCESS reply for the same method and seqid, in the
 * caller's protocol; anything else gets 400 with the body echoed, so tests can see exactly what arrived.
 */
export function answerThriftCalls(_req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const header = readMessageHeader(body);
  if (header === undefined) {
    res.writeHead(400, { 'content-type': 'application/octet-stream' });
    res.end(body);
    return;
  }
  const reply = successReply(header.method, header.seqid, header.protocol);
  res.writeHead(200, { 'content-type': 'application/x-thrift', 'content-length': reply.length });
  res.end(reply);
}

function operationHandle(): T.TOperationHandle {
  return new T.TOperationHandle({
    operationId: new T.THandleIdentifier({ guid: Buffer.alloc(16, 1), secret: Buffer.alloc(16, 2) }),
    operationType: T.TOperationType.EXECUTE_STATEMENT,
    hasResultSet: true,
  });
}

export function fetchResultsRequest(): ThriftStruct {
  return struct(new T.TFetchResultsReq({ operationHandle: operationHandle(), orientation: T.TFetchOrientation.FETCH_NEXT, maxRows: new Int64(1000) }));
}

/** A FetchResults SUCCESS reply carrying one inline Arrow batch of `arrowBytes` bytes (the batch is filler). */
export function fetchResultsReply(seqid: number, arrowBytes: number): Buffer {
  const response = new T.TFetchResultsResp({
    status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
    hasMoreRows: false,
    results: new T.TRowSet({
      startRowOffset: new Int64(0),
      rows: [],
      arrowBatches: [new T.TSparkArrowBatch({ batch: Buffer.alloc(arrowBytes, 7), rowCount: new Int64(1) })],
    }),
  });
  return encodeReply('FetchResults', struct(response), seqid);
}
