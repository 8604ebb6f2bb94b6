// Hostile input: random bytes and mutated real messages (bit flips, truncation, inserted bytes, huge lengths)
// must never make the decoder or the naming throw, hang, or build large outputs.
import fc from 'fast-check';
import * as thrift from 'thrift';
import { decodeThriftMessage, DEFAULT_DECODE_LIMITS } from '../../src/thrift/decoder';
import { nameCall, nameReply } from '../../src/thrift/naming';
import { encodeThriftErrorReply } from '../../src/thrift/error-reply';
import { countNodes } from './support/decoded';
import { driverCall, driverReply } from './support/driver-wire';
import { sampleRequests } from './support/sample-requests';
import { executeStatementError, fetchResultsCloudFetch, fetchResultsColumns, openSessionSuccess, resultSetMetadata } from './support/sample-replies';
import { encodeWithNpmThrift, structArb } from './support/thrift-values';
import { mutate, mutationArb } from '../helpers/thrift-mutations';

// A hang guard, not a speed target: inputs decode in microseconds; only a loop or a blow-up would come near this.
const MAX_MS_PER_INPUT = 2000;
const MAX_NAMED_JSON_CHARS = 1_000_000;

/** Decodes and names `bytes`, checking the invariants every input must keep. */
function checkSurvives(bytes: Buffer): void {
  const started = process.hrtime.bigint();
  const result = decodeThriftMessage(bytes);
  if (result.ok) {
    const m = result.message;
    expect(m.byteLength + m.trailingBytes).toBe(bytes.length);
    expect(countNodes(m.body)).toBeLessThanOrEqual(DEFAULT_DECODE_LIMITS.maxNodes + 1);
    const named = JSON.stringify([nameCall(m), nameReply(m)]);
    expect(named.length).toBeLessThan(MAX_NAMED_JSON_CHARS);
  } else {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
  }
  expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(MAX_MS_PER_INPUT);
}

function validMessages(): Buffer[] {
  const requests = sampleRequests();
  const out: Buffer[] = [];
  for (const [method, req] of Object.entries(requests)) {
    out.push(driverCall(method, req, 3, 'binary'), driverCall(method, req, 3, 'compact'));
  }
  const replies: Array<[string, object]> = [
    ['OpenSession', openSessionSuccess()],
    ['ExecuteStatement', executeStatementError()],
    ['GetResultSetMetadata', resultSetMetadata()],
    ['FetchResults', fetchResultsCloudFetch()],
    ['FetchResults', fetchResultsColumns(300)],
  ];
  for (const [method, resp] of replies) {
    out.push(driverReply(method, driverCall(method, requests[method], 5), resp));
    out.push(driverReply(method, driverCall(method, requests[method], 5, 'compact'), resp, 'compact'));
  }
  out.push(encodeThriftErrorReply({ method: 'GetTables', seqid: 1, protocol: 'binary', strictHeader: false, statusCode: 3, message: 'x' }));
  return out;
}

describe('decoder under hostile input (properties)', () => {
  const messages = validMessages();

  it('survives random bytes', () => {
    const prefixes = [[], [0x80, 0x01, 0x00, 0x01], [0x80, 0x01, 0x00, 0x02], [0x82, 0x21], [0x82, 0x41], [0, 0, 0, 4, 0x45, 0x78, 0x65, 0x63, 1]];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), (prefix, body) => {
        checkSurvives(Buffer.concat([Buffer.from(prefix), Buffer.from(body)]));
      }),
      { numRuns: 1500 },
    );
  });

  it('survives mutated driver calls and replies', () => {
    fc.assert(
      fc.property(fc.constantFrom(...messages), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (message, mutations) => {
        checkSurvives(mutate(message, mutations));
      }),
      { numRuns: 1500 },
    );
  });

  it('survives mutated random structs in every protocol', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('binary' as const, 'binary-old-header' as const, 'compact' as const),
        structArb(3),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (protocol, body, mutations) => {
          checkSurvives(mutate(encodeWithNpmThrift(protocol, 'FetchResults', thrift.Thrift.MessageType.REPLY, 9, body), mutations));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('still decodes every unmutated sample (the mutations start from valid messages)', () => {
    for (const m of messages) expect(decodeThriftMessage(m).ok).toBe(true);
  });
});
