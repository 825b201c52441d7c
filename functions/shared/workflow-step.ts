import middy from '@middy/core';
import { withInvocationContext } from './logger.ts';

/**
 * A Step Functions task handler. Errors are not mapped here: they propagate with their `name`, which is
 * what the state machine's Retry and Catch clauses match on (e.g. "TransitionNotAllowed").
 */
export function workflowStep<TInput, TOutput>(core: (input: TInput) => Promise<TOutput>) {
  return middy<TInput, TOutput>({ timeoutEarlyInMillis: 0 })
    .use(withInvocationContext())
    .handler((input) => core(input));
}
