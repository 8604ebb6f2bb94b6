// A growable byte buffer the Thrift encoders write into.

const TWO_POW_32 = 4294967296;

export class ByteSink {
  private buf: Buffer;
  private length = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }

  i8(v: number): void {
    this.reserve(1);
    this.length = this.buf.writeInt8(v, this.length);
  }

  i16be(v: number): void {
    this.reserve(2);
    this.length = this.buf.writeInt16BE(v, this.length);
  }

  i32be(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32BE(v | 0, this.length);
  }

  /** A safe integer as a big-endian two's-complement i64. */
  i64be(v: number): void {
    const hi = Math.floor(v / TWO_POW_32);
    this.i32be(hi);
    this.reserve(4);
    this.length = this.buf.writeUInt32BE(v - hi * TWO_POW_32, this.length);
  }

  bigI64be(v: bigint): void {
    this.reserve(8);
    this.length = this.buf.writeBigInt64BE(v, this.length);
  }

  doubleBe(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeDoubleBE(v, this.length);
  }

  doubleLe(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeDoubleLE(v, this.length);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** An unsigned varint of a non-negative integer up to 2^53. */
  varint(v: number): void {
    let n = v;
    while (n > 0x7f) {
      this.u8((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    this.u8(n);
  }

  /** An unsigned varint of a 64-bit value. */
  bigVarint(v: bigint): void {
    let n = BigInt.asUintN(64, v);
    while (n > 0x7fn) {
      this.u8(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.u8(Number(n));
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
