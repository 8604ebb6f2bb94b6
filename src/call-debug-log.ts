// At --log-level debug, one log line per call as it completes: a summary plus the decoded, named `request` and
// `reply` fields. Only what the journal recorded, so secrets are already redacted and values already
// size-bounded; the two field sets are further cut to MAX_FIELDS_JSON_CHARS of JSON each. Never headers, raw
// bodies or unredacted URLs.
import { ProxyControl } from './core/control';
import { Logger } from './core/logger';
import { CallRecord, NamedFields } from './core/model';

/** Characters of JSON logged per field set (request, reply); longer JSON is cut and says how long it was. */
export const MAX_FIELDS_JSON_CHARS = 4096;

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
  if (call.steps !== undefined) fields.steps = call.steps.join(', then ');
  if (call.error !== undefined) fields.error = call.error;
  if (call.decodeError !== undefined) fields.decodeError = call.decodeError;
  if (call.request !== undefined) fields.request = boundedJson(call.request);
  if (call.reply !== undefined) fields.reply = boundedJson(call.reply);
  return fields;
}

/** The JSON of `value`, cut to MAX_FIELDS_JSON_CHARS with a note of the full length. */
export function boundedJson(value: NamedFields): string {
  const json = JSON.stringify(value);
  if (json.length <= MAX_FIELDS_JSON_CHARS) return json;
  return `${json.slice(0, MAX_FIELDS_JSON_CHARS)}...<cut, ${json.length} chars in all>`;
}
