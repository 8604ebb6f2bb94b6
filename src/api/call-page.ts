// One ListCalls answer, encoded here so that it is cut at an exact size: under the 4 MiB a gRPC client accepts
// by default, whatever the calls hold (a call is at most ~2 MiB encoded: the Thrift renderer bounds each
// decoded struct). The journal has already cut the page by count and by estimated bytes; this is the guarantee.
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { Call, ListCallsResponse } from '../../gen/thriftproxy/v1/scenario_control';
import { CallPage } from '../core/control';
import { asEncoded } from './pre-encoded';
import { callToProto } from './translate';

/** Calls in one answer at most. */
export const LIST_PAGE_CALLS = 1000;
/** Encoded bytes of calls in one answer at most (the rest of the message is a few dozen bytes). */
export const LIST_PAGE_BYTES = 3 * 1024 * 1024;

const CALLS_FIELD_TAG = (1 << 3) | 2;
/** Tag and length prefix of one repeated `calls` element, at most. */
const ELEMENT_OVERHEAD = 6;

export function encodeCallPage(page: CallPage): ListCallsResponse {
  const writer = new BinaryWriter();
  let bytes = 0;
  let more = page.more;
  let nextSequence = page.nextSequence;
  for (const [i, call] of page.calls.entries()) {
    const encoded = Call.encode(callToProto(call)).finish();
    if (i > 0 && bytes + encoded.length + ELEMENT_OVERHEAD > LIST_PAGE_BYTES) {
      more = true;
      nextSequence = call.sequence;
      break;
    }
    writer.uint32(CALLS_FIELD_TAG).bytes(encoded);
    bytes += encoded.length + ELEMENT_OVERHEAD;
  }
  // Protobuf fields may come in any order: the calls first, then the scalars.
  ListCallsResponse.encode(
    { calls: [], droppedCount: BigInt(page.droppedCount), nextSequence: BigInt(nextSequence), hasMore: more },
    writer,
  );
  return asEncoded<ListCallsResponse>(writer.finish());
}
