// A warehouse reached through the proxy both ways: a plain upstream (absolute-form requests) and a TLS one that
// WAREHOUSE_HOST maps to (CONNECT tunnels, through `tunnel`), both answering with the same handler.
import { parseHostMapping } from '../../src/proxy/host-map';
import { TunnelAgent } from './proxied-client';
import { startTestProxy, type TestProxy, type TestProxyOptions } from './proxy-harness';
import { upstreamCertificates, WAREHOUSE_HOST } from './tls-fixtures';
import { startUpstream, type TestUpstream, type UpstreamHandler } from './upstream-servers';

export interface WarehouseRig {
  plain: TestUpstream;
  secure: TestUpstream;
  proxy: TestProxy;
  /** Reaches WAREHOUSE_HOST through the proxy's CONNECT tunnels, trusting the proxy's CA. */
  tunnel: TunnelAgent;
  close(): Promise<void>;
}

export async function startWarehouseRig(
  handler: UpstreamHandler,
  proxyOptions: Omit<TestProxyOptions, 'hostMappings' | 'upstreamCaPems'> = {},
): Promise<WarehouseRig> {
  const certs = upstreamCertificates();
  const started: TestUpstream[] = [];
  try {
    const plain = await startUpstream({ handler });
    started.push(plain);
    const secure = await startUpstream({ handler, tls: certs });
    started.push(secure);
    const proxy = await startTestProxy({
      ...proxyOptions,
      hostMappings: [parseHostMapping(`${WAREHOUSE_HOST}=127.0.0.1:${secure.port}`)],
      upstreamCaPems: [certs.caCert],
    });
    const tunnel = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    return {
      plain,
      secure,
      proxy,
      tunnel,
      close: async () => {
        tunnel.destroy();
        await proxy.close();
        await plain.close();
        await secure.close();
      },
    };
  } catch (error) {
    for (const upstream of started) await upstream.close();
    throw error;
  }
}
