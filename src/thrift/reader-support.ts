// What the binary and compact readers share: how they fail, how they count what they keep, and the value
// conversions that do not depend on the protocol.
import type { DecodeLimits } from './wire-types';

/**
 * Raised inside a reader and caught by decodeThriftMessage, never seen by callers. Not an Error: a decode
 * failure is an expected outcome on this path (fuzzed or non-Thrift bodies), and capturing a stack trace for
 * each one would be wasted work.
 */
export class DecodeFailure {
  constructor(readonly message: string) {}
}

export function fail(message: string): never {
  throw new DecodeFailure(message);
}

/** Counts the nodes a decode may still materialize; shared by every container of one message. */
export class NodeBudget {
  private left: number;

  constructor(readonly limits: DecodeLimits) {
    this.left = limits.maxNodes;
  }

  /**
   * Whether one more element of a container that already keeps `kept` may be materialized, costing `nodes`
   * (2 for a map entry: key and value); takes them if so.
   */
  take(kept: number, nodes = 1): boolean {
    if (kept >= this.limits.maxElementsPerContainer || this.left < nodes) return false;
    this.left -= nodes;
    return true;
  }

  checkDepth(depth: number, offset: number): void {
    if (depth > this.limits.maxDepth) fail(`nesting deeper than ${this.limits.maxDepth} at offset ${offset}`);
  }
}

const TWO_POW_32 = 4294967296;
/** |hi| below this keeps hi * 2^32 + lo within Number.MAX_SAFE_INTEGER. */
const SAFE_HIGH_WORD = 0x200000;

/** An i64 from its two's-complement halves: a number when safe, otherwise its decimal string. */
export function i64FromWords(hi: number, lo: number): number | string {
  if (hi >= -SAFE_HIGH_WORD && hi < SAFE_HIGH_WORD) return hi * TWO_POW_32 + lo;
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function i64FromBigInt(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The 16 bytes at `offset` as a lower-case 8-4-4-4-12 UUID string. */
export function formatUuid(buf: Buffer, offset: number): string {
  const hex = buf.toString('hex', offset, offset + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Method names are identifiers; anything longer is not a Thrift message we should trust. */
export const MAX_METHOD_NAME_BYTES = 1024;
