// The README's scenario table, generated from the catalog so the documentation cannot drift from the code.
import { ActionSpec, ANY_THRIFT_OPERATION, CLOUDFETCH_METHOD, ScenarioDefinition } from '../core/model';
import { SCENARIO_CATALOG } from './catalog';

export const README_TABLE_BEGIN = '<!-- scenarios:begin -->';
export const README_TABLE_END = '<!-- scenarios:end -->';

const TSTATUS_NAMES: Readonly<Record<number, string>> = {
  3: 'ERROR_STATUS',
  4: 'INVALID_HANDLE_STATUS',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function describeMatch(operation: string): string {
  if (operation === CLOUDFETCH_METHOD) return `CloudFetch download (\`${CLOUDFETCH_METHOD}\`)`;
  if (operation === ANY_THRIFT_OPERATION) return `any Thrift call (\`${ANY_THRIFT_OPERATION}\`)`;
  return `\`${operation}\``;
}

function describeAction(action: ActionSpec): string {
  switch (action.kind) {
    case 'http_status':
      return `HTTP ${action.status} (\`${action.contentType}\`)`;
    case 'thrift_error':
      return `Thrift reply with TStatus ${TSTATUS_NAMES[action.statusCode] ?? action.statusCode}: "${action.message}"`;
    case 'hold':
      return 'hold, then forward';
    case 'reset':
      return 'TCP reset, no HTTP response';
  }
}

function formatDefault(action: ActionSpec): string {
  if (action.kind !== 'hold') return '';
  return `${action.defaultMs / 1000} s`;
}

function row(definition: ScenarioDefinition): string {
  const cells = [
    `\`${definition.name}\``,
    describeMatch(definition.operation),
    `${describeAction(definition.action)}. ${definition.description}`,
    formatDefault(definition.action),
    definition.ticket ?? '',
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

export function renderScenarioTable(catalog: readonly ScenarioDefinition[] = SCENARIO_CATALOG): string {
  return ['| name | matches | effect | default | ticket |', '|---|---|---|---|---|', ...catalog.map(row)].join('\n');
}

/** Where the generated block sits in a README: the text strictly between the marker lines. */
export interface ReadmeBlock {
  before: string;
  content: string;
  after: string;
}

/** Undefined when the markers are missing or out of order. */
export function findReadmeBlock(readme: string): ReadmeBlock | undefined {
  const begin = readme.indexOf(README_TABLE_BEGIN);
  const end = readme.indexOf(README_TABLE_END, begin === -1 ? 0 : begin);
  if (begin === -1 || end === -1) return undefined;
  const contentStart = begin + README_TABLE_BEGIN.length;
  return {
    before: readme.slice(0, contentStart),
    content: readme.slice(contentStart, end).replace(/^\n/, '').replace(/\n$/, ''),
    after: readme.slice(end),
  };
}

/** The README with the block between the markers replaced by `table` (one table, one line per row). */
export function replaceReadmeBlock(readme: string, table: string): string | undefined {
  const block = findReadmeBlock(readme);
  if (block === undefined) return undefined;
  return `${block.before}\n${table}\n${block.after}`;
}
