// TBinaryProtocol: big-endian fixed-width integers, i32-length-prefixed strings, strict (versioned) or old
// (name-length-first) message headers. Every length and count is checked against the bytes left before use.
import { fail, formatUuid, i64FromWords, MAX_METHOD_NAME_BYTES, NodeBudget } from './reader-support';
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

const VERSION_MASK = 0xffff0000;
const VERSION_1 = 0x80010000;

/** Smallest encoding of one value of each type: a count times this must fit in the bytes left. */
const MIN_SIZE: Readonly<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 1,
  [TType.I16]: 2,
  [TType.I32]: 4,
  [TType.I64]: 8,
  [TType.DOUBLE]: 8,
  [TType.STRING]: 4,
  [TType.STRUCT]: 1,
  [TType.MAP]: 6,
  [TType.SET]: 5,
  [TType.LIST]: 5,
  [TType.UUID]: 16,
};

/** Types whose every value has the same size: a skipped list of them is skipped in one step. */
const FIXED_SIZE: Readonly<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 1,
  [TType.I16]: 2,
  [TType.I32]: 4,
  [TType.I64]: 8,
  [TType.DOUBLE]: 8,
  [TType.UUID]: 16,
};

export class BinaryProtocolReader {
  private pos = 0;
  private readonly budget: NodeBudget;

  constructor(
    private readonly buf: Buffer,
    limits: DecodeLimits,
  ) {
    this.budget = new NodeBudget(limits);
  }

  readMessage(): ThriftMessage {
    const first = this.i32();
    let strictHeader: boolean;
    let typeId: number;
    let name: string;
    if (first < 0) {
      if ((first & VERSION_MASK) >>> 0 !== VERSION_1) fail(`bad binary protocol version 0x${(first >>> 0).toString(16)}`);
      strictHeader = true;
      typeId = first & 0xff;
      name = this.methodName(this.i32());
    } else {
      strictHeader = false;
      name = this.methodName(first);
      typeId = this.u8();
    }
    const type = MESSAGE_TYPE_BY_ID[typeId] ?? fail(`unknown message type ${typeId}`);
    const seqid = this.i32();
    const body = this.readStruct(1);
    return { protocol: 'binary', strictHeader, name, type, seqid, body, byteLength: this.pos, trailingBytes: this.buf.length - this.pos };
  }

  private methodName(length: number): string {
    if (length < 0 || length > MAX_METHOD_NAME_BYTES) fail(`implausible method name length ${length}`);
    this.need(length);
    const name = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return name;
  }

  private readStruct(depth: number): ThriftStruct {
    this.budget.checkDepth(depth, this.pos);
    const fields: ThriftField[] = [];
    let omittedFields = 0;
    for (;;) {
      const type = this.u8();
      if (type === TType.STOP) return { type: TType.STRUCT, fields, omittedFields };
      const id = this.i16();
      if (this.budget.take(fields.length)) fields.push({ id, value: this.readValue(type, depth) });
      else {
        this.skipValue(type, depth);
        omittedFields++;
      }
    }
  }

  private readValue(type: number, depth: number): ThriftValue {
    switch (type) {
      case TType.BOOL:
        return { type: TType.BOOL, value: this.u8() !== 0 };
      case TType.BYTE:
        this.need(1);
        return { type: TType.BYTE, value: this.buf.readInt8(this.pos++) };
      case TType.I16:
        return { type: TType.I16, value: this.i16() };
      case TType.I32:
        return { type: TType.I32, value: this.i32() };
      case TType.I64: {
        this.need(8);
        const value = i64FromWords(this.buf.readInt32BE(this.pos), this.buf.readUInt32BE(this.pos + 4));
        this.pos += 8;
        return { type: TType.I64, value };
      }
      case TType.DOUBLE: {
        this.need(8);
        const value = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return { type: TType.DOUBLE, value };
      }
      case TType.STRING: {
        const length = this.length();
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
        const elementType = this.u8();
        const size = this.count([elementType]);
        const elements: ThriftValue[] = [];
        let i = 0;
        for (; i < size && this.budget.take(elements.length); i++) elements.push(this.readValue(elementType, depth + 1));
        this.skipValues(elementType, size - i, depth + 1);
        return { type: type === TType.LIST ? TType.LIST : TType.SET, elementType, size, elements };
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const keyType = this.u8();
        const valueType = this.u8();
        const size = this.count([keyType, valueType]);
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
      case TType.STRING: {
        const length = this.length();
        this.pos += length;
        return;
      }
      case TType.STRUCT: {
        this.budget.checkDepth(depth + 1, this.pos);
        for (;;) {
          const fieldType = this.u8();
          if (fieldType === TType.STOP) return;
          this.need(2);
          this.pos += 2;
          this.skipValue(fieldType, depth + 1);
        }
      }
      case TType.LIST:
      case TType.SET: {
        this.budget.checkDepth(depth + 1, this.pos);
        const elementType = this.u8();
        this.skipValues(elementType, this.count([elementType]), depth + 1);
        return;
      }
      case TType.MAP: {
        this.budget.checkDepth(depth + 1, this.pos);
        const keyType = this.u8();
        const valueType = this.u8();
        const size = this.count([keyType, valueType]);
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

  /** A container's element count, rejected unless that many of the smallest elements fit in what is left. */
  private count(types: readonly number[]): number {
    const size = this.i32();
    if (size < 0) fail(`negative container size ${size} at offset ${this.pos - 4}`);
    if (size === 0) return 0;
    let min = 0;
    for (const t of types) min += MIN_SIZE[t] ?? fail(`unknown element type ${t} at offset ${this.pos - 4}`);
    if (size * min > this.buf.length - this.pos) {
      fail(`container of ${size} elements does not fit in the ${this.buf.length - this.pos} bytes left at offset ${this.pos}`);
    }
    return size;
  }

  private length(): number {
    const length = this.i32();
    if (length < 0) fail(`negative string length ${length} at offset ${this.pos - 4}`);
    this.need(length);
    return length;
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

  private i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
}
