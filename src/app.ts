// Composition root: builds the journal, the scenario engine, the MITM proxy, the ProxyControl facade and the
// gRPC control API, and stops them in reverse order. Tests start the whole proxy in-process with this.
import { exposedApiWarning, isLoopbackHost, startApiServer } from './api/grpc-server';
import {
  DEFAULT_API_HOST,
  DEFAULT_API_PORT,
  DEFAULT_HISTORY_MIB,
  DEFAULT_HISTORY_SIZE,
  DEFAULT_LISTEN_HOST,
  DEFAULT_LISTEN_PORT,
} from './app-defaults';
import { ProxyControl } from './core/control';
import { createLogger, Logger } from './core/logger';
import { ProxyInfo } from './core/model';
import type { FakeWarehouseOptions, RunningFakeWarehouse } from './fake';
import { logCallsAtDebug } from './call-debug-log';
import { expireFakeLinksWhenScenarioFires } from './fake-link-expiry';
import { CallJournal } from './journal/call-journal';
import { HostMapping } from './proxy/host-map';
import { startProxyServer } from './proxy/proxy-server';
import type { UpstreamTimeouts } from './proxy/upstream-timeouts';
import { SCENARIO_CATALOG } from './scenarios/catalog';
import { ScenarioEngine } from './scenarios/engine';
import { ShutdownStack } from './shutdown-stack';
import { VERSION } from './version';

export interface AppOptions {
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default 18080; 0 picks a free port. */
  listenPort?: number;
  /** Default 127.0.0.1. */
  apiHost?: string;
  /** Default 18081; 0 picks a free port. */
  apiPort?: number;
  /** Where the proxy's CA certificate and key live (created when missing). */
  caDir: string;
  /** Send traffic for a host name to another address (e.g. a local fake). */
  hostMappings?: readonly HostMapping[];
  /** Extra CA certificates (PEM) trusted for upstream HTTPS. */
  upstreamCaPems?: readonly string[];
  /** Skip upstream certificate verification. */
  insecureUpstream?: boolean;
  /** Limits on waiting for real servers (connect, TLS handshake, response); unset ones take the defaults (10 s, 10 s, 120 s). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** Extra host name patterns whose GETs are CloudFetch downloads. */
  cloudFetchHostPatterns?: readonly string[];
  /** Recorded calls kept; default 1000. */
  historySize?: number;
  /** Estimated bytes the recorded calls may take; default 128 MiB. The oldest leave first. */
  historyMaxBytes?: number;
  /** Default: warnings and errors on stderr. */
  log?: Logger;
  /**
   * Also start the embedded fake Databricks SQL warehouse and fake cloud storage, reachable through the proxy
   * under their cloud-looking host names (info.fakeWarehouse says how).
   */
  fakeWarehouse?: boolean | FakeWarehouseOptions;
}

export interface StopOptions {
  /**
   * Drain first: stop accepting connections, release held requests, and give requests in flight up to this long
   * to finish (the control API keeps serving meanwhile). Default 0: close everything at once.
   */
  graceMs?: number;
}

export interface RunningApp {
  info: ProxyInfo;
  control: ProxyControl;
  /** The embedded fake warehouse, when started with fakeWarehouse (its stats, direct addresses, CA). */
  fakeWarehouse?: RunningFakeWarehouse;
  /** Stops the proxy (draining first with graceMs), the API and the fake warehouse. Safe to call more than once. */
  close(options?: StopOptions): Promise<void>;
}

export async function startThriftFaultProxy(options: AppOptions): Promise<RunningApp> {
  const log = options.log ?? createLogger({ level: 'warn' });
  const capacity = options.historySize ?? DEFAULT_HISTORY_SIZE;
  const journal = new CallJournal({ capacity, maxBytes: options.historyMaxBytes ?? DEFAULT_HISTORY_MIB * 1024 * 1024 });
  const engine = new ScenarioEngine(SCENARIO_CATALOG);
  const stack = new ShutdownStack();
  // Runs last: in-process watchers (tests, the debug log) see their watches end rather than hang.
  stack.push(() => journal.endWatches());
  try {
    const fake = options.fakeWarehouse ? await startFake(options.fakeWarehouse) : undefined;
    if (fake) stack.push(() => fake.close());

    const proxy = await startProxyServer(
      {
        host: options.listenHost ?? DEFAULT_LISTEN_HOST,
        port: options.listenPort ?? DEFAULT_LISTEN_PORT,
        caDir: options.caDir,
        hostMappings: [
          ...(options.hostMappings ?? []),
          ...(fake?.hostMappings.map((m) => ({ pattern: m.name, host: m.host, port: m.port })) ?? []),
        ],
        upstreamCaPems: [...(options.upstreamCaPems ?? []), ...(fake ? [fake.caCertPem] : [])],
        insecureUpstream: options.insecureUpstream ?? false,
        upstreamTimeouts: options.upstreamTimeouts,
        cloudFetchHostPatterns: [...(options.cloudFetchHostPatterns ?? [])],
      },
      { journal, engine, log },
    );
    stack.push(() => proxy.close());

    // The API's port is known only once it is bound, and ProxyInfo carries it: fill it in before serving.
    const info: ProxyInfo = {
      proxyHost: proxy.host,
      proxyPort: proxy.port,
      apiHost: options.apiHost ?? DEFAULT_API_HOST,
      apiPort: options.apiPort ?? DEFAULT_API_PORT,
      caCertPem: proxy.caCertPem,
      caCertPath: proxy.caCertPath,
      version: VERSION,
      callHistoryCapacity: capacity,
      fakeWarehouse: fake?.info,
    };
    const control = new ProxyControl({ engine, journal, info: () => info });
    const api = await startApiServer({
      host: info.apiHost,
      port: info.apiPort,
      control,
      logError: (rpc, error) =>
        log.error('control API call failed', { rpc, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    });
    info.apiPort = api.port;
    stack.push(() => api.close());
    if (!isLoopbackHost(info.apiHost)) log.warn(exposedApiWarning(info.apiHost, info.apiPort));
    stack.push(logCallsAtDebug(control, log));
    if (fake) stack.push(expireFakeLinksWhenScenarioFires(control, fake));

    const close = async (stop: StopOptions = {}): Promise<void> => {
      try {
        if ((stop.graceMs ?? 0) > 0) await proxy.drain(stop.graceMs ?? 0);
      } finally {
        await stack.closeAll();
      }
    };
    return { info, control, fakeWarehouse: fake, close };
  } catch (error) {
    await stack.closeAll();
    throw error;
  }
}

/** Loaded only when asked for: most runs never need the fake's code (Arrow, Thrift types) in memory. */
async function startFake(options: true | FakeWarehouseOptions): Promise<RunningFakeWarehouse> {
  const { startFakeWarehouse } = await import('./fake');
  return startFakeWarehouse(options === true ? {} : options);
}
