// Step `reset`: end the client's TCP connection with a reset (RST), no HTTP response.
import { StepImplementation } from './step-kind';

export const reset: StepImplementation<'reset'> = {
  kind: 'reset',
  ends: true,
  validate: () => undefined,
  explain: () => 'reset the connection (no HTTP response)',
  run: (exchange) => exchange.cut('reset'),
};
