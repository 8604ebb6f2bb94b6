// README's "Defining your own scenarios" examples, run as written with `buf curl` (reflection only) against a real
// proxy: each definition is accepted, its grpcurl twin sends the same JSON, and each step kind is shown.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { SILENT_LOGGER } from '../../src/core/logger';
import { STEP_KINDS } from '../../src/steps/registry';

const ROOT = path.join(__dirname, '../..');
const BUF = path.join(ROOT, 'node_modules/.bin/buf');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const EXAMPLES = README.slice(README.indexOf('<!-- rule-examples:begin -->'), README.indexOf('<!-- rule-examples:end -->'));

let caDir: string;
let app: RunningApp;

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-rules-readme-'));
  app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, log: SILENT_LOGGER });
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

const jsonOf = (line: string): string => /-d '(.*?)' /.exec(line)?.[1] ?? '';
const lines = (prefix: string): string[] => EXAMPLES.split('\n').filter((line) => line.startsWith(prefix));

function run(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('README: defining your own scenarios', () => {
  it('shows every step kind, each example with grpcurl and buf curl sending the same JSON', () => {
    const grpcurl = lines('grpcurl ');
    const bufCurl = lines('npx buf curl ');
    expect(EXAMPLES.length).toBeGreaterThan(0);
    expect(grpcurl.map(jsonOf)).toEqual(bufCurl.map(jsonOf));
    const stepKinds = new Set(grpcurl.flatMap((line) => (JSON.parse(jsonOf(line)) as { scenario: { steps: object[] } }).scenario.steps.flatMap(Object.keys)));
    const camel = (kind: string): string => kind.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    for (const kind of Object.keys(STEP_KINDS)) expect(stepKinds).toContain(camel(kind));
  });

  it('each buf curl example defines its scenario', async () => {
    for (const line of lines('npx buf curl ')) {
      const command = line.replace(/^npx buf /, `'${BUF}' `).replace(/127\.0\.0\.1:18081/g, `127.0.0.1:${app.info.apiPort}`);
      const result = await run(command);
      if (result.code !== 0) throw new Error(`${line}\nexited ${result.code}: ${result.stderr}`);
      const reply = JSON.parse(result.stdout) as { scenario: { name: string; explanation: string } };
      const wanted = (JSON.parse(jsonOf(line)) as { scenario: { name: string } }).scenario.name;
      expect(reply.scenario.name).toBe(wanted);
      expect(reply.scenario.explanation).toMatch(/^on .+: .+/);
    }
    expect(app.control.listScenarios().filter((s) => !s.builtin)).toHaveLength(lines('npx buf curl ').length);
  });
});
