import { ProxyControl } from '../../src/core/control';
import { CallJournal } from '../../src/journal/call-journal';
import { ScenarioEngine } from '../../src/scenarios/engine';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { ProxyInfo, ScenarioError } from '../../src/core/model';
import { download, drain, summarize, thriftCall } from '../journal/call-fixtures';

const INFO: ProxyInfo = {
  proxyHost: '127.0.0.1',
  proxyPort: 40123,
  apiHost: '127.0.0.1',
  apiPort: 40124,
  caCertPem: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
  caCertPath: '/tmp/ca/ca-cert.pem',
  version: '0.1.0',
  callHistoryCapacity: 5,
};

function setup(): { control: ProxyControl; journal: CallJournal; engine: ScenarioEngine } {
  const journal = new CallJournal({ capacity: 5 });
  const engine = new ScenarioEngine(SCENARIO_CATALOG);
  return { control: new ProxyControl({ engine, journal, info: () => INFO }), journal, engine };
}

describe('ProxyControl', () => {
  it('enabling a scenario clears the call history; sequences go on', () => {
    const { control, journal } = setup();
    journal.begin(thriftCall('OpenSession'));
    journal.begin(thriftCall('ExecuteStatement'));
    expect(control.enableScenario('cloudfetch_503')).toMatchObject({ enabled: true });
    expect(control.listCalls()).toEqual({ calls: [], droppedCount: 0, nextSequence: 3, more: false });
  });

  it('keeps the history when asked', () => {
    const { control, journal } = setup();
    journal.begin(thriftCall('OpenSession'));
    control.enableScenario('cloudfetch_503', { keepCallHistory: true });
    expect(control.countCalls()).toBe(1);
  });

  it('a rejected enable clears nothing and arms nothing', () => {
    const { control, journal } = setup();
    journal.begin(thriftCall('OpenSession'));
    expect(() => control.enableScenario('cloudfetch_503', { durationMs: 1000 })).toThrow(ScenarioError);
    expect(() => control.enableScenario('no_such_scenario')).toThrow(/unknown scenario 'no_such_scenario'/);
    expect(control.countCalls()).toBe(1);
    expect(control.getScenario('cloudfetch_503').enabled).toBe(false);
  });

  it('lists calls with the dropped count and next sequence, counts, resets', () => {
    const { control, journal } = setup();
    for (let i = 0; i < 6; i++) journal.begin(i % 2 === 0 ? thriftCall('FetchResults') : download());
    const page = control.listCalls({ filter: { kind: 'thrift' } });
    expect(page.calls.map((c) => c.sequence)).toEqual([3, 5]);
    expect(page).toMatchObject({ droppedCount: 1, nextSequence: 7 });
    expect(control.countCalls({ method: 'CloudFetchDownload' })).toBe(3);
    expect(control.resetCalls()).toBe(5);
    expect(control.listCalls()).toEqual({ calls: [], droppedCount: 0, nextSequence: 7, more: false });
  });

  it('verifies the recorded calls', () => {
    const { control, journal } = setup();
    journal.begin(thriftCall('OpenSession'));
    journal.begin(thriftCall('CloseSession'));
    expect(control.verifyCalls({ kind: 'exact_sequence', methods: ['OpenSession', 'CloseSession'] }).passed).toBe(true);
    expect(control.verifyCalls({ kind: 'method_count', method: 'OpenSession', count: 2 }).passed).toBe(false);
  });

  it('watches calls through the journal', () => {
    const { control, journal } = setup();
    journal.begin(thriftCall('OpenSession'));
    const watch = control.watchCalls({ replayFromSequence: 1, filter: { kind: 'thrift' } });
    journal.begin(download());
    journal.begin(thriftCall('ExecuteStatement'));
    expect(summarize(drain(watch))).toEqual(['Rstarted:1', 'live', 'started:3']);
    watch.close();
  });

  it('passes scenario state and proxy info through', () => {
    const { control, engine } = setup();
    control.enableScenario('cloudfetch_404');
    control.enableScenario('expired_credentials');
    expect(control.listScenarios().filter((s) => s.enabled).map((s) => s.definition.name)).toEqual(['cloudfetch_404', 'expired_credentials']);
    expect(control.disableScenario('cloudfetch_404').enabled).toBe(false);
    expect(control.disableAllScenarios()).toEqual(['expired_credentials']);
    expect(engine.claim({ kind: 'thrift', method: 'OpenSession', host: 'h', url: '/', httpMethod: 'POST', rawHeaders: [] })).toBeUndefined();
    expect(control.proxyInfo()).toBe(INFO);
  });
});
