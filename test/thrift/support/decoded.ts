// Our decoder in tests: a message that must decode, a body that must not, and the node count the budget limits.
import { decodeThriftMessage, DEFAULT_DECODE_LIMITS, TType, type ThriftMessage, type ThriftValue } from '../../../src/thrift/decoder';

/** The message in `buf`; throws with the decoder's error if it does not decode. */
export function decodeOk(buf: Buffer, limits = DEFAULT_DECODE_LIMITS): ThriftMessage {
  const result = decodeThriftMessage(buf, limits);
  if (!result.ok) throw new Error(`expected a message, got: ${result.error}`);
  return result.message;
}

/** The decoder's error for `buf`; throws if it decodes. */
export function decodeError(buf: Buffer): string {
  const result = decodeThriftMessage(buf);
  if (result.ok) throw new Error('expected a decode failure');
  return result.error;
}

/** Nodes in a decoded value: itself plus everything it contains (a map entry counts its key and its value). */
export function countNodes(node: ThriftValue): number {
  switch (node.type) {
    case TType.STRUCT:
      return 1 + node.fields.reduce((n, f) => n + countNodes(f.value), 0);
    case TType.LIST:
    case TType.SET:
      return 1 + node.elements.reduce((n, e) => n + countNodes(e), 0);
    case TType.MAP:
      return 1 + node.entries.reduce((n, e) => n + countNodes(e.key) + countNodes(e.value), 0);
    default:
      return 1;
  }
}
