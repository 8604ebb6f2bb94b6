// TCLIService fields that need more than their declared type to be shown safely. Keyed by struct and field
// name (test/thrift/field-policies.test.ts checks every entry names a real schema field).
//   secret: the value never leaves the proxy; shown as REDACTED whatever its type.
//   url:    a presigned URL; its signature and credential query parameters are redacted.
//   uuid:   16 bytes shown as a UUID string.
// Besides these, every map whose key looks like a credential (see isSecretMapKey) has that entry's value
// redacted, which covers TOpenSessionReq.configuration, connectionProperties and confOverlay.

export type FieldPolicy = 'secret' | 'url' | 'uuid';

export const FIELD_POLICIES: Readonly<Record<string, Readonly<Record<string, FieldPolicy>>>> = {
  TOpenSessionReq: { password: 'secret' },
  TSparkArrowResultLink: { fileLink: 'url', httpHeaders: 'secret' },
  THandleIdentifier: { guid: 'uuid' },
  TGetDelegationTokenResp: { delegationToken: 'secret' },
  TCancelDelegationTokenReq: { delegationToken: 'secret' },
  TRenewDelegationTokenReq: { delegationToken: 'secret' },
};

/**
 * Configuration keys that name a credential: `...token...`, `...password...`, `...secret...`, `...credential...`,
 * `...auth...` and key-ish segments such as `fs.azure.account.key.<account>` or `fs.azure.sas.<container>`.
 */
const SECRET_MAP_KEY = /token|passw(or)?d|pwd|secret|credential|auth|signature|(^|[._-])(api[._-]?)?key($|[._-])|access[._-]?key|private[._-]?key|(^|[._-])sas($|[._-])/i;

export function isSecretMapKey(key: string): boolean {
  return SECRET_MAP_KEY.test(key);
}
