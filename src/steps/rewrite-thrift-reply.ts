// Step `rewrite_thrift_reply`: the server's Thrift REPLY decoded, fields set by path on its named tree
// (enums by number or name), encoded again in the same protocol with its own Content-Length. A path the reply
// does not have fails the call with the reason, and the server's reply goes to the client unchanged.
import { rewriteThriftReply } from '../proxy/reply/thrift-rewrite';
import { replyMethodsForPath, ReplyFieldError } from '../thrift/reply-fields';
import { StepImplementation } from './step-kind';

const MAX_ASSIGNMENTS = 100;

export const rewriteThriftReplyStep: StepImplementation<'rewrite_thrift_reply'> = {
  kind: 'rewrite_thrift_reply',
  ends: false,
  onResponse: true,
  validate(step, problem) {
    if (step.set.length === 0) problem('set', 'give at least one {path, value}');
    if (step.set.length > MAX_ASSIGNMENTS) problem('set', `at most ${MAX_ASSIGNMENTS} fields`);
    step.set.forEach((assignment, i) => {
      try {
        replyMethodsForPath(assignment.path, assignment.value);
      } catch (error) {
        if (!(error instanceof ReplyFieldError)) throw error;
        problem(`set[${i}]`, error.message);
      }
    });
  },
  explain: (step) => `rewrite the Thrift reply: ${step.set.map((a) => `${a.path} = ${JSON.stringify(a.value)}`).join(', ')}`,
  run(exchange, step) {
    exchange.onResponse({ step: rewriteThriftReplyStep.explain(step), thriftReply: (reply) => rewriteThriftReply(reply, step.set) });
    return 'continue';
  },
};
