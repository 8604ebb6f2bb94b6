// Decodes one Thrift message from an HTTP body without a schema. Runs on every proxied call: it never throws,
// allocates only in proportion to the bytes it was given (and at most DecodeLimits nodes), and keeps binary
// values as views into the body, so megabytes of Arrow bytes in a FetchResults reply are skipped, not copied.
import { BinaryProtocolReader } from './binary-protocol-reader';
import { COMPACT_PROTOCOL_ID, CompactProtocolReader } from './compact-protocol-reader';
import { DecodeFailure } from './reader-support';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type DecodeResult } from './wire-types';

export type {
  DecodeLimits,
  DecodeResult,
  ThriftBool,
  ThriftBytes,
  ThriftDouble,
  ThriftField,
  ThriftI64,
  ThriftList,
  ThriftMap,
  ThriftMapEntry,
  ThriftMessage,
  ThriftProtocol,
  ThriftSmallInt,
  ThriftStruct,
  ThriftUuid,
  ThriftValue,
} from './wire-types';
export { DEFAULT_DECODE_LIMITS, TType } from './wire-types';

export function decodeThriftMessage(buf: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodeResult {
  if (buf.length === 0) return { ok: false, error: 'empty body' };
  try {
    // A non-strict binary header starts with a non-negative name length, a strict one with 0x80: 0x82 is compact.
    const reader = buf[0] === COMPACT_PROTOCOL_ID ? new CompactProtocolReader(buf, limits) : new BinaryProtocolReader(buf, limits);
    return { ok: true, message: reader.readMessage() };
  } catch (e) {
    if (e instanceof DecodeFailure) return { ok: false, error: e.message };
    // A reader bug must not take the proxy down with it; the body is still forwarded untouched.
    return { ok: false, error: `decoder error: ${e instanceof Error ? e.message : String(e)}` };
  }
}
