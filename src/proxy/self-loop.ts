// A request whose target is the proxy itself would be forwarded to the proxy again, and again, until file
// descriptors run out. Host strings cannot tell (0.0.0.0, 127.1, 2130706433, a name that resolves to 127.0.0.1,
// any local address when listening on 0.0.0.0), so the check is on the resolved address and port the forwarder
// is about to connect to. It costs nothing unless the target port is the proxy's own.
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';

export const SELF_LOOP_CODE = 'ESELFLOOP';

export class SelfLoopError extends Error {
  readonly code = SELF_LOOP_CODE;
  constructor(host: string, address: string, port: number) {
    const resolved = host === address ? '' : ` (${address})`;
    super(`${host}${resolved}:${port} is this proxy's own listening address: forwarding there would loop`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

export class OwnListeningAddress {
  private address = '';
  private port = -1;

  /** Called once the proxy listens: the address and port it is bound to (server.address()). */
  listening(address: string, port: number): void {
    this.address = normalize(address);
    this.port = port;
  }

  /** Whether a connection to `port` could reach the proxy at all: only then are addresses worth checking. */
  mayBe(port: number): boolean {
    return port === this.port;
  }

  /** Whether connecting to address:port (an IP address) reaches the proxy's own listening socket. */
  reaches(address: string, port: number): boolean {
    if (port !== this.port) return false;
    const target = normalize(address);
    // Connecting to 0.0.0.0 or :: reaches the local host.
    if (isUnspecified(target)) return true;
    if (isUnspecified(this.address)) return isLoopback(target) || localInterfaceAddresses().has(target);
    return target === this.address;
  }

  /** A dns lookup for net.connect that fails with SelfLoopError when `hostname` resolves to the proxy itself. */
  guardedLookup(port: number): LookupFunction {
    return (hostname, options, callback) => {
      dns.lookup(hostname, options, (error, address: string | dns.LookupAddress[], family?: number) => {
        if (error) return callback(error, address);
        const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
        const own = addresses.find((a) => this.reaches(a, port));
        if (own !== undefined) return callback(new SelfLoopError(hostname, own, port), address);
        callback(null, address, family);
      });
    };
  }
}

/** Lower case, without an IPv6 zone, IPv4-mapped IPv6 as plain IPv4. */
function normalize(address: string): string {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (a.startsWith('::ffff:') && net.isIPv4(a.slice(7))) a = a.slice(7);
  return a;
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

function isLoopback(address: string): boolean {
  return address === '::1' || (net.isIPv4(address) && address.startsWith('127.'));
}

function localInterfaceAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const info of list ?? []) addresses.add(normalize(info.address));
  }
  return addresses;
}
