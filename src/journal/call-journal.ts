// The bounded history of recorded calls, and the source of WatchCalls events. begin/finish run on every proxied
// call, so both are O(1): sequences in the history are contiguous, so a record lives in slot `sequence % capacity`.
// The history is bounded by count (capacity) and by bytes (maxBytes, estimated once per record version by
// src/core/record-size.ts); the oldest calls leave first.
import { CallFilter, CallRecord, ScenarioError, WatchItem } from '../core/model';
import { estimateRecordBytes } from '../core/record-size';
import { compileCallFilter } from './call-filter';
import { CallWatch, QueuedCallWatch, validateWatchBufferSize } from './call-watch';

export interface CallJournalOptions {
  capacity: number;
  /** Estimated bytes of records kept; the oldest leave first (the newest call always stays). Default: no bound. */
  maxBytes?: number;
  now?: () => Date;
}

/** What the proxy knows when a call arrives. */
export type CallStart = Omit<CallRecord, 'sequence' | 'state' | 'startTime'> & { startTime?: Date };

/** What the proxy learns by the end of a call. */
export type CallEnd = Partial<CallRecord> & { state: 'completed' | 'failed' };

/** Fields that may change while a call is in flight (identity, timing and state are the journal's). */
export type CallAnnotation = Partial<Omit<CallRecord, 'sequence' | 'startTime' | 'state'>>;

export interface CallListQuery {
  filter?: CallFilter;
  /** Only sequences at or above this; 0 or unset: from the oldest kept. */
  fromSequence?: number;
  /** At most this many, oldest first; 0 or unset: all. */
  limit?: number;
  /** Stop before the calls listed would exceed this many estimated bytes (at least one call is listed). */
  maxBytes?: number;
}

/** What list() answers: the calls, and where to continue when it stopped before the end. */
export interface CallListing {
  calls: CallRecord[];
  /** Whether it stopped (limit or maxBytes) before examining every kept call. */
  more: boolean;
  /** One past the last sequence examined: from here the next listing continues (nextSequence when complete). */
  continueFrom: number;
}

export interface CallWatchOptions {
  filter?: CallFilter;
  /** Replay the history from this sequence first; unset: live events only. */
  replayFromSequence?: number;
  /** Live events queued for this subscriber before it is behind (16..100000, default 1024). */
  bufferSize?: number;
}

/** Every record handed out for one call points here, so any of them can be used to finish it. */
interface CallEntry {
  current: CallRecord;
  final?: CallRecord;
}

function requireWholeNumber(value: number | undefined, name: string, meaning: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ScenarioError('invalid_argument', `${name} must be a whole number of 0 or more (got ${value}); ${meaning}`);
  }
  return value;
}

export class CallJournal {
  readonly capacity: number;
  readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly slots: (CallRecord | undefined)[];
  /** Estimated bytes of the record in the same slot. */
  private readonly sizes: number[];
  private bytes = 0;
  /** The history holds sequences oldestSequence .. nextSequence - 1. */
  private oldestSequence = 1;
  private next = 1;
  private dropped = 0;
  // Weak, so a call whose records nobody holds any more (finished or abandoned) costs nothing.
  private readonly entries = new WeakMap<CallRecord, CallEntry>();
  private readonly watches = new Set<QueuedCallWatch>();

  constructor(opts: CallJournalOptions) {
    if (!Number.isSafeInteger(opts.capacity) || opts.capacity < 1) {
      throw new RangeError(`CallJournal capacity must be a whole number of 1 or more (got ${opts.capacity})`);
    }
    if (opts.maxBytes !== undefined && !(opts.maxBytes > 0)) {
      throw new RangeError(`CallJournal maxBytes must be more than 0 (got ${opts.maxBytes})`);
    }
    this.capacity = opts.capacity;
    this.maxBytes = opts.maxBytes ?? Infinity;
    this.now = opts.now ?? (() => new Date());
    this.slots = new Array<CallRecord | undefined>(opts.capacity);
    this.sizes = new Array<number>(opts.capacity).fill(0);
  }

  /** Estimated bytes of the records kept. */
  get bytesKept(): number {
    return this.bytes;
  }

  /** Calls dropped from the full history since the last reset. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** The sequence the next call will get. */
  get nextSequence(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.oldestSequence;
  }

  begin(init: CallStart): CallRecord {
    const record: CallRecord = {
      ...init,
      sequence: this.next,
      state: 'in_flight',
      startTime: init.startTime ?? this.now(),
    };
    this.next++;
    if (this.size > this.capacity) this.dropOldest();
    const bytes = estimateRecordBytes(record);
    const slot = record.sequence % this.capacity;
    this.slots[slot] = record;
    this.sizes[slot] = bytes;
    this.bytes += bytes;
    this.trimToBytes();
    this.entries.set(record, { current: record });
    this.emit({ type: 'call_started', call: record, replayed: false }, bytes);
    return record;
  }

  /** Updates an in-flight call (e.g. the scenario that fired) without an event. Ignored once finished. */
  annotate(record: CallRecord, patch: CallAnnotation): CallRecord {
    const entry = this.entryOf(record);
    if (entry.final !== undefined) return entry.final;
    const updated: CallRecord = { ...entry.current, ...patch };
    // A patch typed loosely at run time must not move the call.
    updated.sequence = entry.current.sequence;
    updated.startTime = entry.current.startTime;
    updated.state = entry.current.state;
    this.adopt(entry, updated);
    return updated;
  }

  /** Ends a call once; later calls for the same call return the first result and emit nothing. */
  finish(record: CallRecord, patch: CallEnd): CallRecord {
    const entry = this.entryOf(record);
    if (entry.final !== undefined) return entry.final;
    const base = entry.current;
    const finished: CallRecord = { ...base, ...patch };
    finished.sequence = base.sequence;
    finished.startTime = base.startTime;
    if (patch.durationMs === undefined) {
      finished.durationMs = Math.max(0, this.now().getTime() - base.startTime.getTime());
    }
    entry.final = finished;
    const bytes = this.adopt(entry, finished);
    // Emitted even when the call has left the history: a watcher saw it start and must see it end.
    this.emit({ type: 'call_completed', call: finished, replayed: false }, bytes);
    return finished;
  }

  list(q: CallListQuery = {}): CallRecord[] {
    return this.listPage(q).calls;
  }

  /** Like list(), and says whether (and from where) there is more to list. */
  listPage(q: CallListQuery = {}): CallListing {
    const from = requireWholeNumber(q.fromSequence, 'fromSequence', 'it selects calls with a sequence at or above it');
    const limit = requireWholeNumber(q.limit, 'limit', '0 means no limit');
    const maxBytes = q.maxBytes ?? Infinity;
    const accepts = compileCallFilter(q.filter);
    const calls: CallRecord[] = [];
    let bytes = 0;
    for (let sequence = Math.max(from, this.oldestSequence); sequence < this.next; sequence++) {
      const record = this.recordAt(sequence);
      if (record === undefined || !accepts(record)) continue;
      const size = this.sizes[sequence % this.capacity];
      if (calls.length > 0 && bytes + size > maxBytes) return { calls, more: true, continueFrom: sequence };
      calls.push(record);
      bytes += size;
      if (calls.length === limit) return { calls, more: sequence + 1 < this.next, continueFrom: sequence + 1 };
    }
    return { calls, more: false, continueFrom: this.next };
  }

  count(filter?: CallFilter): number {
    const accepts = compileCallFilter(filter);
    let count = 0;
    for (let sequence = this.oldestSequence; sequence < this.next; sequence++) {
      const record = this.recordAt(sequence);
      if (record !== undefined && accepts(record)) count++;
    }
    return count;
  }

  /** Clears the history and the dropped count; sequences keep increasing. Returns how many calls were cleared. */
  reset(): number {
    const cleared = this.size;
    for (let sequence = this.oldestSequence; sequence < this.next; sequence++) {
      this.slots[sequence % this.capacity] = undefined;
      this.sizes[sequence % this.capacity] = 0;
    }
    this.oldestSequence = this.next;
    this.bytes = 0;
    this.dropped = 0;
    return cleared;
  }

  watch(opts: CallWatchOptions = {}): CallWatch {
    const bufferSize = validateWatchBufferSize(opts.bufferSize);
    const replayFrom =
      opts.replayFromSequence === undefined
        ? undefined
        : requireWholeNumber(opts.replayFromSequence, 'replayFromSequence', 'history from that sequence is replayed first');
    const accepts = compileCallFilter(opts.filter);
    // Taken synchronously with the subscription: nothing can happen in between, so no event is lost or doubled.
    const preface: WatchItem[] = [];
    if (replayFrom !== undefined) {
      for (const call of this.list({ fromSequence: replayFrom, filter: opts.filter })) {
        preface.push({ type: call.state === 'in_flight' ? 'call_started' : 'call_completed', call, replayed: true });
      }
    }
    preface.push({ type: 'live' });
    const watch = new QueuedCallWatch(preface, bufferSize, accepts, (w) => this.watches.delete(w));
    this.watches.add(watch);
    return watch;
  }

  /** Live watches (for shutdown and diagnostics). */
  get watchCount(): number {
    return this.watches.size;
  }

  /** Ends every watch: no more events; consumers can still take what is queued, then see `closed`. */
  endWatches(): void {
    for (const watch of [...this.watches]) watch.end();
  }

  private entryOf(record: CallRecord): CallEntry {
    const entry = this.entries.get(record);
    if (entry === undefined) {
      throw new Error(`call ${record.sequence} was not begun by this journal (pass a record that begin() returned)`);
    }
    return entry;
  }

  /** Makes `record` the call's current version (in the history too, if still kept); returns its estimated bytes. */
  private adopt(entry: CallEntry, record: CallRecord): number {
    entry.current = record;
    this.entries.set(record, entry);
    const bytes = estimateRecordBytes(record);
    if (this.recordAt(record.sequence) !== undefined) {
      const slot = record.sequence % this.capacity;
      this.slots[slot] = record;
      this.bytes += bytes - this.sizes[slot];
      this.sizes[slot] = bytes;
      this.trimToBytes();
    }
    return bytes;
  }

  private dropOldest(): void {
    const slot = this.oldestSequence % this.capacity;
    this.slots[slot] = undefined;
    this.bytes -= this.sizes[slot];
    this.sizes[slot] = 0;
    this.oldestSequence++;
    this.dropped++;
  }

  /** The newest call stays even when it alone is over the bound: a history that lost every call helps nobody. */
  private trimToBytes(): void {
    while (this.bytes > this.maxBytes && this.size > 1) this.dropOldest();
  }

  private recordAt(sequence: number): CallRecord | undefined {
    if (sequence < this.oldestSequence || sequence >= this.next) return undefined;
    const record = this.slots[sequence % this.capacity];
    return record?.sequence === sequence ? record : undefined;
  }

  private emit(item: WatchItem & { type: 'call_started' | 'call_completed' }, bytes: number): void {
    for (const watch of this.watches) watch.offer(item, bytes);
  }
}
