// Secrets in presigned URLs and HTTP headers: redacted values, everything else kept byte for byte.
import fc from 'fast-check';
import { REDACTED, redactHeaders, redactSecretsInText, redactUrl, redactUrlsInText } from '../../src/core/redact';
import { CallJournal } from '../../src/journal/call-journal';
import { RecordedCall } from '../../src/proxy/recorded-call';

describe('redactUrl', () => {
  it.each([
    [
      'Azure SAS (blob)',
      'https://acct.blob.core.windows.net/c/part-0.arrow?sv=2021-08-06&st=2024-01-01T00%3A00%3A00Z&se=2024-01-01T01%3A00%3A00Z&sr=b&sp=r&skoid=ab-12&sig=Zm9vYmFy%2Bc2ln%3D',
      'https://acct.blob.core.windows.net/c/part-0.arrow?sv=2021-08-06&st=2024-01-01T00%3A00%3A00Z&se=2024-01-01T01%3A00%3A00Z&sr=b&sp=r&skoid=ab-12&sig=[REDACTED]',
    ],
    [
      'S3 SigV4 presigned, with a session token',
      'https://bucket.s3.us-west-2.amazonaws.com/results/f.arrow?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=IQoJb3JpZ2luX2VjE&X-Amz-SignedHeaders=host&X-Amz-Signature=abcdef0123456789',
      'https://bucket.s3.us-west-2.amazonaws.com/results/f.arrow?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[REDACTED]&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=[REDACTED]&X-Amz-SignedHeaders=host&X-Amz-Signature=[REDACTED]',
    ],
    [
      'S3 SigV2 presigned',
      'https://bucket.s3.amazonaws.com/f?AWSAccessKeyId=AKIAEXAMPLE&Expires=1700000000&Signature=c2lnbmF0dXJl%3D',
      'https://bucket.s3.amazonaws.com/f?AWSAccessKeyId=[REDACTED]&Expires=1700000000&Signature=[REDACTED]',
    ],
    [
      'GCS V4 signed',
      'https://storage.googleapis.com/bucket/f.arrow?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40proj.iam.gserviceaccount.com%2F20240101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=0123abcd',
      'https://storage.googleapis.com/bucket/f.arrow?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=[REDACTED]&X-Goog-Date=20240101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=[REDACTED]',
    ],
    [
      'GCS V2 signed',
      'https://storage.googleapis.com/bucket/f?GoogleAccessId=sa%40proj.iam.gserviceaccount.com&Expires=1700000000&Signature=abc%2Fdef%3D',
      'https://storage.googleapis.com/bucket/f?GoogleAccessId=[REDACTED]&Expires=1700000000&Signature=[REDACTED]',
    ],
    ['a path with a query', '/sql/1.0/warehouses/abc?token=dapi123&o=42', '/sql/1.0/warehouses/abc?token=[REDACTED]&o=42'],
    [
      'OAuth-style parameters, any case',
      '/cb?CODE=xyz&state=s1&Access_Token=t&client_secret=c&api_key=k&key=v&page=2',
      '/cb?CODE=[REDACTED]&state=s1&Access_Token=[REDACTED]&client_secret=[REDACTED]&api_key=[REDACTED]&key=[REDACTED]&page=2',
    ],
    ['a percent-encoded parameter name', '/f?%73ig=abc&sv=1', '/f?%73ig=[REDACTED]&sv=1'],
    ['user info in the authority', 'https://user:p%40ss@host.example/x?a=1', 'https://user:[REDACTED]@host.example/x?a=1'],
    ['a fragment after the query', '/f?sig=abc#frag', '/f?sig=[REDACTED]#frag'],
  ])('%s', (_what, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    'https://acct.blob.core.windows.net/c/part-0.arrow',
    '/sql/1.0/endpoints/abc',
    '/a?b&c=&=d&&sv=1',
    'https://host/p?sig',
    '',
    'not a url at all',
  ])('keeps %j unchanged', (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it('never lets a signature value through, whatever it contains (property)', () => {
    const value = fc.string({ minLength: 6, maxLength: 40, unit: 'grapheme-ascii' }).filter((s) => !/[&#]/.test(s));
    fc.assert(
      fc.property(
        fc.constantFrom('sig', 'SIG', 'X-Amz-Signature', 'x-amz-credential', 'X-Amz-Security-Token', 'X-Goog-Signature', 'X-Goog-Credential', 'Signature'),
        value,
        fc.constantFrom('https://h.example/p', '/p', 'https://h.example:8443/a/b'),
        (name, secret, base) => {
          const marked = `SECRET${secret}`;
          const out = redactUrl(`${base}?sv=1&${name}=${marked}&sp=r`);
          expect(out).not.toContain(marked);
          expect(out).toBe(`${base}?sv=1&${name}=${REDACTED}&sp=r`);
        },
      ),
    );
  });
});

describe('redactUrlsInText', () => {
  it('redacts every URL inside free text and leaves the rest', () => {
    const text = 'fetch of https://a.blob.core.windows.net/x?sig=s1&sv=1 failed; retried "https://b/y?X-Amz-Signature=s2" too';
    expect(redactUrlsInText(text)).toBe(
      'fetch of https://a.blob.core.windows.net/x?sig=[REDACTED]&sv=1 failed; retried "https://b/y?X-Amz-Signature=[REDACTED]" too',
    );
    expect(redactUrlsInText('SELECT 1')).toBe('SELECT 1');
  });
});

describe('redactHeaders', () => {
  it('hides credentials, keeps ordinary headers, joins repeated ones', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer dapi0123',
        'proxy-authorization': 'Basic dXNlcjpwYXNz',
        Cookie: 'session=abc',
        'set-cookie': ['a=1', 'b=2'],
        'x-databricks-org-id': '1234',
        'X-Databricks-Auth-Token': 't',
        'x-api-key': 'k',
        'x-amz-security-token': 'tok',
        'x-ms-encryption-key': 'base64key',
        'x-ms-encryption-key-sha256': 'hash',
        'x-ms-copy-source-authorization': 'Bearer x',
        'x-goog-iam-authorization-token': 'g',
        'x-client-secret': 's',
        'content-type': 'application/x-thrift',
        'content-length': '123',
        'user-agent': 'NodejsDatabricksSqlConnector/2.1.0',
        'x-ms-version': '2021-08-06',
        location: 'https://acct.blob.core.windows.net/c/f?sv=1&sig=abc',
        'keep-alive': 'timeout=5',
        'x-absent': undefined,
      }),
    ).toEqual({
      Authorization: REDACTED,
      'proxy-authorization': REDACTED,
      Cookie: REDACTED,
      'set-cookie': REDACTED,
      'x-databricks-org-id': '1234',
      'X-Databricks-Auth-Token': REDACTED,
      'x-api-key': REDACTED,
      'x-amz-security-token': REDACTED,
      'x-ms-encryption-key': REDACTED,
      'x-ms-encryption-key-sha256': REDACTED,
      'x-ms-copy-source-authorization': REDACTED,
      'x-goog-iam-authorization-token': REDACTED,
      'x-client-secret': REDACTED,
      'content-type': 'application/x-thrift',
      'content-length': '123',
      'user-agent': 'NodejsDatabricksSqlConnector/2.1.0',
      'x-ms-version': '2021-08-06',
      location: 'https://acct.blob.core.windows.net/c/f?sv=1&sig=[REDACTED]',
      'keep-alive': 'timeout=5',
    });
  });

  it('joins multi-valued ordinary headers', () => {
    expect(redactHeaders({ accept: ['a/b', 'c/d'] })).toEqual({ accept: 'a/b, c/d' });
  });
});

describe('redactSecretsInText', () => {
  it.each([
    ['upstream error: 401 for token=dapi0123456789abcdef', 'upstream error: 401 for token=[REDACTED]'],
    ["access_token = 'abc.def' and client_secret=\"s3\"", "access_token = '[REDACTED]' and client_secret=\"[REDACTED]\""],
    ['X-Amz-Signature=abcdef&X-Amz-Date=20240101', 'X-Amz-Signature=[REDACTED]&X-Amz-Date=20240101'],
    ['pwd=hunter2, sig=xyz; key=k1', 'pwd=[REDACTED], sig=[REDACTED]; key=[REDACTED]'],
    ['see https://h/p?sig=abc&se=1 (token=t1)', 'see https://h/p?sig=[REDACTED]&se=1 (token=[REDACTED])'],
  ])('redacts %j', (text, expected) => {
    expect(redactSecretsInText(text)).toBe(expected);
  });

  it.each(['exit code=1', 'rows=5 bytes=10', 'a = b', 'no pairs here', 'status code=503 retry=2'])('keeps %j', (text) => {
    expect(redactSecretsInText(text)).toBe(text);
  });

  it('is used for the error of a failed call before it is recorded', () => {
    const journal = new CallJournal({ capacity: 4 });
    const call = new RecordedCall(journal, journal.begin({ kind: 'thrift', method: 'X', decoded: false, host: 'h', path: '/', httpMethod: 'POST', requestBytes: 0, responseBytes: 0 }));
    call.fail('upstream error: bad token=dapiSECRET9');
    expect(journal.list()[0].error).toBe('upstream error: bad token=[REDACTED]');
  });
});
