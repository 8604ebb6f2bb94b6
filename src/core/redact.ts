// Secret redaction for everything that may end up in a record, an event or a log line: URLs (presigned
// CloudFetch links carry their signature in the query) and HTTP headers. Only values are hidden; names stay, so
// a reader can still see that a signature or an Authorization header was there.

export const REDACTED = '[REDACTED]';

/**
 * Query parameters whose value is a secret, by exact lower-cased name:
 * - Azure SAS: `sig` (the signature; `sv`, `se`, `sp`, `sr`, `st`, `spr`, `skoid`, ... are not secret and stay).
 * - S3 SigV4: `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`; SigV2: `Signature`, `AWSAccessKeyId`.
 * - GCS V4: `X-Goog-Signature`, `X-Goog-Credential`; V2: `Signature`, `GoogleAccessId`.
 * - CloudFront: `Signature` (`Policy`, `Key-Pair-Id` stay).
 * - OAuth and generic: `code`, `key`, `auth`, `pwd`.
 * Plus any name containing one of SECRET_PARAM_WORDS (e.g. `access_token`, `client_secret`, `sessionToken`).
 */
const SECRET_PARAM_NAMES: ReadonlySet<string> = new Set([
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'awsaccesskeyid',
  'x-goog-signature',
  'x-goog-credential',
  'googleaccessid',
  'code',
  'key',
  'auth',
  'authorization',
  'pwd',
]);

const SECRET_PARAM_WORDS = /signature|token|secret|password|passwd|credential|api[-_]?key|access[-_]?key/i;

export function isSecretQueryParam(name: string): boolean {
  return SECRET_PARAM_NAMES.has(name.toLowerCase()) || SECRET_PARAM_WORDS.test(name);
}

/**
 * Redacts the values of secret query parameters (see SECRET_PARAM_NAMES) and the password of `user:password@`
 * in an absolute URL or a `path?query`. Everything else is kept byte for byte, in order.
 */
export function redactUrl(urlOrPath: string): string {
  const hashAt = urlOrPath.indexOf('#');
  const beforeHash = hashAt < 0 ? urlOrPath : urlOrPath.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : urlOrPath.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = redactUserInfo(queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt));
  if (queryAt < 0) return base + fragment;
  const query = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .map(redactQueryPart)
    .join('&');
  return `${base}?${query}${fragment}`;
}

const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Runs redactUrl over every absolute URL inside free text (error messages, statements, unknown strings). */
export function redactUrlsInText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/**
 * Keys whose `key=value` in free text carries a secret: the secret words of query parameters and the exact names
 * that are secrets by themselves (`sig`, `pwd`, `key`, `auth`, ...), except `code`, which in free text is
 * far more often an exit or status code than an OAuth code.
 */
function isSecretTextKey(name: string): boolean {
  return name.toLowerCase() !== 'code' && isSecretQueryParam(name);
}

// key=value, key = "value", key='value': the value runs to the closing quote, or to whitespace or a separator.
const KEY_VALUE_IN_TEXT = /([A-Za-z][A-Za-z0-9_.-]*)(\s*=\s*)("[^"]*"|'[^']*'|[^\s&,;"'<>()[\]{}]+)/g;

/**
 * Redacts secrets inside free text (error messages, statements, unknown strings): the values of `key=value` pairs
 * whose key names a secret (`token=...`, `password = '...'`, `X-Amz-Signature=...`), and every absolute URL as
 * redactUrl does.
 */
export function redactSecretsInText(text: string): string {
  const keyValues = text.includes('=')
    ? text.replace(KEY_VALUE_IN_TEXT, (pair: string, key: string, eq: string, value: string) => {
        if (!isSecretTextKey(key)) return pair;
        const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
        return `${key}${eq}${quote}${REDACTED}${quote}`;
      })
    : text;
  return redactUrlsInText(keyValues);
}

function redactQueryPart(part: string): string {
  const eq = part.indexOf('=');
  if (eq < 0) return part;
  const rawName = part.slice(0, eq);
  return isSecretQueryParam(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : part;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `scheme://user:password@host` -> `scheme://user:[REDACTED]@host`. */
function redactUserInfo(base: string): string {
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, `$1:${REDACTED}@`);
}

/** Header names whose value is always a secret. */
const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-amz-security-token',
  'x-goog-iam-authorization-token',
]);

/**
 * Any header whose name mentions a credential: `x-databricks-...-token`, `x-ms-encryption-key`,
 * `x-ms-copy-source-authorization`, `x-...-secret`, `...-signature`, `...-password`, `...-credential`.
 */
const SECRET_HEADER_WORDS = /token|secret|password|passwd|credential|signature|authorization|(^|-)(api-?)?key($|-)|sas/i;

/** Headers whose value is a URL that may carry a presigned query (redirects, copy sources). */
const URL_HEADER_NAMES: ReadonlySet<string> = new Set(['location', 'content-location', 'referer', 'x-ms-copy-source']);

export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADER_NAMES.has(lower) || SECRET_HEADER_WORDS.test(lower);
}

/**
 * A copy of the headers with secret values replaced by REDACTED (see isSecretHeader) and URL-valued headers run
 * through redactUrl. Names keep their case; multi-valued headers are joined with ", "; undefined ones are dropped.
 */
export function redactHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    if (isSecretHeader(name)) out[name] = REDACTED;
    else if (URL_HEADER_NAMES.has(name.toLowerCase())) out[name] = redactUrl(joined);
    else out[name] = joined;
  }
  return out;
}
