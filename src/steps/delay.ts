// Step `delay`: wait, then let the next step run (with nothing after it, the request is forwarded).
import { StepImplementation } from './step-kind';
import { checkWaitMs, formatMs } from './limits';

export const delay: StepImplementation<'delay'> = {
  kind: 'delay',
  ends: false,
  validate: (step, problem) => checkWaitMs(step.durationMs, 'duration', problem),
  explain: (step) => `delay ${formatMs(step.durationMs)}`,
  run: (exchange, step) => exchange.wait(step.durationMs, 'delayed the request'),
};
