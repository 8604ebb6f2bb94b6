// Presigned URLs in the shape of an Azure Blob SAS (`sv`, `se`, `sr`, `sp`, `sig`): an HMAC over the blob path
// and the expiry, so a link really stops working when it expires and a tampered link is refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SAS_VERSION = '2023-11-03';

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed_expiry' | 'bad_signature' }
  | { ok: false; reason: 'expired'; expiry: Date };

export class UrlSigner {
  private readonly key: Buffer;
  /** Links made to expire before their time (blobPath + expiry), with when that happened. */
  private readonly expiredEarly = new Map<string, Date>();

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  /** The query string (without '?') that makes `blobPath` readable until `expiresAt`. */
  sign(blobPath: string, expiresAt: Date): string {
    const se = expiresAt.toISOString();
    const params = new URLSearchParams({ sv: SAS_VERSION, se, sr: 'b', sp: 'r', sig: this.signature(blobPath, se) });
    return params.toString();
  }

  verify(blobPath: string, query: URLSearchParams, now: Date = new Date()): SignatureCheck {
    const se = query.get('se');
    const sig = query.get('sig');
    if (!se || !sig || query.get('sp') !== 'r' || query.get('sr') !== 'b' || query.get('sv') !== SAS_VERSION) {
      return { ok: false, reason: 'missing' };
    }
    const expiry = new Date(se);
    if (Number.isNaN(expiry.getTime())) return { ok: false, reason: 'malformed_expiry' };
    const expected = Buffer.from(this.signature(blobPath, se), 'base64');
    const given = Buffer.from(sig, 'base64');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
    // Checked after the signature, like Azure: an expiry that was tampered with is a bad signature, not an expiry.
    if (now.getTime() >= expiry.getTime()) return { ok: false, reason: 'expired', expiry };
    const expiredAt = this.expiredEarly.get(linkKey(blobPath, se));
    if (expiredAt) return { ok: false, reason: 'expired', expiry: expiredAt };
    return { ok: true };
  }

  /**
   * Makes the link for `blobPath` with expiry `se` expire now: from then on it is refused like an expired link,
   * while a link to the same blob signed again (a later expiry) still works.
   */
  expireNow(blobPath: string, se: string, now: Date = new Date()): void {
    const key = linkKey(blobPath, se);
    if (!this.expiredEarly.has(key)) this.expiredEarly.set(key, now);
  }

  /** How many links were made to expire early. */
  get expiredEarlyCount(): number {
    return this.expiredEarly.size;
  }

  private signature(blobPath: string, se: string): string {
    const stringToSign = ['r', se, blobPath, SAS_VERSION, 'b'].join('\n');
    return createHmac('sha256', this.key).update(stringToSign, 'utf8').digest('base64');
  }
}

function linkKey(blobPath: string, se: string): string {
  return `${blobPath}\n${se}`;
}
