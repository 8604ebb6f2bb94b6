// At --log-level debug, one log line per call as it completes. Only what the journal recorded (already
// redacted) and only a summary: never headers, bodies or URLs.
import { ProxyControl } from './core/control';
import { Logger } from './core/logger';
import { CallRecord } from './core/model';

/** Returns a stop function; does nothing (and costs nothing) unless debug logging is on. */
export function logCallsAtDebug(control: ProxyControl, log: Logger): () => void {
  if (!log.enabled('debug')) return () => undefined;
  const watch = control.watchCalls({ filter: {} });
  watch.onReadable(() => {
    for (let item = watch.shift(); item !== undefined; item = watch.shift()) {
      if (item.type === 'call_completed') log.debug('call', summarize(item.call));
      else if (item.type === 'events_dropped') log.warn('debug call log fell behind', { dropped: item.droppedCount });
    }
  });
  return () => watch.close();
}

function summarize(call: CallRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    seq: call.sequence,
    kind: call.kind,
    method: call.method || '(undecoded)',
    state: call.state,
    host: call.host,
  };
  if (call.httpStatus !== undefined) fields.http = call.httpStatus;
  if (call.replyStatus !== undefined) fields.thriftStatus = call.replyStatus.statusName;
  if (call.durationMs !== undefined) fields.ms = Math.round(call.durationMs * 10) / 10;
  if (call.scenario !== undefined) fields.scenario = call.scenario;
  if (call.error !== undefined) fields.error = call.error;
  if (call.decodeError !== undefined) fields.decodeError = call.decodeError;
  return fields;
}
