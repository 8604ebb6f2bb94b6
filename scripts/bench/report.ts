// The benchmark's result: one row per figure, each with the floor it is compared with (measured in the same
// run), the ratio and the target. Printed as a table and written to .test-results/bench.json. A missed target
// is reported, never an error: the machine is shared, only correctness failures fail the run.
import fs from 'node:fs';
import path from 'node:path';

/** How a row's figure is compared with its floor. */
export type Comparison =
  /** figure / floor must stay at or below `limit` (times the floor). */
  | { kind: 'at_most_times'; limit: number }
  /** figure / floor must reach `limit` (a fraction of the floor). */
  | { kind: 'at_least_times'; limit: number }
  /** figure - floor must stay at or below `limit` (in the row's unit). */
  | { kind: 'at_most_plus'; limit: number }
  /** No target; the ratio is shown for reference. */
  | { kind: 'reference' };

export interface Row {
  id: string;
  figure: string;
  floorName: string;
  unit: string;
  value: number;
  floor: number;
  comparison: Comparison;
  /** What else a reader should know (sample counts, spreads). */
  note?: string;
}

export interface RowResult extends Row {
  ratio: number;
  target: string;
  met: boolean | null;
}

export function evaluate(row: Row): RowResult {
  const ratio = row.value / row.floor;
  const c = row.comparison;
  switch (c.kind) {
    case 'at_most_times':
      return { ...row, ratio, target: `≤ ${c.limit} × floor`, met: ratio <= c.limit };
    case 'at_least_times':
      return { ...row, ratio, target: `≥ ${c.limit} × floor`, met: ratio >= c.limit };
    case 'at_most_plus':
      return { ...row, ratio, target: `≤ floor + ${c.limit} ${row.unit}`, met: row.value - row.floor <= c.limit };
    case 'reference':
      return { ...row, ratio, target: 'reference', met: null };
  }
}

function format(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return `${value.toFixed(digits)} ${unit}`;
}

export function printTable(results: readonly RowResult[]): void {
  const lines = [['figure', 'floor (same run)', 'floor', 'figure', 'ratio', 'target', '']];
  for (const r of results) {
    lines.push([
      r.figure,
      r.floorName,
      format(r.floor, r.unit),
      format(r.value, r.unit),
      `${r.ratio.toFixed(2)}×`,
      r.target,
      r.met === null ? '' : r.met ? 'met' : 'MISSED',
    ]);
  }
  const widths = lines[0].map((_, col) => Math.max(...lines.map((l) => l[col].length)));
  for (const l of lines) console.log(l.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd());
  for (const r of results) if (r.note) console.log(`  ${r.id}: ${r.note}`);
}

export function writeJson(file: string, content: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
}
