// No secret leaves the proxy through the control API: the whole proxy in-process on ephemeral ports, a real
// grpc-js client subscribed to WatchCalls (live and replayed) and calling ListCalls, and real traffic through
// the proxy carrying a session password, an Authorization header, a signed query in the request URL and a
// FetchResults reply with presigned CloudFetch links and link httpHeaders. The serialized messages (protobuf
// bytes and JSON) must hold none of those values, and still the fields that are not secret.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListCallsResponse, WatchCallsResponse, WatchEventType } from '../../gen/thriftproxy/v1/scenario_control';
import { RunningApp, startThriftFaultProxy } from '../../src/app';
import { SILENT_LOGGER } from '../../src/core/logger';
import { requestViaProxy } from '../helpers/proxied-client';
import { answerWithSignedLinks, LINK_SECRETS } from '../helpers/signed-links';
import { encodeMessage, fetchResultsRequest, openSessionRequest, SECRET_PASSWORD } from '../helpers/thrift-messages';
import { startUpstream, TestUpstream } from '../helpers/upstream-servers';
import { ControlApi, StreamRecorder } from './support/control-client';

const BEARER_TOKEN = 'dapi-bearer-7f3e9a1c5b2d4e60';
const PATH_SIGNATURE = 'path-query-signature-2d4f6a8c';
const WAREHOUSE_PATH = `/sql/1.0/warehouses/secrets?o=1&X-Amz-Signature=${PATH_SIGNATURE}`;
const SECRETS: readonly string[] = [SECRET_PASSWORD, BEARER_TOKEN, PATH_SIGNATURE, ...LINK_SECRETS];
/** Fields that are not secret and must survive: method names, the user name, link rows and hosts, redaction marks. */
const VISIBLE: readonly string[] = [
  'OpenSession',
  'FetchResults',
  'token', // TOpenSessionReq.username
  'resultLinks',
  'part-0001.arrow',
  'bucket.s3.us-west-2.amazonaws.com',
  'sig=[REDACTED]',
  'X-Amz-Signature=[REDACTED]',
  '/sql/1.0/warehouses/secrets?o=1',
];

let caDir: string;
let warehouse: TestUpstream;
let app: RunningApp;
let api: ControlApi;

beforeAll(async () => {
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-api-secrets-'));
  warehouse = await startUpstream({ handler: answerWithSignedLinks });
  app = await startThriftFaultProxy({ listenPort: 0, apiPort: 0, caDir, log: SILENT_LOGGER });
  api = new ControlApi(`${app.info.apiHost}:${app.info.apiPort}`);
});

afterAll(async () => {
  api?.close();
  await app?.close();
  await warehouse?.close();
  fs.rmSync(caDir, { recursive: true, force: true });
});

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Both ways a message leaves the server or a client shows it: protobuf wire bytes (as latin1 text) and JSON. */
function serializedWatch(messages: readonly WatchCallsResponse[]): string {
  return messages
    .map((m) => Buffer.from(WatchCallsResponse.encode(m).finish()).toString('latin1') + JSON.stringify(WatchCallsResponse.toJSON(m)) + JSON.stringify(m, bigintJson))
    .join('\n');
}

function serializedList(response: ListCallsResponse): string {
  return Buffer.from(ListCallsResponse.encode(response).finish()).toString('latin1') + JSON.stringify(ListCallsResponse.toJSON(response)) + JSON.stringify(response, bigintJson);
}

const completed = (method: string) => (messages: WatchCallsResponse[]): boolean =>
  messages.some((m) => m.type === WatchEventType.WATCH_EVENT_TYPE_CALL_COMPLETED && m.call?.method === method);

it('streams and lists calls without any secret they carried, keeping the fields that are not secret', async () => {
  const live = new StreamRecorder(api.watchCalls({}));
  let replay: StreamRecorder<WatchCallsResponse> | undefined;
  try {
    await live.until((m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_LIVE));
    const url = `http://127.0.0.1:${warehouse.port}${WAREHOUSE_PATH}`;
    const headers = { authorization: `Bearer ${BEARER_TOKEN}`, 'content-type': 'application/x-thrift' };

    const opened = await requestViaProxy(app.info.proxyPort, { method: 'POST', url, headers, body: encodeMessage('OpenSession', openSessionRequest(), 1) });
    expect(opened.status).toBe(200);
    const fetched = await requestViaProxy(app.info.proxyPort, { method: 'POST', url, headers, body: encodeMessage('FetchResults', fetchResultsRequest(), 2) });
    expect(fetched.status).toBe(200);
    // The secrets did cross the proxy: the server got the password and the token, the client the signed links.
    const seen = warehouse.requests.slice(-2);
    expect(seen[0].body.includes(Buffer.from(SECRET_PASSWORD))).toBe(true);
    expect(seen.every((r) => r.headers.authorization === `Bearer ${BEARER_TOKEN}` && r.url.includes(PATH_SIGNATURE))).toBe(true);
    for (const secret of LINK_SECRETS) expect(fetched.body.includes(Buffer.from(secret))).toBe(true);

    const streamed = await live.until((m) => completed('OpenSession')(m) && completed('FetchResults')(m));
    replay = new StreamRecorder(api.watchCalls({ replayFromSequence: 1 }));
    const replayed = await replay.until((m) => m.some((x) => x.type === WatchEventType.WATCH_EVENT_TYPE_LIVE));
    expect(replayed.filter((m) => m.replayed).map((m) => m.call?.method)).toEqual(expect.arrayContaining(['OpenSession', 'FetchResults']));
    const listed = await api.listCalls({});
    expect(listed.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['OpenSession', 'FetchResults']));

    // The records carry what was decoded: the request user name, the reply's links with their rows.
    const fetchCall = listed.calls.find((c) => c.method === 'FetchResults');
    expect(fetchCall?.reply).toMatchObject({ results: { resultLinks: [{ rowCount: 4242, httpHeaders: '[REDACTED]' }, { rowCount: 4242 }] } });
    expect(listed.calls.find((c) => c.method === 'OpenSession')?.request).toMatchObject({ username: 'token', password: '[REDACTED]' });

    for (const [what, text] of [
      ['WatchCalls (live)', serializedWatch(streamed)],
      ['WatchCalls (replayed)', serializedWatch(replayed)],
      ['ListCalls', serializedList(listed)],
    ] as const) {
      for (const secret of SECRETS) expect({ what, leaked: text.includes(secret) ? secret : undefined }).toEqual({ what, leaked: undefined });
      for (const visible of VISIBLE) expect({ what, visible, found: text.includes(visible) }).toEqual({ what, visible, found: true });
    }
  } finally {
    live.stream.cancel();
    replay?.stream.cancel();
  }
});
