// Scenario action: keep a request waiting, then let it go on. The proxy keeps one registry of the requests it is
// holding, so that stopping can end them all (released to go on while the proxy drains, or aborted when it
// closes) without a listener per held request on a shared emitter: more than ten of those made Node print
// MaxListenersExceededWarning. Each hold listens only to its own response, and removes that listener when it ends.
import http from 'node:http';

/**
 * How a hold ended: its time elapsed; the proxy released it early to let it finish while draining; the client
 * went away; or the proxy closed.
 */
export type HoldOutcome = 'elapsed' | 'released' | 'client_gone' | 'aborted';

export class HeldRequests {
  private readonly ending = new Set<(outcome: HoldOutcome) => void>();
  /** Set once the proxy drains or closes: a hold that starts afterwards ends at once, this way. */
  private endNewHoldsWith: 'released' | 'aborted' | undefined;

  /** Requests held right now. */
  get size(): number {
    return this.ending.size;
  }

  /** Waits `ms`; ends early when `res` closes (the client went away) or when the proxy releases or aborts holds. */
  hold(ms: number, res: http.ServerResponse): Promise<HoldOutcome> {
    return new Promise((resolve) => {
      if (this.endNewHoldsWith !== undefined) return resolve(this.endNewHoldsWith);
      if (res.destroyed) return resolve('client_gone');
      const end = (outcome: HoldOutcome): void => {
        clearTimeout(timer);
        res.off('close', onClose);
        this.ending.delete(end);
        resolve(outcome);
      };
      const onClose = (): void => end('client_gone');
      const timer = setTimeout(() => end('elapsed'), Math.max(0, ms));
      res.once('close', onClose);
      this.ending.add(end);
    });
  }

  /** Ends every hold now, and every later one at once, as 'released': the requests go on to their servers. */
  releaseAll(): void {
    this.endAll('released');
  }

  /** Ends every hold now, and every later one at once, as 'aborted'. */
  abortAll(): void {
    this.endAll('aborted');
  }

  private endAll(outcome: 'released' | 'aborted'): void {
    if (this.endNewHoldsWith !== 'aborted') this.endNewHoldsWith = outcome;
    for (const end of [...this.ending]) end(outcome);
  }
}
