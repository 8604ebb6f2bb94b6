// The one line on stdout that tells a launcher where everything is (its fields are documented in README.md).
import { ProxyInfo } from '../core/model';

export interface ReadyLine {
  event: 'ready';
  proxyHost: string;
  proxyPort: number;
  apiHost: string;
  apiPort: number;
  caCertPath: string;
  version: string;
  warehouse?: { host: string; port: number; path: string; token: string };
}

export function readyLine(info: ProxyInfo): ReadyLine {
  const line: ReadyLine = {
    event: 'ready',
    proxyHost: info.proxyHost,
    proxyPort: info.proxyPort,
    apiHost: info.apiHost,
    apiPort: info.apiPort,
    caCertPath: info.caCertPath,
    version: info.version,
  };
  if (info.fakeWarehouse) line.warehouse = { ...info.fakeWarehouse };
  return line;
}

/** What a person reads on stderr after the ready line. */
export function startupBanner(info: ProxyInfo): string {
  const lines = [
    `thrift-fault-proxy ${info.version}`,
    `  proxy        http://${hostPort(info.proxyHost, info.proxyPort)} (set it as the driver's HTTP and HTTPS proxy)`,
    `  control API  ${hostPort(info.apiHost, info.apiPort)} (gRPC, plaintext: thriftproxy.v1.ScenarioControl, health, reflection)`,
    `  CA cert      ${info.caCertPath} (clients must trust it, e.g. NODE_EXTRA_CA_CERTS)`,
    `  history      ${info.callHistoryCapacity} calls`,
  ];
  if (info.fakeWarehouse) {
    const w = info.fakeWarehouse;
    lines.push(`  warehouse    https://${hostPort(w.host, w.port)}${w.path} (fake, reached through the proxy)`);
    // Printed on purpose: the fake's own random token, accepted by nothing but this process's fake warehouse.
    lines.push(`  token        ${w.token} (test-only token of the fake warehouse, not a real secret)`);
  }
  return `${lines.join('\n')}\n`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
