// The official driver's own generated client and processor, used as the independent party in codec tests:
// calls are written by `Client.send_<Method>` (its `<Method>_args` class), replies by `Processor` (its
// `<Method>_result` class) and read back by `Client.recv_<Method>`, all over the npm thrift library.
import * as thrift from 'thrift';
import * as TCLIService from '@databricks/sql/thrift/TCLIService';

export type DriverProtocol = 'binary' | 'binary-old-header' | 'compact';

type ProtocolClass = new (transport: thrift.TTransport) => thrift.TProtocol;

/** TBinaryProtocol with strictWrite off: the old name-length-first message header. */
class OldHeaderBinaryProtocol extends thrift.TBinaryProtocol {
  constructor(transport: thrift.TTransport) {
    super(transport, false, false);
  }
}

function protocolClass(protocol: DriverProtocol): ProtocolClass {
  if (protocol === 'compact') return thrift.TCompactProtocol as unknown as ProtocolClass;
  return protocol === 'binary' ? (thrift.TBinaryProtocol as unknown as ProtocolClass) : OldHeaderBinaryProtocol;
}

type Callback = (err: unknown, result?: unknown) => void;

interface GeneratedClient {
  _seqid: number;
  _reqs: Record<number, Callback>;
  [sendOrRecv: string]: unknown;
}

interface GeneratedProcessor {
  process(input: thrift.TProtocol, output: thrift.TProtocol): void;
}

function bufferedOutput(): { transport: thrift.TBufferedTransport; bytes: () => Buffer } {
  let out: Buffer | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (buffer?: Buffer) => {
    out = buffer;
  });
  return {
    transport,
    bytes: () => {
      if (out === undefined) throw new Error('the driver wrote nothing');
      return out;
    },
  };
}

function call(target: GeneratedClient, fn: string, ...args: unknown[]): unknown {
  const f = target[fn];
  if (typeof f !== 'function') throw new Error(`the driver's client has no ${fn}`);
  return (f as (...a: unknown[]) => unknown).apply(target, args);
}

/** A CALL of `method` with `req` (a T<Method>Req instance), written by the driver's client. */
export function driverCall(method: string, req: object, seqid: number, protocol: DriverProtocol = 'binary'): Buffer {
  const out = bufferedOutput();
  const client = new TCLIService.Client(out.transport, protocolClass(protocol)) as unknown as GeneratedClient;
  client._seqid = seqid;
  call(client, `send_${method}`, req);
  return out.bytes();
}

/** The REPLY the driver's processor writes when its handler answers `callBytes` with `resp`. */
export function driverReply(method: string, callBytes: Buffer, resp: object, protocol: DriverProtocol = 'binary'): Buffer {
  const out = bufferedOutput();
  const P = protocolClass(protocol);
  // Two-argument handlers take the processor's callback path (the promise path needs thrift.Q, long gone).
  const handler = { [method]: (_req: unknown, done: Callback) => done(null, resp) };
  const processor = new TCLIService.Processor(handler as never) as unknown as GeneratedProcessor;
  readAll(callBytes, (transport) => processor.process(new P(transport), new P(out.transport)));
  return out.bytes();
}

export interface DriverReadReply {
  name: string;
  type: number;
  seqid: number;
  error?: unknown;
  success?: unknown;
}

/** Reads a reply with the driver's client (`recv_<method>`, hence its `<Method>_result` class). */
export function driverReadReply(method: string, replyBytes: Buffer, protocol: DriverProtocol = 'binary'): DriverReadReply {
  const client = new TCLIService.Client(bufferedOutput().transport, protocolClass(protocol)) as unknown as GeneratedClient;
  let result: DriverReadReply | undefined;
  readAll(replyBytes, (transport) => {
    const input = new (protocolClass(protocol))(transport);
    const header = input.readMessageBegin();
    // npm thrift hands an old-style header's name back as a Buffer; the driver's client never looks at it.
    const read: DriverReadReply = { name: String(header.fname), type: header.mtype, seqid: header.rseqid };
    client._reqs[header.rseqid] = (err, success) => {
      read.error = err ?? undefined;
      read.success = success;
    };
    call(client, `recv_${method}`, input, header.mtype, header.rseqid);
    result = read;
  });
  if (result === undefined) throw new Error('the driver read no reply');
  return result;
}

function readAll(bytes: Buffer, onMessage: (transport: thrift.TTransport) => void): void {
  thrift.TBufferedTransport.receiver((transport) => onMessage(transport), 0)(bytes);
}
