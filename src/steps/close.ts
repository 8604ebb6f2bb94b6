// Step `close`: close the client's connection normally (FIN) without answering: what a server or load balancer
// that drops an idle or overloaded connection does.
import { StepImplementation } from './step-kind';

export const close: StepImplementation<'close'> = {
  kind: 'close',
  ends: true,
  validate: () => undefined,
  explain: () => 'close the connection (FIN, no HTTP response)',
  run: (exchange) => exchange.cut('close'),
};
