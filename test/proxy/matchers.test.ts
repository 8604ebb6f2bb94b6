// Every matcher of a custom scenario, through the real proxy over plain HTTP and intercepted HTTPS: the request
// it should fire on gets the scenario's answer, a request it should not passes untouched. Each scenario answers
// 418 so a firing is unmistakable.
import { ScenarioMatch } from '../../src/core/model';
import { connectionEnd, RuleRequest, sendRule, thriftCall, thriftStatement } from '../helpers/rule-traffic';
import { ScenarioRig, useScenarioRig, Transport, WAREHOUSE_PATH } from '../helpers/scenario-rig';
import { closeSessionRequest } from '../helpers/thrift-messages';

let rig: ScenarioRig;
let seqid = 1;
let n = 0;

const theRig = useScenarioRig();
beforeAll(() => {
  rig = theRig();
});

/** Arms a scenario with this match that answers 418, until disabled. */
function arm(match: ScenarioMatch): string {
  const name = `matcher_${++n}`;
  rig.proxy.engine.define({ name, description: '', match, steps: [{ kind: 'respond', httpStatus: 418, body: 'teapot' }] });
  rig.proxy.engine.enable(name, { untilDisabled: true });
  return name;
}

async function statusOf(transport: Transport, request: RuleRequest): Promise<number> {
  const outcome = await sendRule(rig, transport, request);
  if (!outcome.ok) throw outcome.error;
  return outcome.response.status;
}

const statement = (sql: string, maxRows?: number): RuleRequest => thriftStatement(sql, seqid++, maxRows);
const getOther = (path: string, headers?: Record<string, string>): RuleRequest => ({ target: 'other', path, headers });
const download = (): RuleRequest => ({ target: 'storage', path: '/results/0.arrow?se=2099&sig=secret' });

describe.each<Transport>(['http', 'https'])('matchers over %s', (transport) => {
  it('kind: thrift, cloudfetch and http each match only their own traffic', async () => {
    arm({ kind: 'http' });
    expect(await statusOf(transport, getOther('/api/2.0/sql/statements'))).toBe(418);
    expect(await statusOf(transport, statement('SELECT 1'))).toBe(200);
    expect(await statusOf(transport, download())).toBe(200);
    rig.proxy.engine.disableAll();
    arm({ kind: 'cloudfetch' });
    expect(await statusOf(transport, download())).toBe(418);
    expect(await statusOf(transport, getOther('/x'))).toBe(200);
    rig.proxy.engine.disableAll();
    arm({ kind: 'thrift' });
    expect(await statusOf(transport, statement('SELECT 1'))).toBe(418);
    expect(await statusOf(transport, download())).toBe(200);
  });

  it('kind thrift never matches a body that does not decode', async () => {
    arm({ kind: 'thrift' });
    const garbage: RuleRequest = { target: 'warehouse', path: WAREHOUSE_PATH, body: Buffer.from('not thrift at all') };
    expect(await statusOf(transport, garbage)).toBe(400); // the upstream's answer to what it cannot read
  });

  it('methods: any of a list of Thrift methods', async () => {
    arm({ kind: 'thrift', methods: ['CloseSession', 'GetInfo'] });
    expect(await statusOf(transport, thriftCall('CloseSession', closeSessionRequest(), seqid++))).toBe(418);
    expect(await statusOf(transport, statement('SELECT 1'))).toBe(200);
  });

  it('methods: an HTTP call is named by its method and path', async () => {
    arm({ methods: ['POST /oidc/v1/token'] });
    expect(await statusOf(transport, { target: 'other', method: 'POST', path: '/oidc/v1/token?x=1', body: Buffer.from('grant_type=client_credentials') })).toBe(418);
    expect(await statusOf(transport, { target: 'other', method: 'GET', path: '/oidc/v1/token' })).toBe(200);
  });

  it('host: a case-insensitive glob', async () => {
    arm({ host: '*.BLOB.core.windows.net' });
    expect(await statusOf(transport, download())).toBe(418);
    expect(await statusOf(transport, getOther('/x'))).toBe(200);
  });

  it('path: a glob on the path without its query', async () => {
    arm({ path: '/api/2.0/sql/statements*' });
    expect(await statusOf(transport, getOther('/api/2.0/sql/statements/01ef-abc?wait=1'))).toBe(418);
    expect(await statusOf(transport, getOther('/api/2.0/clusters?x=/api/2.0/sql/statements'))).toBe(200);
  });

  it('http_method: case-insensitive', async () => {
    arm({ httpMethod: 'delete' });
    expect(await statusOf(transport, { target: 'other', method: 'DELETE', path: '/api/2.0/sql/statements/1' })).toBe(418);
    expect(await statusOf(transport, getOther('/api/2.0/sql/statements/1'))).toBe(200);
  });

  it('header: present, or equal to a value (names case-insensitive)', async () => {
    arm({ header: { name: 'X-Databricks-Org-Id' } });
    expect(await statusOf(transport, getOther('/a', { 'x-databricks-org-id': '1' }))).toBe(418);
    expect(await statusOf(transport, getOther('/a'))).toBe(200);
    rig.proxy.engine.disableAll();
    arm({ header: { name: 'user-agent', value: 'driver/2.0' } });
    expect(await statusOf(transport, getOther('/a', { 'User-Agent': 'driver/2.0' }))).toBe(418);
    expect(await statusOf(transport, getOther('/a', { 'User-Agent': 'driver/1.0' }))).toBe(200);
  });

  it('thrift_fields: one statement fails, the other passes (contains); nested paths and numbers (equals)', async () => {
    arm({ kind: 'thrift', methods: ['ExecuteStatement'], thriftFields: [{ path: 'statement', contains: 'range(' }] });
    expect(await statusOf(transport, statement('SELECT * FROM range(100)'))).toBe(418);
    expect(await statusOf(transport, statement('SELECT 1'))).toBe(200);
    rig.proxy.engine.disableAll();
    arm({ kind: 'thrift', thriftFields: [{ path: 'getDirectResults.maxRows', equals: '0' }] });
    expect(await statusOf(transport, statement('SELECT 1', 0))).toBe(418);
    expect(await statusOf(transport, statement('SELECT 1', 5))).toBe(200);
    expect(await statusOf(transport, statement('SELECT 1'))).toBe(200); // no such field: no match
  });

  it('criteria combine with AND', async () => {
    arm({ kind: 'thrift', methods: ['ExecuteStatement'], header: { name: 'x-test' }, thriftFields: [{ path: 'statement', equals: 'SELECT 2' }] });
    expect(await statusOf(transport, { ...statement('SELECT 2'), headers: { 'x-test': '1' } })).toBe(418);
    expect(await statusOf(transport, statement('SELECT 2'))).toBe(200);
    expect(await statusOf(transport, { ...statement('SELECT 3'), headers: { 'x-test': '1' } })).toBe(200);
  });

  it('an HTTP call is recorded as kind http with its method and path, and names the scenario that fired', async () => {
    const name = arm({ kind: 'http', path: '/api/2.0/sql/statements' });
    const first = rig.proxy.journal.nextSequence;
    expect(await statusOf(transport, { target: 'other', method: 'POST', path: '/api/2.0/sql/statements?token=s3cr3t', body: Buffer.from('{}') })).toBe(418);
    const call = await rig.proxy.waitForCall((c) => c.sequence === first, 'the REST call');
    expect(call).toMatchObject({ kind: 'http', method: 'POST /api/2.0/sql/statements', httpMethod: 'POST', scenario: name, httpStatus: 418 });
    expect(call.path).not.toContain('s3cr3t');
  });
});

describe('a reset on a matched HTTP call', () => {
  it('cuts the OAuth token request only', async () => {
    rig.proxy.engine.define({ name: 'token_reset', description: '', match: { kind: 'http', path: '/oidc/*' }, steps: [{ kind: 'reset' }] });
    rig.proxy.engine.enable('token_reset', { untilDisabled: true });
    expect(await connectionEnd(rig, 'https', { target: 'other', method: 'POST', path: '/oidc/v1/token', body: Buffer.from('x') })).toBe('reset');
    expect(await statusOf('https', getOther('/api/2.0/sql/statements'))).toBe(200);
  });
});
