// Keeps the README's scenario table equal to the catalog. `UPDATE_README=1` rewrites the block instead of failing.
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  findReadmeBlock,
  README_TABLE_BEGIN,
  README_TABLE_END,
  renderScenarioTable,
  replaceReadmeBlock,
} from '../../src/scenarios/readme-table';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';

const README = join(__dirname, '..', '..', 'README.md');
const UPDATE_HINT = 'run `UPDATE_README=1 npx jest test/scenarios/readme-table.test.ts` to rewrite it';

describe('README scenario table', () => {
  it('equals renderScenarioTable()', () => {
    let readme: string;
    try {
      readme = readFileSync(README, 'utf8');
    } catch (error) {
      throw new Error(`README.md is missing at ${README} (${String(error)}); the scenario table lives there`);
    }
    const block = findReadmeBlock(readme);
    if (block === undefined) {
      throw new Error(
        `README.md has no scenario table block: add the lines ${README_TABLE_BEGIN} and ${README_TABLE_END} ` +
          `(in that order), then ${UPDATE_HINT}`,
      );
    }
    const table = renderScenarioTable();
    if (process.env.UPDATE_README === '1') {
      writeFileSync(README, replaceReadmeBlock(readme, table)!);
      return;
    }
    if (block.content !== table) {
      throw new Error(`the scenario table in README.md is stale (the catalog changed); ${UPDATE_HINT}`);
    }
  });
});

describe('renderScenarioTable', () => {
  const table = renderScenarioTable();
  const rows = table.split('\n');

  it('has a header, a separator and one row of five cells per scenario', () => {
    expect(rows[0]).toBe('| name | matches | effect | default | ticket |');
    expect(rows[1]).toBe('|---|---|---|---|---|');
    expect(rows).toHaveLength(2 + SCENARIO_CATALOG.length);
    for (const row of rows.slice(2)) expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });

  it('shows what each scenario matches, does, holds by default and which ticket it reproduces', () => {
    const row = (name: string): string => rows.find((r) => r.startsWith(`| \`${name}\` |`))!;
    expect(row('cloudfetch_timeout')).toMatch(/^\| `cloudfetch_timeout` \| CloudFetch download \(`CloudFetchDownload`\) \| hold, then forward\. .* \| 65 s \| BL-13239 \|$/);
    expect(row('network_timeout_open_session')).toMatch(/\| `OpenSession` \| hold, then forward\. .* \| 35 s \|  \|$/);
    expect(row('cloudfetch_503')).toContain('| HTTP 503 (`application/xml`, `Retry-After: 1`). ');
    expect(row('too_many_requests_429_open_session')).toContain('| HTTP 429 (`application/json`, `Retry-After: 1`). ');
    expect(row('session_timeout_premature')).toContain('| any Thrift call (`ThriftOperation`) | Thrift reply with TStatus ERROR_STATUS: "Session expired');
    expect(row('invalid_session_handle')).toContain('TStatus INVALID_HANDLE_STATUS: "Invalid SessionHandle');
    expect(row('cloudfetch_connection_reset')).toContain('| TCP reset, no HTTP response. ');
  });

  it('escapes pipes and flattens newlines so a cell cannot break the table', () => {
    const odd = renderScenarioTable([
      { name: 'odd', description: 'a | b\nc.', match: { kind: 'thrift', methods: ['GetInfo'] }, steps: [{ kind: 'hold', durationMs: 1500 }] },
    ]);
    expect(odd.split('\n')[2]).toBe('| `odd` | `GetInfo` | hold, then forward. a \\| b c. | 1.5 s |  |');
  });
});

describe('README block replacement', () => {
  const doc = `# Title\n\n${README_TABLE_BEGIN}\nold\n${README_TABLE_END}\n\nafter\n`;

  it('finds the block and replaces only what is between the markers', () => {
    expect(findReadmeBlock(doc)?.content).toBe('old');
    const updated = replaceReadmeBlock(doc, '| new |')!;
    expect(updated).toBe(`# Title\n\n${README_TABLE_BEGIN}\n| new |\n${README_TABLE_END}\n\nafter\n`);
    expect(findReadmeBlock(updated)?.content).toBe('| new |');
    expect(replaceReadmeBlock(updated, '| new |')).toBe(updated);
  });

  it('reports missing or reversed markers', () => {
    expect(findReadmeBlock('# no markers')).toBeUndefined();
    expect(findReadmeBlock(`${README_TABLE_END}\n${README_TABLE_BEGIN}`)).toBeUndefined();
    expect(replaceReadmeBlock('# no markers', 'x')).toBeUndefined();
    expect(findReadmeBlock(`${README_TABLE_BEGIN}\n${README_TABLE_END}`)?.content).toBe('');
  });
});
