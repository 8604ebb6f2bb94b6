// Error replies in Azure Blob Storage's XML format, so drivers and the proxy's expired-link handling see what
// real cloud storage sends. Never echoes the signature.
import { randomUUID } from 'node:crypto';

export interface StorageError {
  status: number;
  code: string;
  message: string;
  authenticationErrorDetail?: string;
}

export function storageErrorXml(error: StorageError, now: Date = new Date()): string {
  const detail = error.authenticationErrorDetail
    ? `<AuthenticationErrorDetail>${escapeXml(error.authenticationErrorDetail)}</AuthenticationErrorDetail>`
    : '';
  const message = `${error.message}\nRequestId:${randomUUID()}\nTime:${now.toISOString()}`;
  return `<?xml version="1.0" encoding="utf-8"?><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(message)}</Message>${detail}</Error>`;
}

const AUTH_FAILED_MESSAGE =
  'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.';

export function expiredSignature(expiry: Date, now: Date = new Date()): StorageError {
  return {
    status: 403,
    code: 'AuthenticationFailed',
    message: AUTH_FAILED_MESSAGE,
    // Azure's wording; the link carries no start time (st), so none is shown.
    authenticationErrorDetail: `Signature not valid in the specified time frame: Expiry [${expiry.toUTCString()}] - Current [${now.toUTCString()}]`,
  };
}

export function signatureMismatch(): StorageError {
  return {
    status: 403,
    code: 'AuthenticationFailed',
    message: AUTH_FAILED_MESSAGE,
    authenticationErrorDetail: 'Signature did not match. String to sign used was r (redacted).',
  };
}

export function missingSignature(): StorageError {
  return {
    status: 403,
    code: 'AuthenticationFailed',
    message: AUTH_FAILED_MESSAGE,
    authenticationErrorDetail: 'Signature fields not well formed.',
  };
}

export function blobNotFound(): StorageError {
  return { status: 404, code: 'BlobNotFound', message: 'The specified blob does not exist.' };
}

export function unsupportedMethod(): StorageError {
  return { status: 405, code: 'UnsupportedHttpVerb', message: 'The resource doesn\'t support specified Http Verb.' };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
