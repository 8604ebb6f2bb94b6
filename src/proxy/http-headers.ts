// Headers that describe one connection, not the message (RFC 9110 §7.6.1): a proxy must not pass them on.
// Headers travel as Node's flat raw arrays ([name, value, name, value, ...]) to keep case, order and repeats.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
]);

// Lower-casing every header name costs an allocation; only names of these lengths can be dropped.
const DROPPABLE_LENGTHS = new Set([...HOP_BY_HOP, 'content-length', 'transfer-encoding'].map((name) => name.length));

export interface HeaderFilterOptions {
  /** Also drop content-length and transfer-encoding (the caller frames the body itself). */
  dropFraming?: boolean;
}

/** Raw headers without hop-by-hop headers (including those the Connection header names). */
export function endToEndHeaders(rawHeaders: readonly string[], options: HeaderFilterOptions = {}): string[] {
  const named = connectionTokens(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i];
    if (named !== undefined || DROPPABLE_LENGTHS.has(raw.length)) {
      const name = raw.toLowerCase();
      if (HOP_BY_HOP.has(name) || named?.has(name) === true) continue;
      if (options.dropFraming === true && (name === 'content-length' || name === 'transfer-encoding')) continue;
    }
    out.push(raw, rawHeaders[i + 1]);
  }
  return out;
}

/** Extra hop-by-hop header names listed in Connection (e.g. `Connection: close, X-Foo`); undefined when none. */
function connectionTokens(rawHeaders: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length !== 10 || rawHeaders[i].toLowerCase() !== 'connection') continue;
    for (const token of rawHeaders[i + 1].split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (tokens ??= new Set()).add(name);
    }
  }
  return tokens;
}
