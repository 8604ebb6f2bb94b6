// The README's scenario table, generated from the catalog so the documentation cannot drift from the code.
import { ANY_THRIFT_OPERATION, CLOUDFETCH_METHOD, ScenarioDefinition, StepSpec } from '../core/model';
import { formatMs } from '../steps/limits';
import { TSTATUS_NAMES } from '../steps/thrift-error';
import { explainStep } from '../steps/registry';
import { SCENARIO_CATALOG } from './catalog';
import { explainMatch, operationOf } from './match';

export const README_TABLE_BEGIN = '<!-- scenarios:begin -->';
export const README_TABLE_END = '<!-- scenarios:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function describeMatch(definition: ScenarioDefinition): string {
  const operation = operationOf(definition.match);
  if (operation === CLOUDFETCH_METHOD) return `CloudFetch download (\`${CLOUDFETCH_METHOD}\`)`;
  if (operation === ANY_THRIFT_OPERATION) return `any Thrift call (\`${ANY_THRIFT_OPERATION}\`)`;
  if (operation !== '') return `\`${operation}\``;
  return explainMatch(definition.match);
}

function retryAfterOf(headers: Readonly<Record<string, string>> | undefined): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() === 'retry-after') return value;
  return undefined;
}

function describeStep(step: StepSpec): string {
  switch (step.kind) {
    case 'respond': {
      const retryAfter = retryAfterOf(step.headers);
      return `HTTP ${step.httpStatus} (\`${step.contentType ?? 'text/plain'}\`${retryAfter === undefined ? '' : `, \`Retry-After: ${retryAfter}\``})`;
    }
    case 'thrift_error':
      return `Thrift reply with TStatus ${TSTATUS_NAMES[step.statusCode] ?? step.statusCode}: "${step.errorMessage}"`;
    case 'hold':
      return 'hold, then forward';
    case 'reset':
      return 'TCP reset, no HTTP response';
    default:
      return explainStep(step);
  }
}

function formatDefault(steps: readonly StepSpec[]): string {
  const hold = steps.find((step) => step.kind === 'hold');
  return hold?.kind === 'hold' ? `${formatMs(hold.durationMs).replace(/s$/, ' s')}` : '';
}

function row(definition: ScenarioDefinition): string {
  const cells = [
    `\`${definition.name}\``,
    describeMatch(definition),
    `${definition.steps.map(describeStep).join(', then ')}. ${definition.description}`,
    formatDefault(definition.steps),
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
