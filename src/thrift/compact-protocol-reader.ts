// TCompactProtocol: zigzag varints, field ids as deltas, booleans folded into field headers, element counts in
// nibbles. Every length and count is checked against the bytes left before use.
import { fail, formatUuid, i64FromBigInt, MAX_METHOD_NAME_BYTES, NodeBudget } from './reader-support';
import {
  MESSAGE_TYPE_BY_ID,
  TType,
  type DecodeLimits,
  type ThriftField,
  type ThriftMapEntry,
  type ThriftMessage,
  type ThriftStruct,
  type ThriftValue,
} from './wire-types';

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

export class CompactProtocolReader {
  private pos = 0;
  private readonly budget: NodeBudget;

  constructor(
    private readonly buf: Buffer,
    limits: DecodeLimits,
  ) {
    this.budget = new NodeBudget(limits);
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

  private readStruct(depth: number): ThriftStruct {
    this.budget.checkDepth(depth, this.pos);
    const fields: ThriftField[] = [];
    let omittedFields = 0;
    let lastId = 0;
    for (;;) {
      const header = this.u8();
      const compactType = header & 0x0f;
      if (compactType === 0) return { type: TType.STRUCT, fields, omittedFields };
      const delta = header >> 4;
      const id = delta === 0 ? zigzag32(this.varint32()) : lastId + delta;
      lastId = id;
      const type = this.ttype(compactType);
      const keep = this.budget.take(fields.length);
      if (type === TType.BOOL) {
        if (keep) fields.push({ id, value: { type: TType.BOOL, value: compactType === COMPACT_BOOLEAN_TRUE } });
        else omittedFields++;
      } else if (keep) {
        fields.push({ id, value: this.readValue(type, depth) });
      } else {
        this.skipValue(type, depth);
        omittedFields++;
      }
    }
  }

  private readValue(type: number, depth: number): ThriftValue {
    switch (type) {
      case TType.BOOL:
        return { type: TType.BOOL, value: this.u8() === COMPACT_BOOLEAN_TRUE };
      case TType.BYTE:
        this.need(1);
        return { type: TType.BYTE, value: this.buf.readInt8(this.pos++) };
      case TType.I16:
        return { type: TType.I16, value: zigzag32(this.varint32()) };
      case TType.I32:
        return { type: TType.I32, value: zigzag32(this.varint32()) };
      case TType.I64:
        return { type: TType.I64, value: this.zigzagVarint64() };
      case TType.DOUBLE: {
        this.need(8);
        const value = this.buf.readDoubleLE(this.pos);
        this.pos += 8;
        return { type: TType.DOUBLE, value };
      }
      case TType.STRING: {
        const length = this.size();
        this.need(length);
        const bytes = this.buf.subarray(this.pos, this.pos + length);
        this.pos += length;
        return { type: TType.STRING, bytes };
      }
      case TType.UUID: {
        this.need(16);
        const value = formatUuid(this.buf, this.pos);
        this.pos += 16;
        return { type: TType.UUID, value };
      }
      case TType.STRUCT:
        return this.readStruct(depth + 1);
      case TType.LIST:
      case TType.SET: {
        this.budget.checkDepth(depth + 1, this.pos);
        const { elementType, size } = this.listHeader();
        const elements: ThriftValue[] = [];
        let i = 0;
        for (; i < size && this.budget.take(elements.length); i++) elements.push(this.readValue(elementType, depth + 1));
        this.skipValues(elementType, size - i, depth + 1);
        return { type: type === TType.LIST ? TType.LIST : TType.SET, elementType, size, elements };
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const { keyType, valueType, size } = this.mapHeader();
        const entries: ThriftMapEntry[] = [];
        let i = 0;
        for (; i < size && this.budget.take(entries.length, 2); i++) {
          const key = this.readValue(keyType, depth + 1);
          entries.push({ key, value: this.readValue(valueType, depth + 1) });
        }
        for (; i < size; i++) {
          this.skipValue(keyType, depth + 1);
          this.skipValue(valueType, depth + 1);
        }
        return { type: TType.MAP, keyType, valueType, size, entries };
      }
      default:
        return fail(`unknown field type ${type} at offset ${this.pos}`);
    }
  }

  private skipValue(type: number, depth: number): void {
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) {
      this.need(fixed);
      this.pos += fixed;
      return;
    }
    switch (type) {
      case TType.I16:
      case TType.I32:
      case TType.I64:
        this.skipVarint();
        return;
      case TType.STRING: {
        const length = this.size();
        this.need(length);
        this.pos += length;
        return;
      }
      case TType.STRUCT: {
        this.budget.checkDepth(depth + 1, this.pos);
        for (;;) {
          const header = this.u8();
          const compactType = header & 0x0f;
          if (compactType === 0) return;
          if (header >> 4 === 0) this.skipVarint();
          const fieldType = this.ttype(compactType);
          if (fieldType !== TType.BOOL) this.skipValue(fieldType, depth + 1);
        }
      }
      case TType.LIST:
      case TType.SET: {
        this.budget.checkDepth(depth + 1, this.pos);
        const { elementType, size } = this.listHeader();
        this.skipValues(elementType, size, depth + 1);
        return;
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const { keyType, valueType, size } = this.mapHeader();
        for (let i = 0; i < size; i++) {
          this.skipValue(keyType, depth + 1);
          this.skipValue(valueType, depth + 1);
        }
        return;
      }
      default:
        fail(`unknown field type ${type} at offset ${this.pos}`);
    }
  }

  private skipValues(type: number, n: number, depth: number): void {
    if (n <= 0) return;
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) {
      this.need(fixed * n);
      this.pos += fixed * n;
      return;
    }
    for (let i = 0; i < n; i++) this.skipValue(type, depth);
  }

  private listHeader(): { elementType: number; size: number } {
    const header = this.u8();
    const elementType = this.ttype(header & 0x0f);
    const shortSize = header >> 4;
    const size = shortSize === 15 ? this.size() : shortSize;
    this.checkFits(size, minSize(elementType));
    return { elementType, size };
  }

  private mapHeader(): { keyType: number; valueType: number; size: number } {
    const size = this.size();
    if (size === 0) return { keyType: TType.STOP, valueType: TType.STOP, size };
    const types = this.u8();
    const keyType = this.ttype(types >> 4);
    const valueType = this.ttype(types & 0x0f);
    this.checkFits(size, minSize(keyType) + minSize(valueType));
    return { keyType, valueType, size };
  }

  private checkFits(count: number, elementSize: number): void {
    if (count * elementSize > this.buf.length - this.pos) {
      fail(`container of ${count} elements does not fit in the ${this.buf.length - this.pos} bytes left at offset ${this.pos}`);
    }
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

  private need(n: number): void {
    if (n > this.buf.length - this.pos) {
      fail(`truncated: ${n} bytes needed at offset ${this.pos}, ${this.buf.length - this.pos} left`);
    }
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
}

function zigzag32(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}
