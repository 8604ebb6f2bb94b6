// The ScenarioControl implementation: each RPC translates its request, calls ProxyControl, translates the reply.
import { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import {
  ListCallsResponse,
  ScenarioControlServer,
  WatchCallsRequest,
} from '../../gen/thriftproxy/v1/scenario_control';
import { ProxyControl } from '../core/control';
import { encodeCallPage, LIST_PAGE_BYTES, LIST_PAGE_CALLS } from './call-page';
import { ApiErrorLog, toGrpcStatus } from './grpc-status';
import {
  callFilterFromProto,
  countFilterFromProto,
  definitionFromProto,
  definitionToProto,
  enableOptionsFromProto,
  nameFromProto,
  proxyInfoToProto,
  safeNumberFromProto,
  scenarioToProto,
  verificationFromProto,
  verificationResultToProto,
} from './translate';
import { pumpWatch, StopWatch, WatchStream } from './watch-calls';

/** Live WatchCalls streams, so that stopping the server can end them (they never end by themselves). */
export type ActiveWatches = Set<StopWatch>;

function unary<Req, Res>(rpc: string, logError: ApiErrorLog, handle: (request: Req) => Res | Promise<Res>): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    // Sync and async ProxyControl methods alike; a throw becomes a status, never an uncaught exception.
    Promise.resolve()
      .then(() => handle(call.request))
      .then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(toGrpcStatus(error, rpc, logError)),
      );
  };
}

export function createScenarioControlService(
  control: ProxyControl,
  activeWatches: ActiveWatches,
  logError: ApiErrorLog,
): ScenarioControlServer {
  const watchCalls = (call: WatchStream): void => {
    const request: WatchCallsRequest = call.request;
    try {
      const watch = control.watchCalls({
        filter: callFilterFromProto(request.filter, 'filter', request.methods),
        replayFromSequence:
          request.replayFromSequence === undefined
            ? undefined
            : safeNumberFromProto(request.replayFromSequence, 'replay_from_sequence'),
        bufferSize: request.bufferSize,
      });
      let finished = false;
      let stop: StopWatch | undefined;
      stop = pumpWatch(
        call,
        watch,
        () => {
          finished = true;
          if (stop) activeWatches.delete(stop);
        },
        logError,
      );
      // A stream can end inside pumpWatch already (a watch the journal had ended); nothing to stop then.
      if (!finished) activeWatches.add(stop);
    } catch (error) {
      call.emit('error', toGrpcStatus(error, 'WatchCalls', logError));
    }
  };

  return {
    listScenarios: unary('ListScenarios', logError, () => ({
      scenarios: control.listScenarios().map(scenarioToProto),
    })),
    getScenario: unary('GetScenario', logError, (request) => ({
      scenario: scenarioToProto(control.getScenario(nameFromProto(request.name, 'name'))),
    })),
    defineScenario: unary('DefineScenario', logError, (request) => {
      const defined = control.defineScenario(definitionFromProto(request.scenario, 'scenario'));
      return { scenario: scenarioToProto(defined.status), replaced: defined.replaced };
    }),
    deleteScenario: unary('DeleteScenario', logError, (request) => {
      const deleted = control.deleteScenario(request.name);
      return { scenario: definitionToProto(deleted.definition), wasEnabled: deleted.wasEnabled };
    }),
    enableScenario: unary('EnableScenario', logError, (request) => ({
      scenario: scenarioToProto(control.enableScenario(nameFromProto(request.name, 'name'), enableOptionsFromProto(request))),
    })),
    disableScenario: unary('DisableScenario', logError, (request) => ({
      scenario: scenarioToProto(control.disableScenario(nameFromProto(request.name, 'name'))),
    })),
    disableAllScenarios: unary('DisableAllScenarios', logError, () => ({
      disabledNames: [...control.disableAllScenarios()],
    })),
    listCalls: unary('ListCalls', logError, (request): ListCallsResponse =>
      encodeCallPage(
        control.listCalls({
          filter: callFilterFromProto(request.filter, 'filter'),
          fromSequence: safeNumberFromProto(request.fromSequence, 'from_sequence'),
          limit: request.limit === 0 ? LIST_PAGE_CALLS : Math.min(request.limit, LIST_PAGE_CALLS),
          maxBytes: LIST_PAGE_BYTES,
        }),
      ),
    ),
    countCalls: unary('CountCalls', logError, (request) => {
      return { count: BigInt(control.countCalls(countFilterFromProto(request))) };
    }),
    resetCalls: unary('ResetCalls', logError, () => ({ clearedCount: BigInt(control.resetCalls()) })),
    verifyCalls: unary('VerifyCalls', logError, (request) =>
      verificationResultToProto(control.verifyCalls(verificationFromProto(request))),
    ),
    watchCalls,
    getProxyInfo: unary('GetProxyInfo', logError, () => proxyInfoToProto(control.proxyInfo())),
  };
}
