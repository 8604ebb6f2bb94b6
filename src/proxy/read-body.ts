// Reads a body into memory only up to a cap: what the proxy keeps to decode a Thrift request or to rewrite a
// Thrift reply. Past the cap it stops reading and hands back what it has, for the rest to stream on.
import type { Readable } from 'node:stream';

/** A body as read: whole, or its first bytes when it is longer than the cap. */
export type ReadBody = { whole: true; body: Buffer } | { whole: false; prefix: Buffer };

/**
 * Reads a body of at most `maxBytes`. A longer one stops being read as soon as it passes the cap: the
 * stream is paused and handed back with the bytes read so far, for the rest to stream on from it. Undefined
 * when the stream closed first (the client or the server went away).
 */
export function readBodyUpTo(stream: Readable, maxBytes: number, done: (read: ReadBody | undefined) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  const joined = (): Buffer => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
  const settle = (read: ReadBody | undefined): void => {
    if (settled) return;
    settled = true;
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('close', onClose);
    done(read);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    length += chunk.length;
    if (length > maxBytes) {
      stream.pause();
      settle({ whole: false, prefix: joined() });
    }
  };
  const onEnd = (): void => settle({ whole: true, body: joined() });
  const onClose = (): void => settle(undefined);
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('close', onClose);
  stream.on('error', () => undefined); // reported through 'close'
  stream.resume();
}
