// Replaces a reply's status and headers: the status when one is given, each named header replaced (all of its
// occurrences, case-insensitively) or added, and removed when its value is empty. Removing Content-Length makes
// the body go out chunked (HTTP/1.1), as when storage streams without announcing a length.
export interface ReplyHead {
  status: number;
  statusMessage?: string;
  /** Node's flat raw header array: [name, value, name, value, ...]. */
  rawHeaders: string[];
}

export interface HeadChange {
  /** 0 or unset: keep the upstream status. */
  httpStatus?: number;
  /** Header name -> value; an empty value removes the header. */
  headers?: Readonly<Record<string, string>>;
}

export function changeHead(head: ReplyHead, change: HeadChange): ReplyHead {
  const out: ReplyHead = { status: head.status, statusMessage: head.statusMessage, rawHeaders: head.rawHeaders };
  if (change.httpStatus !== undefined && change.httpStatus !== 0) {
    out.status = change.httpStatus;
    out.statusMessage = undefined; // the reason phrase of the old status would be wrong
  }
  const headers = change.headers ?? {};
  const replaced = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  if (replaced.size === 0) return out;
  const raw: string[] = [];
  for (let i = 0; i + 1 < head.rawHeaders.length; i += 2) {
    if (!replaced.has(head.rawHeaders[i].toLowerCase())) raw.push(head.rawHeaders[i], head.rawHeaders[i + 1]);
  }
  for (const [name, value] of Object.entries(headers)) if (value !== '') raw.push(name, value);
  out.rawHeaders = raw;
  return out;
}
