// How a call whose reply response-side steps acted on is recorded: what the client actually got (bytes, how its
// connection ended, time to last byte), the Thrift reply it got next to the one the server sent when a step
// rewrote it, and whether the call failed: a cut ends it failed (the client got no whole reply), so does a
// rewrite that did not apply (the test must see that; the client got the server's reply unchanged).
import type { ReplyDelivery } from '../../core/model';
import type { ForwardOutcome } from '../forward-upstream';
import type { CallOutcome, RecordedCall } from '../recorded-call';
import { REPLY_NOT_DECODED_KEY, thriftReplyFacts, tooLargeReplyNote } from '../thrift-message-facts';
import type { ShapedDelivery } from './shaped-relay';

export function finishShapedCall(call: RecordedCall, scenario: string, outcome: ForwardOutcome, d: ShapedDelivery, thriftReplyCap: number | undefined): void {
  const delivery: ReplyDelivery = {
    bytesDelivered: d.deliveredBytes,
    upstreamBytes: d.upstreamBytes,
    connectionEnd: d.end,
    timeToLastByteMs: Math.max(0, d.lastByteAt - call.startedAt),
  };
  const recorded: CallOutcome = { httpStatus: outcome.httpStatus, requestBytes: outcome.requestBytes, responseBytes: d.deliveredBytes, delivery };
  if (thriftReplyCap !== undefined) {
    if (d.rewrittenBody !== undefined) {
      const got = thriftReplyFacts(d.rewrittenBody);
      const sent = thriftReplyFacts(d.upstreamBody);
      recorded.reply = got.reply;
      recorded.replyStatus = got.replyStatus;
      recorded.upstreamReply = sent.reply;
      recorded.upstreamReplyStatus = sent.replyStatus;
    } else if (d.upstreamBody !== undefined && d.end === 'complete') {
      Object.assign(recorded, thriftReplyFacts(d.upstreamBody));
    } else if (d.upstreamBytes > thriftReplyCap) {
      recorded.reply = { [REPLY_NOT_DECODED_KEY]: tooLargeReplyNote(d.upstreamBytes, thriftReplyCap) };
    }
  }
  const of = d.end === 'reset' || d.end === 'closed' ? ` after ${d.deliveredBytes} of ${d.upstreamBytes} body bytes read from the server` : '';
  switch (d.end) {
    case 'complete':
      if (d.rewriteError !== undefined) call.fail(`scenario ${scenario} could not rewrite the reply: ${d.rewriteError}`, recorded);
      else call.complete(recorded);
      return;
    case 'reset':
      call.fail(`connection reset by scenario ${scenario}${of}${d.error === undefined ? '' : ` (${d.error})`}`, recorded);
      return;
    case 'closed':
      call.fail(`connection closed by scenario ${scenario}${of}`, recorded);
      return;
    default:
      call.fail(d.error ?? outcome.error ?? 'failed', recorded);
  }
}
