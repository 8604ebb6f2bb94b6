// Serves one WatchCalls stream: moves items from the subscriber's CallWatch queue to the gRPC stream,
// honouring the stream's backpressure, and closes the watch however the stream ends.
// Each live event is encoded once, whatever the number of subscribers: the journal hands every watch the same
// item object, and the protobuf bytes are kept with it (encoding a call is ~20-90 us, mostly its request and
// reply Structs; with 20 subscribers, encoding per subscriber took more CPU than the proxying itself).
import { Metadata, ServerWritableStream, status } from '@grpc/grpc-js';
import { WatchCallsRequest, WatchCallsResponse } from '../../gen/thriftproxy/v1/scenario_control';
import { WatchItem } from '../core/model';
import { ApiErrorLog, toGrpcStatus } from './grpc-status';
import { asEncoded } from './pre-encoded';
import { watchItemToProto } from './translate';

/** The part of a CallWatch this module uses (src/journal owns the real one). */
export interface WatchQueue {
  shift(): WatchItem | undefined;
  onReadable(callback: () => void): void;
  close(): void;
  readonly closed: boolean;
}

export type WatchStream = ServerWritableStream<WatchCallsRequest, WatchCallsResponse>;

/** Ends a stream from the server side (shutdown). */
export type StopWatch = () => void;

const encodedItems = new WeakMap<WatchItem, Buffer>();

function encodeItem(item: WatchItem): WatchCallsResponse {
  let bytes = encodedItems.get(item);
  if (bytes === undefined) {
    bytes = asEncoded<Buffer>(WatchCallsResponse.encode(watchItemToProto(item)).finish());
    encodedItems.set(item, bytes);
  }
  return asEncoded<WatchCallsResponse>(bytes);
}


export function pumpWatch(call: WatchStream, watch: WatchQueue, onFinished: () => void, logError: ApiErrorLog): StopWatch {
  let finished = false;
  let waitingForDrain = false;

  const finish = (): void => {
    if (finished) return;
    finished = true;
    watch.close();
    onFinished();
  };

  const pump = (): void => {
    try {
      sendQueued();
    } catch (error) {
      // A bug must end this stream, not the process (pump runs from the journal's notification).
      if (finished) return;
      finish();
      call.emit('error', toGrpcStatus(error, 'WatchCalls', logError));
    }
  };

  const sendQueued = (): void => {
    if (finished || waitingForDrain) return;
    for (let item = watch.shift(); item !== undefined; item = watch.shift()) {
      if (!call.write(encodeItem(item))) {
        waitingForDrain = true;
        call.once('drain', () => {
          waitingForDrain = false;
          pump();
        });
        return;
      }
    }
    // The journal closed this watch (e.g. the proxy is stopping) and everything queued has been sent.
    if (watch.closed) {
      finish();
      call.end();
    }
  };

  call.on('cancelled', finish);
  call.on('error', finish);
  call.on('close', finish);
  // Headers go out now, so a client knows it is subscribed even before the first item is written.
  call.sendMetadata(new Metadata());
  watch.onReadable(pump);
  pump();

  return () => {
    if (finished) return;
    finish();
    call.emit('error', { code: status.UNAVAILABLE, details: 'thrift-fault-proxy is shutting down' });
  };
}
