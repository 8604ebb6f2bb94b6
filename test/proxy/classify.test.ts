import { createClassifier, isCloudStorageHost } from '../../src/proxy/classify';

describe('classification', () => {
  const classify = createClassifier(['storage.internal.test']);

  it.each([
    ['/sql/1.0/warehouses/abc123'],
    ['/sql/1.0/endpoints/abc123?o=1'],
    ['/prefix/sql/1.0/warehouses/x'],
  ])('POST %s is Thrift', (path) => {
    expect(classify('POST', 'adb-1.azuredatabricks.net', path)).toBe('thrift');
  });

  it('the Statement Execution REST API and other POSTs are not Thrift', () => {
    expect(classify('POST', 'adb-1.azuredatabricks.net', '/api/2.0/sql/statements')).toBe('other');
    expect(classify('POST', 'adb-1.azuredatabricks.net', '/sql/1.0/warehouse/x')).toBe('other');
  });

  it('a GET to a Thrift path is not Thrift', () => {
    expect(classify('GET', 'adb-1.azuredatabricks.net', '/sql/1.0/warehouses/abc')).toBe('other');
  });

  it.each([
    'acct.blob.core.windows.net',
    'ACCT.BLOB.CORE.WINDOWS.NET',
    's3.amazonaws.com',
    'bucket.s3.amazonaws.com',
    's3.us-west-2.amazonaws.com',
    'bucket.s3.us-west-2.amazonaws.com',
    's3-us-west-2.amazonaws.com',
    's3.dualstack.eu-west-1.amazonaws.com',
    'bucket.s3.cn-north-1.amazonaws.com.cn',
    'storage.googleapis.com',
    'bucket.storage.googleapis.com',
    'files.storage.internal.test',
  ])('GET to %s is CloudFetch', (host) => {
    expect(classify('GET', host, '/results/0?sig=x')).toBe('cloudfetch');
  });

  it.each(['ec2.amazonaws.com', 'mys3.amazonaws.com', 'example.com', 'windows.net', 'googleapis.com'])('GET to %s is other', (host) => {
    expect(classify('GET', host, '/x')).toBe('other');
  });

  it('only GETs to storage are CloudFetch', () => {
    expect(classify('PUT', 'acct.blob.core.windows.net', '/x')).toBe('other');
    expect(classify('HEAD', 'acct.blob.core.windows.net', '/x')).toBe('other');
  });

  it('extra patterns are not needed for the built-in providers', () => {
    expect(isCloudStorageHost('acct.blob.core.windows.net')).toBe(true);
    expect(isCloudStorageHost('files.storage.internal.test')).toBe(false);
  });
});
