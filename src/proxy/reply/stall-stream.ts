// Passes the first `afterBytes` bytes, then holds the rest for `durationMs`, then passes it on. While it holds,
// it takes nothing more, so the server is paused by backpressure rather than buffered. A body no longer than
// `afterBytes` is not held.
import { Transform, type TransformCallback } from 'node:stream';
import { STAGE_WINDOW_BYTES } from './throttle-stream';

export class StallStream extends Transform {
  private seen = 0;
  private stalled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly afterBytes: number,
    private readonly durationMs: number,
    /** Called when the hold begins, for the record. */
    private readonly onStall?: () => void,
  ) {
    super({ highWaterMark: STAGE_WINDOW_BYTES });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.stalled || this.seen + chunk.length <= this.afterBytes) {
      this.seen += chunk.length;
      done(null, chunk);
      return;
    }
    const head = this.afterBytes - this.seen;
    if (head > 0) this.push(chunk.subarray(0, head));
    this.seen += chunk.length;
    this.stalled = true;
    this.onStall?.();
    this.timer = setTimeout(() => done(null, chunk.subarray(head)), this.durationMs);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.timer);
    done(error);
  }
}
