// Step `forward`: send the request on to its server now (what happens anyway after the last step).
import { StepImplementation } from './step-kind';

export const forward: StepImplementation<'forward'> = {
  kind: 'forward',
  ends: true,
  forwards: true,
  validate: () => undefined,
  explain: () => 'forward to the server',
  run: (exchange) => exchange.forward(),
};
