// The proxy as a transport: plain HTTP forwarding, HTTPS interception through CONNECT, keep-alive on both
// sides, host mapping, upstream TLS trust, upstream failures and clean shutdown. Real servers, real TLS.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { CA_COMMON_NAME } from '../../src/proxy/ca-store';
import { parseHostMapping } from '../../src/proxy/host-map';
import { openTunnel, requestViaProxy, sendAndCollect, TunnelAgent } from '../helpers/proxied-client';
import { waitFor } from '../helpers/wait-for';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { STORAGE_HOST, upstreamCertificates, WAREHOUSE_HOST, WILDCARD_STORAGE_SUFFIX } from '../helpers/tls-fixtures';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';

const certs = upstreamCertificates();

function echoHandler(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const servername = (req.socket as tls.TLSSocket).servername;
  res.writeHead(201, {
    'content-type': 'application/octet-stream',
    'x-upstream-host': req.headers.host ?? '',
    'x-upstream-sni': typeof servername === 'string' ? servername : '',
    'x-upstream-path': req.url ?? '',
  });
  res.end(body);
}

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('proxy transport', () => {
  let plain: TestUpstream;
  let secure: TestUpstream;
  let proxy: TestProxy;
  let refusedPort: number;

  beforeAll(async () => {
    plain = await startUpstream({ handler: echoHandler });
    secure = await startUpstream({ handler: echoHandler, tls: certs });
    refusedPort = await closedPort();
    proxy = await startTestProxy({
      hostMappings: [
        parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`),
        parseHostMapping(`${WAREHOUSE_HOST}=127.0.0.1:${secure.port}`),
        parseHostMapping(`*.${WILDCARD_STORAGE_SUFFIX}=127.0.0.1:${secure.port}`),
        parseHostMapping(`wrong-name.blob.core.windows.net=127.0.0.1:${secure.port}`),
        parseHostMapping(`refused.blob.core.windows.net=127.0.0.1:${refusedPort}`),
      ],
      upstreamCaPems: [certs.caCert],
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await plain?.close();
    await secure?.close();
  });

  it('forwards a plain HTTP request and its answer unchanged, recording it as an HTTP call', async () => {
    const body = Buffer.from([0, 1, 2, 250, 255, 13, 10, 0x80, 0x01]);
    const before = proxy.journal.nextSequence;
    const res = await requestViaProxy(proxy.port, {
      method: 'PUT',
      url: `http://127.0.0.1:${plain.port}/api/2.0/things?x=1`,
      headers: { 'x-client': 'yes' },
      body,
    });
    expect(res.status).toBe(201);
    expect(res.body.equals(body)).toBe(true);
    expect(res.headers['x-upstream-path']).toBe('/api/2.0/things?x=1');
    const seen = plain.requests[plain.requests.length - 1];
    expect(seen.method).toBe('PUT');
    expect(seen.body.equals(body)).toBe(true);
    expect(seen.headers['x-client']).toBe('yes');
    expect(seen.headers['proxy-connection']).toBeUndefined();
    const call = await proxy.waitForCall((c) => c.sequence === before && c.state !== 'in_flight', 'the recorded PUT');
    expect(call).toMatchObject({ kind: 'http', method: 'PUT /api/2.0/things', path: '/api/2.0/things?x=1', httpMethod: 'PUT', httpStatus: 201 });
    expect(call.requestBytes).toBe(body.length);
  });

  it('intercepts HTTPS through CONNECT with a certificate from its own CA, keeping the name for the upstream', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      let issuer = '';
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const r = https.request(
          { host: WAREHOUSE_HOST, path: '/api/2.0/ping', agent, servername: WAREHOUSE_HOST },
          (response) => {
            issuer = String((response.socket as tls.TLSSocket).getPeerCertificate().issuer.CN);
            response.resume();
            response.on('end', () => resolve(response));
          },
        );
        r.on('error', reject);
        r.end();
      });
      expect(res.statusCode).toBe(201);
      expect(issuer).toBe(CA_COMMON_NAME);
      expect(res.headers['x-upstream-host']).toBe(WAREHOUSE_HOST);
      expect(res.headers['x-upstream-sni']).toBe(WAREHOUSE_HOST);
    } finally {
      agent.destroy();
    }
  });

  it('keeps HTTPS connections alive on both sides: one tunnel from the client, one connection upstream', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem, maxSockets: 1 });
    try {
      const first = secure.requests.length;
      for (let i = 0; i < 5; i++) {
        const res = await requestViaProxy(proxy.port, { url: `https://${WAREHOUSE_HOST}/api/2.0/ping?i=${i}` }, { tunnel: agent });
        expect(res.status).toBe(201);
      }
      expect(agent.tunnelsOpened).toBe(1);
      const connections = new Set(secure.requests.slice(first).map((r) => r.connection));
      expect(connections.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('keeps plain HTTP connections alive on both sides', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const clientSockets = new Set<net.Socket>();
    agent.on('free', (socket: net.Socket) => clientSockets.add(socket));
    try {
      const first = plain.requests.length;
      for (let i = 0; i < 5; i++) {
        const res = await requestViaProxy(proxy.port, { url: `http://127.0.0.1:${plain.port}/ka?i=${i}` }, { http: agent });
        expect(res.status).toBe(201);
      }
      expect(clientSockets.size).toBe(1);
      expect(new Set(plain.requests.slice(first).map((r) => r.connection)).size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('relays plain HTTP sent through a CONNECT tunnel to the port the tunnel named', async () => {
    const tunnel = await openTunnel(proxy.port, `127.0.0.1:${plain.port}`);
    try {
      const res = await sendAndCollect(http, { path: '/through-tunnel', createConnection: () => tunnel, headers: { host: `127.0.0.1:${plain.port}` } });
      expect(res.status).toBe(201);
      expect(res.headers['x-upstream-path']).toBe('/through-tunnel');
    } finally {
      tunnel.destroy();
    }
  });

  it('maps every name below a wildcard, verifying TLS against the name the client used', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const res = await requestViaProxy(proxy.port, { url: `https://acct.${WILDCARD_STORAGE_SUFFIX}/container/file` }, { tunnel: agent });
      expect(res.status).toBe(201);
      expect(res.headers['x-upstream-host']).toBe(`acct.${WILDCARD_STORAGE_SUFFIX}`);
      expect(res.headers['x-upstream-sni']).toBe(`acct.${WILDCARD_STORAGE_SUFFIX}`);
    } finally {
      agent.destroy();
    }
  });

  it('refuses an upstream whose certificate does not name the host the client asked for', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const res = await requestViaProxy(proxy.port, { url: 'https://wrong-name.blob.core.windows.net/c/f?sig=abc' }, { tunnel: agent });
      expect(res.status).toBe(502);
      const call = await proxy.waitForCall((c) => c.host === 'wrong-name.blob.core.windows.net', 'the refused download');
      expect(call.state).toBe('failed');
      expect(call.error).toBe('upstream ERR_TLS_CERT_ALTNAME_INVALID');
      expect(call.httpStatus).toBe(502);
    } finally {
      agent.destroy();
    }
  });

  it('answers 502 and records a failed call when the upstream refuses the connection', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const res = await requestViaProxy(proxy.port, { url: 'https://refused.blob.core.windows.net/c/f' }, { tunnel: agent });
      expect(res.status).toBe(502);
      expect(res.body.toString()).toContain('ECONNREFUSED');
      const call = await proxy.waitForCall((c) => c.host === 'refused.blob.core.windows.net', 'the refused download');
      expect(call).toMatchObject({ kind: 'cloudfetch', method: 'CloudFetchDownload', state: 'failed', error: 'upstream ECONNREFUSED', httpStatus: 502 });
    } finally {
      agent.destroy();
    }
  });

  it('answers a request addressed to the proxy itself with 400 instead of looping', async () => {
    const res = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: '/', agent: false });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toContain('is an HTTP proxy');
  });

  it('uses the system trust by default: an upstream signed by an unknown CA gets a 502 and a failed record', async () => {
    const untrusting = await startTestProxy({ hostMappings: [parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`)] });
    const agent = new TunnelAgent({ proxyPort: untrusting.port, ca: untrusting.caCertPem });
    try {
      const res = await requestViaProxy(untrusting.port, { url: `https://${STORAGE_HOST}/c/f?sig=s3cr3t` }, { tunnel: agent });
      expect(res.status).toBe(502);
      const call = await untrusting.waitForCall(() => true, 'the untrusted download');
      expect(call.state).toBe('failed');
      expect(call.error).toMatch(/^upstream (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
    } finally {
      agent.destroy();
      await untrusting.close();
    }
  });

  it('skips upstream verification when insecure, and reuses the CA directory it was given', async () => {
    const insecure = await startTestProxy({
      hostMappings: [parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`)],
      insecureUpstream: true,
      caDir: proxy.caDir,
    });
    const agent = new TunnelAgent({ proxyPort: insecure.port, ca: insecure.caCertPem });
    try {
      expect(insecure.caCertPem).toBe(proxy.caCertPem);
      const res = await requestViaProxy(insecure.port, { url: `https://${STORAGE_HOST}/c/f` }, { tunnel: agent });
      expect(res.status).toBe(201);
    } finally {
      agent.destroy();
      await insecure.close();
    }
  });

  it("keeps http-mitm-proxy's console output out of the way: errors reach only the proxy's logger", async () => {
    const written: unknown[][] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void written.push(args)),
    );
    const untrusting = new TunnelAgent({ proxyPort: proxy.port, ca: certs.caCert });
    const trusting = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      // A client that rejects the proxy certificate, an upstream that refuses, a client that resets mid-request.
      await requestViaProxy(proxy.port, { url: `https://${STORAGE_HOST}/x` }, { tunnel: untrusting }).catch(() => undefined);
      await requestViaProxy(proxy.port, { url: 'https://refused.blob.core.windows.net/x' }, { tunnel: trusting });
      const logged = proxy.logLines.length;
      const tunnel = await openTunnel(proxy.port, `${STORAGE_HOST}:443`);
      tunnel.resetAndDestroy();
      await waitFor(() => proxy.logLines.slice(logged).some((line) => line.includes('client socket error')), 'the proxy to log the reset tunnel');
      expect(written).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      untrusting.destroy();
      trusting.destroy();
    }
  });

  it('fails to start, with the reason, when its port is taken', async () => {
    await expect(startTestProxy({ port: proxy.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('closes with kept-alive client connections still open', async () => {
    const closing = await startTestProxy({ hostMappings: [parseHostMapping(`${STORAGE_HOST}=127.0.0.1:${secure.port}`)], upstreamCaPems: [certs.caCert] });
    const agent = new TunnelAgent({ proxyPort: closing.port, ca: closing.caCertPem });
    const plainAgent = new http.Agent({ keepAlive: true });
    try {
      expect((await requestViaProxy(closing.port, { url: `https://${STORAGE_HOST}/c/f` }, { tunnel: agent })).status).toBe(201);
      expect((await requestViaProxy(closing.port, { url: `http://127.0.0.1:${plain.port}/x` }, { http: plainAgent })).status).toBe(201);
      expect(Object.keys(agent.freeSockets).length + Object.keys(plainAgent.freeSockets).length).toBe(2);
      await closing.close();
      const refused = await requestViaProxy(closing.port, { url: `http://127.0.0.1:${plain.port}/x` }).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      agent.destroy();
      plainAgent.destroy();
      await closing.close();
    }
  });
});
