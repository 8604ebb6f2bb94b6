// Every response-side built-in of the catalog (truncated, slow, stalled and rewritten replies), through the
// proxy, with the official driver.
import { RESPONSE_CASES } from './support/response-scenario-cases';
import { describeScenarioCases } from './support/run-scenario-cases';

describeScenarioCases('Response-side scenarios with @databricks/sql', RESPONSE_CASES);
