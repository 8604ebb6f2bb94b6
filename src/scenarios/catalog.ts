// Every failure the proxy can inject, as data. Names, status codes, hold times and tickets are those of the
// original mitmproxy-based thrift-proxy-server, so existing driver test suites switch over by changing only their
// client. Bodies imitate what the real service sends, because drivers parse them (e.g. Azure's XML error codes).
import { ActionSpec, ANY_THRIFT_OPERATION, CLOUDFETCH_METHOD, ScenarioDefinition } from '../core/model';

/** TStatusCode values a Thrift error scenario may carry. */
const TSTATUS_ERROR = 3;
const TSTATUS_INVALID_HANDLE = 4;

/**
 * An Azure Blob Storage error: the XML body with the service's error code, and the x-ms-error-code header
 * Azure sends alongside it. The RequestId is fixed: a scenario's answer is reproducible.
 */
function azureError(status: number, code: string, message: string, detail?: string): ActionSpec {
  const requestLine = 'RequestId:5f2e6a1c-301e-0046-2c4b-8a3b5f000000\nTime:2024-05-14T09:31:07.4462145Z';
  const detailElement = detail === undefined ? '' : `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`;
  return {
    kind: 'http_status',
    status,
    contentType: 'application/xml',
    headers: { 'x-ms-error-code': code },
    body:
      '<?xml version="1.0" encoding="utf-8"?>' +
      `<Error><Code>${code}</Code><Message>${message}\n${requestLine}</Message>${detailElement}</Error>`,
  };
}

/** What a Databricks workspace front end answers when it refuses a request before the warehouse sees it. */
function gatewayError(status: number, errorCode: string, message: string): ActionSpec {
  return {
    kind: 'http_status',
    status,
    contentType: 'application/json',
    body: JSON.stringify({ error_code: errorCode, message }),
  };
}

/** Frozen all the way down: every front end shares these objects, and none may rewrite a scenario. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export const SCENARIO_CATALOG: readonly ScenarioDefinition[] = deepFreeze([
  // ---- CloudFetch downloads -------------------------------------------------------------------------------------
  {
    name: 'cloudfetch_expired_link',
    description:
      'The presigned CloudFetch link has expired: Azure-style 403 AuthorizationQueryParametersError (the original ' +
      "proxy's error code, kept so existing suites match) with a \"signature not valid in the specified time frame\" " +
      'detail. A driver should re-fetch the link via FetchResults and retry the download.',
    operation: CLOUDFETCH_METHOD,
    action: azureError(
      403,
      'AuthorizationQueryParametersError',
      'Server failed to authenticate the request. The presigned URL has expired: its signed expiry time (se) is in the past.',
      'Signature not valid in the specified time frame: Start [Tue, 14 May 2024 09:00:00 GMT] - ' +
        'Expiry [Tue, 14 May 2024 09:15:00 GMT] - Current [Tue, 14 May 2024 09:31:07 GMT]',
    ),
    ticket: 'PECOBLR-1131',
  },
  {
    name: 'cloudfetch_400',
    description: 'Cloud storage rejects the download as malformed (400 Bad Request). Not retryable.',
    operation: CLOUDFETCH_METHOD,
    action: azureError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.'),
  },
  {
    name: 'cloudfetch_403',
    description: 'Cloud storage forbids the download (403 Forbidden: expired link or insufficient permissions).',
    operation: CLOUDFETCH_METHOD,
    action: azureError(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.'),
    ticket: 'ES-1624602',
  },
  {
    name: 'cloudfetch_404',
    description: 'The result file does not exist (404 Not Found).',
    operation: CLOUDFETCH_METHOD,
    action: azureError(404, 'BlobNotFound', 'The specified blob does not exist.'),
  },
  {
    name: 'cloudfetch_405',
    description: 'Cloud storage refuses the HTTP method (405 Method Not Allowed).',
    operation: CLOUDFETCH_METHOD,
    action: azureError(405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb."),
  },
  {
    name: 'cloudfetch_412',
    description: 'A precondition of the download is not met (412 Precondition Failed).',
    operation: CLOUDFETCH_METHOD,
    action: azureError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.'),
  },
  {
    name: 'cloudfetch_500',
    description: 'Cloud storage fails internally (500 Internal Server Error). Retryable.',
    operation: CLOUDFETCH_METHOD,
    action: azureError(500, 'InternalError', 'Server encountered an internal error. Please try again after some time.'),
  },
  {
    name: 'cloudfetch_503',
    description: 'Cloud storage is busy or throttling (503 Service Unavailable). Retryable.',
    operation: CLOUDFETCH_METHOD,
    action: azureError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.'),
  },
  {
    name: 'cloudfetch_timeout',
    description:
      'The download hangs longer than a driver\'s usual 60 s timeout, then completes normally. A driver should time ' +
      'out and retry or fail cleanly.',
    operation: CLOUDFETCH_METHOD,
    action: { kind: 'hold', defaultMs: 65_000 },
    ticket: 'BL-13239',
  },
  {
    name: 'cloudfetch_connection_reset',
    description: 'The connection is cut during the download (TCP reset, no HTTP response). Retryable.',
    operation: CLOUDFETCH_METHOD,
    action: { kind: 'reset' },
    ticket: 'BL-13580',
  },
  {
    name: 'long_running_cloud_fetch',
    description:
      'A slow download that eventually succeeds. A driver must keep the operation alive meanwhile ' +
      '(e.g. GetOperationStatus heartbeats).',
    operation: CLOUDFETCH_METHOD,
    action: { kind: 'hold', defaultMs: 15_000 },
  },

  // ---- Thrift calls and sessions ---------------------------------------------------------------------------------
  {
    name: 'invalid_session_handle',
    description:
      'The server no longer knows the session: ExecuteStatement gets a TStatus INVALID_HANDLE. A driver should ' +
      'report it (or open a new session), not hang.',
    operation: 'ExecuteStatement',
    action: {
      kind: 'thrift_error',
      statusCode: TSTATUS_INVALID_HANDLE,
      message: 'Invalid SessionHandle: the session does not exist or has expired',
    },
  },
  {
    name: 'session_timeout_premature',
    description:
      'The server closed the session early for inactivity: the next Thrift call gets a TStatus ERROR saying the ' +
      'session expired.',
    operation: ANY_THRIFT_OPERATION,
    action: {
      kind: 'thrift_error',
      statusCode: TSTATUS_ERROR,
      message: 'Session expired due to inactivity. Open a new session and retry.',
    },
  },
  {
    name: 'expired_credentials',
    description:
      'The access token has expired: OpenSession is refused with HTTP 401. An OAuth driver should refresh its token.',
    operation: 'OpenSession',
    action: {
      kind: 'http_status',
      status: 401,
      contentType: 'application/json',
      headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
      body: JSON.stringify({ error_code: 'EXPIRED_TOKEN', message: 'Token is expired. Please obtain a new access token.' }),
    },
  },
  {
    name: 'network_timeout_open_session',
    description: 'OpenSession hangs (network timeout), then goes through. A driver should apply its connect timeout.',
    operation: 'OpenSession',
    action: { kind: 'hold', defaultMs: 35_000 },
  },
  {
    name: 'network_failure_close_session',
    description: 'The connection is cut on CloseSession (TCP reset, no HTTP response). Closing should not hang or throw unhandled.',
    operation: 'CloseSession',
    action: { kind: 'reset' },
  },
  {
    name: 'service_unavailable_503_open_session',
    description: 'The workspace is temporarily unavailable on OpenSession (HTTP 503).',
    operation: 'OpenSession',
    action: gatewayError(503, 'TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable. Please try again later.'),
  },
  {
    name: 'request_timeout_408_open_session',
    description: 'The front end timed out waiting for the OpenSession request (HTTP 408).',
    operation: 'OpenSession',
    action: gatewayError(408, 'REQUEST_TIMEOUT', 'The request timed out before the server received it completely.'),
  },
  {
    name: 'bad_gateway_502_open_session',
    description: 'A gateway got a bad answer from the warehouse on OpenSession (HTTP 502).',
    operation: 'OpenSession',
    action: gatewayError(502, 'BAD_GATEWAY', 'The gateway received an invalid response from the upstream server.'),
  },
  {
    name: 'gateway_timeout_504_open_session',
    description: 'A gateway timed out waiting for the warehouse on OpenSession (HTTP 504).',
    operation: 'OpenSession',
    action: gatewayError(504, 'GATEWAY_TIMEOUT', 'The gateway timed out waiting for the upstream server.'),
  },
  {
    name: 'too_many_requests_429_open_session',
    description: 'OpenSession is rate limited (HTTP 429).',
    operation: 'OpenSession',
    action: gatewayError(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait and try again.'),
  },
]);
