import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from './logger.ts';

/**
 * A Step Functions task handler. Errors are not mapped here: they propagate with their `name`, which is
 * what the state machine's Retry and Catch clauses match on (e.g. "TransitionNotAllowed").
 */
export function workflowStep<TInput, TOutput>(core: (input: TInput) => Promise<TOutput>) {
  return middy<TInput, TOutput>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((input) => core(input));
}
