// The e2e suite has exactly one case per catalog scenario: a scenario added to the catalog without an
// end-to-end case fails here.
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { CLOUDFETCH_CASES, THRIFT_CASES } from './support/scenario-cases';

it('covers every catalog scenario exactly once', () => {
  const covered = [...CLOUDFETCH_CASES, ...THRIFT_CASES].map((c) => c.scenario);
  expect([...covered].sort()).toEqual(SCENARIO_CATALOG.map((s) => s.name).sort());
  expect(new Set(covered).size).toBe(covered.length);
  expect(covered).toHaveLength(21);
});
