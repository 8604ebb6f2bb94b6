// Runs scenario cases as jest tests against one proxy + fake: enable, run the driver, check both sides.
import { SCENARIO_CATALOG } from '../../../src/scenarios/catalog';
import { startE2eEnv, type E2eEnv } from './e2e-env';
import { CLOUDFETCH_FAKE, type ScenarioCase } from './scenario-cases';

export function describeScenarioCases(title: string, cases: readonly ScenarioCase[]): void {
  describe(title, () => {
    let env: E2eEnv;

    beforeAll(async () => {
      env = await startE2eEnv(CLOUDFETCH_FAKE);
    });

    afterAll(async () => {
      await env?.close();
    });

    afterEach(() => {
      // A case whose scenario did not fire must not leak it into the next case.
      env.app.control.disableAllScenarios();
    });

    for (const c of cases) {
      it(`${c.scenario}: the driver ${c.outcome}`, async () => {
        expect(SCENARIO_CATALOG.map((s) => s.name)).toContain(c.scenario);
        env.recorder.clear();
        env.app.control.enableScenario(c.scenario, c.enable);
        const { report } = await env.runDriver(c.steps, c.client);
        await c.check({
          env,
          report,
          completed: () => env.recorder.completed(),
          streamed: (predicate) => env.recorder.waitForCompleted(predicate),
        });
      });
    }
  });
}
