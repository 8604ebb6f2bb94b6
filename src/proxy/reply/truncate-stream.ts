// Passes the first `afterBytes` body bytes, then ends its output and asks for the cut (`onCut`): the relay ends
// the client's connection once those bytes are delivered. Anything after is taken and dropped, so the stream
// before it never waits on it; the relay stops reading the server at the cut anyway.
import { Transform, type TransformCallback } from 'node:stream';

export class TruncateStream extends Transform {
  private passed = 0;
  private cut = false;

  constructor(
    private readonly afterBytes: number,
    private readonly onCut: () => void,
  ) {
    super();
    if (afterBytes === 0) this.cutHere();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.cut) {
      done();
      return;
    }
    const take = Math.min(chunk.length, this.afterBytes - this.passed);
    this.passed += take;
    if (take > 0) this.push(take === chunk.length ? chunk : chunk.subarray(0, take));
    if (this.passed === this.afterBytes) this.cutHere();
    done();
  }

  private cutHere(): void {
    this.cut = true;
    this.onCut();
    this.push(null);
  }
}
