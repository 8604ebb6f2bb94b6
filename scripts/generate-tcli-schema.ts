// Regenerates src/thrift/tcli-schema.ts from the installed official driver plus the checked-in Databricks
// supplement (scripts/tcli-schema/databricks-supplement.ts). Run by hand after upgrading
// @databricks/sql: `npm run -s build && node dist/scripts/generate-tcli-schema.js`, then commit the result.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDriverSources, installedDriverVersion } from './tcli-schema/driver-sources';
import { withDatabricksSupplement } from './tcli-schema/databricks-supplement';
import { extractTcliSchema } from './tcli-schema/extract';
import { renderTcliSchemaModule } from './tcli-schema/render-module';

const target = join(__dirname, '..', '..', 'src', 'thrift', 'tcli-schema.ts');
const schema = withDatabricksSupplement(extractTcliSchema(readDriverSources()));
writeFileSync(target, renderTcliSchemaModule(schema, installedDriverVersion()));
process.stdout.write(
  `wrote ${target}: ${Object.keys(schema.methods).length} methods, ${Object.keys(schema.structs).length} structs, ` +
    `${Object.keys(schema.enums).length} enums\n`,
);
