// Exactly-once under load: 100 matching requests at the same time, and a one-shot scenario fires on exactly
// one of them, a times:N scenario on exactly N; every call is recorded and finished once.
import http from 'node:http';
import { ClientResponse, requestViaProxy } from '../helpers/proxied-client';
import { ScenarioRig, startScenarioRig, trafficFor } from '../helpers/scenario-rig';
import { waitFor } from '../helpers/wait-for';

const CONCURRENT = 100;

describe('exactly-once firing under concurrent requests', () => {
  let rig: ScenarioRig;
  let agent: http.Agent;

  beforeAll(async () => {
    rig = await startScenarioRig();
    agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });
  });
  afterAll(async () => {
    agent?.destroy();
    await rig?.close();
  });

  async function burst(operation: string): Promise<{ responses: ClientResponse[]; firstSequence: number }> {
    const firstSequence = rig.proxy.journal.nextSequence;
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => {
        const traffic = trafficFor(operation, 'http', rig.plain.port, i + 1);
        return requestViaProxy(rig.proxy.port, { method: traffic.httpMethod, url: traffic.url, body: traffic.body }, { http: agent });
      }),
    );
    const lastSequence = firstSequence + CONCURRENT - 1;
    await waitFor(() => rig.proxy.journal.list({ fromSequence: firstSequence }).filter((c) => c.state !== 'in_flight').length === CONCURRENT, 'every call of the burst to finish');
    expect(rig.proxy.journal.nextSequence - 1).toBe(lastSequence);
    return { responses, firstSequence };
  }

  it.each([
    ['one-shot', 'cloudfetch_503', 'CloudFetchDownload', {}, 1, 503],
    ['times: 7', 'cloudfetch_500', 'CloudFetchDownload', { times: 7 }, 7, 500],
    ['times: 5 on a Thrift method', 'service_unavailable_503_open_session', 'OpenSession', { times: 5 }, 5, 503],
  ] as const)('%s: %s fires exactly as often as armed', async (_label, name, operation, options, expected, status) => {
    rig.proxy.engine.enable(name, options);
    const { responses, firstSequence } = await burst(operation);
    expect(responses.filter((r) => r.status === status)).toHaveLength(expected);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(CONCURRENT - expected);
    const calls = rig.proxy.journal.list({ fromSequence: firstSequence });
    expect(calls).toHaveLength(CONCURRENT);
    expect(calls.filter((c) => c.scenario === name)).toHaveLength(expected);
    expect(calls.every((c) => c.state === 'completed')).toBe(true);
    expect(rig.proxy.engine.get(name)).toMatchObject({ enabled: false });
  });
});
