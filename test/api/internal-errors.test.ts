// A bug elsewhere (here: a recorded value the protobuf encoding cannot carry) costs the one call INTERNAL;
// the server stays up and keeps answering.
import { status } from '@grpc/grpc-js';
import { FieldValue } from '../../src/core/model';
import { failure, StreamRecorder } from './support/control-client';
import { recordCall, startControlStack } from './support/control-stack';

it('answers INTERNAL for a call it cannot encode, ends only that stream, and keeps serving', async () => {
  const { journal, api, close } = await startControlStack();
  try {
    const watch = new StreamRecorder(api.watchCalls({}));
    await watch.until((m) => m.length >= 1);
    // A bigint is no JSON value: a decoder that let one through would be the bug.
    recordCall(journal, { rows: 10n as unknown as FieldValue });

    expect((await failure(api.listCalls())).code).toBe(status.INTERNAL);
    const error = (await watch.closed()) as (Error & { code?: number }) | undefined;
    expect(error?.code).toBe(status.INTERNAL);

    expect((await api.countCalls()).count).toBe(1n);
    expect((await api.resetCalls()).clearedCount).toBe(1n);
    expect((await api.listCalls()).calls).toEqual([]);
  } finally {
    await close();
  }
});
