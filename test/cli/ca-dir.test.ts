// A --ca-dir that cannot be created ends the start with exit code 1 and the reason, at once: on a pseudo file
// system Node's recursive mkdir used to spin at 100 % CPU forever, deaf to SIGTERM.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertBuilt, runCli } from './support/cli-process';

let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-ca-dir-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const args = (caDir: string): string[] => ['--listen-port', '0', '--api-port', '0', '--ca-dir', caDir];

describe('--ca-dir that cannot be created', () => {
  const onProc = fs.existsSync('/proc/self') ? it : it.skip;

  onProc('on a pseudo file system (/proc) exits 1 with the reason', async () => {
    const result = await runCli(args('/proc/nope/ca'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/failed to start: cannot create \/proc\/nope\/ca\S*: ENOENT/);
  });

  it('under a regular file exits 1 with the reason', async () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const result = await runCli(args(path.join(file, 'ca')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed to start: cannot create ${path.join(file, 'ca')}`);
    expect(result.stderr).toContain(`${file} is not a directory`);
  });
});
