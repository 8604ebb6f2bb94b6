// Error replies must be read by a real client: each is decoded by the official driver's generated client
// (`recv_<Method>`, its `<Method>_result` and T<Method>Resp classes) in the protocol of the request.
import * as T from '@databricks/sql/thrift/TCLIService_types';
import { encodeThriftErrorReply } from '../../src/thrift/error-reply';
import { decodeThriftMessage } from '../../src/thrift/decoder';
import { nameReply } from '../../src/thrift/naming';
import { driverReadReply, type DriverProtocol } from './support/driver-wire';

const METHODS = ['ExecuteStatement', 'OpenSession', 'GetOperationStatus', 'FetchResults', 'CloseSession'];
const PROTOCOLS: ReadonlyArray<{ driver: DriverProtocol; protocol: 'binary' | 'compact'; strictHeader: boolean }> = [
  { driver: 'binary', protocol: 'binary', strictHeader: true },
  { driver: 'binary-old-header', protocol: 'binary', strictHeader: false },
  { driver: 'compact', protocol: 'compact', strictHeader: true },
];

interface StatusHolder {
  status: T.TStatus;
}

describe('encodeThriftErrorReply, read by the driver', () => {
  describe.each(PROTOCOLS)('$driver protocol', ({ driver, protocol, strictHeader }) => {
    it.each(METHODS)('%s', (method) => {
      const bytes = encodeThriftErrorReply({
        method,
        seqid: 1234567,
        protocol,
        strictHeader,
        statusCode: T.TStatusCode.ERROR_STATUS,
        message: 'Invalid SessionHandle: session expired due to inactivity',
        sqlState: 'HY000',
        errorCode: 42,
      });
      const read = driverReadReply(method, bytes, driver);
      expect(read).toMatchObject({ name: method, type: 2, seqid: 1234567 });
      expect(read.error).toBeUndefined();
      const status = (read.success as StatusHolder).status;
      expect(status).toBeInstanceOf(T.TStatus);
      expect(status.statusCode).toBe(T.TStatusCode.ERROR_STATUS);
      expect(status.errorMessage).toBe('Invalid SessionHandle: session expired due to inactivity');
      expect(status.sqlState).toBe('HY000');
      expect(status.errorCode).toBe(42);
    });
  });

  it('carries INVALID_HANDLE, negative sequence ids and non-ASCII messages; omits absent optional fields', () => {
    const bytes = encodeThriftErrorReply({
      method: 'ExecuteStatement',
      seqid: -5,
      protocol: 'compact',
      statusCode: T.TStatusCode.INVALID_HANDLE_STATUS,
      message: 'Sitzung ungültig — 会话无效',
    });
    const read = driverReadReply('ExecuteStatement', bytes, 'compact');
    // npm thrift's compact reader returns the varint unsigned; as an i32 (what Thrift means) it is -5.
    expect(read.seqid | 0).toBe(-5);
    const status = (read.success as StatusHolder).status;
    expect(status.statusCode).toBe(T.TStatusCode.INVALID_HANDLE_STATUS);
    expect(status.errorMessage).toBe('Sitzung ungültig — 会话无效');
    expect(status.sqlState).toBeNull();
    expect(status.errorCode).toBeNull();
  });
});

describe('encodeThriftErrorReply, read by our decoder', () => {
  it.each(PROTOCOLS)('$driver: same header as the request, status summarized', ({ protocol, strictHeader }) => {
    const decoded = decodeThriftMessage(
      encodeThriftErrorReply({ method: 'GetTables', seqid: 9, protocol, strictHeader, statusCode: 3, message: 'boom', sqlState: '42000' }),
    );
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.message).toMatchObject({ protocol, strictHeader, name: 'GetTables', type: 'reply', seqid: 9, trailingBytes: 0 });
    expect(nameReply(decoded.message).status).toEqual({ statusCode: 3, statusName: 'ERROR_STATUS', errorMessage: 'boom', sqlState: '42000' });
  });
});
