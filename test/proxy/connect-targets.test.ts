// CONNECT requests whose target is not host:port get 400 with the reason, before any tunnel opens, instead of
// "200 OK" followed by a hang or a close.
import net from 'node:net';
import { once } from 'node:events';
import { parseConnectAuthority } from '../../src/proxy/connect-interceptor';
import { rawExchange } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { withTimeout } from '../cli/support/cli-process';

/** Sends a raw CONNECT line and returns everything the proxy wrote before it closed the connection. */
function rawConnect(port: number, target: string): Promise<string> {
  return rawExchange(port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
}

describe('bad CONNECT targets', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it.each([
    ['example.com', /has no port/],
    ['example.com:0', /port .* is not from 1 to 65535/],
    ['example.com:99999', /port .* is not from 1 to 65535/],
    ['example.com:https', /port .* is not from 1 to 65535/],
    ['garbage', /has no port/],
    ['bad/host:443', /is not host:port/],
    ['[::1', /has no closing '\]'/],
    ['[::1]', /has no port/],
    ['a:b:c', /is not host:port/],
  ])('answers CONNECT %s with 400 and the reason, and closes', async (target, reason) => {
    const answer = await rawConnect(proxy.port, target);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(body).toMatch(/^thrift-fault-proxy: bad CONNECT request: /);
    expect(body).toMatch(reason);
    expect(answer).not.toContain('200 OK');
  });

  it('still opens a tunnel for a good target, IPv6 literals included', async () => {
    for (const target of ['example.com:443', '[::1]:443']) {
      const socket = net.connect(proxy.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
      const [chunk] = (await withTimeout(once(socket, 'data'), 10_000, `no answer to CONNECT ${target}`)) as [Buffer];
      expect(chunk.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      socket.destroy();
    }
  });
});

describe('parseConnectAuthority', () => {
  it('reads host:port and [v6]:port, lower-casing the name', () => {
    expect(parseConnectAuthority('Example.COM:443')).toEqual({ hostname: 'example.com', port: 443 });
    expect(parseConnectAuthority('[::1]:8443')).toEqual({ hostname: '::1', port: 8443 });
    expect(parseConnectAuthority('10.0.0.1:1')).toEqual({ hostname: '10.0.0.1', port: 1 });
  });

  it('says what is wrong otherwise', () => {
    expect(parseConnectAuthority('')).toEqual({ problem: expect.stringMatching(/is empty/) });
    expect(parseConnectAuthority('[::g]:443')).toEqual({ problem: expect.stringMatching(/not host:port/) });
    expect(parseConnectAuthority('[1:2]:443')).toEqual({ problem: expect.stringMatching(/not a valid IPv6 address/) });
    expect(parseConnectAuthority('x'.repeat(5000))).toEqual({ problem: expect.stringMatching(/^the CONNECT target "x{200}\.\.\." has no port/) });
  });
});
