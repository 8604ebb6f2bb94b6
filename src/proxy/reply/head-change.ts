// Replaces a reply's status and headers: the status when one is given, each named header replaced (all of its
// occurrences, case-insensitively) or added, and removed when its value is empty. Removing Content-Length makes
// the body go out chunked (HTTP/1.1), as when storage streams without announcing a length.
import type { RelayHead } from './shaped-relay';

export interface HeadChange {
  /** 0 or unset: keep the upstream status. */
  httpStatus?: number;
  /** Header name -> value; an empty value removes the header. */
  headers?: Readonly<Record<string, string>>;
}

export function changeHead(head: RelayHead, change: HeadChange): void {
  if (change.httpStatus !== undefined && change.httpStatus !== 0) head.status = change.httpStatus;
  const headers = change.headers ?? {};
  const replaced = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (replaced.size === 0) return;
  const kept: string[] = [];
  for (let i = 0; i + 1 < head.headers.length; i += 2) {
    if (!replaced.has(head.headers[i].toLowerCase())) kept.push(head.headers[i], head.headers[i + 1]);
  }
  for (const [name, value] of Object.entries(headers)) if (value !== '') kept.push(name, value);
  head.headers = kept;
}
