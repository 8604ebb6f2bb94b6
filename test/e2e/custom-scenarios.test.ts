// Scenarios the test defines itself over gRPC (DefineScenario, then EnableScenario), through the proxy, with the
// official driver.
import { CUSTOM_CASES } from './support/custom-scenario-cases';
import { describeScenarioCases } from './support/run-scenario-cases';

describeScenarioCases('Custom scenarios (DefineScenario) with @databricks/sql', CUSTOM_CASES);
