// One WatchCalls subscriber's view of the journal: the replayed history, the `live` marker, then live events in
// a bounded queue. The journal only ever appends (O(1), never blocks); a consumer that falls behind loses the
// newest events and is told how many, exactly where they were lost.
// The queue is bounded in bytes (estimated per record, src/core/record-size.ts) and in events. By default the
// event bound is the largest allowed, so that only the byte bound applies: a burst of thousands of calls fits
// while the subscriber catches up, and a subscriber that stops reading holds at most WATCH_BUFFER_BYTES.
import { ScenarioError, WatchItem } from '../core/model';
import { CallPredicate } from './call-filter';
import { RingQueue } from './ring-queue';

export interface CallWatch {
  /** The next item, or undefined when nothing is queued (or the watch is closed and drained). */
  shift(): WatchItem | undefined;
  /** Called (asynchronously, batched) when items become available, and once when the journal ends the watch. */
  onReadable(cb: () => void): void;
  /** Detaches from the journal and discards whatever is queued. */
  close(): void;
  /** True after close(), or after the journal ended the watch (queued items can still be shifted then). */
  readonly closed: boolean;
}

export const WATCH_BUFFER_MIN = 16;
export const WATCH_BUFFER_MAX = 100_000;
/** Events queued per subscriber when bufferSize is unset: the byte bound is what limits it. */
export const WATCH_BUFFER_DEFAULT = WATCH_BUFFER_MAX;
/** Estimated bytes of records queued per subscriber, whatever bufferSize says. */
export const WATCH_BUFFER_BYTES = 64 * 1024 * 1024;

export function validateWatchBufferSize(bufferSize: number | undefined): number {
  if (bufferSize === undefined) return WATCH_BUFFER_DEFAULT;
  if (!Number.isInteger(bufferSize) || bufferSize < WATCH_BUFFER_MIN || bufferSize > WATCH_BUFFER_MAX) {
    throw new ScenarioError(
      'invalid_argument',
      `bufferSize must be a whole number from ${WATCH_BUFFER_MIN} to ${WATCH_BUFFER_MAX} (got ${bufferSize}); ` +
        `leave it unset for the default: up to ${WATCH_BUFFER_DEFAULT} events or ${WATCH_BUFFER_BYTES / (1024 * 1024)} MiB of calls`,
    );
  }
  return bufferSize;
}

/** Events lost at one point of the stream: after `afterEvent` events had been queued in total. */
interface Gap {
  afterEvent: number;
  droppedCount: number;
}

type WatchState = 'open' | 'ended' | 'closed';

/** The CallWatch the journal hands out. `offer` and `end` are the journal's side; the rest is the consumer's. */
export class QueuedCallWatch implements CallWatch {
  private prefaceIndex = 0;
  private readonly events: RingQueue<WatchItem>;
  private readonly eventBytes: RingQueue<number>;
  private queuedBytes = 0;
  // A gap sits between two queued events, so there are at most events + 1 of them.
  private readonly gaps: RingQueue<Gap>;
  private eventsQueued = 0;
  private eventsTaken = 0;
  private readonly listeners: (() => void)[] = [];
  private notifyScheduled = false;
  private state: WatchState = 'open';

  constructor(
    private preface: WatchItem[],
    bufferSize: number,
    private readonly accepts: CallPredicate,
    private readonly detach: (watch: QueuedCallWatch) => void,
    private readonly maxBytes: number = WATCH_BUFFER_BYTES,
  ) {
    this.events = new RingQueue(bufferSize);
    this.eventBytes = new RingQueue(bufferSize);
    this.gaps = new RingQueue(bufferSize + 1);
  }

  /** Estimated bytes of the live events queued now. */
  get bytesQueued(): number {
    return this.queuedBytes;
  }

  get closed(): boolean {
    return this.state !== 'open';
  }

  /** A live event from the journal, of `bytes` (estimated). Never blocks, never grows the queue beyond its bounds. */
  offer(item: WatchItem & { type: 'call_started' | 'call_completed' }, bytes: number): void {
    if (this.state !== 'open' || !this.accepts(item.call)) return;
    const fits = this.queuedBytes + bytes <= this.maxBytes || this.events.size === 0;
    if (fits && this.events.push(item)) {
      this.eventBytes.push(bytes);
      this.queuedBytes += bytes;
      this.eventsQueued++;
    } else {
      const last = this.gaps.peekLast();
      if (last !== undefined && last.afterEvent === this.eventsQueued) last.droppedCount++;
      else this.gaps.push({ afterEvent: this.eventsQueued, droppedCount: 1 });
    }
    this.scheduleNotify();
  }

  shift(): WatchItem | undefined {
    if (this.state === 'closed') return undefined;
    if (this.prefaceIndex < this.preface.length) {
      const item = this.preface[this.prefaceIndex++];
      // The replayed history can be as large as the journal: let it go once it has been taken.
      if (this.prefaceIndex === this.preface.length) {
        this.preface = [];
        this.prefaceIndex = 0;
      }
      return item;
    }
    const gap = this.gaps.peek();
    if (gap !== undefined && gap.afterEvent === this.eventsTaken) {
      this.gaps.shift();
      return { type: 'events_dropped', droppedCount: gap.droppedCount };
    }
    const event = this.events.shift();
    if (event !== undefined) {
      this.eventsTaken++;
      this.queuedBytes -= this.eventBytes.shift() ?? 0;
    }
    return event;
  }

  onReadable(cb: () => void): void {
    if (this.state === 'closed') return;
    this.listeners.push(cb);
    if (this.hasItems() || this.state === 'ended') this.scheduleNotify();
  }

  close(): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.preface = [];
    this.events.clear();
    this.eventBytes.clear();
    this.queuedBytes = 0;
    this.gaps.clear();
    this.listeners.length = 0;
    if (wasOpen) this.detach(this);
  }

  /** The journal is going away: no more events; what is queued can still be taken. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    this.detach(this);
    this.scheduleNotify();
  }

  private hasItems(): boolean {
    return this.prefaceIndex < this.preface.length || this.events.size > 0 || this.gaps.size > 0;
  }

  // Deferred so that the consumer's work never runs inside the journal's call (which is inside a proxied
  // request), and so that a burst of events wakes the consumer once.
  private scheduleNotify(): void {
    if (this.notifyScheduled || this.listeners.length === 0) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      if (this.state === 'closed') return;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
