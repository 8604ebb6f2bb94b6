// The Exchange a scenario's steps run on (src/steps/step-kind.ts): one request, its call record, and the ways
// to end it (answer, cut, forward). Every way finishes the record exactly once.
import http from 'node:http';
import net from 'node:net';
import { CallKind, StepSpec } from '../core/model';
import { explainStep, runStep } from '../steps/registry';
import { CutKind, Exchange, StepOutcome, StepReply } from '../steps/step-kind';
import { ThriftCallIdentity } from '../thrift/call-identity';
import { closeConnection, closeError } from './actions/close';
import { HeldRequests } from './actions/hold';
import { resetConnection, resetError } from './actions/reset';
import { CallOutcome, RecordedCall } from './recorded-call';
import { RelayHook } from './reply/shaped-relay';
import { thriftReplyFacts } from './thrift-message-facts';

/** What the pipeline lends an exchange. */
export interface ExchangeHost {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  clientSocket: net.Socket;
  /** The proxy's registry of waiting requests (a drain releases them, a close aborts them). */
  holds: HeldRequests;
  /** Forwards the request with these reply hooks; finishes the record. */
  forward(hooks: readonly RelayHook[] | undefined): void;
  /** A step threw: answer 500 (or cut), fail the record, log. */
  internalError(error: unknown): void;
}

export class StepExchange implements Exchange {
  private hooks: RelayHook[] | undefined;
  private ended = false;

  constructor(
    readonly scenario: string,
    readonly kind: CallKind,
    readonly thriftCall: ThriftCallIdentity | undefined,
    private readonly call: RecordedCall,
    private readonly host: ExchangeHost,
  ) {}

  /** Runs the steps in order from `index`; forwards when no step ended the exchange. */
  run(steps: readonly StepSpec[], index = 0): void {
    for (let i = index; i < steps.length; i++) {
      const step = steps[i];
      this.call.noteStep(explainStep(step));
      let outcome: StepOutcome | Promise<StepOutcome>;
      try {
        outcome = runStep(this, step);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (outcome === 'ended') return;
      if (outcome !== 'continue') {
        outcome.then(
          (next) => {
            if (next === 'continue') this.run(steps, i + 1);
          },
          (error: unknown) => this.fail(error),
        );
        return;
      }
    }
    this.forward();
  }

  reply(answer: StepReply): 'ended' {
    this.end();
    const { req, res } = this.host;
    req.resume(); // an unread request body would stall the kept-alive connection
    const headers: http.OutgoingHttpHeaders = { ...answer.headers, 'content-length': answer.body.length };
    res.writeHead(answer.status, headers);
    res.end(answer.body);
    const outcome: CallOutcome = { httpStatus: answer.status, responseBytes: answer.body.length };
    if (answer.thrift === true) Object.assign(outcome, thriftReplyFacts(answer.body));
    completeWhenSent(res, this.call, outcome);
    return 'ended';
  }

  cut(how: CutKind): 'ended' {
    this.end();
    if (how === 'reset') {
      resetConnection(this.host.clientSocket);
      this.call.fail(resetError(this.scenario));
    } else {
      closeConnection(this.host.clientSocket);
      this.call.fail(closeError(this.scenario));
    }
    return 'ended';
  }

  forward(): 'ended' {
    this.end();
    this.host.forward(this.hooks);
    return 'ended';
  }

  async wait(ms: number, doing: string): Promise<StepOutcome> {
    const { res } = this.host;
    const outcome = await this.host.holds.hold(ms, res);
    if (outcome === 'elapsed' || outcome === 'released') return 'continue';
    this.end();
    const who = outcome === 'aborted' ? 'the proxy closed' : 'the client closed the connection';
    this.call.fail(`${who} while scenario ${this.scenario} ${doing}`);
    res.destroy();
    return 'ended';
  }

  onResponse(hook: RelayHook): void {
    (this.hooks ??= []).push(hook);
  }

  private end(): void {
    // A step that ends an exchange twice is a bug in that step, not something to paper over.
    if (this.ended) throw new Error(`scenario ${this.scenario}: a step ended the exchange twice`);
    this.ended = true;
  }

  private fail(error: unknown): void {
    this.host.internalError(error);
  }
}

export function completeWhenSent(res: http.ServerResponse, call: RecordedCall, outcome: CallOutcome): void {
  if (res.writableFinished) {
    call.complete(outcome);
    return;
  }
  res.once('finish', () => call.complete(outcome));
  res.once('close', () => {
    if (!res.writableFinished) call.fail('the client closed the connection before the reply was complete', outcome);
  });
}
