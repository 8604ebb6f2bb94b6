// The control port: ScenarioControl, standard health checking and server reflection on one gRPC server.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { ScenarioControlService } from '../../gen/thriftproxy/v1/scenario_control';
import { ProxyControl } from '../core/control';
import { ApiErrorLog } from './grpc-status';
import { rejectMalformedRequests, tolerantRegistry } from './malformed-requests';
import { HealthService, HealthStatuses, ServingStatus } from './health-service';
import { addReflection } from './reflection';
import { acceptEncodedResponses } from './pre-encoded';
import { ActiveWatches, createScenarioControlService } from './scenario-control-service';

export const SCENARIO_CONTROL_SERVICE_NAME = 'thriftproxy.v1.ScenarioControl';
const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

export interface ApiServerOptions {
  host: string;
  /** 0: ephemeral. */
  port: number;
  control: ProxyControl;
  logError: ApiErrorLog;
  /** How long close() lets unary calls finish before cancelling them. */
  shutdownGraceMs?: number;
}

export interface ApiServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const server = new Server({ interceptors: [rejectMalformedRequests] });
  const services = tolerantRegistry(server);
  const activeWatches: ActiveWatches = new Set();
  services.addService(acceptEncodedResponses(ScenarioControlService), createScenarioControlService(options.control, activeWatches, options.logError));
  const health = new HealthStatuses({ '': ServingStatus.SERVING, [SCENARIO_CONTROL_SERVICE_NAME]: ServingStatus.SERVING });
  services.addService(HealthService, health.implementation());
  // list_services names what clients are meant to call; reflection itself is still described on request.
  addReflection(services, { services: [SCENARIO_CONTROL_SERVICE_NAME, HEALTH_SERVICE_NAME] });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${formatHost(options.host)}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      health.setStatus('', ServingStatus.NOT_SERVING);
      health.setStatus(SCENARIO_CONTROL_SERVICE_NAME, ServingStatus.NOT_SERVING);
      // Health Watch streams have now seen NOT_SERVING; they end with OK, WatchCalls streams with UNAVAILABLE.
      health.endWatches();
      for (const stop of [...activeWatches]) stop();
      // Slow clients must not keep the process alive.
      const force = setTimeout(() => server.forceShutdown(), options.shutdownGraceMs ?? 1000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };

  return { host: options.host, port, close };
}

/**
 * Whether an address only this machine can reach: a name that resolves to loopback by convention ('localhost'),
 * 127.0.0.0/8, ::1, or 127.x written as an IPv4-mapped IPv6 address.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** What the proxy says (a warning) when the control API listens where other machines may reach it. */
export function exposedApiWarning(host: string, port: number): string {
  return (
    `the control API listens on ${formatHost(host)}:${port}, which is not a loopback address: it is plaintext gRPC ` +
    'without authentication, so anyone who can reach that port can arm scenarios and read the recorded calls'
  );
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
