// Every Thrift and session scenario of the catalog, through the proxy, with the official driver.
import { THRIFT_CASES } from './support/scenario-cases';
import { describeScenarioCases } from './support/run-scenario-cases';

describeScenarioCases('Thrift and session scenarios with @databricks/sql', THRIFT_CASES);
