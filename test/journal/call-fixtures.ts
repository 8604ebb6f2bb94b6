// Builders for the journal's inputs, so tests state only what matters to them.
import { CallStart } from '../../src/journal/call-journal';
import { CallWatch } from '../../src/journal/call-watch';
import { CLOUDFETCH_METHOD, WatchItem } from '../../src/core/model';

export function thriftCall(method: string, extra: Partial<CallStart> = {}): CallStart {
  return {
    kind: 'thrift',
    method,
    messageType: 'call',
    seqid: 0,
    decoded: true,
    host: 'adb-1.azuredatabricks.net',
    path: '/sql/1.0/warehouses/abc',
    httpMethod: 'POST',
    requestBytes: 100,
    responseBytes: 0,
    ...extra,
  };
}

export function download(extra: Partial<CallStart> = {}): CallStart {
  return {
    kind: 'cloudfetch',
    method: CLOUDFETCH_METHOD,
    decoded: false,
    host: 'acct.blob.core.windows.net',
    path: '/results/file.arrow?sig=REDACTED',
    httpMethod: 'GET',
    requestBytes: 0,
    responseBytes: 0,
    ...extra,
  };
}

/** A clock a test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 14, 9, 0, 0)): { now: () => Date; advance: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

/** Everything queued right now. */
export function drain(watch: CallWatch): WatchItem[] {
  const items: WatchItem[] = [];
  for (let item = watch.shift(); item !== undefined; item = watch.shift()) items.push(item);
  return items;
}

/** A compact, comparable view of watch items: "started:3", "completed:3", "live", "dropped:5" (R: replayed). */
export function summarize(items: readonly WatchItem[]): string[] {
  return items.map((item) => {
    switch (item.type) {
      case 'live':
        return 'live';
      case 'events_dropped':
        return `dropped:${item.droppedCount}`;
      default:
        return `${item.replayed ? 'R' : ''}${item.type === 'call_started' ? 'started' : 'completed'}:${item.call.sequence}`;
    }
  });
}

/** Resolves at the watch's next readable notification; rejects after `timeoutMs`. */
export function readable(watch: CallWatch, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error(`no readable notification within ${timeoutMs} ms`));
    }, timeoutMs);
    watch.onReadable(() => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    });
  });
}
