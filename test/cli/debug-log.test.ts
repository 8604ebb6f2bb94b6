// --log-level debug logs one line per recorded call, and never a secret the call carried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { createLogger } from '../../src/core/logger';
import { REDACTED } from '../../src/core/redact';
import { callThroughProxy, FakeUpstream, openSessionWithPassword, startFakeUpstream } from '../api/support/thrift-traffic';

const PASSWORD = 'pw-7d1e0c44-never-logged';
const TOKEN = 'dapi-token-3b9a-never-logged';

let caDir: string;
let upstream: FakeUpstream;
let app: RunningApp;
const lines: string[] = [];
const waiters: Array<() => void> = [];

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-debuglog-'));
  upstream = await startFakeUpstream();
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

it('logs each completed call at debug, without the password or the Authorization header', async () => {
  const reply = await callThroughProxy({ host: app.info.proxyHost, port: app.info.proxyPort }, upstream.port, 'OpenSession', 4, {
    body: openSessionWithPassword(PASSWORD, 4),
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(reply.status).toBe(200);

  const line = await logLine(/ DEBUG call .*method=OpenSession/);
  expect(line).toMatch(/seq=\d+ kind=thrift method=OpenSession state=completed host=127\.0\.0\.1 http=200 thriftStatus=SUCCESS_STATUS ms=[\d.]+/);
  // The secret did reach the proxy and was recorded redacted: the journal has the call, the log has no secret.
  const [recorded] = app.control.listCalls({ filter: { method: 'OpenSession' } }).calls;
  expect(recorded.request).toMatchObject({ password: REDACTED });
  const everything = lines.join('');
  expect(everything).not.toContain(PASSWORD);
  expect(everything).not.toContain(TOKEN);
});
