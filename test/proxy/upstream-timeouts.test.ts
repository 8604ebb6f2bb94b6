// Upstreams that accept and never answer: without limits they held a call forever and its record stayed in
// flight. Each limit ends in a 504 (or, once the reply has begun, a reset of the client's connection) and a failed
// record saying which limit passed. The limits are small here; the defaults are 10 s / 10 s / 120 s.
import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { parseHostMapping } from '../../src/proxy/host-map';
import { requestViaProxy, TunnelAgent } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';
import { encodeMessage, executeStatementRequest } from '../helpers/thrift-messages';
import { settle } from '../helpers/wait-for';

const LIMIT_MS = 300;

/** A TCP server that accepts connections and never writes a byte (nor reads one). */
async function silentServer(): Promise<{ port: number; accepted(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A listening port whose accept queue is full and whose process never accepts: the kernel drops further SYNs,
 * so a connection attempt hangs in connect, as towards a host that does not answer.
 */
async function unacceptingPort(): Promise<{ port: number; close(): Promise<void> }> {
  const script = `const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
    // Pipes are written synchronously on Linux; then the event loop stops, and with it every accept.
    process.stdout.write(s.address().port + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000);
  });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  // Fill the accept queue (backlog + 1 connections) with connections that complete.
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    fillers.push(socket);
  }
  return {
    port,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

describe('upstream timeouts', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let unaccepting: Awaited<ReturnType<typeof unacceptingPort>>;
  let answersLate: http.Server;
  let answersLatePort: number;
  let proxy: TestProxy;

  beforeAll(async () => {
    silent = await silentServer();
    unaccepting = await unacceptingPort();
    // Reads the request, then answers nothing; or, for /stall, sends the headers and part of the body, then stops.
    answersLate = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1000 });
        res.write(Buffer.alloc(100, 1));
      }
    });
    answersLate.listen(0, '127.0.0.1');
    await once(answersLate, 'listening');
    answersLatePort = (answersLate.address() as net.AddressInfo).port;
    proxy = await startTestProxy({
      hostMappings: [
        parseHostMapping(`silent.blob.core.windows.net=127.0.0.1:${silent.port}`),
        parseHostMapping(`unaccepting.blob.core.windows.net=127.0.0.1:${unaccepting.port}`),
        parseHostMapping(`late.blob.core.windows.net=127.0.0.1:${answersLatePort}`),
      ],
      upstreamTimeouts: { connectMs: LIMIT_MS, tlsHandshakeMs: LIMIT_MS, responseMs: LIMIT_MS },
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await silent?.close();
    await unaccepting?.close();
    answersLate?.closeAllConnections();
    answersLate?.close();
  });

  it('answers 504 when a plain upstream accepts and never answers, and records the response timeout', async () => {
    const started = Date.now();
    const res = await requestViaProxy(proxy.port, { url: 'http://silent.blob.core.windows.net/results/0.arrow' });
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain(`upstream response timeout: no response headers within ${LIMIT_MS} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMIT_MS - 20);
    const call = await proxy.waitForCall((c) => c.host === 'silent.blob.core.windows.net', 'the timed-out download');
    expect(call).toMatchObject({ state: 'failed', httpStatus: 504, error: `upstream response timeout: no response headers within ${LIMIT_MS} ms` });
  });

  it('answers a Thrift call 504 when the server read the request and never answered', async () => {
    const res = await requestViaProxy(proxy.port, {
      url: `http://127.0.0.1:${answersLatePort}/sql/1.0/warehouses/x`,
      headers: { 'content-type': 'application/x-thrift' },
      body: encodeMessage('ExecuteStatement', executeStatementRequest(), 7),
    });
    expect(res.status).toBe(504);
    const call = await proxy.waitForCall((c) => c.method === 'ExecuteStatement' && c.httpStatus === 504, 'the timed-out Thrift call');
    expect(call).toMatchObject({ state: 'failed', error: `upstream response timeout: no response headers within ${LIMIT_MS} ms` });
  });

  it('resets the client when the response body stalls after its headers', async () => {
    const outcome = await settle(
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, path: 'http://late.blob.core.windows.net/stall', agent: false }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
          res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        });
        req.on('error', reject);
        req.end();
      }),
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code ?? outcome.error.message).toMatch(/ECONNRESET|aborted/);
    const call = await proxy.waitForCall((c) => c.path === '/stall', 'the stalled download');
    expect(call).toMatchObject({ state: 'failed', httpStatus: 200, error: `upstream response timeout: the response body stalled for ${LIMIT_MS} ms` });
  });

  it('answers 504 inside the tunnel when an HTTPS upstream never completes the TLS handshake', async () => {
    const agent = new TunnelAgent({ proxyPort: proxy.port, ca: proxy.caCertPem });
    try {
      const res = await requestViaProxy(proxy.port, { url: 'https://silent.blob.core.windows.net/results/tls.arrow' }, { tunnel: agent });
      expect(res.status).toBe(504);
      expect(res.body.toString()).toContain(`upstream TLS handshake timeout: no completed handshake within ${LIMIT_MS} ms`);
      const call = await proxy.waitForCall((c) => c.path === '/results/tls.arrow', 'the download whose TLS handshake hung');
      expect(call).toMatchObject({ state: 'failed', httpStatus: 504, error: `upstream TLS handshake timeout: no completed handshake within ${LIMIT_MS} ms` });
    } finally {
      agent.destroy();
    }
  });

  it('answers 504 when the connection itself cannot be made in time', async () => {
    const res = await requestViaProxy(proxy.port, { url: 'http://unaccepting.blob.core.windows.net/results/c.arrow' });
    expect(res.status).toBe(504);
    expect(res.body.toString()).toContain(`upstream connect timeout: no connection within ${LIMIT_MS} ms`);
    const call = await proxy.waitForCall((c) => c.path === '/results/c.arrow', 'the download that could not connect');
    expect(call).toMatchObject({ state: 'failed', httpStatus: 504, error: `upstream connect timeout: no connection within ${LIMIT_MS} ms` });
  });

  it('does not count the time a scenario held the request', async () => {
    const upstream = http.createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const held = await startTestProxy({
      hostMappings: [parseHostMapping(`held.blob.core.windows.net=127.0.0.1:${(upstream.address() as net.AddressInfo).port}`)],
      upstreamTimeouts: { connectMs: LIMIT_MS, tlsHandshakeMs: LIMIT_MS, responseMs: LIMIT_MS },
    });
    try {
      held.engine.enable('cloudfetch_timeout', { durationMs: LIMIT_MS * 3 });
      const res = await requestViaProxy(held.port, { url: 'http://held.blob.core.windows.net/results/held.arrow' });
      expect(res.status).toBe(200);
      const call = await held.waitForCall((c) => c.path === '/results/held.arrow', 'the held download');
      expect(call).toMatchObject({ state: 'completed', httpStatus: 200, scenario: 'cloudfetch_timeout' });
      expect(call.durationMs).toBeGreaterThanOrEqual(LIMIT_MS * 3 - 20);
    } finally {
      await held.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
