// What the driver must return for `SELECT * FROM range(N)`, as the digest the driver runner reports.
import { expectedRangeRow } from '../../../src/fake';
import { canonicalRow, RowDigest } from '../../../scripts/driver/protocol';

export function expectedRangeDigest(rows: number): string {
  const digest = new RowDigest();
  for (let i = 0; i < rows; i++) digest.add(canonicalRow({ ...expectedRangeRow(i) }));
  return digest.digest();
}
