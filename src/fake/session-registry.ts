// Open sessions and their operations, by handle id. Closing a session closes its operations; a closed or
// unknown handle is simply absent, which the service answers with INVALID_HANDLE.
import { guidToId, newHandleId, type HandleId } from './handles';
import type { Operation } from './operation';
import type { TOperationHandle, TSessionHandle } from './tcli-service';

export interface Session {
  handle: HandleId;
  openedAt: number;
  operations: Set<string>;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly operations = new Map<string, Operation>();

  open(now: number = Date.now()): Session {
    const session: Session = { handle: newHandleId(), openedAt: now, operations: new Set() };
    this.sessions.set(session.handle.id, session);
    return session;
  }

  session(handle: TSessionHandle | null | undefined): Session | undefined {
    return this.sessions.get(sessionKey(handle));
  }

  closeSession(session: Session): void {
    for (const opId of session.operations) this.operations.get(opId)?.close();
    for (const opId of session.operations) this.operations.delete(opId);
    this.sessions.delete(session.handle.id);
  }

  addOperation(session: Session, op: Operation): void {
    session.operations.add(op.handle.id);
    this.operations.set(op.handle.id, op);
  }

  operation(handle: TOperationHandle | null | undefined): Operation | undefined {
    return this.operations.get(operationKey(handle));
  }

  closeOperation(op: Operation): void {
    op.close();
    this.operations.delete(op.handle.id);
    this.sessions.get(op.sessionId)?.operations.delete(op.handle.id);
  }

  get openSessionCount(): number {
    return this.sessions.size;
  }

  get openOperationCount(): number {
    return this.operations.size;
  }

  closeAll(): void {
    for (const session of [...this.sessions.values()]) this.closeSession(session);
  }
}

export function sessionKey(handle: TSessionHandle | null | undefined): string {
  return guidToId(handle?.sessionId?.guid);
}

export function operationKey(handle: TOperationHandle | null | undefined): string {
  return guidToId(handle?.operationId?.guid);
}
