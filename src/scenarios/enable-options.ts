// Checks EnableScenario overrides against a scenario before anything changes, and resolves them to the armed state.
import { EnableOptions, ScenarioDefinition, ScenarioError } from '../core/model';
import { MAX_WAIT_MS } from '../steps/limits';

export const MAX_TIMES = 1_000_000;
export const MAX_SKIP = 1_000_000;
export const MAX_HOLD_MS = MAX_WAIT_MS;

/** How a scenario is armed once its options have been checked. */
export interface ArmedOptions {
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  /** Only for scenarios with a hold step: the override, or undefined to use the default. */
  durationMs?: number;
}

function invalid(message: string): ScenarioError {
  return new ScenarioError('invalid_argument', message);
}

function requireIntegerIn(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be a whole number from ${min} to ${max} (got ${value})`);
  }
  return value;
}

/**
 * `holdScenarios` names the scenarios a duration applies to, for the error message of one that does not hold.
 */
export function armOptions(definition: ScenarioDefinition, opts: EnableOptions, holdScenarios: readonly string[]): ArmedOptions {
  const untilDisabled = opts.untilDisabled === true;
  if (opts.times !== undefined && untilDisabled) {
    throw invalid(
      `times and untilDisabled exclude each other: give times to fire N times, or untilDisabled to fire until ` +
        `DisableScenario (got times ${opts.times} with untilDisabled)`,
    );
  }
  const times = opts.times === undefined ? 1 : requireIntegerIn(opts.times, 'times', 1, MAX_TIMES);
  const skip = opts.skip === undefined ? 0 : requireIntegerIn(opts.skip, 'skip', 0, MAX_SKIP);
  let durationMs: number | undefined;
  if (opts.durationMs !== undefined) {
    if (!hasHoldStep(definition)) {
      throw invalid(
        `scenario '${definition.name}' does not hold (its steps are ${definition.steps.map((s) => s.kind).join(', ')}); ` +
          `a duration applies only to scenarios with a hold step: ${holdScenarios.join(', ')}`,
      );
    }
    if (!Number.isInteger(opts.durationMs) || opts.durationMs < 0 || opts.durationMs > MAX_HOLD_MS) {
      throw invalid(
        `duration must be a whole number of milliseconds from 0 to ${MAX_HOLD_MS} (0 to 1 hour; got ${opts.durationMs})`,
      );
    }
    durationMs = opts.durationMs;
  }
  return { remainingFirings: untilDisabled ? 0 : times, untilDisabled, skipRemaining: skip, durationMs };
}

export function hasHoldStep(definition: ScenarioDefinition): boolean {
  return definition.steps.some((step) => step.kind === 'hold');
}
