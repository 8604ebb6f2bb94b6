// The checked-in schema is exactly what the generator makes from the installed driver, is closed (every
// struct it mentions is defined), and the field policies name real fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TCLI_SCHEMA } from '../../src/thrift/tcli-schema';
import { FIELD_POLICIES, isSecretMapKey } from '../../src/thrift/field-policies';
import type { TypeRef } from '../../src/thrift/schema-types';
import { installedDriverVersion, readDriverSources } from '../../scripts/tcli-schema/driver-sources';
import { withDatabricksSupplement } from '../../scripts/tcli-schema/databricks-supplement';
import { extractTcliSchema } from '../../scripts/tcli-schema/extract';
import { renderTcliSchemaModule } from '../../scripts/tcli-schema/render-module';

describe('TCLI_SCHEMA', () => {
  it('is what scripts/generate-tcli-schema.ts makes from the installed driver (regenerate if this fails)', () => {
    const regenerated = renderTcliSchemaModule(withDatabricksSupplement(extractTcliSchema(readDriverSources())), installedDriverVersion());
    expect(readFileSync(join(__dirname, '..', '..', 'src', 'thrift', 'tcli-schema.ts'), 'utf8')).toBe(regenerated);
  });

  it('maps every method drivers call to its request and response structs', () => {
    for (const method of ['OpenSession', 'ExecuteStatement', 'FetchResults', 'GetCrossReference', 'GetOperationStatus']) {
      expect(TCLI_SCHEMA.methods[method]).toEqual({ request: `T${method}Req`, response: `T${method}Resp` });
    }
  });

  it('defines every struct and enum it refers to', () => {
    const missing: string[] = [];
    const visit = (t: TypeRef, where: string): void => {
      if (t.kind === 'struct' && !TCLI_SCHEMA.structs[t.name]) missing.push(`${where}: struct ${t.name}`);
      if (t.kind === 'enum' && !TCLI_SCHEMA.enums[t.name]) missing.push(`${where}: enum ${t.name}`);
      if (t.kind === 'list' || t.kind === 'set') visit(t.element, where);
      if (t.kind === 'map') {
        visit(t.key, where);
        visit(t.value, where);
      }
    };
    for (const [name, s] of Object.entries(TCLI_SCHEMA.structs)) {
      for (const [id, f] of Object.entries(s.fields)) visit(f.type, `${name}.${f.name} (${id})`);
    }
    for (const [method, m] of Object.entries(TCLI_SCHEMA.methods)) {
      if (!TCLI_SCHEMA.structs[m.request] || !TCLI_SCHEMA.structs[m.response]) missing.push(method);
    }
    expect(missing).toEqual([]);
  });

  it('includes the Databricks extension fields and the status layout the proxy relies on', () => {
    expect(TCLI_SCHEMA.structs.TRowSet.fields[1281]).toEqual({ name: 'arrowBatches', type: { kind: 'list', element: { kind: 'struct', name: 'TSparkArrowBatch' } } });
    expect(TCLI_SCHEMA.structs.TRowSet.fields[1282]).toEqual({ name: 'resultLinks', type: { kind: 'list', element: { kind: 'struct', name: 'TSparkArrowResultLink' } } });
    expect(TCLI_SCHEMA.structs.TStatus.fields).toMatchObject({
      1: { name: 'statusCode', type: { kind: 'enum', name: 'TStatusCode' } },
      3: { name: 'sqlState' },
      5: { name: 'errorMessage' },
      1281: { name: 'errorDetailsJson' },
    });
    expect(TCLI_SCHEMA.enums.TStatusCode).toEqual({
      0: 'SUCCESS_STATUS',
      1: 'SUCCESS_WITH_INFO_STATUS',
      2: 'STILL_EXECUTING_STATUS',
      3: 'ERROR_STATUS',
      4: 'INVALID_HANDLE_STATUS',
    });
    expect(TCLI_SCHEMA.structs.THandleIdentifier.fields[1]).toEqual({ name: 'guid', type: { kind: 'binary' } });
    expect(TCLI_SCHEMA.structs.TOpenSessionReq.fields[3]).toEqual({ name: 'password', type: { kind: 'string' } });
  });

  it('rejects driver code that does not line up with its declarations', () => {
    const sources = readDriverSources();
    const broken = { ...sources, typesDts: sources.typesDts.replace('public password?: string;', 'public password?: number;') };
    expect(() => extractTcliSchema(broken)).toThrow(/TOpenSessionReq\.password/);
  });
});

describe('FIELD_POLICIES', () => {
  it('names only fields that exist', () => {
    for (const [struct, fields] of Object.entries(FIELD_POLICIES)) {
      const names = Object.values(TCLI_SCHEMA.structs[struct]?.fields ?? {}).map((f) => f.name);
      for (const field of Object.keys(fields)) expect(`${struct}.${field}: ${names.includes(field)}`).toBe(`${struct}.${field}: true`);
    }
  });

  it.each([
    ['spark.databricks.token', true],
    ['password', true],
    ['fs.azure.account.key.acct.dfs.core.windows.net', true],
    ['fs.azure.sas.container.acct.blob.core.windows.net', true],
    ['spark.hadoop.fs.s3a.secret.key', true],
    ['aws_access_key_id', true],
    ['oauth.credential', true],
    ['spark.sql.ansi.enabled', false],
    ['timezone', false],
    ['spark.sql.shuffle.partitions', false],
    ['use_cached_result', false],
  ])('isSecretMapKey(%j) is %s', (key, secret) => {
    expect(isSecretMapKey(key)).toBe(secret);
  });
});
