// What a Thrift request or reply body says, in the terms of a call record. Decoding never throws: a body that
// is not Thrift becomes decoded:false with the reason, and is still forwarded untouched.
import { CallRecord } from '../core/model';
import { decodeThriftMessage } from '../thrift/decoder';
import { nameCall, nameReply } from '../thrift/naming';
import { ThriftCallIdentity } from '../thrift/call-identity';

export interface ThriftRequestFacts {
  record: Pick<CallRecord, 'method' | 'messageType' | 'seqid' | 'decoded' | 'decodeError' | 'request'>;
  /** The method scenarios match: set for decoded CALL and ONEWAY messages only. */
  matchMethod?: string;
  /** What a Thrift error reply must echo; set when the body decoded. */
  identity?: ThriftCallIdentity;
}

export function thriftRequestFacts(body: Buffer): ThriftRequestFacts {
  const decoded = decodeThriftMessage(body);
  if (!decoded.ok) return { record: { method: '', decoded: false, decodeError: decoded.error } };
  const message = decoded.message;
  const named = nameCall(message);
  const isCall = message.type === 'call' || message.type === 'oneway';
  return {
    record: {
      method: named.method,
      messageType: message.type,
      seqid: message.seqid,
      decoded: true,
      request: named.request,
    },
    matchMethod: isCall ? named.method : undefined,
    identity: { method: message.name, seqid: message.seqid, protocol: message.protocol, strictHeader: message.strictHeader },
  };
}

/** The reply's status and fields; empty when the body is not a decodable Thrift reply. */
export function thriftReplyFacts(body: Buffer | undefined): Pick<CallRecord, 'replyStatus' | 'reply'> {
  if (body === undefined || body.length === 0) return {};
  const decoded = decodeThriftMessage(body);
  if (!decoded.ok) return {};
  const named = nameReply(decoded.message);
  const facts: Pick<CallRecord, 'replyStatus' | 'reply'> = {};
  if (named.status !== undefined) facts.replyStatus = named.status;
  if (named.reply !== undefined) facts.reply = named.reply;
  return facts;
}

/** The one key of a reply record when the reply was too large to keep and decode. */
export const REPLY_NOT_DECODED_KEY = '<not decoded>';

/** A MiB count when `bytes` is a whole number of MiB, else bytes: how caps are shown. */
function size(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** The decodeError of a request body longer than the cap. */
export function tooLargeRequestError(maxBytes: number): string {
  return `request body too large to decode (more than ${size(maxBytes)}); forwarded undecoded`;
}

/** The note recorded as the reply of a reply longer than the cap. */
export function tooLargeReplyNote(replyBytes: number, maxBytes: number): string {
  return `reply too large to decode (${replyBytes} bytes, more than ${size(maxBytes)}); relayed undecoded`;
}
