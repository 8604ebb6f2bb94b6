// --log-level debug logs one line per recorded call, with its decoded request and reply fields, and never a
// secret the call carried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { boundedJson, MAX_FIELDS_JSON_CHARS } from '../../src/call-debug-log';
import { createLogger } from '../../src/core/logger';
import { REDACTED } from '../../src/core/redact';
import { callThroughProxy, FakeUpstream, openSessionWithPassword, startFakeUpstream } from '../api/support/thrift-traffic';
import { AMZ_SIGNATURE, answerWithSignedLinks, AZURE_SIG, LINK_HEADER_VALUE, LINK_SECRETS } from '../helpers/signed-links';
import { encodeMessage, fetchResultsRequest } from '../helpers/thrift-messages';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';

const PASSWORD = 'pw-7d1e0c44-never-logged';
const TOKEN = 'dapi-token-3b9a-never-logged';

let caDir: string;
let upstream: FakeUpstream;
let linkWarehouse: TestUpstream;
let app: RunningApp;
const lines: string[] = [];
const waiters: Array<() => void> = [];

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-debuglog-'));
  upstream = await startFakeUpstream();
  linkWarehouse = await startUpstream({ handler: answerWithSignedLinks });
  const log = createLogger({
    level: 'debug',
    write: (line) => {
      lines.push(line);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, log });
});

afterAll(async () => {
  await app?.close();
  await upstream?.close();
  await linkWarehouse?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

function logLine(matching: RegExp, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no log line matching ${matching} in:\n${lines.join('')}`)), timeoutMs);
    const check = (): void => {
      const line = lines.find((l) => matching.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      } else waiters.push(check);
    };
    check();
  });
}

it('logs each completed call at debug, with its decoded request, without the password or the Authorization header', async () => {
  const reply = await callThroughProxy({ host: app.info.proxyHost, port: app.info.proxyPort }, upstream.port, 'OpenSession', 4, {
    body: openSessionWithPassword(PASSWORD, 4),
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(reply.status).toBe(200);

  const line = await logLine(/ DEBUG call .*method=OpenSession/);
  expect(line).toMatch(/seq=\d+ kind=thrift method=OpenSession state=completed host=127\.0\.0\.1 http=200 thriftStatus=SUCCESS_STATUS ms=[\d.]+/);
  // The decoded request, as a JSON string value: the field name is there, its secret value is not.
  expect(line).toContain(`request=${JSON.stringify(JSON.stringify({ password: REDACTED }))}`);
  // The secret did reach the proxy and was recorded redacted: the journal has the call, the log has no secret.
  const [recorded] = app.control.listCalls({ filter: { method: 'OpenSession' } }).calls;
  expect(recorded.request).toMatchObject({ password: REDACTED });
  const everything = lines.join('');
  expect(everything).not.toContain(PASSWORD);
  expect(everything).not.toContain(TOKEN);
});

it('logs the decoded reply fields of a FetchResults with CloudFetch links, without signatures or link headers', async () => {
  const reply = await callThroughProxy({ host: app.info.proxyHost, port: app.info.proxyPort }, linkWarehouse.port, 'FetchResults', 8, {
    body: encodeMessage('FetchResults', fetchResultsRequest(), 8),
  });
  expect(reply.status).toBe(200);
  for (const secret of LINK_SECRETS) expect(reply.body.includes(Buffer.from(secret))).toBe(true); // the client got them

  const line = await logLine(/ DEBUG call .*method=FetchResults/);
  expect(line).toMatch(/ request="/);
  expect(line).toMatch(/ reply="/);
  // Decoded field names and values that are not secret.
  for (const visible of ['resultLinks', 'fileLink', 'rowCount', '4242', 'part-0001.arrow', 'part-0002.arrow', 'X-Amz-Signature=[REDACTED]', 'sig=[REDACTED]']) {
    expect(line).toContain(visible);
  }
  const everything = lines.join('');
  for (const secret of [...LINK_SECRETS, AZURE_SIG, AMZ_SIGNATURE, LINK_HEADER_VALUE]) expect(everything).not.toContain(secret);
  expect(everything).not.toContain('x-custom-download-header'); // httpHeaders are hidden whole, names too
});

it('cuts long field JSON and says how long it was', () => {
  const short = { statement: 'SELECT 1' };
  expect(boundedJson(short)).toBe(JSON.stringify(short));
  const long = { statement: 'x'.repeat(MAX_FIELDS_JSON_CHARS * 2) };
  const cut = boundedJson(long);
  const full = JSON.stringify(long).length;
  expect(cut).toBe(`${JSON.stringify(long).slice(0, MAX_FIELDS_JSON_CHARS)}...<cut, ${full} chars in all>`);
  expect(MAX_FIELDS_JSON_CHARS).toBe(4096);
});

it('logs a call a defined scenario fired on with the scenario and the steps that ran, like a built-in', async () => {
  app.control.defineScenario({
    name: 'logged_rule',
    description: '',
    match: { kind: 'thrift', methods: ['GetInfo'] },
    steps: [{ kind: 'delay', durationMs: 1 }, { kind: 'respond', httpStatus: 503, body: '' }],
  });
  app.control.enableScenario('logged_rule', { keepCallHistory: true });
  const reply = await callThroughProxy({ host: app.info.proxyHost, port: app.info.proxyPort }, upstream.port, 'GetInfo', 5);
  expect(reply.status).toBe(503);
  const line = await logLine(/ DEBUG call .*method=GetInfo/);
  expect(line).toMatch(/http=503 .*scenario=logged_rule steps="delay 1ms, then respond HTTP 503"/);
});
