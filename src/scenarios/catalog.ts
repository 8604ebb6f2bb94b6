// Every built-in failure, as data: each a match (which requests) and steps (what happens to them), the same
// shape as a scenario defined over gRPC. Names, status codes, hold times and tickets are those of the original
// mitmproxy-based thrift-proxy-server, so existing driver test suites switch over by changing only their
// client. Bodies imitate what the real service sends, because drivers parse them (e.g. Azure's XML error codes).
//
// Descriptions say what happens and which driver setting makes it bite; what a driver then does (retry, fail)
// is each driver's own policy and is not claimed here (README's findings say what the Node.js driver did).
import { deepFreeze } from '../core/freeze';
import { ScenarioDefinition, ScenarioMatch, StepOf, StepSpec } from '../core/model';

/** TStatusCode values a Thrift error scenario may carry. */
const TSTATUS_ERROR = 3;
const TSTATUS_INVALID_HANDLE = 4;

/**
 * Seconds in the Retry-After of the built-in 429 and 503 answers: small, so that a driver that honours it retries
 * soon, and present, so that its Retry-After path runs.
 */
export const BUILTIN_RETRY_AFTER_SECONDS = 1;
const RETRY_AFTER = { 'Retry-After': String(BUILTIN_RETRY_AFTER_SECONDS) };

/** cloudfetch_slow_download's rate: 256 KiB/s, storage at its worst as driver teams report it. */
export const SLOW_DOWNLOAD_BYTES_PER_SECOND = 256 * 1024;

const CLOUDFETCH: ScenarioMatch = { kind: 'cloudfetch' };
const ANY_THRIFT_CALL: ScenarioMatch = { kind: 'thrift' };
function thriftCall(method: string): ScenarioMatch {
  return { kind: 'thrift', methods: [method] };
}

/**
 * An Azure Blob Storage error: the XML body with the service's error code, and the x-ms-error-code header
 * Azure sends alongside it. The RequestId is fixed: a scenario's answer is reproducible.
 */
function azureError(status: number, code: string, message: string, detail?: string, extraHeaders?: Record<string, string>): StepOf<'respond'> {
  const requestLine = 'RequestId:5f2e6a1c-301e-0046-2c4b-8a3b5f000000\nTime:2024-05-14T09:31:07.4462145Z';
  const detailElement = detail === undefined ? '' : `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`;
  return {
    kind: 'respond',
    httpStatus: status,
    contentType: 'application/xml',
    headers: { 'x-ms-error-code': code, ...extraHeaders },
    body:
      '<?xml version="1.0" encoding="utf-8"?>' +
      `<Error><Code>${code}</Code><Message>${message}\n${requestLine}</Message>${detailElement}</Error>`,
  };
}

/** What a Databricks workspace front end answers when it refuses a request before the warehouse sees it. */
function gatewayError(status: number, errorCode: string, message: string, headers?: Record<string, string>): StepOf<'respond'> {
  const step: StepOf<'respond'> = {
    kind: 'respond',
    httpStatus: status,
    contentType: 'application/json',
    body: JSON.stringify({ error_code: errorCode, message }),
  };
  return headers === undefined ? step : { ...step, headers };
}

function one(step: StepSpec): readonly StepSpec[] {
  return [step];
}

export const SCENARIO_CATALOG: readonly ScenarioDefinition[] = deepFreeze([
  // ---- CloudFetch downloads -------------------------------------------------------------------------------------
  {
    name: 'cloudfetch_expired_link',
    description:
      'The presigned CloudFetch link has expired: Azure-style 403 AuthorizationQueryParametersError (the original ' +
      "proxy's error code, kept so existing suites match) with a \"signature not valid in the specified time frame\" " +
      'detail. A driver should fetch fresh links (FetchResults) and download again.',
    match: CLOUDFETCH,
    steps: one(
      azureError(
        403,
        'AuthorizationQueryParametersError',
        'Server failed to authenticate the request. The presigned URL has expired: its signed expiry time (se) is in the past.',
        'Signature not valid in the specified time frame: Start [Tue, 14 May 2024 09:00:00 GMT] - ' +
          'Expiry [Tue, 14 May 2024 09:15:00 GMT] - Current [Tue, 14 May 2024 09:31:07 GMT]',
      ),
    ),
    ticket: 'PECOBLR-1131',
  },
  {
    name: 'cloudfetch_400',
    description:
      'Cloud storage rejects the download as malformed (400 Bad Request). Whether a driver retries a 400 is its own ' +
      'policy: drivers differ.',
    match: CLOUDFETCH,
    steps: one(azureError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.')),
  },
  {
    name: 'cloudfetch_403',
    description:
      'Cloud storage forbids the download (403 Forbidden: expired link or insufficient permissions). A driver may ' +
      'fetch fresh links first.',
    match: CLOUDFETCH,
    steps: one(azureError(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.')),
    ticket: 'ES-1624602',
  },
  {
    name: 'cloudfetch_404',
    description: 'The result file does not exist (404 Not Found).',
    match: CLOUDFETCH,
    steps: one(azureError(404, 'BlobNotFound', 'The specified blob does not exist.')),
  },
  {
    name: 'cloudfetch_405',
    description: 'Cloud storage refuses the HTTP method (405 Method Not Allowed).',
    match: CLOUDFETCH,
    steps: one(azureError(405, 'UnsupportedHttpVerb', "The resource doesn't support specified Http Verb.")),
  },
  {
    name: 'cloudfetch_412',
    description: 'A precondition of the download is not met (412 Precondition Failed).',
    match: CLOUDFETCH,
    steps: one(azureError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.')),
  },
  {
    name: 'cloudfetch_500',
    description: 'Cloud storage fails internally (500 Internal Server Error); a transient failure a driver may retry.',
    match: CLOUDFETCH,
    steps: one(azureError(500, 'InternalError', 'Server encountered an internal error. Please try again after some time.')),
  },
  {
    name: 'cloudfetch_503',
    description:
      `Cloud storage is busy or throttling (503 Service Unavailable, Retry-After: ${BUILTIN_RETRY_AFTER_SECONDS}); a ` +
      'transient failure a driver may retry, after the Retry-After if it honours it.',
    match: CLOUDFETCH,
    steps: one(
      azureError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.', undefined, RETRY_AFTER),
    ),
  },
  {
    name: 'cloudfetch_timeout',
    description:
      'The download hangs for 65 s, then completes normally. It times out only a driver whose CloudFetch download ' +
      'timeout is shorter: set that timeout below 65 s (or arm it with a duration longer than the timeout); a driver with a longer ' +
      'timeout (the ADBC C# driver defaults to 15 minutes) just waits.',
    match: CLOUDFETCH,
    steps: one({ kind: 'hold', durationMs: 65_000 }),
    ticket: 'BL-13239',
  },
  {
    name: 'cloudfetch_connection_reset',
    description: 'The connection is cut during the download (TCP reset, no HTTP response); a network failure a driver may retry.',
    match: CLOUDFETCH,
    steps: one({ kind: 'reset' }),
    ticket: 'BL-13580',
  },
  {
    name: 'long_running_cloud_fetch',
    description:
      'A slow download (held 15 s) that eventually succeeds. Shows whether a driver keeps the operation alive ' +
      'meanwhile (e.g. GetOperationStatus heartbeats); it times out only a driver whose CloudFetch timeout is shorter.',
    match: CLOUDFETCH,
    steps: one({ kind: 'hold', durationMs: 15_000 }),
  },

  // ---- CloudFetch downloads that break after the server started answering (response-side steps) ------------------
  {
    name: 'cloudfetch_truncated_download',
    description:
      'Storage answers 200 with the full Content-Length, but the connection is reset (TCP RST) after half of the body ' +
      'has been delivered. A driver should notice the short body and download the file again.',
    match: CLOUDFETCH,
    steps: one({ kind: 'truncate_response', afterBytes: 0, afterPercent: 50, then: 'reset' }),
  },
  {
    name: 'cloudfetch_slow_download',
    description: `Storage trickles: the download is throttled to ${SLOW_DOWNLOAD_BYTES_PER_SECOND / 1024} KiB/s. Shows whether a driver's download timeout or progress handling copes.`,
    match: CLOUDFETCH,
    steps: one({ kind: 'throttle_response', bytesPerSecond: SLOW_DOWNLOAD_BYTES_PER_SECOND }),
  },
  {
    name: 'cloudfetch_stalled_download',
    description:
      'The download stalls mid-body: the first 64 KiB arrive, then nothing for 10 s, then the rest. A driver with a read ' +
      '(idle) timeout shorter than the stall should time out and retry.',
    match: CLOUDFETCH,
    steps: one({ kind: 'stall_response', afterBytes: 64 * 1024, durationMs: 10_000 }),
  },
  {
    name: 'cloudfetch_link_expired_in_reply',
    description:
      'The next FetchResults reply carries CloudFetch links whose expiryTime is already in the past (the reply is ' +
      'rewritten: every results.resultLinks[*].expiryTime set to 0). A driver should ask for fresh links instead of ' +
      'downloading, or fail clearly.',
    match: thriftCall('FetchResults'),
    steps: one({ kind: 'rewrite_thrift_reply', set: [{ path: 'results.resultLinks[*].expiryTime', value: 0 }] }),
  },

  // ---- Thrift calls and sessions ---------------------------------------------------------------------------------
  {
    name: 'invalid_session_handle',
    description:
      'The server no longer knows the session: ExecuteStatement gets a TStatus INVALID_HANDLE. A driver should ' +
      'report it (or open a new session), not hang.',
    match: thriftCall('ExecuteStatement'),
    steps: one({
      kind: 'thrift_error',
      statusCode: TSTATUS_INVALID_HANDLE,
      errorMessage: 'Invalid SessionHandle: the session does not exist or has expired',
    }),
  },
  {
    name: 'session_timeout_premature',
    description:
      'The server closed the session early for inactivity: the next Thrift call gets a TStatus ERROR saying the ' +
      'session expired.',
    match: ANY_THRIFT_CALL,
    steps: one({
      kind: 'thrift_error',
      statusCode: TSTATUS_ERROR,
      errorMessage: 'Session expired due to inactivity. Open a new session and retry.',
    }),
  },
  {
    name: 'expired_credentials',
    description:
      'The access token has expired: OpenSession is refused with HTTP 401. An OAuth driver should refresh its token.',
    match: thriftCall('OpenSession'),
    steps: one({
      kind: 'respond',
      httpStatus: 401,
      contentType: 'application/json',
      headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="The access token expired"' },
      body: JSON.stringify({ error_code: 'EXPIRED_TOKEN', message: 'Token is expired. Please obtain a new access token.' }),
    }),
  },
  {
    name: 'network_timeout_open_session',
    description:
      'OpenSession hangs for 35 s, then goes through. It times out only a driver whose connect (or socket) timeout ' +
      'is shorter: set that timeout below 35 s (or arm it with a duration longer than the timeout); a driver with a longer one (the ' +
      'ADBC C# driver raises its connect timeout to 900 s) is only delayed.',
    match: thriftCall('OpenSession'),
    steps: one({ kind: 'hold', durationMs: 35_000 }),
  },
  {
    name: 'network_failure_close_session',
    description: 'The connection is cut on CloseSession (TCP reset, no HTTP response). Closing should not hang or throw unhandled.',
    match: thriftCall('CloseSession'),
    steps: one({ kind: 'reset' }),
  },
  {
    name: 'service_unavailable_503_open_session',
    description: `The workspace is temporarily unavailable on OpenSession (HTTP 503, Retry-After: ${BUILTIN_RETRY_AFTER_SECONDS}).`,
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(503, 'TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable. Please try again later.', RETRY_AFTER)),
  },
  {
    name: 'request_timeout_408_open_session',
    description: 'The front end timed out waiting for the OpenSession request (HTTP 408).',
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(408, 'REQUEST_TIMEOUT', 'The request timed out before the server received it completely.')),
  },
  {
    name: 'bad_gateway_502_open_session',
    description: 'A gateway got a bad answer from the warehouse on OpenSession (HTTP 502).',
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(502, 'BAD_GATEWAY', 'The gateway received an invalid response from the upstream server.')),
  },
  {
    name: 'gateway_timeout_504_open_session',
    description: 'A gateway timed out waiting for the warehouse on OpenSession (HTTP 504).',
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(504, 'GATEWAY_TIMEOUT', 'The gateway timed out waiting for the upstream server.')),
  },
  {
    name: 'too_many_requests_429_open_session',
    description: `OpenSession is rate limited (HTTP 429, Retry-After: ${BUILTIN_RETRY_AFTER_SECONDS}).`,
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait and try again.', RETRY_AFTER)),
  },
  {
    name: 'retry_after_429_open_session',
    description: 'OpenSession is rate limited with HTTP 429 and Retry-After: 2. A driver should wait (at least) 2 s and retry.',
    match: thriftCall('OpenSession'),
    steps: one(gatewayError(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait and try again.', { 'Retry-After': '2' })),
  },
  {
    name: 'protocol_version_downgrade',
    description:
      "The OpenSession reply's serverProtocolVersion becomes SPARK_CLI_SERVICE_PROTOCOL_V1 (the reply is rewritten): " +
      'a driver must fall back from the features it negotiates by version, such as direct results and Arrow results.',
    match: thriftCall('OpenSession'),
    steps: one({ kind: 'rewrite_thrift_reply', set: [{ path: 'serverProtocolVersion', value: 'SPARK_CLI_SERVICE_PROTOCOL_V1' }] }),
  },
]);
