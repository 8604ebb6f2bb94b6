// TBinaryProtocol: big-endian fixed-width integers, i32-length-prefixed strings, strict (versioned) or old
// (name-length-first) message headers. Every length and count is checked against the bytes left before use.
import { ProtocolReader } from './protocol-reader';
import { fail, i64FromWords, MAX_METHOD_NAME_BYTES } from './reader-support';
import { MESSAGE_TYPE_BY_ID, TType, type DecodeLimits, type ThriftMessage } from './wire-types';

const VERSION_MASK = 0xffff0000;
const VERSION_1 = 0x80010000;

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

/** Smallest encoding of one value of each type: a count times this must fit in the bytes left. */
const MIN_SIZE: Readonly<Record<number, number>> = {
  ...FIXED_SIZE,
  [TType.STRING]: 4,
  [TType.STRUCT]: 1,
  [TType.MAP]: 6,
  [TType.SET]: 5,
  [TType.LIST]: 5,
};

/** No second element type: a list or set header, not a map's (wire types are bytes, so never -1). */
const NO_TYPE = -1;

export class BinaryProtocolReader extends ProtocolReader {
  constructor(buf: Buffer, limits: DecodeLimits) {
    super(buf, limits, FIXED_SIZE);
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

  protected readFieldHeader(): number {
    const type = this.u8();
    if (type !== TType.STOP) this.fieldId = this.i16();
    return type;
  }

  protected skipFieldHeader(): number {
    const type = this.u8();
    if (type !== TType.STOP) {
      this.need(2);
      this.pos += 2;
    }
    return type;
  }

  protected readListHeader(): number {
    const elementType = this.u8();
    this.elementType = elementType;
    return this.count(elementType, NO_TYPE);
  }

  protected readMapHeader(): number {
    const keyType = this.u8();
    const valueType = this.u8();
    this.keyType = keyType;
    this.valueType = valueType;
    return this.count(keyType, valueType);
  }

  /**
   * A container's element count, rejected unless that many of the smallest elements (one of `type`, plus one of
   * `valueType` for a map) fit in what is left.
   */
  private count(type: number, valueType: number): number {
    const size = this.i32();
    if (size < 0) fail(`negative container size ${size} at offset ${this.pos - 4}`);
    if (size === 0) return 0;
    let min = this.minSize(type);
    if (valueType !== NO_TYPE) min += this.minSize(valueType);
    this.checkFits(size, min);
    return size;
  }

  private minSize(type: number): number {
    return MIN_SIZE[type] ?? fail(`unknown element type ${type} at offset ${this.pos - 4}`);
  }

  protected stringLength(): number {
    const length = this.i32();
    if (length < 0) fail(`negative string length ${length} at offset ${this.pos - 4}`);
    this.need(length);
    return length;
  }

  protected readBool(): boolean {
    return this.u8() !== 0;
  }

  protected readI16(): number {
    return this.i16();
  }

  protected readI32(): number {
    return this.i32();
  }

  protected readI64(): number | string {
    this.need(8);
    const value = i64FromWords(this.buf.readInt32BE(this.pos), this.buf.readUInt32BE(this.pos + 4));
    this.pos += 8;
    return value;
  }

  protected readDouble(): number {
    this.need(8);
    const value = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return value;
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
