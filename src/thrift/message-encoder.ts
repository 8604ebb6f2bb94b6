// Writes a decoded field tree back to bytes, in the protocol it came in (binary with a strict or old header, or
// compact). Together with a lossless decode (LOSSLESS_DECODE_LIMITS) this round-trips: a reply written by a
// canonical Thrift writer (Apache Thrift's, the official driver's) re-encodes byte for byte, and an edited tree
// encodes to what those writers would have written for it. A tree the decoder cut short (omitted fields or
// elements) cannot be written back: that is an error, never silently shorter output.
import type { ThriftMessageType } from '../core/model';
import { ByteSink } from './byte-sink';
import { COMPACT_PROTOCOL_ID } from './compact-protocol-reader';
import {
  MESSAGE_TYPE_ID,
  TType,
  type DecodeLimits,
  type ThriftMap,
  type ThriftList,
  type ThriftMessage,
  type ThriftStruct,
  type ThriftValue,
} from './wire-types';

/** Limits under which a decode keeps every node, so the tree can be encoded again. Depth stays bounded. */
export const LOSSLESS_DECODE_LIMITS: Readonly<DecodeLimits> = {
  maxDepth: 64,
  maxElementsPerContainer: Number.POSITIVE_INFINITY,
  maxNodes: Number.POSITIVE_INFINITY,
};

/** What the encoder needs of a message: its header and body. */
export type EncodableMessage = Pick<ThriftMessage, 'protocol' | 'strictHeader' | 'name' | 'type' | 'seqid' | 'body'>;

/** The tree cannot be written: incomplete (decoded under limits) or inconsistent (a value of the wrong type). */
export class ThriftEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThriftEncodeError';
  }
}

export function encodeThriftMessage(message: EncodableMessage): Buffer {
  const writer = message.protocol === 'compact' ? new CompactWriter() : new BinaryWriter(message.strictHeader);
  writer.messageBegin(message.name, message.type, message.seqid);
  writer.struct(message.body, 'body');
  return writer.finish();
}

const BINARY_VERSION_1 = 0x80010000;
const COMPACT_VERSION = 1;
const TWO_POW_52 = 4503599627370496;

abstract class TreeWriter {
  protected readonly out = new ByteSink();

  abstract messageBegin(name: string, type: ThriftMessageType, seqid: number): void;
  protected abstract fieldHeader(type: number, id: number, value: ThriftValue): void;
  protected abstract fieldStop(): void;
  protected abstract structBegin(): void;
  protected abstract listHeader(node: ThriftList): void;
  protected abstract mapHeader(node: ThriftMap): void;
  protected abstract bool(v: boolean): void;
  protected abstract i16(v: number): void;
  protected abstract i32(v: number): void;
  protected abstract i64(v: number | bigint): void;
  protected abstract double(v: number): void;
  protected abstract length(n: number): void;
  /** Whether a struct field of this type carries its value in its header (compact booleans). */
  protected abstract valueInHeader(type: number): boolean;

  finish(): Buffer {
    return this.out.finish();
  }

  struct(node: ThriftStruct, at: string): void {
    if (node.omittedFields > 0) throw new ThriftEncodeError(`${at}: ${node.omittedFields} fields were not decoded; decode with LOSSLESS_DECODE_LIMITS`);
    this.structBegin();
    for (const field of node.fields) {
      const path = `${at}.${field.id}`;
      checkFieldId(field.id, path);
      this.fieldHeader(field.value.type, field.id, field.value);
      if (!this.valueInHeader(field.value.type)) this.value(field.value, path);
    }
    this.fieldStop();
  }

  private value(node: ThriftValue, at: string): void {
    switch (node.type) {
      case TType.BOOL:
        return this.bool(node.value);
      case TType.BYTE:
        checkInteger(node.value, -0x80, 0x7f, at);
        return this.out.i8(node.value);
      case TType.I16:
        checkInteger(node.value, -0x8000, 0x7fff, at);
        return this.i16(node.value);
      case TType.I32:
        checkInteger(node.value, -0x80000000, 0x7fffffff, at);
        return this.i32(node.value);
      case TType.I64:
        return this.i64(i64Of(node.value, at));
      case TType.DOUBLE:
        return this.double(node.value);
      case TType.STRING:
        this.length(node.bytes.length);
        return this.out.bytes(node.bytes);
      case TType.UUID:
        return this.out.bytes(uuidBytes(node.value, at));
      case TType.STRUCT:
        return this.struct(node, at);
      case TType.LIST:
      case TType.SET:
        checkComplete(node.size, node.elements.length, at);
        this.listHeader(node);
        for (let i = 0; i < node.elements.length; i++) {
          const element = node.elements[i];
          checkType(element, node.elementType, `${at}[${i}]`);
          this.value(element, `${at}[${i}]`);
        }
        return;
      case TType.MAP:
        checkComplete(node.size, node.entries.length, at);
        this.mapHeader(node);
        for (let i = 0; i < node.entries.length; i++) {
          const { key, value } = node.entries[i];
          checkType(key, node.keyType, `${at}{${i}}.key`);
          checkType(value, node.valueType, `${at}{${i}}.value`);
          this.value(key, `${at}{${i}}.key`);
          this.value(value, `${at}{${i}}.value`);
        }
        return;
      default:
        throw new ThriftEncodeError(`${at}: unknown type ${(node as { type: number }).type}`);
    }
  }
}

class BinaryWriter extends TreeWriter {
  constructor(private readonly strictHeader: boolean) {
    super();
  }

  messageBegin(name: string, type: ThriftMessageType, seqid: number): void {
    const nameBytes = Buffer.from(name, 'utf8');
    if (this.strictHeader) {
      this.out.i32be(BINARY_VERSION_1 | MESSAGE_TYPE_ID[type]);
      this.out.i32be(nameBytes.length);
      this.out.bytes(nameBytes);
    } else {
      this.out.i32be(nameBytes.length);
      this.out.bytes(nameBytes);
      this.out.u8(MESSAGE_TYPE_ID[type]);
    }
    this.out.i32be(seqid);
  }

  protected fieldHeader(type: number, id: number): void {
    this.out.u8(type);
    this.out.i16be(id);
  }

  protected fieldStop(): void {
    this.out.u8(TType.STOP);
  }

  protected structBegin(): void {}

  protected listHeader(node: ThriftList): void {
    this.out.u8(node.elementType);
    this.out.i32be(node.size);
  }

  protected mapHeader(node: ThriftMap): void {
    this.out.u8(node.keyType);
    this.out.u8(node.valueType);
    this.out.i32be(node.size);
  }

  protected bool(v: boolean): void {
    this.out.u8(v ? 1 : 0);
  }

  protected i16(v: number): void {
    this.out.i16be(v);
  }

  protected i32(v: number): void {
    this.out.i32be(v);
  }

  protected i64(v: number | bigint): void {
    if (typeof v === 'number') this.out.i64be(v);
    else this.out.bigI64be(v);
  }

  protected double(v: number): void {
    this.out.doubleBe(v);
  }

  protected length(n: number): void {
    this.out.i32be(n);
  }

  protected valueInHeader(): boolean {
    return false;
  }
}

/** TType -> compact type nibble. BOOL is 1 (true) for element types; a boolean field's header says 1 or 2. */
const COMPACT_TYPE: Readonly<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 3,
  [TType.I16]: 4,
  [TType.I32]: 5,
  [TType.I64]: 6,
  [TType.DOUBLE]: 7,
  [TType.STRING]: 8,
  [TType.LIST]: 9,
  [TType.SET]: 10,
  [TType.MAP]: 11,
  [TType.STRUCT]: 12,
  [TType.UUID]: 13,
};
const COMPACT_BOOLEAN_TRUE = 1;
const COMPACT_BOOLEAN_FALSE = 2;
const COMPACT_SHORT_LIST_MAX = 14;
const COMPACT_MAX_FIELD_DELTA = 15;

class CompactWriter extends TreeWriter {
  /** The last field id written in each open struct: compact field ids are deltas from it. */
  private readonly lastIds: number[] = [];

  messageBegin(name: string, type: ThriftMessageType, seqid: number): void {
    this.out.u8(COMPACT_PROTOCOL_ID);
    this.out.u8((MESSAGE_TYPE_ID[type] << 5) | COMPACT_VERSION);
    this.out.varint(seqid >>> 0);
    const nameBytes = Buffer.from(name, 'utf8');
    this.out.varint(nameBytes.length);
    this.out.bytes(nameBytes);
  }

  protected structBegin(): void {
    this.lastIds.push(0);
  }

  protected fieldStop(): void {
    this.out.u8(TType.STOP);
    this.lastIds.pop();
  }

  protected fieldHeader(type: number, id: number, value: ThriftValue): void {
    const compactType = value.type === TType.BOOL ? (value.value ? COMPACT_BOOLEAN_TRUE : COMPACT_BOOLEAN_FALSE) : compactTypeOf(type);
    const top = this.lastIds.length - 1;
    const delta = id - this.lastIds[top];
    if (delta > 0 && delta <= COMPACT_MAX_FIELD_DELTA) this.out.u8((delta << 4) | compactType);
    else {
      this.out.u8(compactType);
      this.out.varint(zigzag32(id));
    }
    this.lastIds[top] = id;
  }

  protected listHeader(node: ThriftList): void {
    const compactType = compactTypeOf(node.elementType);
    if (node.size <= COMPACT_SHORT_LIST_MAX) this.out.u8((node.size << 4) | compactType);
    else {
      this.out.u8(0xf0 | compactType);
      this.out.varint(node.size);
    }
  }

  protected mapHeader(node: ThriftMap): void {
    if (node.size === 0) {
      this.out.u8(0);
      return;
    }
    this.out.varint(node.size);
    this.out.u8((compactTypeOf(node.keyType) << 4) | compactTypeOf(node.valueType));
  }

  protected bool(v: boolean): void {
    this.out.u8(v ? COMPACT_BOOLEAN_TRUE : COMPACT_BOOLEAN_FALSE);
  }

  protected i16(v: number): void {
    this.out.varint(zigzag32(v));
  }

  protected i32(v: number): void {
    this.out.varint(zigzag32(v));
  }

  protected i64(v: number | bigint): void {
    // Doubling is exact for any double, and below 2^52 so is the -1: small values need no BigInt.
    if (typeof v === 'number' && Math.abs(v) < TWO_POW_52) this.out.varint(v >= 0 ? v * 2 : -v * 2 - 1);
    else {
      const b = BigInt(v);
      this.out.bigVarint((b << 1n) ^ (b >> 63n));
    }
  }

  protected double(v: number): void {
    this.out.doubleLe(v);
  }

  protected length(n: number): void {
    this.out.varint(n);
  }

  protected valueInHeader(type: number): boolean {
    return type === TType.BOOL;
  }
}

function compactTypeOf(type: number): number {
  const compact = COMPACT_TYPE[type];
  if (compact === undefined) throw new ThriftEncodeError(`type ${type} has no compact protocol encoding`);
  return compact;
}

function zigzag32(v: number): number {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

function checkFieldId(id: number, at: string): void {
  checkInteger(id, -0x8000, 0x7fff, at);
}

function checkInteger(v: number, min: number, max: number, at: string): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new ThriftEncodeError(`${at}: ${v} is not an integer in [${min}, ${max}]`);
}

function checkComplete(size: number, kept: number, at: string): void {
  if (size !== kept) throw new ThriftEncodeError(`${at}: ${size - kept} of ${size} elements were not decoded; decode with LOSSLESS_DECODE_LIMITS`);
}

function checkType(node: ThriftValue, declared: number, at: string): void {
  if (node.type !== declared) throw new ThriftEncodeError(`${at}: a value of type ${node.type} in a container of type ${declared}`);
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** A decoded i64 (a safe integer, or a decimal string beyond that) as something the writers take. */
function i64Of(v: number | string, at: string): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new ThriftEncodeError(`${at}: i64 ${v} is not a safe integer; give it as a decimal string`);
    return v;
  }
  if (!/^-?\d{1,20}$/.test(v)) throw new ThriftEncodeError(`${at}: i64 "${v}" is not a decimal integer`);
  const b = BigInt(v);
  if (b < I64_MIN || b > I64_MAX) throw new ThriftEncodeError(`${at}: i64 ${v} is out of range`);
  return b;
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uuidBytes(text: string, at: string): Buffer {
  if (!UUID_TEXT.test(text)) throw new ThriftEncodeError(`${at}: "${text}" is not a UUID`);
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}
