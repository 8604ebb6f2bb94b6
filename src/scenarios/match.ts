// A scenario's match, compiled once (when it is defined) into one predicate: the per-request check is a few
// comparisons, cheapest first, so armed scenarios that do not match cost next to nothing. Each criterion also
// checks and explains itself.
import {
  ANY_THRIFT_OPERATION,
  CallKind,
  CLOUDFETCH_METHOD,
  FieldValue,
  MatchFacts,
  NamedFields,
  ScenarioMatch,
  ThriftFieldMatch,
} from '../core/model';

export type Matcher = (facts: MatchFacts) => boolean;

const matchAll: Matcher = () => true;

/** '*' any run of characters, '?' exactly one; everything else literal. */
export function globToRegExp(glob: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
}

/** The path of a request target, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** A decoded field's value as the text a thrift_fields matcher compares: strings as they are, the rest as JSON. */
export function fieldText(value: FieldValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The value at a dotted path in decoded fields, or undefined when a part of the path is missing. */
export function fieldAt(fields: NamedFields, path: readonly string[]): FieldValue | undefined {
  let value: FieldValue | undefined = fields;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as NamedFields)[part];
    if (value === undefined) return undefined;
  }
  return value;
}

/** A glob as a test, without a regular expression for the common shapes: literal, `*suffix`, `prefix*`. */
export function globMatcher(glob: string, caseInsensitive: boolean): (text: string) => boolean {
  const norm = (text: string): string => (caseInsensitive ? text.toLowerCase() : text);
  const wild = /[*?]/;
  const body = glob.slice(1, -1);
  if (!wild.test(glob)) {
    const literal = norm(glob);
    return (text) => text.length === literal.length && norm(text) === literal;
  }
  if (glob.startsWith('*') && !wild.test(glob.slice(1))) {
    const suffix = norm(glob.slice(1));
    return (text) => text.length >= suffix.length && norm(text).endsWith(suffix);
  }
  if (glob.endsWith('*') && !wild.test(glob.slice(0, -1))) {
    const prefix = norm(glob.slice(0, -1));
    return (text) => text.length >= prefix.length && norm(text).startsWith(prefix);
  }
  if (glob.length > 1 && glob.startsWith('*') && glob.endsWith('*') && !wild.test(body)) {
    const middle = norm(body);
    return (text) => norm(text).includes(middle);
  }
  const re = globToRegExp(glob, caseInsensitive);
  return (text) => re.test(text);
}

function headerMatcher(name: string, value: string | undefined): Matcher {
  const wanted = name.toLowerCase();
  return (facts) => {
    const raw = facts.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i].length === wanted.length && raw[i].toLowerCase() === wanted && (value === undefined || raw[i + 1] === value)) return true;
    }
    return false;
  };
}

function thriftFieldMatcher(field: ThriftFieldMatch): Matcher {
  const path = field.path.split('.');
  const { equals, contains } = field;
  return (facts) => {
    if (facts.request === undefined) return false;
    const value = fieldAt(facts.request, path);
    if (value === undefined) return false;
    const text = fieldText(value);
    return (equals === undefined || text === equals) && (contains === undefined || text.includes(contains));
  };
}

export function compileMatch(match: ScenarioMatch): Matcher {
  const checks: Matcher[] = [];
  const { kind } = match;
  // A Thrift body that did not decode has no method: it matches no Thrift scenario.
  if (kind === 'thrift') checks.push((f) => f.kind === 'thrift' && f.method !== undefined && f.method !== '');
  else if (kind !== undefined) checks.push((f) => f.kind === kind);
  if (match.methods !== undefined && match.methods.length > 0) {
    if (match.methods.length === 1) {
      const only = match.methods[0];
      checks.push((f) => f.method === only);
    } else {
      const methods = new Set(match.methods);
      checks.push((f) => f.method !== undefined && methods.has(f.method));
    }
  }
  if (match.httpMethod !== undefined) {
    const wanted = match.httpMethod.toUpperCase();
    // Clients send methods upper-case: compare as sent first, lower-case only when that fails.
    checks.push((f) => f.httpMethod === wanted || (f.httpMethod.length === wanted.length && f.httpMethod.toUpperCase() === wanted));
  }
  if (match.host !== undefined) {
    const host = globMatcher(match.host, true);
    checks.push((f) => host(f.host));
  }
  if (match.path !== undefined) {
    const path = globMatcher(match.path, false);
    checks.push((f) => path(pathOf(f.url)));
  }
  if (match.header !== undefined) checks.push(headerMatcher(match.header.name, match.header.value));
  for (const field of match.thriftFields ?? []) checks.push(thriftFieldMatcher(field));

  if (checks.length === 0) return matchAll;
  if (checks.length === 1) return checks[0];
  if (checks.length === 2) {
    const [a, b] = checks;
    return (f) => a(f) && b(f);
  }
  return (f) => {
    for (const check of checks) if (!check(f)) return false;
    return true;
  };
}

const KIND_NAMES: Record<CallKind, string> = {
  thrift: 'Thrift call',
  cloudfetch: 'CloudFetch download',
  http: 'HTTP request',
};

/** One sentence fragment: "Thrift calls FetchResults where statement contains \"range(\"", "any request". */
export function explainMatch(match: ScenarioMatch): string {
  const methods = match.methods ?? [];
  let subject: string;
  if (match.kind === undefined) subject = methods.length > 0 ? `calls ${methods.join(' or ')}` : 'any request';
  else if (match.kind === 'thrift' && methods.length > 0) subject = `Thrift ${methods.join(' or ')}`;
  else subject = `${methods.length > 0 ? '' : 'any '}${KIND_NAMES[match.kind]}${methods.length > 0 ? ` ${methods.join(' or ')}` : ''}`;
  const parts = [subject];
  if (match.httpMethod !== undefined) parts.push(`with HTTP method ${match.httpMethod.toUpperCase()}`);
  if (match.host !== undefined) parts.push(`to host ${match.host}`);
  if (match.path !== undefined) parts.push(`on path ${match.path}`);
  if (match.header !== undefined) {
    parts.push(match.header.value === undefined ? `with header ${match.header.name}` : `with header ${match.header.name}: ${match.header.value}`);
  }
  for (const field of match.thriftFields ?? []) {
    const tests: string[] = [];
    if (field.equals !== undefined) tests.push(`equals ${JSON.stringify(field.equals)}`);
    if (field.contains !== undefined) tests.push(`contains ${JSON.stringify(field.contains)}`);
    parts.push(`where ${field.path} ${tests.join(' and ')}`);
  }
  return parts.join(' ');
}

/**
 * The first API version's Scenario.operation: "CloudFetchDownload", "ThriftOperation" or one Thrift method, for
 * matches that say no more than that; '' for any other match.
 */
export function operationOf(match: ScenarioMatch): string {
  const extra =
    match.host !== undefined ||
    match.path !== undefined ||
    match.httpMethod !== undefined ||
    match.header !== undefined ||
    (match.thriftFields?.length ?? 0) > 0;
  const methods = match.methods ?? [];
  if (extra) return '';
  if (match.kind === 'cloudfetch' && methods.length === 0) return CLOUDFETCH_METHOD;
  if (match.kind === 'thrift' && methods.length === 0) return ANY_THRIFT_OPERATION;
  if (match.kind === 'thrift' && methods.length === 1) return methods[0];
  return '';
}

type ProblemSink = (field: string, message: string) => void;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reports every problem with a match; fields are the proto's (snake_case), relative to the match. */
export function validateMatch(match: ScenarioMatch, problem: ProblemSink): void {
  (match.methods ?? []).forEach((method, i) => {
    if (method.trim() === '') problem(`methods[${i}]`, 'is empty; give a method name, e.g. "FetchResults"');
  });
  if (match.host !== undefined && match.host === '') problem('host', 'is empty; leave it unset to match any host');
  if (match.path !== undefined && !match.path.startsWith('/') && !match.path.startsWith('*')) {
    problem('path', `${JSON.stringify(match.path)} must start with "/" or "*" (it is matched against the path, without the query)`);
  }
  if (match.httpMethod !== undefined && !TOKEN.test(match.httpMethod)) {
    problem('http_method', `${JSON.stringify(match.httpMethod)} is not an HTTP method`);
  }
  if (match.header !== undefined && !TOKEN.test(match.header.name)) {
    problem('header.name', match.header.name === '' ? 'is required' : `${JSON.stringify(match.header.name)} is not a valid header name`);
  }
  const fields = match.thriftFields ?? [];
  if (fields.length > 0 && match.kind !== undefined && match.kind !== 'thrift') {
    problem('thrift_fields', `apply only to Thrift calls, but kind is ${KIND_NAMES[match.kind]}`);
  }
  fields.forEach((field, i) => {
    if (field.path.split('.').some((part) => part === '')) {
      problem(`thrift_fields[${i}].path`, `${JSON.stringify(field.path)} is not a dotted field path, e.g. "statement" or "getDirectResults.maxRows"`);
    }
    if (field.equals === undefined && field.contains === undefined) {
      problem(`thrift_fields[${i}]`, 'give equals or contains (or both)');
    }
  });
}
