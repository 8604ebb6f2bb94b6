// The original proxy's four call checks. Each answers passed plus a sentence with expected versus actual, so a
// failing driver test can print the message and be understood without a debugger.
import { CallRecord, ScenarioError, VerificationRequest, VerificationResult } from '../core/model';

function invalid(message: string): ScenarioError {
  return new ScenarioError('invalid_argument', message);
}

function formatMethods(methods: readonly string[]): string {
  return `[${methods.map((m) => (m === '' ? '(undecoded)' : m)).join(', ')}]`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function requireMethods(req: VerificationRequest): string[] {
  if (req.methods === undefined || req.methods.length === 0) {
    throw invalid(`${req.kind} needs methods: the expected method names, in order (at least one)`);
  }
  if (req.methods.some((m) => m === '')) {
    throw invalid(`${req.kind}: methods must not contain an empty name (got ${JSON.stringify(req.methods)})`);
  }
  return [...req.methods];
}

function requireMethod(req: VerificationRequest): string {
  if (req.method === undefined || req.method === '') {
    throw invalid(`${req.kind} needs method: the method name to look for, e.g. "FetchResults"`);
  }
  return req.method;
}

function scopeOf(req: VerificationRequest): string {
  return req.callKind === undefined ? 'recorded calls' : `recorded ${req.callKind} calls`;
}

function exactSequence(actual: string[], req: VerificationRequest): VerificationResult {
  const expected = requireMethods(req);
  const mismatchAt = expected.findIndex((m, i) => actual[i] !== m);
  const passed = actual.length === expected.length && mismatchAt === -1;
  let message: string;
  if (passed) {
    message = `the ${scopeOf(req)} are exactly ${formatMethods(expected)}`;
  } else {
    const position = mismatchAt === -1 ? expected.length : mismatchAt;
    const found = position < actual.length ? actual[position] : 'nothing more';
    message =
      `expected exactly ${formatMethods(expected)} (${plural(expected.length, 'call')}), ` +
      `but the ${scopeOf(req)} are ${formatMethods(actual)} (${plural(actual.length, 'call')}); ` +
      (position < expected.length
        ? `first difference at position ${position + 1}: expected ${expected[position]}, found ${found}`
        : `${plural(actual.length - expected.length, 'extra call')} after the expected ones, starting with ${found}`);
  }
  return { passed, message, actualMethods: actual, expectedMethods: expected, actualCount: actual.length, expectedCount: expected.length };
}

function containsSequence(actual: string[], req: VerificationRequest): VerificationResult {
  const expected = requireMethods(req);
  let matched = 0;
  for (const method of actual) {
    if (matched < expected.length && method === expected[matched]) matched++;
  }
  const passed = matched === expected.length;
  const message = passed
    ? `the ${scopeOf(req)} ${formatMethods(actual)} contain ${formatMethods(expected)} in order`
    : `expected ${formatMethods(expected)} in order (other calls may come between) in the ${scopeOf(req)} ` +
      `${formatMethods(actual)}, but ` +
      (matched === 0
        ? `${expected[0]} never appears`
        : `after ${formatMethods(expected.slice(0, matched))} matched in order, no ${expected[matched]} follows`);
  return { passed, message, actualMethods: actual, expectedMethods: expected, actualCount: actual.length, expectedCount: expected.length };
}

function methodCount(actual: string[], req: VerificationRequest): VerificationResult {
  const method = requireMethod(req);
  const expectedCount = req.count;
  if (expectedCount === undefined || !Number.isSafeInteger(expectedCount) || expectedCount < 0) {
    throw invalid(`method_count needs count: how many ${method} calls are expected, a whole number of 0 or more (got ${expectedCount})`);
  }
  const actualCount = actual.filter((m) => m === method).length;
  const passed = actualCount === expectedCount;
  const message = passed
    ? `${method} was called ${plural(expectedCount, 'time')}, as expected`
    : `expected ${method} to be called ${plural(expectedCount, 'time')}, but it was called ${plural(actualCount, 'time')} ` +
      `among the ${scopeOf(req)} ${formatMethods(actual)}`;
  return { passed, message, actualMethods: actual, expectedMethods: [method], actualCount, expectedCount };
}

function methodExists(actual: string[], req: VerificationRequest): VerificationResult {
  const method = requireMethod(req);
  const actualCount = actual.filter((m) => m === method).length;
  const passed = actualCount > 0;
  const message = passed
    ? `${method} was called (${plural(actualCount, 'time')})`
    : `expected at least one ${method} call, but the ${scopeOf(req)} ${formatMethods(actual)} have none`;
  return { passed, message, actualMethods: actual, expectedMethods: [method], actualCount, expectedCount: 1 };
}

const CHECKS: Readonly<Record<VerificationRequest['kind'], (actual: string[], req: VerificationRequest) => VerificationResult>> = {
  exact_sequence: exactSequence,
  contains_sequence: containsSequence,
  method_count: methodCount,
  method_exists: methodExists,
};

/** `calls` oldest first (as CallJournal.list returns them). Only calls of `req.callKind`, if set, take part. */
export function verifyCalls(calls: readonly CallRecord[], req: VerificationRequest): VerificationResult {
  const check = Object.prototype.hasOwnProperty.call(CHECKS, req.kind) ? CHECKS[req.kind] : undefined;
  if (check === undefined) {
    throw invalid(`unknown verification kind '${String(req.kind)}'; allowed: ${Object.keys(CHECKS).join(', ')}`);
  }
  const actual = calls.filter((c) => req.callKind === undefined || c.kind === req.callKind).map((c) => c.method);
  return check(actual, req);
}
