// Hostile variations of real Thrift messages for property tests: bit flips, truncation, inserted bytes, and
// lengths or counts far larger than any body holds.
import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: readonly number[] };

/** Values that, read as a length or count, claim far more than any body holds (binary i32s, compact varints). */
export const HUGE: ReadonlyArray<readonly number[]> = [
  [0x7f, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff],
  [0x80, 0x00, 0x00, 0x00],
  [0x00, 0xff, 0xff, 0xff],
  [0xff, 0xff, 0xff, 0xff, 0x07],
  [0xfd, 0xff, 0xff, 0xff, 0x0f],
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.constantFrom(...HUGE) }),
);

/** A mutated copy of `original` (which is left as it was). */
export function mutate(original: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(original);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[at] ^= m.mask;
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case 'overwrite':
        for (let i = 0; i < m.bytes.length && at + i < b.length; i++) b[at + i] = m.bytes[i];
        break;
    }
  }
  return b;
}
