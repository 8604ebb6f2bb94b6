// README.md documents the command line exactly as --help prints it. UPDATE_README=1 rewrites the table.
import fs from 'node:fs';
import path from 'node:path';
import { renderFlagTable, renderHelp } from '../../src/cli/help';

const README = path.join(__dirname, '../../README.md');
const BEGIN = '<!-- flags:begin -->';
const END = '<!-- flags:end -->';

function flagsBlock(readme: string): { start: number; end: number; body: string } {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  return { start, end, body: readme.slice(start + BEGIN.length, end).trim() };
}

describe('README command line section', () => {
  it('holds the flag table rendered from the CLI definition', () => {
    let readme = fs.readFileSync(README, 'utf8');
    const block = flagsBlock(readme);
    if (process.env.UPDATE_README === '1' && block.body !== renderFlagTable()) {
      readme = `${readme.slice(0, block.start)}${BEGIN}\n${renderFlagTable()}\n${readme.slice(block.end)}`;
      fs.writeFileSync(README, readme);
    }
    expect(flagsBlock(readme).body).toBe(renderFlagTable());
  });

  it('documents every flag --help prints, and no other', () => {
    const inHelp = new Set(renderHelp().match(/--[a-z][a-z-]+/g));
    const inReadme = new Set(flagsBlock(fs.readFileSync(README, 'utf8')).body.match(/--[a-z][a-z-]+/g));
    expect(inHelp.size).toBeGreaterThan(10);
    expect([...inReadme].sort()).toEqual([...inHelp].sort());
  });
});
