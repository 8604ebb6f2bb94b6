// Standard gRPC health checking (grpc.health.v1.Health) on the ts-proto stubs: Check, Watch and List over a map of
// service name -> status. "" stands for the whole server. Check of an unknown service fails with NOT_FOUND; Watch
// of one reports SERVICE_UNKNOWN and stays open, as the protocol says. Watch streams send the current status,
// then every change, and end when the client cancels or the server stops (endWatches).
import { ServerWritableStream, status } from '@grpc/grpc-js';
import {
  HealthCheckRequest,
  HealthCheckResponse,
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthServer,
  HealthService,
} from '../../gen/grpc/health/v1/health';

export { HealthService, ServingStatus };

type WatchStream = ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;

/** More services than a health List may report (grpc-health-check's limit, per the protocol's advice). */
const LIST_LIMIT = 100;

export class HealthStatuses {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watches = new Map<string, Set<WatchStream>>();

  constructor(initial: Readonly<Record<string, ServingStatus>>) {
    for (const [service, serving] of Object.entries(initial)) this.statuses.set(service, serving);
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  setStatus(service: string, serving: ServingStatus): void {
    if (this.statuses.get(service) === serving) return;
    this.statuses.set(service, serving);
    for (const call of this.watches.get(service) ?? []) call.write({ status: serving });
  }

  /** Ends every open Watch stream with OK, so that they do not hold a server shutdown up. */
  endWatches(): void {
    const open = [...this.watches.values()].flatMap((calls) => [...calls]);
    this.watches.clear();
    for (const call of open) call.end();
  }

  /** The grpc.health.v1.Health implementation serving these statuses. */
  implementation(): HealthServer {
    return {
      check: (call, callback) => {
        const serving = this.statuses.get(call.request.service);
        if (serving === undefined) {
          callback({ code: status.NOT_FOUND, details: `health status unknown for service '${call.request.service}'` });
        } else {
          callback(null, { status: serving });
        }
      },
      watch: (call) => this.watch(call),
      list: (_call, callback) => {
        if (this.statuses.size > LIST_LIMIT) {
          callback({ code: status.RESOURCE_EXHAUSTED, details: 'too many services to list' });
          return;
        }
        const statuses: Record<string, HealthCheckResponse> = {};
        for (const [service, serving] of this.statuses) statuses[service] = { status: serving };
        callback(null, { statuses });
      },
    };
  }

  private watch(call: WatchStream): void {
    const service = call.request.service;
    let calls = this.watches.get(service);
    if (calls === undefined) this.watches.set(service, (calls = new Set()));
    calls.add(call);
    const forget = (): void => {
      const current = this.watches.get(service);
      current?.delete(call);
      if (current?.size === 0) this.watches.delete(service);
    };
    call.on('cancelled', forget);
    call.on('close', forget);
    call.write({ status: this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN });
  }
}
