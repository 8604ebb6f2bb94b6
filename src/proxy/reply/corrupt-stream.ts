// Flips every bit of the body bytes in [offset, offset + length): the length stays the same, the content is
// wrong in a way no checksum, LZ4 frame or Arrow reader can miss. Bytes outside the range pass untouched.
import { Transform, type TransformCallback } from 'node:stream';

export class CorruptStream extends Transform {
  private position = 0;
  private readonly rangeEnd: number;

  constructor(
    private readonly offset: number,
    length: number,
  ) {
    super();
    this.rangeEnd = offset + length;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const start = this.position;
    this.position += chunk.length;
    const from = Math.max(this.offset, start);
    const to = Math.min(this.rangeEnd, this.position);
    if (from >= to) {
      done(null, chunk);
      return;
    }
    // A copy: the upstream's buffer is not ours to change.
    const out = Buffer.from(chunk);
    for (let i = from - start; i < to - start; i++) out[i] ^= 0xff;
    done(null, out);
  }
}

/** The same flip on a whole body (a reply already in memory). */
export function corruptBytes(body: Buffer, offset: number, length: number): Buffer {
  const out = Buffer.from(body);
  for (let i = offset; i < Math.min(out.length, offset + length); i++) out[i] ^= 0xff;
  return out;
}
