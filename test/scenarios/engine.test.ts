import { ScenarioEngine } from '../../src/scenarios/engine';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { EnableOptions, Firing, MatchFacts, ScenarioDefinition, ScenarioError } from '../../src/core/model';

/** Facts of a request: only kind and method matter to the built-ins. */
function f(facts: Pick<MatchFacts, 'kind'> & Partial<MatchFacts>): MatchFacts {
  return { host: 'example.test', url: '/', httpMethod: 'POST', rawHeaders: [], ...facts };
}

const download = f({ kind: 'cloudfetch', method: 'CloudFetchDownload' });
const openSession = f({ kind: 'thrift', method: 'OpenSession' });
const execute = f({ kind: 'thrift', method: 'ExecuteStatement' });

function engine(now?: () => Date): ScenarioEngine {
  return new ScenarioEngine(SCENARIO_CATALOG, { now });
}

function rejection(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

/** Claims `n` times; returns the scenario name of each firing ('' when nothing fired). */
function claimMany(e: ScenarioEngine, facts: MatchFacts, n: number): string[] {
  return Array.from({ length: n }, () => e.claim(facts)?.scenario ?? '');
}

describe('ScenarioEngine', () => {
  it('lists every scenario in catalog order, all disabled at start', () => {
    const list = engine().list();
    expect(list.map((s) => s.definition.name)).toEqual(SCENARIO_CATALOG.map((d) => d.name));
    expect(list.every((s) => !s.enabled && s.firedCount === 0 && s.lastFiredTime === undefined)).toBe(true);
  });

  it('reports the hold time in force for hold scenarios only', () => {
    const e = engine();
    expect(e.get('cloudfetch_timeout').durationMs).toBe(65_000);
    expect(e.get('cloudfetch_503').durationMs).toBeUndefined();
    expect(e.enable('cloudfetch_timeout', { durationMs: 2000 }).durationMs).toBe(2000);
    expect(e.disable('cloudfetch_timeout').durationMs).toBe(65_000);
  });

  it('says how to find valid names for an unknown one', () => {
    const e = engine();
    for (const fn of [() => e.get('nope'), () => e.enable('nope'), () => e.disable('nope')]) {
      const error = rejection(fn);
      expect(error.code).toBe('not_found');
      expect(error.message).toBe(`unknown scenario 'nope'; ListScenarios shows the ${SCENARIO_CATALOG.length} names`);
    }
  });

  it('suggests the nearest name for a typo', () => {
    const error = rejection(() => engine().enable('cloudfetch_timout'));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe(`unknown scenario 'cloudfetch_timout'; did you mean 'cloudfetch_timeout'? ListScenarios shows the ${SCENARIO_CATALOG.length} names`);
    expect(rejection(() => engine().get('Expired_Credentials')).message).toContain("did you mean 'expired_credentials'?");
  });

  it('rejects an empty name as INVALID_ARGUMENT, not as an unknown scenario', () => {
    const e = engine();
    for (const fn of [() => e.get(''), () => e.enable(' '), () => e.disable('')]) {
      const error = rejection(fn);
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(/^name is required/);
    }
  });

  it('fires once by default, then disables itself; unmatched requests pass', () => {
    const clock = new Date(Date.UTC(2024, 4, 14, 9, 0, 0));
    const e = engine(() => clock);
    expect(e.claim(download)).toBeUndefined();
    const armed = e.enable('cloudfetch_503');
    expect(armed).toMatchObject({ enabled: true, remainingFirings: 1, untilDisabled: false, skipRemaining: 0 });
    expect(e.claim(openSession)).toBeUndefined();
    const firing = e.claim(download);
    expect(firing).toEqual<Firing>({
      scenario: 'cloudfetch_503',
      steps: SCENARIO_CATALOG.find((d) => d.name === 'cloudfetch_503')!.steps,
    });
    expect(e.claim(download)).toBeUndefined();
    expect(e.get('cloudfetch_503')).toMatchObject({ enabled: false, remainingFirings: 0, firedCount: 1, lastFiredTime: clock });
  });

  it('fires N times with times N', () => {
    const e = engine();
    e.enable('cloudfetch_500', { times: 3 });
    expect(claimMany(e, download, 5)).toEqual(['cloudfetch_500', 'cloudfetch_500', 'cloudfetch_500', '', '']);
    expect(e.get('cloudfetch_500')).toMatchObject({ enabled: false, firedCount: 3 });
  });

  it('lets K matching requests pass first with skip K', () => {
    const e = engine();
    e.enable('invalid_session_handle', { skip: 2, times: 2 });
    expect(claimMany(e, openSession, 3)).toEqual(['', '', '']); // not matching: skips nothing
    expect(e.get('invalid_session_handle').skipRemaining).toBe(2);
    expect(claimMany(e, execute, 5)).toEqual(['', '', 'invalid_session_handle', 'invalid_session_handle', '']);
  });

  it('fires until disabled with untilDisabled', () => {
    const e = engine();
    expect(e.enable('cloudfetch_connection_reset', { untilDisabled: true })).toMatchObject({ untilDisabled: true, remainingFirings: 0 });
    expect(claimMany(e, download, 50).every((name) => name === 'cloudfetch_connection_reset')).toBe(true);
    expect(e.get('cloudfetch_connection_reset')).toMatchObject({ enabled: true, firedCount: 50 });
    e.disable('cloudfetch_connection_reset');
    expect(e.claim(download)).toBeUndefined();
  });

  it('hands holds their time in force, and disables a one-shot hold before the hold starts', () => {
    const e = engine();
    e.enable('network_timeout_open_session');
    expect(e.claim(openSession)).toMatchObject({ scenario: 'network_timeout_open_session', steps: [{ kind: 'hold', durationMs: 35_000 }] });
    expect(e.get('network_timeout_open_session').enabled).toBe(false);
    e.enable('cloudfetch_timeout', { durationMs: 0 });
    expect(e.claim(download)).toMatchObject({ scenario: 'cloudfetch_timeout', steps: [{ kind: 'hold', durationMs: 0 }] });
    e.enable('long_running_cloud_fetch');
    expect(e.claim(download)?.steps).toEqual([{ kind: 'hold', durationMs: 15_000 }]);
  });

  it('matches ThriftOperation on any decoded Thrift call, never on downloads or undecodable bodies', () => {
    const e = engine();
    e.enable('session_timeout_premature', { untilDisabled: true });
    expect(e.claim(f({ kind: 'thrift', method: 'GetTables' }))?.scenario).toBe('session_timeout_premature');
    expect(e.claim(f({ kind: 'thrift' }))).toBeUndefined();
    expect(e.claim(f({ kind: 'thrift', method: '' }))).toBeUndefined();
    expect(e.claim(download)).toBeUndefined();
    // A Thrift method that happens to be called CloudFetchDownload is still not a download.
    e.disableAll();
    e.enable('cloudfetch_404');
    expect(e.claim(f({ kind: 'thrift', method: 'CloudFetchDownload' }))).toBeUndefined();
  });

  it('tries armed scenarios in catalog order; one still skipping lets the next fire', () => {
    const e = engine();
    e.enable('too_many_requests_429_open_session');
    e.enable('expired_credentials', { skip: 1 });
    // expired_credentials comes first in the catalog but skips this request.
    expect(e.claim(openSession)?.scenario).toBe('too_many_requests_429_open_session');
    expect(e.claim(openSession)?.scenario).toBe('expired_credentials');
  });

  it('re-enabling starts over with the new options', () => {
    const e = engine();
    e.enable('cloudfetch_400', { times: 5, skip: 3 });
    claimMany(e, download, 4);
    expect(e.get('cloudfetch_400')).toMatchObject({ remainingFirings: 4, skipRemaining: 0 });
    expect(e.enable('cloudfetch_400')).toMatchObject({ remainingFirings: 1, skipRemaining: 0, firedCount: 1 });
    e.enable('cloudfetch_timeout', { durationMs: 1000 });
    expect(e.enable('cloudfetch_timeout').durationMs).toBe(65_000);
  });

  it('rejects invalid overrides with a message saying what is allowed, and changes nothing', () => {
    const e = engine();
    e.enable('cloudfetch_timeout', { times: 2 });
    const before = e.get('cloudfetch_timeout');
    const cases: [string, EnableOptions, RegExp][] = [
      ['cloudfetch_timeout', { times: 0 }, /times must be a whole number from 1 to 1000000 \(got 0\)/],
      ['cloudfetch_timeout', { times: 1_000_001 }, /times must be a whole number from 1 to 1000000/],
      ['cloudfetch_timeout', { times: 1.5 }, /times must be a whole number/],
      ['cloudfetch_timeout', { times: 2, untilDisabled: true }, /times and untilDisabled exclude each other/],
      ['cloudfetch_timeout', { skip: -1 }, /skip must be a whole number from 0 to 1000000 \(got -1\)/],
      ['cloudfetch_timeout', { skip: 1_000_001 }, /skip must be a whole number from 0 to 1000000/],
      ['cloudfetch_timeout', { durationMs: 3_600_001 }, /duration must be a whole number of milliseconds from 0 to 3600000/],
      ['cloudfetch_timeout', { durationMs: -1 }, /duration must be/],
      ['cloudfetch_timeout', { durationMs: 2.5 }, /duration must be/],
      [
        'cloudfetch_503',
        { durationMs: 1000 },
        /scenario 'cloudfetch_503' does not hold \(its steps are respond\); a duration applies only to scenarios with a hold step: cloudfetch_timeout, long_running_cloud_fetch, network_timeout_open_session/,
      ],
    ];
    for (const [name, opts, message] of cases) {
      const error = rejection(() => e.enable(name, opts));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(message);
    }
    expect(e.get('cloudfetch_timeout')).toEqual(before);
    expect(e.get('cloudfetch_503').enabled).toBe(false);
    expect(e.enable('cloudfetch_timeout', { times: 1_000_000, skip: 1_000_000, durationMs: 3_600_000 })).toMatchObject({
      remainingFirings: 1_000_000,
      skipRemaining: 1_000_000,
      durationMs: 3_600_000,
    });
  });

  it('disable and disableAll report and disarm', () => {
    const e = engine();
    expect(e.disableAll()).toEqual([]);
    e.enable('expired_credentials');
    e.enable('cloudfetch_404', { untilDisabled: true });
    e.enable('cloudfetch_412');
    expect(e.disable('cloudfetch_412')).toMatchObject({ enabled: false, remainingFirings: 0 });
    expect(e.disableAll()).toEqual(['cloudfetch_404', 'expired_credentials']);
    expect(e.list().filter((s) => s.enabled)).toEqual([]);
    expect(e.claim(openSession)).toBeUndefined();
    expect(e.claim(download)).toBeUndefined();
  });

  it('hands out copies: changing a returned status does not change the engine', () => {
    const e = engine();
    e.enable('cloudfetch_403');
    e.claim(download);
    const status = e.get('cloudfetch_403');
    status.lastFiredTime!.setTime(0);
    status.firedCount = 99;
    expect(e.get('cloudfetch_403').firedCount).toBe(1);
    expect(e.get('cloudfetch_403').lastFiredTime!.getTime()).not.toBe(0);
  });

  it('under concurrent requests a one-shot fires exactly once and times N exactly N times', async () => {
    const e = engine();
    e.enable('cloudfetch_503');
    e.enable('expired_credentials', { times: 7 });
    const claims = await Promise.all(
      Array.from({ length: 100 }, (_, i) => Promise.resolve().then(() => e.claim(i % 2 === 0 ? download : openSession))),
    );
    const fired = claims.filter((f): f is Firing => f !== undefined).map((f) => f.scenario);
    expect(fired.filter((n) => n === 'cloudfetch_503')).toHaveLength(1);
    expect(fired.filter((n) => n === 'expired_credentials')).toHaveLength(7);
    expect(e.get('expired_credentials')).toMatchObject({ enabled: false, firedCount: 7 });
  });

  it('refuses a catalog with a name twice', () => {
    const twice: ScenarioDefinition[] = [SCENARIO_CATALOG[0], { ...SCENARIO_CATALOG[1], name: SCENARIO_CATALOG[0].name }];
    expect(() => new ScenarioEngine(twice)).toThrow(/'cloudfetch_expired_link' appears twice/);
  });
});
