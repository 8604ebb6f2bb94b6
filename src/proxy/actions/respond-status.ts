// Scenario action: answer with an HTTP status and body of our own. The request never reaches the server.
import http from 'node:http';
import { ActionSpec } from '../../core/model';

export type HttpStatusAction = Extract<ActionSpec, { kind: 'http_status' }>;

/** Writes the whole answer; returns the body length in bytes. */
export function respondStatus(res: http.ServerResponse, action: HttpStatusAction): number {
  const body = Buffer.from(action.body, 'utf8');
  const headers: http.OutgoingHttpHeaders = { ...action.headers };
  headers['content-type'] = action.contentType;
  headers['content-length'] = body.length;
  res.writeHead(action.status, headers);
  res.end(body);
  return body.length;
}
