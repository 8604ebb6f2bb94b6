// Every CloudFetch scenario of the catalog, through the proxy, with the official driver.
import { CLOUDFETCH_CASES } from './support/scenario-cases';
import { describeScenarioCases } from './support/run-scenario-cases';

describeScenarioCases('CloudFetch scenarios with @databricks/sql', CLOUDFETCH_CASES);
