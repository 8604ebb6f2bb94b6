import { status } from '@grpc/grpc-js';
import { toGrpcStatus } from '../../src/api/grpc-status';
import { ScenarioError } from '../../src/core/model';

describe('toGrpcStatus', () => {
  it('keeps the message of domain errors, which says what to fix', () => {
    const logged: unknown[] = [];
    const log = (_rpc: string, error: unknown): void => void logged.push(error);
    expect(toGrpcStatus(new ScenarioError('not_found', 'unknown scenario "x"'), 'GetScenario', log)).toEqual({
      code: status.NOT_FOUND,
      details: 'unknown scenario "x"',
    });
    expect(toGrpcStatus(new ScenarioError('invalid_argument', 'times: 1 to 1000000'), 'EnableScenario', log)).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'times: 1 to 1000000',
    });
    expect(logged).toEqual([]);
  });

  it('turns anything else into INTERNAL, logs it, and does not echo it to the client', () => {
    const logged: Array<[string, unknown]> = [];
    const bug = new TypeError("Cannot read properties of undefined (reading 'secret')");
    const result = toGrpcStatus(bug, 'ListCalls', (rpc, error) => void logged.push([rpc, error]));
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).toBe("ListCalls failed inside the proxy; its log has the details");
    expect(logged).toEqual([['ListCalls', bug]]);
  });
});
