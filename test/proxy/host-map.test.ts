import { HostMap, parseHostMapping } from '../../src/proxy/host-map';

describe('parseHostMapping', () => {
  it('parses NAME=HOST:PORT, lower-casing the name', () => {
    expect(parseHostMapping('MyAccount.blob.core.windows.net=127.0.0.1:8443')).toEqual({
      pattern: 'myaccount.blob.core.windows.net',
      host: '127.0.0.1',
      port: 8443,
    });
  });

  it('accepts a wildcard name and a bracketed IPv6 target', () => {
    expect(parseHostMapping('*.example.com=[::1]:9000')).toEqual({ pattern: '*.example.com', host: '::1', port: 9000 });
  });

  it.each([
    ['no-equals-sign', "missing '='"],
    ['=127.0.0.1:80', 'NAME is empty'],
    ['name=127.0.0.1', "is not HOST:PORT"],
    ['name=127.0.0.1:', "is not HOST:PORT"],
    ['name=127.0.0.1:99999', 'port 99999 is not from 1 to 65535'],
    ['name=127.0.0.1:0', 'port 0 is not from 1 to 65535'],
    ['name:443=127.0.0.1:80', 'must be a bare host name'],
    ['a.*.com=127.0.0.1:80', "'*' is only allowed"],
    ['*.=127.0.0.1:80', "'*' is only allowed"],
  ])('rejects %s, naming the problem and the expected form', (spec, why) => {
    expect(() => parseHostMapping(spec)).toThrow(why);
    expect(() => parseHostMapping(spec)).toThrow('expected NAME=HOST:PORT');
  });
});

describe('HostMap', () => {
  const map = new HostMap([
    parseHostMapping('exact.example.com=10.0.0.1:1'),
    parseHostMapping('*.example.com=10.0.0.2:2'),
    parseHostMapping('*.deep.example.com=10.0.0.3:3'),
  ]);

  it('maps an exact name, ignoring case', () => {
    expect(map.resolve('EXACT.example.com')).toEqual({ host: '10.0.0.1', port: 1 });
  });

  it('maps names below a wildcard suffix at any depth', () => {
    expect(map.resolve('a.example.com')).toEqual({ host: '10.0.0.2', port: 2 });
    expect(map.resolve('a.b.example.com')).toEqual({ host: '10.0.0.2', port: 2 });
  });

  it('prefers the most specific wildcard', () => {
    expect(map.resolve('x.deep.example.com')).toEqual({ host: '10.0.0.3', port: 3 });
  });

  it('does not map the wildcard suffix itself or look-alike names', () => {
    expect(map.resolve('example.com')).toBeUndefined();
    expect(map.resolve('badexample.com')).toBeUndefined();
    expect(map.resolve('other.org')).toBeUndefined();
  });

  it('maps nothing when empty', () => {
    expect(new HostMap([]).resolve('a.example.com')).toBeUndefined();
  });
});
