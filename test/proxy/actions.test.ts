// Each scenario action on its own, against real sockets: a real HTTP server whose handler performs the action,
// and a real client.
import http from 'node:http';
import { once } from 'node:events';
import net from 'node:net';
import { HeldRequests } from '../../src/proxy/actions/hold';
import { resetConnection, resetError } from '../../src/proxy/actions/reset';
import { sendAndCollect } from '../helpers/proxied-client';
import { settle } from '../helpers/wait-for';

async function serverWith(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('HeldRequests', () => {
  /** A response that is still open (its client waiting), as a held request has. */
  function openResponse(): http.ServerResponse {
    return new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
  }

  it('waits the given time, then reports elapsed, leaving no listener on the response', async () => {
    const holds = new HeldRequests();
    const res = openResponse();
    const closeListeners = res.listenerCount('close');
    const started = process.hrtime.bigint();
    const outcome = holds.hold(60, res);
    expect(holds.size).toBe(1);
    await expect(outcome).resolves.toBe('elapsed');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeGreaterThanOrEqual(55);
    expect(holds.size).toBe(0);
    expect(res.listenerCount('close')).toBe(closeListeners);
  });

  it('ends early, cancelling its timer, when the client goes away', async () => {
    const holds = new HeldRequests();
    const res = openResponse();
    const outcome = holds.hold(60_000, res);
    res.emit('close');
    await expect(outcome).resolves.toBe('client_gone');
    expect(holds.size).toBe(0);
  });

  it('releases every hold at once for a drain, and any hold that starts afterwards', async () => {
    const holds = new HeldRequests();
    const outcomes = Array.from({ length: 12 }, () => holds.hold(60_000, openResponse()));
    expect(holds.size).toBe(12);
    holds.releaseAll();
    await expect(Promise.all(outcomes)).resolves.toEqual(Array(12).fill('released'));
    await expect(holds.hold(60_000, openResponse())).resolves.toBe('released');
    expect(holds.size).toBe(0);
  });

  it('aborts every hold when the proxy closes, and any hold that starts afterwards, even after a release', async () => {
    const holds = new HeldRequests();
    const outcome = holds.hold(60_000, openResponse());
    holds.releaseAll();
    holds.abortAll();
    await expect(outcome).resolves.toBe('released');
    await expect(holds.hold(60_000, openResponse())).resolves.toBe('aborted');
    const other = new HeldRequests();
    const pending = other.hold(60_000, openResponse());
    other.abortAll();
    await expect(pending).resolves.toBe('aborted');
  });
});

describe('resetConnection', () => {
  it('resets the client connection: the client sees ECONNRESET and no response', async () => {
    const server = await serverWith((req) => resetConnection(req.socket));
    try {
      const outcome = await settle(sendAndCollect(http, { host: '127.0.0.1', port: server.port, path: '/' }));
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.code).toBe('ECONNRESET');
    } finally {
      await server.close();
    }
  });

  it('names the scenario in the record error', () => {
    expect(resetError('cloudfetch_connection_reset')).toBe('connection reset by scenario cloudfetch_connection_reset');
  });
});
