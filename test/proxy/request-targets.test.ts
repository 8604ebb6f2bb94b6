// Where a plain proxy request goes: IPv6 literals in absolute-form targets, HTTP/1.0 requests without Host, and
// targets that are the proxy itself under another name or address (which must not make it connect to itself).
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { once } from 'node:events';
import { parseHostMapping } from '../../src/proxy/host-map';
import { plainTargetOf } from '../../src/proxy/proxy-server';
import { withTimeout } from '../cli/support/cli-process';
import { openTunnel, rawExchange, sendAndCollect } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { encodeMessage, executeStatementRequest } from '../helpers/thrift-messages';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';

function echoHost(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'x-upstream-host': req.headers.host ?? '(none)', 'x-upstream-path': req.url ?? '' });
  res.end('ok');
}

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

describe('request targets', () => {
  let upstream: TestUpstream;
  let proxy: TestProxy;

  beforeAll(async () => {
    upstream = await startUpstream({ handler: (req, res) => echoHost(req, res) });
    proxy = await startTestProxy({ hostMappings: [parseHostMapping(`noport.example=127.0.0.1:${upstream.port}`)] });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });

  it('sets Host from the absolute-form target when an HTTP/1.0 client sent none', async () => {
    const withPort = await rawExchange(proxy.port, `GET http://127.0.0.1:${upstream.port}/a?b=1 HTTP/1.0\r\n\r\n`);
    expect(withPort).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(withPort).toContain(`x-upstream-host: 127.0.0.1:${upstream.port}\r\n`);
    expect(withPort).toContain('x-upstream-path: /a?b=1\r\n');
    // The default port is left out, as clients write it; the name is the one the client used, not the mapping's.
    const defaultPort = await rawExchange(proxy.port, 'GET http://noport.example/x HTTP/1.0\r\n\r\n');
    expect(defaultPort).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(defaultPort).toContain('x-upstream-host: noport.example\r\n');
  });

  it('reads an IPv6 literal in an absolute-form target', async () => {
    const v6 = http.createServer(echoHost);
    const listened = await new Promise<boolean>((resolve) => {
      v6.once('error', () => resolve(false));
      v6.listen(0, '::1', () => resolve(true));
    });
    if (!listened) {
      // No IPv6 loopback on this machine: the target must still be read as [::1]:port, not "[:80".
      const res = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: 'http://[::1]:9/x', agent: false });
      expect(res.body.toString()).toContain('upstream ::1:9 failed');
      return;
    }
    try {
      const port = (v6.address() as net.AddressInfo).port;
      const res = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: `http://[::1]:${port}/v6/path`, agent: false, headers: { host: `[::1]:${port}` } });
      expect(res.status).toBe(200);
      expect(res.headers['x-upstream-host']).toBe(`[::1]:${port}`);
      expect(res.headers['x-upstream-path']).toBe('/v6/path');
      const closed = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: 'http://[::1]:9/x', agent: false });
      expect(closed.status).toBe(502);
      expect(closed.body.toString()).toContain('upstream ::1:9 failed');
    } finally {
      v6.close();
    }
  });

  it('parses absolute-form targets and Host headers', () => {
    const target = (url: string, host?: string): { target: unknown; url: string | undefined } => {
      const req = { url, headers: host === undefined ? {} : { host } } as http.IncomingMessage;
      return { target: plainTargetOf(req), url: req.url };
    };
    expect(target('http://[::1]:9/x')).toEqual({ target: { hostname: '::1', port: 9 }, url: '/x' });
    expect(target('http://[2001:DB8::1]/x')).toEqual({ target: { hostname: '2001:db8::1', port: 80 }, url: '/x' });
    expect(target('http://Example.COM?q=1')).toEqual({ target: { hostname: 'example.com', port: 80 }, url: '/?q=1' });
    expect(target('http://user@example.com:81/p')).toEqual({ target: { hostname: 'example.com', port: 81 }, url: '/p' });
    expect(target('/p', '[::1]:8080')).toEqual({ target: { hostname: '::1', port: 8080 }, url: '/p' });
    expect(target('http://[::1/x').target).toBeUndefined();
    expect(target('http://example.com:99999/x').target).toBeUndefined();
    expect(target('/p').target).toBeUndefined();
  });
});

describe('requests that name the proxy itself', () => {
  /** One request must get one answer, a 508 saying why, without the proxy connecting to itself. */
  async function expectRefusedLoop(proxy: TestProxy, send: () => Promise<{ status: number; body: string }>): Promise<void> {
    const fdsBefore = openFds();
    const answer = await withTimeout(send(), 15_000, 'no answer: the proxy may be forwarding to itself');
    expect(answer.status).toBe(508);
    expect(answer.body).toMatch(/is this proxy's own listening address: forwarding there would loop/);
    // A loop opens two descriptors per round trip, hundreds in a second; a refused request opens a few at most.
    expect(openFds() - fdsBefore).toBeLessThan(10);
  }

  const viaAbsoluteForm = (proxy: TestProxy, url: string) => async () => {
    const res = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: url, agent: false });
    return { status: res.status, body: res.body.toString() };
  };

  describe('listening on 127.0.0.1', () => {
    let proxy: TestProxy;
    beforeAll(async () => {
      proxy = await startTestProxy();
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it.each(['0.0.0.0', '127.1', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]'])('refuses http://%s:PORT/ with 508', async (host) => {
      await expectRefusedLoop(proxy, viaAbsoluteForm(proxy, `http://${host}:${proxy.port}/`));
    });

    it('records a Thrift call sent to itself once, as failed with the reason', async () => {
      const before = proxy.journal.nextSequence;
      await expectRefusedLoop(proxy, async () => {
        const res = await sendAndCollect(
          http,
          { host: '127.0.0.1', port: proxy.port, path: `http://127.1:${proxy.port}/sql/1.0/warehouses/x`, method: 'POST', agent: false, headers: { 'content-type': 'application/x-thrift' } },
          encodeMessage('ExecuteStatement', executeStatementRequest(), 1),
        );
        return { status: res.status, body: res.body.toString() };
      });
      const calls = proxy.journal.list().filter((c) => c.sequence >= before);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ method: 'ExecuteStatement', state: 'failed', httpStatus: 508 });
      expect(calls[0].error).toMatch(/^request loop refused: 127\.1 \(127\.0\.0\.1\):\d+ is this proxy's own listening address/);
    });

    it('refuses plain HTTP through a CONNECT tunnel to itself', async () => {
      await expectRefusedLoop(proxy, async () => {
        const socket = await openTunnel(proxy.port, `127.1:${proxy.port}`);
        let received = '';
        socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
        socket.write(`GET /x HTTP/1.1\r\nHost: 127.1:${proxy.port}\r\nConnection: close\r\n\r\n`);
        await once(socket, 'close');
        return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(received)?.[1]), body: received.slice(received.indexOf('\r\n\r\n') + 4) };
      });
    });
  });

  describe('listening on 0.0.0.0', () => {
    let proxy: TestProxy;
    beforeAll(async () => {
      proxy = await startTestProxy({ host: '0.0.0.0' });
    });
    afterAll(async () => {
      await proxy?.close();
    });

    const localAddress = Object.values(os.networkInterfaces())
      .flat()
      .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal)?.address;

    it.each(['127.0.0.2', '127.255.255.254', ...(localAddress === undefined ? [] : [localAddress])])('refuses http://%s:PORT/ with 508', async (host) => {
      await expectRefusedLoop(proxy, viaAbsoluteForm(proxy, `http://${host}:${proxy.port}/`));
    });
  });
});
