// The fake cloud storage: serves CloudFetch files over HTTPS to whoever holds a valid presigned URL, streaming
// each file with backpressure, and refuses expired or tampered links with Azure's 403 XML.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { blobNotFound, expiredSignature, missingSignature, signatureMismatch, storageErrorXml, unsupportedMethod, type StorageError } from './storage-errors';
import type { UrlSigner } from './presigned-url';
import { parseBlobPath, type ResultFiles } from './result-files';

export interface StorageCounters {
  /** Downloads answered 200 and written to the end. */
  served: number;
  /** Requests answered with an error status (expired, bad signature, unknown blob, wrong method). */
  rejected: number;
  /** Downloads whose client went away before the file was written. */
  aborted: number;
}

export function storageRequestHandler(files: ResultFiles, signer: UrlSigner, counters: StorageCounters) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res, files, signer, counters).catch((err: unknown) => {
      // A generation failure mid-stream cannot be turned into a status any more: cut the connection so the
      // client sees a truncated download instead of a short file that looks complete.
      if (!res.headersSent) {
        sendError(res, { status: 500, code: 'InternalError', message: String(err) }, counters);
        return;
      }
      counters.aborted++;
      res.destroy();
    });
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, files: ResultFiles, signer: UrlSigner, counters: StorageCounters): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://storage.invalid');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, unsupportedMethod(), counters);
  const check = signer.verify(url.pathname, url.searchParams);
  if (!check.ok) {
    const error: StorageError =
      check.reason === 'expired' ? expiredSignature(check.expiry) : check.reason === 'bad_signature' ? signatureMismatch() : missingSignature();
    return sendError(res, error, counters);
  }
  const ref = parseBlobPath(url.pathname);
  if (!ref || !files.has(ref)) return sendError(res, blobNotFound(), counters);

  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(files.size(ref)),
    'x-ms-blob-type': 'BlockBlob',
    'x-ms-version': '2023-11-03',
    ETag: `"0x${Buffer.from(url.pathname).toString('hex').slice(-16)}"`,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let clientGone = false;
  res.once('close', () => {
    clientGone = !res.writableFinished;
  });
  for (const chunk of files.chunks(ref)) {
    if (clientGone || res.destroyed) {
      counters.aborted++;
      return;
    }
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
  counters.served++;
}

/**
 * Waits until `res` can take more, or is gone. Both listeners are removed whichever comes first: a download to a
 * slow reader waits thousands of times on the same response.
 */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function sendError(res: ServerResponse, error: StorageError, counters: StorageCounters): void {
  counters.rejected++;
  const body = storageErrorXml(error);
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-ms-error-code': error.code,
  });
  res.end(body);
}
