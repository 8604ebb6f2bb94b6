// Connection pools towards real servers, and the TLS trust they use. Default: Node's normal trust (its bundled
// roots plus NODE_EXTRA_CA_CERTS). Extra CAs are added to that, never instead of it; `insecure` turns checks off.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface UpstreamTrust {
  /** PEM CA certificates trusted in addition to the defaults. */
  extraCaPems?: readonly string[];
  /** Do not verify upstream certificates at all (tests only). */
  insecure?: boolean;
}

export interface UpstreamAgents {
  http: http.Agent;
  https: https.Agent;
  destroy(): void;
}

export function createUpstreamAgents(trust: UpstreamTrust = {}): UpstreamAgents {
  // LIFO reuses the most recently used socket, the one least likely to have been closed by the server's idle timer.
  const common = { keepAlive: true, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(common);
  const httpsAgent = new https.Agent({ ...common, ...tlsTrustOptions(trust) });
  return {
    http: httpAgent,
    https: httpsAgent,
    destroy: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The tls.connect options that express `trust`. */
export function tlsTrustOptions(trust: UpstreamTrust): Pick<tls.ConnectionOptions, 'secureContext' | 'rejectUnauthorized'> {
  if (trust.insecure === true) return { rejectUnauthorized: false };
  const extra = trust.extraCaPems ?? [];
  if (extra.length === 0) return { rejectUnauthorized: true };
  // Giving `ca` replaces Node's default trust, so the defaults are listed explicitly first. One context for all
  // connections: given as `ca`, the ~140 roots would be parsed again for every new upstream connection.
  const ca = [...tls.rootCertificates, ...nodeExtraCaCerts(), ...extra];
  return { rejectUnauthorized: true, secureContext: tls.createSecureContext({ ca }) };
}

function nodeExtraCaCerts(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (file === undefined || file === '') return [];
  try {
    return [fs.readFileSync(file, 'utf8')];
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we, by ignoring it.
    return [];
  }
}
