// The e2e suite has exactly one case per catalog scenario: a scenario added to the catalog without an
// end-to-end case fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { CUSTOM_CASES } from './support/custom-scenario-cases';
import { RESPONSE_CASES } from './support/response-scenario-cases';
import { CLOUDFETCH_CASES, THRIFT_CASES } from './support/scenario-cases';

it('covers every catalog scenario exactly once', () => {
  const covered = [...CLOUDFETCH_CASES, ...THRIFT_CASES, ...RESPONSE_CASES].map((c) => c.scenario);
  expect([...covered].sort()).toEqual(SCENARIO_CATALOG.map((s) => s.name).sort());
  expect(new Set(covered).size).toBe(covered.length);
  expect(covered).toHaveLength(27);
});

it('defines each custom case over gRPC, under a name no built-in has', () => {
  const builtins = SCENARIO_CATALOG.map((s) => s.name);
  expect(CUSTOM_CASES.length).toBeGreaterThan(0);
  for (const c of CUSTOM_CASES) {
    expect({ name: c.scenario, defines: c.define !== undefined, builtin: builtins.includes(c.scenario) }).toEqual({ name: c.scenario, defines: true, builtin: false });
  }
  const runner = readFileSync(join(__dirname, 'support', 'run-scenario-cases.ts'), 'utf8');
  expect(runner).toMatch(/env\.api\.defineScenario\([\s\S]*env\.api\.enableScenario\(/);
});

it('lists every finding of the e2e cases in the README\'s findings section', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const start = readme.indexOf('## Findings about the official Node.js driver');
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const withFindings = [...CLOUDFETCH_CASES, ...THRIFT_CASES, ...RESPONSE_CASES, ...CUSTOM_CASES].filter((c) => c.finding);
  expect(withFindings.length).toBeGreaterThan(0);
  for (const c of withFindings) expect(section).toContain(`\`${c.scenario}\``);
});

it('arms and watches every scenario case over the real gRPC control API, not in-process', () => {
  const support = join(__dirname, 'support');
  const runner = readFileSync(join(support, 'run-scenario-cases.ts'), 'utf8');
  // A gRPC WatchCalls stream, live before the scenario is armed with the EnableScenario RPC.
  expect(runner).toMatch(/GrpcCallWatch\.open\(env\.api\)[\s\S]*env\.api\.enableScenario\([\s\S]*env\.runDriver\(/);
  const watch = readFileSync(join(support, 'call-watch.ts'), 'utf8');
  expect(watch).toContain('WATCH_EVENT_TYPE_LIVE');
  // Nothing in the e2e support reaches around the API into the in-process facade.
  for (const file of ['run-scenario-cases.ts', 'scenario-cases.ts', 'custom-scenario-cases.ts', 'response-scenario-cases.ts', 'call-watch.ts', 'e2e-env.ts']) {
    const text = readFileSync(join(support, file), 'utf8');
    expect({ file, inProcess: text.match(/\bcontrol\.(defineScenario|enableScenario|disableScenario|disableAllScenarios|watchCalls|listCalls)\b/g) }).toEqual({ file, inProcess: null });
  }
});
