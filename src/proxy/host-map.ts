// --map-host NAME=HOST:PORT: where the proxy really connects when a client asks for NAME. The request keeps
// NAME in its Host header and in TLS (SNI and the certificate check), so tests can point a driver at a
// cloud-looking name that is served by a local fake.

export interface HostMapping {
  /** An exact host name, or `*.suffix` for any name below suffix (not suffix itself). Lower case. */
  pattern: string;
  host: string;
  port: number;
}

export interface UpstreamAddress {
  host: string;
  port: number;
}

const EXPECTED_FORM = 'expected NAME=HOST:PORT, e.g. myaccount.blob.core.windows.net=127.0.0.1:8443 or *.example.com=localhost:9000';

/** Parses one `NAME=HOST:PORT` spec; throws an Error naming the expected form when it is malformed. */
export function parseHostMapping(spec: string): HostMapping {
  const fail = (why: string): never => {
    throw new Error(`invalid host mapping '${spec}': ${why}; ${EXPECTED_FORM}`);
  };
  const eq = spec.indexOf('=');
  if (eq < 0) fail("missing '='");
  const name = spec.slice(0, eq).trim().toLowerCase();
  const target = spec.slice(eq + 1).trim();
  if (name === '') fail('NAME is empty');
  if (/[\s/:=]/.test(name)) fail(`NAME '${name}' must be a bare host name (no port, path or spaces)`);
  const wildcardBody = name.startsWith('*.') ? name.slice(2) : name;
  if (wildcardBody === '' || wildcardBody.includes('*')) fail(`'*' is only allowed as a leading '*.' in NAME`);

  // Bracketed IPv6 targets ([::1]:8443) keep their colons inside the brackets.
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(target);
  if (match === null) fail(`target '${target}' is not HOST:PORT`);
  const [, rawHost, rawPort] = match as RegExpExecArray;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) fail(`port ${rawPort} is not from 1 to 65535`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { pattern: name, host, port };
}

/** Looks up where a host name should go. Exact names win over wildcards; the longest wildcard suffix wins. */
export class HostMap {
  private readonly exact = new Map<string, UpstreamAddress>();
  /** Sorted longest suffix first, so the most specific wildcard wins. */
  private readonly wildcards: { suffix: string; target: UpstreamAddress }[] = [];

  constructor(mappings: readonly HostMapping[]) {
    for (const mapping of mappings) {
      const pattern = mapping.pattern.toLowerCase();
      const target = { host: mapping.host, port: mapping.port };
      if (pattern.startsWith('*.')) this.wildcards.push({ suffix: pattern.slice(1), target });
      else this.exact.set(pattern, target);
    }
    this.wildcards.sort((a, b) => b.suffix.length - a.suffix.length);
  }

  get size(): number {
    return this.exact.size + this.wildcards.length;
  }

  /** The mapped address for `hostname`, or undefined when it is not mapped. */
  resolve(hostname: string): UpstreamAddress | undefined {
    if (this.size === 0) return undefined;
    const name = hostname.toLowerCase();
    const exact = this.exact.get(name);
    if (exact !== undefined) return exact;
    for (const { suffix, target } of this.wildcards) {
      // suffix is ".example.com": "a.example.com" and "a.b.example.com" match, "example.com" does not.
      if (name.length > suffix.length && name.endsWith(suffix)) return target;
    }
    return undefined;
  }
}
