// Just enough of the binary and compact protocols to write a small message of structs, i32s and strings
// (what an error reply needs). Not a general encoder.
import type { ThriftMessageType } from '../core/model';
import { MESSAGE_TYPE_ID, TType, type ThriftProtocol } from './wire-types';

export interface MessageWriter {
  messageBegin(name: string, type: ThriftMessageType, seqid: number): void;
  /** Opens a struct-valued field; close it with structEnd(). */
  structFieldBegin(id: number): void;
  i32Field(id: number, value: number): void;
  stringField(id: number, value: string): void;
  /** Writes the STOP that closes the current struct. */
  structEnd(): void;
  finish(): Buffer;
}

export function createMessageWriter(protocol: ThriftProtocol, strictHeader = true): MessageWriter {
  return protocol === 'compact' ? new CompactMessageWriter() : new BinaryMessageWriter(strictHeader);
}

class ByteSink {
  private buf = Buffer.allocUnsafe(256);
  private length = 0;

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }

  i16be(v: number): void {
    this.reserve(2);
    this.length = this.buf.writeInt16BE(v, this.length);
  }

  i32be(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32BE(v | 0, this.length);
  }

  bytes(b: Buffer): void {
    this.reserve(b.length);
    this.length += b.copy(this.buf, this.length);
  }

  varint(v: number): void {
    let n = v >>> 0;
    while (n > 0x7f) {
      this.u8((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.u8(n);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

class BinaryMessageWriter implements MessageWriter {
  private readonly out = new ByteSink();

  constructor(private readonly strictHeader: boolean) {}

  messageBegin(name: string, type: ThriftMessageType, seqid: number): void {
    const nameBytes = Buffer.from(name, 'utf8');
    if (this.strictHeader) {
      this.out.i32be(0x80010000 | MESSAGE_TYPE_ID[type]);
      this.out.i32be(nameBytes.length);
      this.out.bytes(nameBytes);
    } else {
      this.out.i32be(nameBytes.length);
      this.out.bytes(nameBytes);
      this.out.u8(MESSAGE_TYPE_ID[type]);
    }
    this.out.i32be(seqid);
  }

  structFieldBegin(id: number): void {
    this.fieldHeader(TType.STRUCT, id);
  }

  i32Field(id: number, value: number): void {
    this.fieldHeader(TType.I32, id);
    this.out.i32be(value);
  }

  stringField(id: number, value: string): void {
    this.fieldHeader(TType.STRING, id);
    const bytes = Buffer.from(value, 'utf8');
    this.out.i32be(bytes.length);
    this.out.bytes(bytes);
  }

  structEnd(): void {
    this.out.u8(TType.STOP);
  }

  finish(): Buffer {
    return this.out.finish();
  }

  private fieldHeader(type: number, id: number): void {
    this.out.u8(type);
    this.out.i16be(id);
  }
}

const COMPACT_I32 = 5;
const COMPACT_BINARY = 8;
const COMPACT_STRUCT = 12;

class CompactMessageWriter implements MessageWriter {
  private readonly out = new ByteSink();
  /** Last field id written in each open struct: compact field ids are deltas from it. */
  private readonly lastIds: number[] = [0];

  messageBegin(name: string, type: ThriftMessageType, seqid: number): void {
    this.out.u8(0x82);
    this.out.u8((MESSAGE_TYPE_ID[type] << 5) | 1);
    this.out.varint(seqid);
    const nameBytes = Buffer.from(name, 'utf8');
    this.out.varint(nameBytes.length);
    this.out.bytes(nameBytes);
  }

  structFieldBegin(id: number): void {
    this.fieldHeader(COMPACT_STRUCT, id);
    this.lastIds.push(0);
  }

  i32Field(id: number, value: number): void {
    this.fieldHeader(COMPACT_I32, id);
    this.out.varint(((value | 0) << 1) ^ ((value | 0) >> 31));
  }

  stringField(id: number, value: string): void {
    this.fieldHeader(COMPACT_BINARY, id);
    const bytes = Buffer.from(value, 'utf8');
    this.out.varint(bytes.length);
    this.out.bytes(bytes);
  }

  structEnd(): void {
    this.out.u8(0);
    if (this.lastIds.length > 1) this.lastIds.pop();
  }

  finish(): Buffer {
    return this.out.finish();
  }

  private fieldHeader(compactType: number, id: number): void {
    const last = this.lastIds[this.lastIds.length - 1];
    const delta = id - last;
    if (delta > 0 && delta <= 15) this.out.u8((delta << 4) | compactType);
    else {
      this.out.u8(compactType);
      this.out.varint((id << 1) ^ (id >> 31));
    }
    this.lastIds[this.lastIds.length - 1] = id;
  }
}
