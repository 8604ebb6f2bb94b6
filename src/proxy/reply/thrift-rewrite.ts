// A Thrift reply with some fields set: decoded whole, changed by path, encoded again in its own protocol. What
// does not apply (not Thrift, not a REPLY, a path the reply does not have) is a failed rewrite with the reason,
// and the caller delivers the server's reply unchanged.
import { decodeThriftMessage } from '../../thrift/decoder';
import { encodeThriftMessage, LOSSLESS_DECODE_LIMITS, ThriftEncodeError } from '../../thrift/message-encoder';
import { ReplyFieldError, setReplyFields, type FieldAssignment } from '../../thrift/reply-fields';

export function rewriteThriftReply(body: Buffer, assignments: readonly FieldAssignment[]): Buffer | { error: string } {
  const decoded = decodeThriftMessage(body, LOSSLESS_DECODE_LIMITS);
  if (!decoded.ok) return { error: `the reply is not a Thrift message (${decoded.error}): not rewritten` };
  const message = decoded.message;
  try {
    setReplyFields(message, assignments);
    const encoded = encodeThriftMessage(message);
    // Bytes after the message (none from a real server) are kept as they were.
    return message.trailingBytes === 0 ? encoded : Buffer.concat([encoded, body.subarray(message.byteLength)]);
  } catch (error) {
    if (error instanceof ReplyFieldError || error instanceof ThriftEncodeError) return { error: `${error.message}: not rewritten` };
    throw error;
  }
}
