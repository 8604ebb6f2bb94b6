// Collects what the proxy streams (ProxyControl.watchCalls, the same feed gRPC WatchCalls serves) so a test can
// assert on it, and waits for a call to complete instead of sleeping.
import type { ProxyControl } from '../../../src/core/control';
import type { CallRecord, WatchItem } from '../../../src/core/model';

export class CallRecorder {
  readonly items: WatchItem[] = [];
  private readonly watch;
  private waiters: (() => void)[] = [];

  constructor(control: ProxyControl) {
    this.watch = control.watchCalls({ bufferSize: 100_000 });
    this.watch.onReadable(() => {
      for (let item = this.watch.shift(); item !== undefined; item = this.watch.shift()) this.items.push(item);
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    });
  }

  /** Completed calls in completion order. */
  completed(): CallRecord[] {
    return this.items.flatMap((i) => (i.type === 'call_completed' ? [i.call] : []));
  }

  /** Forget what was collected so far (the next test's calls start from here). */
  clear(): void {
    this.items.length = 0;
  }

  /** Resolves once some completed call satisfies `predicate`; rejects after `timeoutMs`. */
  async waitForCompleted(predicate: (call: CallRecord) => boolean, timeoutMs = 10_000): Promise<CallRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.completed().find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no completed call matched within ${timeoutMs} ms; saw: ${this.summary().join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** One line per completed call, e.g. "CloudFetchDownload 503 [cloudfetch_503]", for failure messages. */
  summary(): string[] {
    return this.completed().map((c) => `${c.method || '?'} ${c.httpStatus ?? c.state}${c.scenario ? ` [${c.scenario}]` : ''}`);
  }

  close(): void {
    this.watch.close();
  }
}
