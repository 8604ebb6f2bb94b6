// Decides, per request, whether an armed scenario fires. claim() is synchronous, so in Node it is atomic: two
// requests arriving together can never both take a one-shot scenario.
import {
  ANY_THRIFT_OPERATION,
  CLOUDFETCH_METHOD,
  EnableOptions,
  Firing,
  MatchFacts,
  ScenarioDefinition,
  ScenarioError,
  ScenarioStatus,
} from '../core/model';
import { armOptions } from './enable-options';

export interface ScenarioEngineOptions {
  now?: () => Date;
}

interface ScenarioState {
  readonly definition: ScenarioDefinition;
  enabled: boolean;
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  durationOverrideMs?: number;
  firedCount: number;
  lastFiredTime?: Date;
}

function matches(operation: string, facts: MatchFacts): boolean {
  if (operation === CLOUDFETCH_METHOD) return facts.kind === 'cloudfetch';
  if (facts.kind !== 'thrift' || facts.method === undefined || facts.method === '') return false;
  return operation === ANY_THRIFT_OPERATION || operation === facts.method;
}

export class ScenarioEngine {
  private readonly states: ScenarioState[];
  private readonly byName = new Map<string, ScenarioState>();
  private readonly holdScenarios: string[];
  private readonly now: () => Date;
  // Most requests arrive with nothing armed: skip the scan then.
  private enabledCount = 0;

  constructor(catalog: readonly ScenarioDefinition[], opts: ScenarioEngineOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.states = catalog.map((definition) => ({
      definition,
      enabled: false,
      remainingFirings: 0,
      untilDisabled: false,
      skipRemaining: 0,
      firedCount: 0,
    }));
    for (const state of this.states) {
      if (this.byName.has(state.definition.name)) {
        throw new Error(`scenario catalog: the name '${state.definition.name}' appears twice`);
      }
      this.byName.set(state.definition.name, state);
    }
    this.holdScenarios = catalog.filter((d) => d.action.kind === 'hold').map((d) => d.name);
  }

  list(): ScenarioStatus[] {
    return this.states.map(statusOf);
  }

  get(name: string): ScenarioStatus {
    return statusOf(this.stateOf(name));
  }

  /** Arms a scenario; enabling an armed one starts it over with the new options. Invalid options change nothing. */
  enable(name: string, opts: EnableOptions = {}): ScenarioStatus {
    const state = this.stateOf(name);
    const armed = armOptions(state.definition, opts, this.holdScenarios);
    if (!state.enabled) this.enabledCount++;
    state.enabled = true;
    state.remainingFirings = armed.remainingFirings;
    state.untilDisabled = armed.untilDisabled;
    state.skipRemaining = armed.skipRemaining;
    state.durationOverrideMs = armed.durationMs;
    return statusOf(state);
  }

  disable(name: string): ScenarioStatus {
    const state = this.stateOf(name);
    this.disarm(state);
    return statusOf(state);
  }

  /** Returns the names that were armed, in catalog order. */
  disableAll(): string[] {
    const names: string[] = [];
    for (const state of this.states) {
      if (state.enabled) {
        names.push(state.definition.name);
        this.disarm(state);
      }
    }
    return names;
  }

  /**
   * The firing for a request, or undefined to forward it untouched. Armed scenarios are tried in catalog order;
   * one still skipping counts this request and lets the next scenario try. A scenario whose last firing this is
   * is disabled before claim returns, so a hold that follows delays only this request.
   */
  claim(facts: MatchFacts): Firing | undefined {
    if (this.enabledCount === 0) return undefined;
    for (const state of this.states) {
      if (!state.enabled || !matches(state.definition.operation, facts)) continue;
      if (state.skipRemaining > 0) {
        state.skipRemaining--;
        continue;
      }
      const { action, name } = state.definition;
      // Resolved before a last firing disarms the scenario, which forgets the override.
      const firing: Firing =
        action.kind === 'hold'
          ? { scenario: name, action, holdMs: state.durationOverrideMs ?? action.defaultMs }
          : { scenario: name, action };
      if (!state.untilDisabled) {
        state.remainingFirings--;
        if (state.remainingFirings <= 0) this.disarm(state);
      }
      state.firedCount++;
      state.lastFiredTime = this.now();
      return firing;
    }
    return undefined;
  }

  private stateOf(name: string): ScenarioState {
    if (name.trim() === '') {
      throw new ScenarioError('invalid_argument', 'name is required: give a scenario name, e.g. "cloudfetch_503" (ListScenarios shows them all)');
    }
    const state = this.byName.get(name);
    if (state === undefined) {
      const near = closestName(name, [...this.byName.keys()]);
      throw new ScenarioError(
        'not_found',
        `unknown scenario '${name}'; ${near === undefined ? '' : `did you mean '${near}'? `}ListScenarios shows the ${this.states.length} names`,
      );
    }
    return state;
  }

  private disarm(state: ScenarioState): void {
    if (state.enabled) this.enabledCount--;
    state.enabled = false;
    state.remainingFirings = 0;
    state.untilDisabled = false;
    state.skipRemaining = 0;
    state.durationOverrideMs = undefined;
  }
}

function statusOf(state: ScenarioState): ScenarioStatus {
  const { definition } = state;
  const status: ScenarioStatus = {
    definition,
    enabled: state.enabled,
    remainingFirings: state.remainingFirings,
    untilDisabled: state.untilDisabled,
    skipRemaining: state.skipRemaining,
    firedCount: state.firedCount,
  };
  if (definition.action.kind === 'hold') status.durationMs = state.durationOverrideMs ?? definition.action.defaultMs;
  // A copy: a Date is mutable, and a caller's change must not rewrite the engine's history.
  if (state.lastFiredTime !== undefined) status.lastFiredTime = new Date(state.lastFiredTime.getTime());
  return status;
}

/** The catalog name nearest to a mistyped one (case-insensitive edit distance), if it is near enough to be a typo. */
function closestName(wanted: string, names: readonly string[]): string | undefined {
  const w = wanted.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(w.length / 3)) + 1;
  for (const name of names) {
    const d = editDistance(w, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
