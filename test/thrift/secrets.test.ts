// No secret that travels in TCLIService reaches the named output: OpenSession passwords and credential-like
// configuration, CloudFetch link signatures and headers, delegation tokens. Random secrets, real encodings.
import fc from 'fast-check';
import Int64 from 'node-int64';
import * as thrift from 'thrift';
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { REDACTED } from '../../src/core/redact';
import { nameCall, nameReply } from '../../src/thrift/naming';
import { decodeOk } from './support/decoded';
import { driverCall, driverReply, type DriverProtocol } from './support/driver-wire';
import { sampleRequests, sessionHandle } from './support/sample-requests';
import { encodeWithNpmThrift } from './support/thrift-values';

const secretArb = fc.string({ minLength: 10, maxLength: 40, unit: 'grapheme-ascii' }).map((s) => `S3CR3T${s}`);
const protocolArb = fc.constantFrom<DriverProtocol>('binary', 'binary-old-header', 'compact');

describe('secrets never reach the named output (properties)', () => {
  it('OpenSession: password and credential-like configuration values', () => {
    fc.assert(
      fc.property(protocolArb, secretArb, secretArb, secretArb, (protocol, password, token, accountKey) => {
        const req = new T.TOpenSessionReq({
          client_protocol: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
          username: 'token',
          password,
          configuration: { 'spark.databricks.token': token, 'fs.azure.account.key.acct.dfs.core.windows.net': accountKey, timezone: 'UTC' },
          connectionProperties: { access_token: token },
        });
        const named = nameCall(decodeOk(driverCall('OpenSession', req, 1, protocol)));
        const json = JSON.stringify(named);
        for (const secret of [password, token, accountKey]) expect(json).not.toContain(secret);
        expect(named.request).toMatchObject({ password: REDACTED, configuration: { timezone: 'UTC' } });
      }),
      { numRuns: 60 },
    );
  });

  it('FetchResults: CloudFetch link signatures and headers', () => {
    const requests = sampleRequests();
    fc.assert(
      fc.property(
        protocolArb,
        secretArb,
        secretArb,
        fc.constantFrom('sig', 'X-Amz-Signature', 'X-Goog-Signature', 'X-Amz-Security-Token'),
        (protocol, signature, headerValue, param) => {
          const resp = new T.TFetchResultsResp({
            status: new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS }),
            results: new T.TRowSet({
              startRowOffset: new Int64(0),
              rows: [],
              resultLinks: [
                new T.TSparkArrowResultLink({
                  fileLink: `https://storage.example/f.arrow?se=1&${param}=${encodeURIComponent(signature)}`,
                  expiryTime: new Int64(1),
                  startRowOffset: new Int64(0),
                  rowCount: new Int64(1),
                  bytesNum: new Int64(1),
                  httpHeaders: { 'x-ms-encryption-key': headerValue, 'x-plain': headerValue },
                }),
              ],
            }),
          });
          const call = driverCall('FetchResults', requests.FetchResults, 2, protocol);
          const named = nameReply(decodeOk(driverReply('FetchResults', call, resp, protocol)));
          const json = JSON.stringify(named);
          expect(json).not.toContain(encodeURIComponent(signature));
          expect(json).not.toContain(headerValue);
          expect(json).toContain('se=1');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('secrets, spot checks', () => {
  it('redacts delegation tokens', () => {
    const token = 'delegation-token-secret-value';
    const req = new T.TRenewDelegationTokenReq({ sessionHandle: sessionHandle(), delegationToken: token });
    const named = nameCall(decodeOk(driverCall('RenewDelegationToken', req, 1)));
    expect(named.request).toMatchObject({ delegationToken: REDACTED });
    expect(JSON.stringify(named)).not.toContain(token);
  });

  it('redacts the password field even when it arrives with an unexpected wire type', () => {
    const secret = 'password-as-a-list-of-strings';
    const bytes = encodeWithNpmThrift('binary', 'OpenSession', thrift.Thrift.MessageType.CALL, 1, {
      t: 'struct',
      fields: [{ id: 1, value: { t: 'struct', fields: [{ id: 3, value: { t: 'list', element: { t: 'string' }, items: [{ t: 'string', v: secret }] } }] } }],
    });
    const named = nameCall(decodeOk(bytes));
    expect(named.request).toEqual({ password: REDACTED });
  });
});

describe('secrets where the schema cannot say (issue 10)', () => {
  it('redacts the password of an OpenSession-like struct sent under an unknown method name, by its shape', () => {
    const req = new T.TOpenSessionReq({
      client_protocol: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
      username: 'token',
      password: 'SEKRIT13',
    });
    for (const method of ['OpenSessionV2', 'Frobnicate']) {
      const named = nameCall(decodeOk(renamed(driverCall('OpenSession', req, 1), method)));
      expect(named.method).toBe(method);
      expect(JSON.stringify(named)).not.toContain('SEKRIT13');
      // Keyed by id (the schema cannot name them); only the secret is hidden.
      expect(named.request).toMatchObject({ '2': 'token', '3': REDACTED });
    }
  });

  it('leaves alone an unknown struct whose shape fits no secret-holding struct', () => {
    const bytes = encodeWithNpmThrift('binary', 'Frobnicate', thrift.Thrift.MessageType.CALL, 1, {
      t: 'struct',
      fields: [{ id: 1, value: { t: 'struct', fields: [{ id: 3, value: { t: 'string', v: 'plain-value' } }, { id: 99, value: { t: 'i32', v: 7 } }] } }],
    });
    expect(nameCall(decodeOk(bytes)).request).toEqual({ '3': 'plain-value', '99': 7 });
  });

  it('redacts known secret key=value pairs in free text: error messages and decoded strings', () => {
    const call = new T.TExecuteStatementReq({ sessionHandle: sessionHandle(), statement: "SET spark.token=dapiSECRET1; SELECT 'exit code=1'" });
    const named = nameCall(decodeOk(driverCall('ExecuteStatement', call, 1)));
    expect(named.request?.statement).toBe("SET spark.token=[REDACTED]; SELECT 'exit code=1'");

    const callBytes = driverCall('GetInfo', new T.TGetInfoReq({ sessionHandle: sessionHandle(), infoType: 0 }), 2);
    const resp = new T.TGetInfoResp({
      status: new T.TStatus({ statusCode: T.TStatusCode.ERROR_STATUS, errorMessage: 'login failed: token=dapiSECRET2 password = "hunter2" rows=5' }),
      infoValue: new T.TGetInfoValue({ stringValue: 'x' }),
    });
    const reply = nameReply(decodeOk(driverReply('GetInfo', callBytes, resp)));
    expect(reply.status?.errorMessage).toBe('login failed: token=[REDACTED] password = "[REDACTED]" rows=5');
    expect(JSON.stringify(reply)).not.toMatch(/SECRET2|hunter2/);
  });
});

/** The same CALL under another method name (binary protocol, strict header). */
function renamed(call: Buffer, method: string): Buffer {
  const length = call.readUInt32BE(4);
  const name = Buffer.from(method);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(name.length);
  return Buffer.concat([call.subarray(0, 4), size, name, call.subarray(8 + length)]);
}
