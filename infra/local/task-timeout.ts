import type { AslState } from './asl-support.ts';

/**
 * A task timeout the harness arms itself (TimeoutSecondsPath, read at run time and scaled) reaches the runner as a
 * plain error named States.Timeout. On AWS, States.Timeout is matched by a retrier or catcher naming it or
 * States.ALL, never by States.TaskFailed; the runner's States.TaskFailed wildcard spares only its own (unexported)
 * timeout error, so it would retry or catch ours. The error therefore says itself whether AWS would retry or catch
 * it: where AWS would, the first matching retrier or catcher is also the runner's first, which
 * `whyTimeoutCannotMatchLocally` checks at start-up.
 */
const TIMEOUT = 'States.Timeout';
const ALL = 'States.ALL';
const TASK_FAILED = 'States.TaskFailed';

type Matcher = { readonly ErrorEquals?: readonly string[] };

const matchersOf = (state: AslState, field: 'Retry' | 'Catch') =>
  (Array.isArray(state[field]) ? (state[field] as Matcher[]) : []).map((matcher) => matcher.ErrorEquals ?? []);
const awsMatches = (errors: readonly string[]) => errors.includes(TIMEOUT) || errors.includes(ALL);
const runnerAloneMatches = (errors: readonly string[]) => errors.includes(TASK_FAILED) && !awsMatches(errors);

/** The error a harness-armed timeout of this Task state fails with. */
export function taskTimedOut(state: AslState): Error {
  return Object.assign(new Error('the task timed out'), {
    name: TIMEOUT,
    // Read by the runner (aws-local-stepfunctions) before it matches Retry and Catch.
    isRetryable: matchersOf(state, 'Retry').some(awsMatches),
    isCatchable: matchersOf(state, 'Catch').some(awsMatches),
  });
}

/**
 * Why a Task state whose timeout the harness arms cannot have it matched as on AWS: a States.TaskFailed retrier or
 * catcher before the one AWS would use for States.Timeout would be the runner's choice instead.
 */
export function whyTimeoutCannotMatchLocally(state: AslState): string | undefined {
  for (const field of ['Retry', 'Catch'] as const) {
    const matchers = matchersOf(state, field);
    const aws = matchers.findIndex(awsMatches);
    const runner = matchers.findIndex(runnerAloneMatches);
    if (aws >= 0 && runner >= 0 && runner < aws) {
      return `${field}: a States.TaskFailed entry before the one for States.Timeout would take a timeout read from TimeoutSecondsPath locally; list States.Timeout first`;
    }
  }
  return undefined;
}
