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
