// How much memory a call record holds, estimated once per record from what is cheap to know: the history and
// the WatchCalls queues are bounded in bytes with it. Decoded request and reply trees dominate; the Thrift
// renderer notes their size as it builds them (noteFieldsSize), so the estimate costs a WeakMap lookup. Trees
// made elsewhere (tests, in-process users) are measured by one walk, remembered the same way.
import type { CallRecord, FieldValue, NamedFields } from './model';

/** Per value: the JS object slot and key, and its protobuf Value wrapping. Strings add 2 bytes per character. */
export const BYTES_PER_VALUE = 48;
/** A record without decoded fields: the object, its dates and numbers, and the short strings. */
const RECORD_BASE_BYTES = 400;

const fieldsBytes = new WeakMap<object, number>();

export function noteFieldsSize(fields: NamedFields, bytes: number): void {
  fieldsBytes.set(fields, bytes);
}

export function estimateFieldsBytes(fields: NamedFields | undefined): number {
  if (fields === undefined) return 0;
  let bytes = fieldsBytes.get(fields);
  if (bytes === undefined) {
    bytes = walk(fields);
    fieldsBytes.set(fields, bytes);
  }
  return bytes;
}

export function estimateRecordBytes(record: CallRecord): number {
  const text =
    record.host.length +
    record.path.length +
    record.method.length +
    (record.error?.length ?? 0) +
    (record.decodeError?.length ?? 0) +
    (record.replyStatus?.errorMessage?.length ?? 0);
  return RECORD_BASE_BYTES + 2 * text + estimateFieldsBytes(record.request) + estimateFieldsBytes(record.reply);
}

function walk(value: FieldValue): number {
  if (typeof value === 'string') return BYTES_PER_VALUE + 2 * value.length;
  if (value === null || typeof value !== 'object') return BYTES_PER_VALUE;
  let bytes = BYTES_PER_VALUE;
  if (Array.isArray(value)) {
    for (const element of value) bytes += walk(element);
  } else {
    for (const key of Object.keys(value)) bytes += 2 * key.length + walk(value[key]);
  }
  return bytes;
}
