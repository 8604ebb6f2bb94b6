// Step `hold`: keep the request waiting, then forward it. Unlike `delay`, EnableScenario's duration overrides
// its time (the original proxy's hold scenarios), and it always forwards.
import { StepImplementation } from './step-kind';
import { checkWaitMs, formatMs } from './limits';

export const hold: StepImplementation<'hold'> = {
  kind: 'hold',
  ends: true,
  forwards: true,
  validate: (step, problem) => checkWaitMs(step.durationMs, 'duration', problem),
  explain: (step) => `hold ${formatMs(step.durationMs)}, then forward`,
  run: async (exchange, step) => {
    const outcome = await exchange.wait(step.durationMs, 'held the request');
    return outcome === 'ended' ? 'ended' : exchange.forward();
  },
};
