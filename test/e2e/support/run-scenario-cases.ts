// Runs scenario cases as jest tests against one proxy + fake, the way a driver team's test would: define the
// scenario over gRPC if it is not a built-in, open a gRPC WatchCalls stream and wait for its LIVE marker, arm the scenario with the gRPC EnableScenario RPC, run the
// driver, let the stream catch up, then check the driver's outcome against what the stream reported.
import { EnableScenarioRequest } from '../../../gen/thriftproxy/v1/scenario_control';
import { SCENARIO_CATALOG } from '../../../src/scenarios/catalog';
import { GrpcCallWatch } from './call-watch';
import { startE2eEnv, type E2eEnv } from './e2e-env';
import { durationMs } from './call-watch';
import { CallKind } from '../../../gen/thriftproxy/v1/scenario_control';
import { CLOUDFETCH_FAKE, CLOUDFETCH_ROWS, timingsFor, type CaseTimings, type ScenarioCase } from './scenario-cases';

export function describeScenarioCases(title: string, cases: readonly ScenarioCase[]): void {
  describe(title, () => {
    let env: E2eEnv;
    let timings: CaseTimings;

    beforeAll(async () => {
      env = await startE2eEnv(CLOUDFETCH_FAKE);
      timings = await measureTimings(env);
    }, 120_000);

    afterAll(async () => {
      await env?.close();
    });

    afterEach(async () => {
      // A case whose scenario did not fire must not leak it into the next case.
      await env.api.disableAllScenarios();
    });

    for (const c of cases) {
      it(`${c.scenario}: the driver ${c.outcome}`, async () => {
        if (c.define) {
          // A scenario of the test's own, defined over the gRPC DefineScenario RPC (disarmed until enabled).
          const defined = (await env.api.defineScenario({ scenario: { ...c.define, name: c.scenario } })).scenario;
          expect(defined).toMatchObject({ name: c.scenario, builtin: false, enabled: false });
        } else {
          expect(SCENARIO_CATALOG.map((s) => s.name)).toContain(c.scenario);
        }
        const watch = await GrpcCallWatch.open(env.api);
        try {
          const enable = typeof c.enable === 'function' ? c.enable(timings) : c.enable;
          const request = EnableScenarioRequest.fromPartial({ ...enable, name: c.scenario });
          const armed = (await env.api.enableScenario(request)).scenario;
          expect(armed).toMatchObject({ name: c.scenario, enabled: true });
          // Enabling cleared the call history: the stream and ListCalls both start from this run.
          expect((await env.api.countCalls({})).count).toBe(0n);

          const { report } = await env.runDriver(c.steps, typeof c.client === 'function' ? c.client(timings) : c.client);
          await watch.settle();
          await c.check({
            env,
            timings,
            report,
            completed: () => watch.completed(),
            streamed: (predicate) => watch.waitForCompleted(predicate),
          });
          // The engine's count of firings agrees with the calls the stream attributed to the scenario.
          const after = (await env.api.getScenario(c.scenario)).scenario!;
          expect(Number(after.firedCount)).toBe(watch.completed().filter((call) => call.scenario === c.scenario).length);
          expect(after.firedCount).toBeGreaterThan(0n);
        } finally {
          watch.close();
        }
        // Holds grow with the measured timings (14 s at a load average of 25 on 2 cores): so may a case.
      }, 120_000);
    }
  });
}

/** Runs the CloudFetch query once, unheld, and derives the hold cases' timings from its slowest Thrift call. */
async function measureTimings(env: E2eEnv): Promise<CaseTimings> {
  await env.api.resetCalls();
  const { report } = await env.runDriver([{ kind: 'query', sql: `SELECT * FROM range(${CLOUDFETCH_ROWS})` }]);
  if (report.error !== undefined) throw new Error(`the warm-up query failed: ${report.error.message}`);
  const { calls } = await env.api.listCalls({ filter: { kind: CallKind.CALL_KIND_THRIFT } });
  const slowest = Math.max(0, ...calls.map(durationMs));
  const timings = timingsFor(slowest);
  console.info(`e2e timings: slowest Thrift call of the warm-up ${slowest.toFixed(0)} ms -> socketTimeout ${timings.socketTimeoutMs} ms, hold ${timings.holdMs} ms`);
  return timings;
}
