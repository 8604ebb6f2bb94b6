// Scenario action: keep a request waiting, then let it go on. The wait ends early, with 'aborted', when any of
// the given signals fires (the client went away, the proxy is closing), so no timer outlives its request.

export type HoldOutcome = 'elapsed' | 'aborted';

export function hold(ms: number, signals: readonly AbortSignal[]): Promise<HoldOutcome> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve('aborted');
    const finish = (outcome: HoldOutcome): void => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('elapsed'), Math.max(0, ms));
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
  });
}
