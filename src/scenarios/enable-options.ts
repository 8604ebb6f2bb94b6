// Checks EnableScenario overrides against a scenario before anything changes, and resolves them to the armed state.
import { EnableOptions, ScenarioDefinition, ScenarioError } from '../core/model';

export const MAX_TIMES = 1_000_000;
export const MAX_SKIP = 1_000_000;
export const MAX_HOLD_MS = 3_600_000;

/** How a scenario is armed once its options have been checked. */
export interface ArmedOptions {
  remainingFirings: number;
  untilDisabled: boolean;
  skipRemaining: number;
  /** Only for hold scenarios: the override, or undefined to use the default. */
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
    if (definition.action.kind !== 'hold') {
      throw invalid(
        `scenario '${definition.name}' does not hold (its action is ${definition.action.kind}); a duration applies ` +
          `only to hold scenarios: ${holdScenarios.join(', ')}`,
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
