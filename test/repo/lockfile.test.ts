// `npm install` on a fresh clone must leave package-lock.json as committed (README: two commands, a clean
// tree). npm rewrites the lock when a locked package names an optional dependency the lock has no entry for
// (other platforms' prebuilt binaries: @bufbuild/buf-darwin-arm64, @swc/core-win32-x64-msvc, ...), so every
// optional dependency must be listed. .ci/run also checks `git status` after the install itself.
import fs from 'node:fs';
import path from 'node:path';

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const root = path.resolve(__dirname, '../..');
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/**
 * Optional dependencies the registry does not serve (404): npm skips them without a lock entry and without
 * rewriting the lock, so they cannot be listed. Checked: `npm view <name>@<version>` answers 404.
 */
const UNPUBLISHED_OPTIONAL = new Set(['@databricks/databricks-sql-kernel-win32-x64-msvc']);

/** Where node resolves `name` from the package at `location`: its own node_modules, then each parent's. */
function resolves(location: string, name: string): boolean {
  let dir = location;
  for (;;) {
    if (lock.packages[dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`]) return true;
    if (dir === '') return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('is a version 3 lock whose root matches package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const rootEntry = lock.packages[''] as LockedPackage & Record<string, unknown>;
    expect(rootEntry['dependencies']).toEqual(manifest.dependencies);
    expect(rootEntry['devDependencies']).toEqual(manifest.devDependencies);
  });

  it('lists every optional dependency of every locked package, so npm install does not rewrite it', () => {
    const missing: string[] = [];
    for (const [location, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
        if (!UNPUBLISHED_OPTIONAL.has(name) && !resolves(location, name)) missing.push(`${location || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
