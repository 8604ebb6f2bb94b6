// The gRPC control server over the real ProxyControl, journal and engine, without the MITM proxy: for tests
// that need thousands of calls, or calls no proxy would record, written straight into the journal.
import { ApiServer, startApiServer } from '../../../src/api/grpc-server';
import { ProxyControl } from '../../../src/core/control';
import { FieldValue, ProxyInfo } from '../../../src/core/model';
import { CallJournal } from '../../../src/journal/call-journal';
import { SCENARIO_CATALOG } from '../../../src/scenarios/catalog';
import { ScenarioEngine } from '../../../src/scenarios/engine';
import { ControlApi } from './control-client';

export const STACK_INFO: ProxyInfo = {
  proxyHost: '127.0.0.1',
  proxyPort: 1,
  apiHost: '127.0.0.1',
  apiPort: 0,
  caCertPem: '',
  caCertPath: '',
  version: 'test',
  callHistoryCapacity: 100_000,
};

export interface ControlStack {
  journal: CallJournal;
  server: ApiServer;
  api: ControlApi;
  /** What the server reported through its logError hook. */
  internalErrors: unknown[];
  close(): Promise<void>;
}

export async function startControlStack(info: ProxyInfo = STACK_INFO): Promise<ControlStack> {
  const journal = new CallJournal({ capacity: info.callHistoryCapacity });
  const control = new ProxyControl({ engine: new ScenarioEngine(SCENARIO_CATALOG), journal, info: () => info });
  const internalErrors: unknown[] = [];
  const server = await startApiServer({ host: '127.0.0.1', port: 0, control, logError: (_rpc, error) => internalErrors.push(error) });
  const api = new ControlApi(`127.0.0.1:${server.port}`);
  return {
    journal,
    server,
    api,
    internalErrors,
    close: async () => {
      api.close();
      await server.close();
    },
  };
}

/** Records one finished Thrift call directly in the journal. */
export function recordCall(journal: CallJournal, request: Record<string, FieldValue> = {}): void {
  const call = journal.begin({
    kind: 'thrift',
    method: 'ExecuteStatement',
    decoded: true,
    request,
    host: 'example.cloud.databricks.com',
    path: '/sql/1.0/warehouses/x',
    httpMethod: 'POST',
    requestBytes: 1024,
    responseBytes: 0,
  });
  journal.finish(call, { state: 'completed', httpStatus: 200, responseBytes: 10 });
}
