// Matchers on their own: globs of every shape, field text, explanations, the first API version's operation.
import { MatchFacts } from '../../src/core/model';
import { compileMatch, explainMatch, fieldText, globMatcher, operationOf } from '../../src/scenarios/match';

const facts = (over: Partial<MatchFacts>): MatchFacts => ({ kind: 'http', host: 'h.example.com', url: '/', httpMethod: 'GET', rawHeaders: [], ...over });

describe('globMatcher', () => {
  it.each([
    ['acct.blob.core.windows.net', 'ACCT.blob.core.windows.net', true],
    ['*.blob.core.windows.net', 'a.BLOB.core.windows.net', true],
    ['*.blob.core.windows.net', 'blob.core.windows.net', false],
    ['adb-*', 'adb-123.azuredatabricks.net', true],
    ['*databricks*', 'x.cloud.databricks.com', true],
    ['adb-?.net', 'adb-1.net', true],
    ['adb-?.net', 'adb-12.net', false],
    ['a*b*c', 'aXbYc', true],
    ['a.c', 'abc', false],
  ])('host glob %s vs %s: %s', (glob, host, expected) => {
    expect(globMatcher(glob, true)(host)).toBe(expected);
  });

  it('is case-sensitive for paths', () => {
    expect(globMatcher('/api/*', false)('/API/x')).toBe(false);
    expect(globMatcher('/api/*', false)('/api/x')).toBe(true);
  });
});

describe('compileMatch', () => {
  it('matches everything when empty, and an HTTP method whatever its case', () => {
    expect(compileMatch({})(facts({}))).toBe(true);
    expect(compileMatch({ httpMethod: 'post' })(facts({ httpMethod: 'POST' }))).toBe(true);
    expect(compileMatch({ httpMethod: 'POST' })(facts({ httpMethod: 'post' }))).toBe(true);
    expect(compileMatch({ httpMethod: 'POST' })(facts({ httpMethod: 'PUT' }))).toBe(false);
  });

  it('compares decoded fields as text: numbers and booleans as JSON, structs as JSON', () => {
    const request = { maxRows: 0, runAsync: true, statement: 'SELECT 1', conf: { a: 'b' } };
    const thrift = facts({ kind: 'thrift', method: 'ExecuteStatement', request });
    expect(compileMatch({ thriftFields: [{ path: 'maxRows', equals: '0' }] })(thrift)).toBe(true);
    expect(compileMatch({ thriftFields: [{ path: 'runAsync', equals: 'true' }] })(thrift)).toBe(true);
    expect(compileMatch({ thriftFields: [{ path: 'conf', contains: '"a":"b"' }] })(thrift)).toBe(true);
    expect(compileMatch({ thriftFields: [{ path: 'conf.a', equals: 'b' }, { path: 'statement', contains: 'SELECT' }] })(thrift)).toBe(true);
    expect(compileMatch({ thriftFields: [{ path: 'statement.length', equals: '8' }] })(thrift)).toBe(false);
    expect(fieldText(null)).toBe('null');
  });
});

describe('explainMatch and operationOf', () => {
  it('say what a match selects', () => {
    expect(explainMatch({})).toBe('any request');
    expect(explainMatch({ kind: 'cloudfetch', host: '*.blob.core.windows.net' })).toBe('any CloudFetch download to host *.blob.core.windows.net');
    expect(explainMatch({ kind: 'thrift', methods: ['ExecuteStatement'], thriftFields: [{ path: 'statement', contains: 'range(' }] })).toBe(
      'Thrift ExecuteStatement where statement contains "range("',
    );
    expect(explainMatch({ kind: 'http', httpMethod: 'post', path: '/oidc/*', header: { name: 'x-a', value: '1' } })).toBe(
      'any HTTP request with HTTP method POST on path /oidc/* with header x-a: 1',
    );
  });

  it('gives the first API version\'s operation only for matches it can name', () => {
    expect(operationOf({ kind: 'cloudfetch' })).toBe('CloudFetchDownload');
    expect(operationOf({ kind: 'thrift' })).toBe('ThriftOperation');
    expect(operationOf({ kind: 'thrift', methods: ['OpenSession'] })).toBe('OpenSession');
    expect(operationOf({ kind: 'thrift', methods: ['OpenSession'], header: { name: 'x' } })).toBe('');
    expect(operationOf({ kind: 'http' })).toBe('');
  });
});
