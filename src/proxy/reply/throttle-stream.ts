// Passes bytes on at a fixed rate: a token bucket refilled continuously. Between chunks it holds at most 1/16 s
// of tokens, so a pause (a slow reader, a slow server) never turns into a burst and the rate over any second is
// within ~6 % of the target. While it waits on its own timer it keeps every token the wait earned, so a timer
// that fires late on a busy machine is caught up rather than lost. Backpressure stays intact: a chunk is taken
// only once the previous one is out, and both sides of the stream hold a small window, so however slow the rate
// the proxy holds no more than a few tens of KiB for it.
import { Transform, type TransformCallback } from 'node:stream';
import { performance } from 'node:perf_hooks';

/** Bytes each side of a reply stage may hold: the window a slowed reply keeps in the proxy. */
export const STAGE_WINDOW_BYTES = 16 * 1024;
const BURST_SECONDS = 1 / 16;
const MAX_BURST_BYTES = 64 * 1024;

export class ThrottleStream extends Transform {
  private readonly burst: number;
  private tokens: number;
  private refilledAt = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bytesPerSecond: number) {
    super({ highWaterMark: STAGE_WINDOW_BYTES });
    if (!(bytesPerSecond > 0)) throw new RangeError('bytesPerSecond must be positive');
    this.burst = Math.max(1, Math.min(MAX_BURST_BYTES, Math.floor(bytesPerSecond * BURST_SECONDS)));
    this.tokens = this.burst;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.refill(this.burst);
    this.sendFrom(chunk, 0, done);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.timer);
    done(error);
  }

  private sendFrom(chunk: Buffer, offset: number, done: TransformCallback): void {
    this.timer = undefined;
    while (offset < chunk.length) {
      const n = Math.min(Math.floor(this.tokens), chunk.length - offset);
      if (n < 1) {
        const wanted = Math.min(this.burst, chunk.length - offset);
        const waitMs = ((wanted - this.tokens) / this.bytesPerSecond) * 1000;
        this.timer = setTimeout(() => {
          this.refill(Number.POSITIVE_INFINITY);
          this.sendFrom(chunk, offset, done);
        }, Math.max(1, Math.ceil(waitMs)));
        return;
      }
      this.push(chunk.subarray(offset, offset + n));
      this.tokens -= n;
      offset += n;
    }
    done();
  }

  /** Adds the tokens earned since the last refill, holding at most `cap`. */
  private refill(cap: number): void {
    const now = performance.now();
    this.tokens = Math.min(cap, this.tokens + ((now - this.refilledAt) / 1000) * this.bytesPerSecond);
    this.refilledAt = now;
  }
}
