// Turns a CallFilter into a predicate once, so the per-call check on the proxy's hot path is a few comparisons.
import { CallFilter, CallRecord } from '../core/model';

export type CallPredicate = (record: CallRecord) => boolean;

const matchAll: CallPredicate = () => true;

export function compileCallFilter(filter: CallFilter | undefined): CallPredicate {
  if (filter === undefined) return matchAll;
  const { kind, method } = filter;
  // An empty `methods` list restricts nothing, like any other unset field.
  const methods = filter.methods !== undefined && filter.methods.length > 0 ? new Set(filter.methods) : undefined;
  if (kind === undefined && method === undefined && methods === undefined) return matchAll;
  return (record) =>
    (kind === undefined || record.kind === kind) &&
    (method === undefined || record.method === method) &&
    (methods === undefined || methods.has(record.method));
}
