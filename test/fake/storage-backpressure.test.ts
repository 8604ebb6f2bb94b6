// The fake storage streams a CloudFetch file with backpressure. Waiting for 'drain' must not leave a listener
// behind each time: a download to a slow reader waits thousands of times on one response, and listeners that
// pile up there were what made Node print "MaxListenersExceededWarning: 11 close listeners added to
// [ServerResponse]" during the suite.
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { RangeResult } from '../../src/fake/range-result';
import { UrlSigner } from '../../src/fake/storage/presigned-url';
import { blobPath, ResultFiles } from '../../src/fake/storage/result-files';
import { storageRequestHandler } from '../../src/fake/storage/storage-server';

/** Node warns at 11 listeners for one event on one emitter. */
const NODE_DEFAULT_MAX_LISTENERS = 10;

it('streams a file to a slow reader without adding listeners per backpressure wait', async () => {
  const files = new ResultFiles(60_000);
  const signer = new UrlSigner();
  const resultId = '0d5a3c1e-2f4b-4c6d-8e9f-a1b2c3d4e5f6';
  files.register(resultId, new RangeResult(40_000));
  const ref = { resultId, startRow: 0, rowCount: 40_000 };
  const counters = { served: 0, rejected: 0, aborted: 0 };
  const handle = storageRequestHandler(files, signer, counters);
  let response: http.ServerResponse | undefined;
  const server = http.createServer((req, res) => {
    response = res;
    handle(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  try {
    const path = `${blobPath(ref)}?${signer.sign(blobPath(ref), new Date(Date.now() + 600_000))}`;
    let received = 0;
    let pauses = 0;
    let mostListeners = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        // A reader that stops after every chunk: the server's writes fill the socket again and again.
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (response !== undefined) {
            mostListeners = Math.max(mostListeners, ...['close', 'drain', 'error', 'finish'].map((event) => response!.listenerCount(event)));
          }
          res.pause();
          pauses++;
          setImmediate(() => res.resume());
        });
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    expect(received).toBe(files.size(ref));
    expect(counters.served).toBe(1);
    expect(pauses).toBeGreaterThan(NODE_DEFAULT_MAX_LISTENERS * 2);
    expect(mostListeners).toBeLessThan(NODE_DEFAULT_MAX_LISTENERS);
  } finally {
    server.close();
    server.closeAllConnections();
    files.close();
  }
});
