// With --fake-warehouse, `cloudfetch_expired_link` is made real: the proxy answers a download with storage's
// expired-link 403, and the fake storage then refuses that link too, so a driver that simply retries it keeps
// failing and only a refreshed link (FetchResults from the link's row offset) succeeds. Wired by observing the
// journal, so neither the scenario engine nor the proxy knows about the fake.
import type { ProxyControl } from './core/control';
import type { CallRecord } from './core/model';
import type { RunningFakeWarehouse } from './fake';

export const EXPIRED_LINK_SCENARIO = 'cloudfetch_expired_link';

/** Starts watching; returns the function that stops it. */
export function expireFakeLinksWhenScenarioFires(
  control: ProxyControl,
  fake: Pick<RunningFakeWarehouse, 'expireLink' | 'hostMappings'>,
): () => void {
  const fakeHosts = new Set(fake.hostMappings.map((m) => m.name));
  const watch = control.watchCalls({ filter: { kind: 'cloudfetch' } });
  const expireIfFired = (call: CallRecord): void => {
    if (call.scenario === EXPIRED_LINK_SCENARIO && fakeHosts.has(call.host)) fake.expireLink(call.path);
  };
  // Drained on every notification (a microtask after the call is recorded), so the link is dead before the
  // driver can have read the 403, let alone retried.
  watch.onReadable(() => {
    for (let item = watch.shift(); item !== undefined; item = watch.shift()) {
      if (item.type === 'call_started' || item.type === 'call_completed') expireIfFired(item.call);
    }
  });
  return () => watch.close();
}
