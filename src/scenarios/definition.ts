// Checks a scenario definition as a whole (name, match, steps) before the engine accepts it, and explains it in
// one line. Problems are reported with the field path of the API request ("scenario.steps[1].respond.http_status")
// so a caller sees exactly what to fix; every problem is reported, not just the first.
import { ScenarioDefinition, ScenarioError, StepSpec } from '../core/model';
import { explainStep, stepActsOnResponse, stepAnswersItself, stepEnds, validateStep } from '../steps/registry';
import { explainMatch, validateMatch } from './match';

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
export const MAX_STEPS = 32;
const MAX_DESCRIPTION = 2000;

/** The explanation of a definition: "on <match>: <step>, then <step>". */
export function explainDefinition(definition: ScenarioDefinition): string {
  return `on ${explainMatch(definition.match)}: ${explainSteps(definition.steps)}`;
}

export function explainSteps(steps: readonly StepSpec[]): string {
  return steps.map(explainStep).join(', then ');
}

/** Throws ScenarioError('invalid_argument') listing every problem; `root` prefixes each field path. */
export function validateDefinition(definition: ScenarioDefinition, root = 'scenario'): void {
  const problems: string[] = [];
  const at = (prefix: string) => (field: string, message: string) => problems.push(`${prefix}${field}: ${message}`);
  if (!NAME.test(definition.name)) {
    problems.push(
      `${root}.name: ${definition.name === '' ? 'is required' : `${JSON.stringify(definition.name)} is not a valid name`}; use 1 to 100 letters, digits, '_', '-' or '.'`,
    );
  }
  if (definition.description.length > MAX_DESCRIPTION) {
    problems.push(`${root}.description: is ${definition.description.length} characters long; at most ${MAX_DESCRIPTION}`);
  }
  validateMatch(definition.match, at(`${root}.match.`));
  const { steps } = definition;
  if (steps.length === 0) problems.push(`${root}.steps: give at least one step (e.g. respond, delay, reset)`);
  if (steps.length > MAX_STEPS) problems.push(`${root}.steps: ${steps.length} steps; at most ${MAX_STEPS}`);
  let endedBy: number | undefined;
  steps.forEach((step, i) => {
    const path = `${root}.steps[${i}]`;
    if (endedBy !== undefined) {
      problems.push(`${path}: never runs: steps[${endedBy}] (${steps[endedBy].kind}) ends the exchange; remove it or move it before`);
    }
    validateStep(step, at(`${path}.${step.kind}.`));
    if (endedBy === undefined && stepEnds(step)) endedBy = i;
  });
  // A response-side step acts on the server's reply: a step that answers instead leaves it nothing to act on.
  const answeredBy = endedBy !== undefined && stepAnswersItself(steps[endedBy]) ? endedBy : undefined;
  if (answeredBy !== undefined) {
    steps.slice(0, answeredBy).forEach((step, i) => {
      if (stepActsOnResponse(step)) {
        problems.push(`${root}.steps[${i}]: never acts: steps[${answeredBy}] (${steps[answeredBy].kind}) answers without the server's reply`);
      }
    });
  }
  if (problems.length > 0) throw new ScenarioError('invalid_argument', problems.join('; '));
}
