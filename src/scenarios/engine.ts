// Decides, per request, whether an armed scenario fires. claim() is synchronous, so in Node it is atomic: two
// requests arriving together can never both take a one-shot scenario. Built-in scenarios come first, in catalog
// order, then custom ones in the order they were first defined.
import { deepFreeze } from '../core/freeze';
import { EnableOptions, Firing, MatchFacts, ScenarioDefinition, ScenarioError, ScenarioStatus, StepSpec } from '../core/model';
import { explainDefinition, validateDefinition } from './definition';
import { armOptions, hasHoldStep } from './enable-options';
import { compileMatch, Matcher } from './match';

export interface ScenarioEngineOptions {
  now?: () => Date;
}

interface ScenarioState {
  readonly definition: ScenarioDefinition;
  readonly builtin: boolean;
  readonly matches: Matcher;
  readonly explanation: string;
  enabled: boolean;
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  durationOverrideMs?: number;
  firedCount: number;
  lastFiredTime?: Date;
}

/** What DefineScenario reports. */
export interface DefineResult {
  status: ScenarioStatus;
  /** A custom scenario of that name existed and was replaced. */
  replaced: boolean;
}

/** What DeleteScenario reports. */
export interface DeleteResult {
  definition: ScenarioDefinition;
  wasEnabled: boolean;
}

function newState(definition: ScenarioDefinition, builtin: boolean): ScenarioState {
  return {
    definition,
    builtin,
    matches: compileMatch(definition.match),
    explanation: explainDefinition(definition),
    enabled: false,
    remainingFirings: 0,
    untilDisabled: false,
    skipRemaining: 0,
    firedCount: 0,
  };
}

export class ScenarioEngine {
  private states: ScenarioState[];
  private readonly byName = new Map<string, ScenarioState>();
  private readonly now: () => Date;
  // Most requests arrive with nothing armed: skip the scan then.
  private enabledCount = 0;

  constructor(catalog: readonly ScenarioDefinition[], opts: ScenarioEngineOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.states = catalog.map((definition) => {
      validateDefinition(definition, `built-in scenario ${definition.name}`);
      return newState(definition, true);
    });
    for (const state of this.states) {
      if (this.byName.has(state.definition.name)) {
        throw new Error(`scenario catalog: the name '${state.definition.name}' appears twice`);
      }
      this.byName.set(state.definition.name, state);
    }
  }

  list(): ScenarioStatus[] {
    return this.states.map(statusOf);
  }

  get(name: string): ScenarioStatus {
    return statusOf(this.stateOf(name));
  }

  /**
   * Creates a custom scenario, or replaces the custom one of that name (disarmed, its counters reset, in the
   * same place in the list). Nothing changes when the definition is invalid or names a built-in.
   */
  define(definition: ScenarioDefinition): DefineResult {
    validateDefinition(definition);
    const existing = this.byName.get(definition.name);
    if (existing?.builtin === true) {
      throw new ScenarioError(
        'already_exists',
        `'${definition.name}' is a built-in scenario and cannot be redefined; give your scenario another name`,
      );
    }
    const state = newState(deepFreeze(structuredClone(definition)), false);
    if (existing !== undefined) {
      this.disarm(existing);
      this.states = this.states.map((s) => (s === existing ? state : s));
    } else this.states = [...this.states, state];
    this.byName.set(definition.name, state);
    return { status: statusOf(state), replaced: existing !== undefined };
  }

  /** Removes a custom scenario (disarming it). Built-ins cannot be deleted. */
  delete(name: string): DeleteResult {
    const state = this.stateOf(name);
    if (state.builtin) {
      throw new ScenarioError('failed_precondition', `'${name}' is a built-in scenario and cannot be deleted (DisableScenario disarms it)`);
    }
    const wasEnabled = state.enabled;
    this.disarm(state);
    this.states = this.states.filter((s) => s !== state);
    this.byName.delete(name);
    return { definition: state.definition, wasEnabled };
  }

  /** Arms a scenario; enabling an armed one starts it over with the new options. Invalid options change nothing. */
  enable(name: string, opts: EnableOptions = {}): ScenarioStatus {
    const state = this.stateOf(name);
    const armed = armOptions(state.definition, opts, this.holdScenarioNames());
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

  /** Returns the names that were armed, in list order. */
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
   * The firing for a request, or undefined to forward it untouched. Armed scenarios are tried in list order;
   * one still skipping counts this request and lets the next scenario try. A scenario whose last firing this is
   * is disabled before claim returns, so a hold that follows delays only this request.
   */
  claim(facts: MatchFacts): Firing | undefined {
    if (this.enabledCount === 0) return undefined;
    for (const state of this.states) {
      if (!state.enabled || !state.matches(facts)) continue;
      if (state.skipRemaining > 0) {
        state.skipRemaining--;
        continue;
      }
      // Resolved before a last firing disarms the scenario, which forgets the override.
      const firing: Firing = { scenario: state.definition.name, steps: stepsInForce(state) };
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

  private holdScenarioNames(): string[] {
    return this.states.filter((s) => hasHoldStep(s.definition)).map((s) => s.definition.name);
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

/** The steps with EnableScenario's duration applied to every hold step. */
function stepsInForce(state: ScenarioState): readonly StepSpec[] {
  const override = state.durationOverrideMs;
  const { steps } = state.definition;
  if (override === undefined) return steps;
  return steps.map((step) => (step.kind === 'hold' ? { kind: 'hold', durationMs: override } : step));
}

/** Hold time in force: the override, else the first hold step's own. */
function holdMsOf(state: ScenarioState): number | undefined {
  const first = state.definition.steps.find((step) => step.kind === 'hold');
  if (first === undefined || first.kind !== 'hold') return undefined;
  return state.durationOverrideMs ?? first.durationMs;
}

function statusOf(state: ScenarioState): ScenarioStatus {
  const status: ScenarioStatus = {
    definition: state.definition,
    builtin: state.builtin,
    explanation: state.explanation,
    enabled: state.enabled,
    remainingFirings: state.remainingFirings,
    untilDisabled: state.untilDisabled,
    skipRemaining: state.skipRemaining,
    firedCount: state.firedCount,
  };
  const holdMs = holdMsOf(state);
  if (holdMs !== undefined) status.durationMs = holdMs;
  // A copy: a Date is mutable, and a caller's change must not rewrite the engine's history.
  if (state.lastFiredTime !== undefined) status.lastFiredTime = new Date(state.lastFiredTime.getTime());
  return status;
}

/** The scenario name nearest to a mistyped one (case-insensitive edit distance), if it is near enough to be a typo. */
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
