// TCompactProtocol: zigzag varints, field ids as deltas, booleans folded into field headers, element counts in
// nibbles. Every length and count is checked against the bytes left before use.
import { ProtocolReader } from './protocol-reader';
import { fail, i64FromBigInt, MAX_METHOD_NAME_BYTES } from './reader-support';
import { MESSAGE_TYPE_BY_ID, TType, type DecodeLimits, type ThriftMessage, type ThriftValue } from './wire-types';

export const COMPACT_PROTOCOL_ID = 0x82;
const COMPACT_VERSION = 1;
/** Booleans: 1 is true; 2 (and 0, from old writers) is false. */
const COMPACT_BOOLEAN_TRUE = 1;

/** Compact type nibble -> TType. Both boolean nibbles mean BOOL (in a field header they also carry the value). */
const TTYPE_BY_COMPACT: readonly (number | undefined)[] = [
  undefined,
  TType.BOOL,
  TType.BOOL,
  TType.BYTE,
  TType.I16,
  TType.I32,
  TType.I64,
  TType.DOUBLE,
  TType.STRING,
  TType.LIST,
  TType.SET,
  TType.MAP,
  TType.STRUCT,
  TType.UUID,
];

/** Smallest encoding of one value of each type, for checking counts against the bytes left. */
const MIN_SIZE: Readonly<Record<number, number>> = { [TType.DOUBLE]: 8, [TType.UUID]: 16 };
const minSize = (type: number): number => MIN_SIZE[type] ?? 1;

const FIXED_SIZE: Readonly<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 1,
  [TType.DOUBLE]: 8,
  [TType.UUID]: 16,
};

const MAX_VARINT32_BYTES = 5;
const MAX_VARINT64_BYTES = 10;
/** Up to 7 varint bytes (49 bits) still add up exactly in a double. */
const MAX_EXACT_VARINT_BYTES = 7;

export class CompactProtocolReader extends ProtocolReader {
  /** Whether the boolean field whose header was just read is true: compact folds the value into the header. */
  private fieldBoolTrue = false;

  constructor(buf: Buffer, limits: DecodeLimits) {
    super(buf, limits, FIXED_SIZE);
  }

  readMessage(): ThriftMessage {
    const protocolId = this.u8();
    if (protocolId !== COMPACT_PROTOCOL_ID) fail(`not a compact protocol message (first byte 0x${protocolId.toString(16)})`);
    const versionAndType = this.u8();
    const version = versionAndType & 0x1f;
    if (version !== COMPACT_VERSION) fail(`unsupported compact protocol version ${version}`);
    const typeId = (versionAndType >> 5) & 0x07;
    const type = MESSAGE_TYPE_BY_ID[typeId] ?? fail(`unknown message type ${typeId}`);
    const seqid = this.varint32() | 0;
    const nameLength = this.size();
    if (nameLength > MAX_METHOD_NAME_BYTES) fail(`implausible method name length ${nameLength}`);
    this.need(nameLength);
    const name = this.buf.toString('utf8', this.pos, this.pos + nameLength);
    this.pos += nameLength;
    const body = this.readStruct(1);
    return {
      protocol: 'compact',
      strictHeader: true,
      name,
      type,
      seqid,
      body,
      byteLength: this.pos,
      trailingBytes: this.buf.length - this.pos,
    };
  }

  protected readFieldHeader(lastId: number): number {
    const header = this.u8();
    const compactType = header & 0x0f;
    if (compactType === 0) return TType.STOP;
    const delta = header >> 4;
    this.fieldId = delta === 0 ? zigzag32(this.varint32()) : lastId + delta;
    const type = this.ttype(compactType);
    this.fieldBoolTrue = compactType === COMPACT_BOOLEAN_TRUE;
    return type;
  }

  protected skipFieldHeader(): number {
    const header = this.u8();
    const compactType = header & 0x0f;
    if (compactType === 0) return TType.STOP;
    if (header >> 4 === 0) this.skipVarint();
    return this.ttype(compactType);
  }

  protected override readFieldValue(type: number, depth: number): ThriftValue {
    if (type === TType.BOOL) return { type: TType.BOOL, value: this.fieldBoolTrue };
    return super.readFieldValue(type, depth);
  }

  /** A boolean field's value is in its header: nothing follows it to skip. */
  protected override skipFieldValue(type: number, depth: number): void {
    if (type !== TType.BOOL) super.skipFieldValue(type, depth);
  }

  protected override skipOther(type: number): void {
    if (type === TType.I16 || type === TType.I32 || type === TType.I64) this.skipVarint();
    else super.skipOther(type);
  }

  protected readListHeader(): number {
    const header = this.u8();
    const elementType = this.ttype(header & 0x0f);
    const shortSize = header >> 4;
    const size = shortSize === 15 ? this.size() : shortSize;
    this.checkFits(size, minSize(elementType));
    this.elementType = elementType;
    return size;
  }

  protected readMapHeader(): number {
    const size = this.size();
    if (size === 0) {
      this.keyType = TType.STOP;
      this.valueType = TType.STOP;
      return size;
    }
    const types = this.u8();
    const keyType = this.ttype(types >> 4);
    const valueType = this.ttype(types & 0x0f);
    this.checkFits(size, minSize(keyType) + minSize(valueType));
    this.keyType = keyType;
    this.valueType = valueType;
    return size;
  }

  protected stringLength(): number {
    const length = this.size();
    this.need(length);
    return length;
  }

  protected readBool(): boolean {
    return this.u8() === COMPACT_BOOLEAN_TRUE;
  }

  protected readI16(): number {
    return zigzag32(this.varint32());
  }

  protected readI32(): number {
    return zigzag32(this.varint32());
  }

  protected readI64(): number | string {
    return this.zigzagVarint64();
  }

  protected readDouble(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  private ttype(compactType: number): number {
    return TTYPE_BY_COMPACT[compactType] ?? fail(`unknown compact type ${compactType} at offset ${this.pos}`);
  }

  /** A non-negative varint used as a length or count. */
  private size(): number {
    const v = this.varint32();
    if (v > 0x7fffffff) fail(`implausible size ${v} at offset ${this.pos}`);
    return v;
  }

  /** An unsigned 32-bit varint, as a number in [0, 2^32). */
  private varint32(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT32_BYTES; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) fail(`varint overflows 32 bits at offset ${this.pos}`);
        return result;
      }
      scale *= 128;
    }
    return fail(`varint longer than ${MAX_VARINT32_BYTES} bytes at offset ${this.pos}`);
  }

  private zigzagVarint64(): number | string {
    const start = this.pos;
    const end = this.varintEnd();
    this.pos = end;
    if (end - start <= MAX_EXACT_VARINT_BYTES) {
      let u = 0;
      let scale = 1;
      for (let i = start; i < end; i++, scale *= 128) u += (this.buf[i] & 0x7f) * scale;
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    let u = 0n;
    for (let i = end - 1; i >= start; i--) u = (u << 7n) | BigInt(this.buf[i] & 0x7f);
    u = BigInt.asUintN(64, u);
    return i64FromBigInt(BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n)));
  }

  private skipVarint(): void {
    this.pos = this.varintEnd();
  }

  /** Offset just past the varint starting at pos. */
  private varintEnd(): number {
    for (let i = this.pos; i < this.pos + MAX_VARINT64_BYTES; i++) {
      if (i >= this.buf.length) fail(`truncated varint at offset ${this.pos}`);
      if ((this.buf[i] & 0x80) === 0) return i + 1;
    }
    return fail(`varint longer than ${MAX_VARINT64_BYTES} bytes at offset ${this.pos}`);
  }
}

function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}
