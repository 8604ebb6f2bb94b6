// Locates the official driver's generated TCLIService files in node_modules.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DriverSources } from './extract';

function driverThriftDir(): string {
  return join(dirname(require.resolve('@databricks/sql/package.json')), 'thrift');
}

export function readDriverSources(): DriverSources {
  const dir = driverThriftDir();
  return {
    typesJs: readFileSync(join(dir, 'TCLIService_types.js'), 'utf8'),
    typesDts: readFileSync(join(dir, 'TCLIService_types.d.ts'), 'utf8'),
    serviceJs: readFileSync(join(dir, 'TCLIService.js'), 'utf8'),
  };
}

export function installedDriverVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(require.resolve('@databricks/sql/package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}
