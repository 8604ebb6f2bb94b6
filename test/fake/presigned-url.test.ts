import fc from 'fast-check';
import { UrlSigner } from '../../src/fake/storage/presigned-url';

const PATH = '/dbsql-results/5f0c8a52-6f0e-4a8c-9d55-1c1f1b7f3c11/part-0-100.arrow';

describe('UrlSigner (Azure-SAS-shaped presigned URLs)', () => {
  const signer = new UrlSigner();

  it('accepts its own URL until the expiry, then reports it expired', () => {
    const expiry = new Date('2030-01-01T00:00:00.000Z');
    const query = new URLSearchParams(signer.sign(PATH, expiry));
    expect([...query.keys()]).toEqual(['sv', 'se', 'sr', 'sp', 'sig']);
    expect(signer.verify(PATH, query, new Date('2029-12-31T23:59:59.999Z'))).toEqual({ ok: true });
    expect(signer.verify(PATH, query, expiry)).toEqual({ ok: false, reason: 'expired', expiry });
  });

  it('refuses a URL signed by another key', () => {
    const expiry = new Date(Date.now() + 60_000);
    const other = new URLSearchParams(new UrlSigner().sign(PATH, expiry));
    expect(signer.verify(PATH, other)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a URL without its SAS fields', () => {
    expect(signer.verify(PATH, new URLSearchParams(''))).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses any change to the path or the expiry (property)', () => {
    const expiry = new Date(Date.now() + 60_000);
    const query = new URLSearchParams(signer.sign(PATH, expiry));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 10_000_000 }), (suffix, extraMs) => {
        expect(signer.verify(PATH + suffix, query).ok).toBe(false);
        const later = new URLSearchParams(query);
        later.set('se', new Date(expiry.getTime() + extraMs).toISOString());
        expect(signer.verify(PATH, later)).toEqual({ ok: false, reason: 'bad_signature' });
      }),
      { numRuns: 200 },
    );
  });
});
