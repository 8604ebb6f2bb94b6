import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { ANY_THRIFT_OPERATION, CLOUDFETCH_METHOD, ScenarioDefinition, StepOf, StepSpec } from '../../src/core/model';
import { operationOf } from '../../src/scenarios/match';

function scenario(name: string): ScenarioDefinition {
  const found = SCENARIO_CATALOG.find((d) => d.name === name);
  if (found === undefined) throw new Error(`catalog has no ${name}`);
  return found;
}

/** The one step of a built-in (each is one step). */
function only(d: ScenarioDefinition): StepSpec {
  expect(d.steps).toHaveLength(1);
  return d.steps[0];
}

function respondStep(d: ScenarioDefinition): StepOf<'respond'> {
  const step = only(d);
  if (step.kind !== 'respond') throw new Error(`${d.name} does not respond`);
  return step;
}

/** The original proxy's facts (docs: /work/shared/scenario-catalog.md): name, operation, effect, ticket. */
const ORIGINAL: [name: string, operation: string, effect: string, ticket?: string][] = [
  ['cloudfetch_expired_link', CLOUDFETCH_METHOD, 'http 403', 'PECOBLR-1131'],
  ['cloudfetch_400', CLOUDFETCH_METHOD, 'http 400'],
  ['cloudfetch_403', CLOUDFETCH_METHOD, 'http 403', 'ES-1624602'],
  ['cloudfetch_404', CLOUDFETCH_METHOD, 'http 404'],
  ['cloudfetch_405', CLOUDFETCH_METHOD, 'http 405'],
  ['cloudfetch_412', CLOUDFETCH_METHOD, 'http 412'],
  ['cloudfetch_500', CLOUDFETCH_METHOD, 'http 500'],
  ['cloudfetch_503', CLOUDFETCH_METHOD, 'http 503'],
  ['cloudfetch_timeout', CLOUDFETCH_METHOD, 'hold 65000', 'BL-13239'],
  ['cloudfetch_connection_reset', CLOUDFETCH_METHOD, 'reset', 'BL-13580'],
  ['long_running_cloud_fetch', CLOUDFETCH_METHOD, 'hold 15000'],
  ['invalid_session_handle', 'ExecuteStatement', 'thrift 4'],
  ['session_timeout_premature', ANY_THRIFT_OPERATION, 'thrift 3'],
  ['expired_credentials', 'OpenSession', 'http 401'],
  ['network_timeout_open_session', 'OpenSession', 'hold 35000'],
  ['network_failure_close_session', 'CloseSession', 'reset'],
  ['service_unavailable_503_open_session', 'OpenSession', 'http 503'],
  ['request_timeout_408_open_session', 'OpenSession', 'http 408'],
  ['bad_gateway_502_open_session', 'OpenSession', 'http 502'],
  ['gateway_timeout_504_open_session', 'OpenSession', 'http 504'],
  ['too_many_requests_429_open_session', 'OpenSession', 'http 429'],
];

function effectOf(step: StepSpec): string {
  switch (step.kind) {
    case 'respond':
      return `http ${step.httpStatus}`;
    case 'thrift_error':
      return `thrift ${step.statusCode}`;
    case 'hold':
      return `hold ${step.durationMs}`;
    default:
      return step.kind;
  }
}

describe('SCENARIO_CATALOG', () => {
  it('has the 21 scenarios of the original, in its order, with its operations, effects and tickets', () => {
    const originals = new Set(ORIGINAL.map(([name]) => name));
    expect(SCENARIO_CATALOG.filter((d) => originals.has(d.name)).map((d) => [d.name, operationOf(d.match), effectOf(only(d)), d.ticket])).toEqual(
      ORIGINAL.map(([name, operation, effect, ticket]) => [name, operation, effect, ticket]),
    );
  });

  it('has the response-side built-ins driver teams ask for most (issue 8), and nothing else', () => {
    const originals = new Set(ORIGINAL.map(([name]) => name));
    const added = SCENARIO_CATALOG.filter((d) => !originals.has(d.name)).map((d) => [d.name, operationOf(d.match), only(d)]);
    expect(added).toEqual(
      expect.arrayContaining([
        ['cloudfetch_truncated_download', CLOUDFETCH_METHOD, { kind: 'truncate_response', afterBytes: 0, afterPercent: 50, then: 'reset' }],
        ['cloudfetch_slow_download', CLOUDFETCH_METHOD, { kind: 'throttle_response', bytesPerSecond: 256 * 1024 }],
        ['cloudfetch_stalled_download', CLOUDFETCH_METHOD, { kind: 'stall_response', afterBytes: 64 * 1024, durationMs: 10_000 }],
        ['cloudfetch_link_expired_in_reply', 'FetchResults', { kind: 'rewrite_thrift_reply', set: [{ path: 'results.resultLinks[*].expiryTime', value: 0 }] }],
        ['protocol_version_downgrade', 'OpenSession', { kind: 'rewrite_thrift_reply', set: [{ path: 'serverProtocolVersion', value: 'SPARK_CLI_SERVICE_PROTOCOL_V1' }] }],
        ['retry_after_429_open_session', 'OpenSession', expect.objectContaining({ kind: 'respond', httpStatus: 429, headers: { 'Retry-After': '2' } })],
      ]),
    );
    expect(added).toHaveLength(6);
  });

  it('describes every scenario in a sentence or more', () => {
    for (const d of SCENARIO_CATALOG) expect(d.description).toMatch(/^[A-Z].{20,}\.$/s);
  });

  it('answers an expired link with the original proxy\'s Azure-style AuthorizationQueryParametersError and an expired-signature detail', () => {
    const action = respondStep(scenario('cloudfetch_expired_link'));
    expect(action).toMatchObject({ kind: 'respond', httpStatus: 403, contentType: 'application/xml' });
    expect(action.headers).toEqual({ 'x-ms-error-code': 'AuthorizationQueryParametersError' });
    expect(action.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><Error><Code>AuthorizationQueryParametersError<\/Code>/);
    expect(action.body).toMatch(/<AuthenticationErrorDetail>Signature not valid in the specified time frame: .*Expiry \[.*\] - Current \[/);
  });

  it('gives every CloudFetch status its Azure error code, in the body and the x-ms-error-code header', () => {
    for (const d of SCENARIO_CATALOG.filter((s) => operationOf(s.match) === CLOUDFETCH_METHOD && s.steps[0].kind === 'respond')) {
      const action = respondStep(d);
      const code = action.headers?.['x-ms-error-code'];
      expect(code).toMatch(/^[A-Za-z]+$/);
      expect(action.body).toContain(`<Code>${code}</Code>`);
      expect(action.contentType).toBe('application/xml');
    }
  });

  it('refuses expired credentials with 401, a JSON body and an RFC 6750 challenge', () => {
    const action = respondStep(scenario('expired_credentials'));
    expect(action.contentType).toBe('application/json');
    expect(JSON.parse(action.body)).toEqual({ error_code: 'EXPIRED_TOKEN', message: expect.stringMatching(/expired/) });
    expect(action.headers?.['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('answers OpenSession gateway failures with a JSON error body', () => {
    for (const d of SCENARIO_CATALOG.filter((s) => s.name.endsWith('_open_session') && s.steps[0].kind === 'respond')) {
      const action = respondStep(d);
      expect(action.contentType).toBe('application/json');
      expect(JSON.parse(action.body)).toEqual({ error_code: expect.any(String), message: expect.any(String) });
    }
  });

  it('words the Thrift errors the way the server does', () => {
    expect(only(scenario('invalid_session_handle'))).toMatchObject({ kind: 'thrift_error', statusCode: 4, errorMessage: expect.stringMatching(/^Invalid SessionHandle: /) });
    expect(only(scenario('session_timeout_premature'))).toMatchObject({ kind: 'thrift_error', statusCode: 3, errorMessage: expect.stringMatching(/^Session expired due to inactivity/) });
  });

  it('is frozen, so no front end can rewrite a scenario', () => {
    const d = scenario('cloudfetch_timeout');
    expect(Object.isFrozen(SCENARIO_CATALOG)).toBe(true);
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.steps[0])).toBe(true);
    expect(Object.isFrozen(respondStep(scenario('cloudfetch_503')).headers)).toBe(true);
  });

  it('sends a short Retry-After with every built-in 429 and 503 (and no other status)', () => {
    for (const d of SCENARIO_CATALOG) {
      const step = only(d);
      if (step.kind !== 'respond') continue;
      const retryAfter = step.headers?.['Retry-After'];
      if (step.httpStatus === 429 || step.httpStatus === 503) expect(retryAfter).toMatch(/^[1-5]$/);
      else expect(retryAfter).toBeUndefined();
    }
  });

  it('says which driver timeout makes each hold bite, without claiming one driver\'s policy for all', () => {
    expect(scenario('cloudfetch_timeout').description).toMatch(/CloudFetch download timeout .*below 65 s/);
    expect(scenario('network_timeout_open_session').description).toMatch(/connect \(or socket\) timeout .*below 35 s/);
    expect(scenario('cloudfetch_400').description).not.toMatch(/not retryable/i);
  });
});
