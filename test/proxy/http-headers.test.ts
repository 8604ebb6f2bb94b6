import { endToEndHeaders } from '../../src/proxy/http-headers';

describe('endToEndHeaders', () => {
  const raw = [
    'Host', 'a.example.com',
    'Connection', 'keep-alive, X-Hop',
    'X-Hop', 'dropped',
    'Keep-Alive', 'timeout=5',
    'Proxy-Authorization', 'Basic c2VjcmV0',
    'Proxy-Connection', 'keep-alive',
    'TE', 'trailers',
    'Upgrade', 'h2c',
    'Set-Cookie', 'a=1',
    'Set-Cookie', 'b=2',
    'Content-Length', '12',
    'X-Kept', 'yes',
  ];

  it('drops hop-by-hop headers, including those Connection names, keeping case, order and repeats', () => {
    expect(endToEndHeaders(raw)).toEqual(['Host', 'a.example.com', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Length', '12', 'X-Kept', 'yes']);
  });

  it('can also drop body framing, for bodies the proxy frames itself', () => {
    const framed = endToEndHeaders(['Transfer-Encoding', 'chunked', 'content-length', '3', 'Accept', '*/*'], { dropFraming: true });
    expect(framed).toEqual(['Accept', '*/*']);
  });
});
