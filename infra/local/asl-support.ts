import { LocalStackStartError } from './start-errors.ts';
import { whyTimeoutCannotMatchLocally } from './task-timeout.ts';

/**
 * What the local Step Functions can run faithfully, checked once at start-up: a definition that needs more
 * fails `npm start`, naming the state machine and the state, instead of failing (or silently misbehaving)
 * halfway through an execution. aws-local-stepfunctions ignores what it does not know, so this list is the
 * harness's honesty about it.
 */
export type AslState = {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Record<string, unknown>;
  readonly Branches?: readonly AslMachine[];
  readonly ItemProcessor?: AslMachine & { readonly ProcessorConfig?: { readonly Mode?: string } };
  readonly Iterator?: AslMachine;
  readonly [field: string]: unknown;
};
export type AslMachine = {
  readonly StartAt?: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
  readonly QueryLanguage?: string;
};

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Every state of a definition, nested ones (Parallel branches, Map processors) included. */
export function* statesOf(machine: AslMachine): Generator<[name: string, state: AslState]> {
  for (const [name, state] of Object.entries(machine.States)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* statesOf(branch);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor !== undefined) yield* statesOf(processor);
  }
}

/** Fields the runner would ignore, so a definition using them would behave differently from AWS. */
const UNSUPPORTED_FIELDS: Readonly<Record<string, string>> = {
  HeartbeatSeconds: 'HeartbeatSeconds is not enforced by the local runner',
  HeartbeatSecondsPath: 'HeartbeatSecondsPath is not enforced by the local runner',
  Assign: 'variables (Assign) are not supported by the local runner',
  Arguments: 'Arguments is JSONata, which the local runner does not evaluate',
  Output: 'Output is JSONata, which the local runner does not evaluate',
  Credentials: 'cross-account Credentials are not supported locally',
  ItemReader: 'ItemReader is distributed Map, which the local runner does not run',
  ResultWriter: 'ResultWriter is distributed Map, which the local runner does not run',
  ItemBatcher: 'ItemBatcher is distributed Map, which the local runner does not run',
  ToleratedFailureCount: 'ToleratedFailureCount is distributed Map, which the local runner does not run',
  ToleratedFailurePercentage: 'ToleratedFailurePercentage is distributed Map, which the local runner does not run',
};

export interface RunnabilityOptions {
  /** Names and ARNs of the stack's Lambda functions. */
  readonly functions: ReadonlySet<string>;
  /** LOCAL_TIME_SCALE: a value other than 1 cannot scale a number of seconds read from the input at run time. */
  readonly timeScale?: number;
}

/** Throws a LocalStackStartError listing every state of the machine the harness cannot run faithfully. */
export function assertRunnableLocally(machineName: string, machine: AslMachine, options: RunnabilityOptions): void {
  const problems: string[] = [];
  if (machine.QueryLanguage === 'JSONata')
    problems.push('QueryLanguage JSONata: the local runner evaluates JSONPath only');
  for (const [name, state] of statesOf(machine)) {
    const problem = (reason: string) => problems.push(`state "${name}": ${reason}`);
    if (state.QueryLanguage === 'JSONata') problem('QueryLanguage JSONata: the local runner evaluates JSONPath only');
    for (const [field, reason] of Object.entries(UNSUPPORTED_FIELDS)) if (field in state) problem(reason);
    if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED')
      problem('distributed Map (ProcessorConfig.Mode DISTRIBUTED) is not run by the local runner');
    if (state.Type === 'Task') {
      const reason = whyTaskCannotRun(state, options.functions);
      if (reason !== undefined) problem(reason);
      const unmatched = 'TimeoutSecondsPath' in state ? whyTimeoutCannotMatchLocally(state) : undefined;
      if (unmatched !== undefined) problem(unmatched);
    }
    // A wait until a timestamp ends at that instant, on AWS and here at any scale: it is a business time, not a
    // duration. A number of seconds read from the input is a duration the runner cannot divide.
    if ((options.timeScale ?? 1) !== 1 && 'SecondsPath' in state) {
      problem('SecondsPath cannot be scaled by LOCAL_TIME_SCALE; run with LOCAL_TIME_SCALE=1');
    }
  }
  if (problems.length > 0) {
    throw new LocalStackStartError(
      `state machine ${machineName} cannot run locally as it would on AWS:\n  ${problems.join('\n  ')}`,
    );
  }
}

function whyTaskCannotRun(state: AslState, functions: ReadonlySet<string>): string | undefined {
  const resource = String(state.Resource);
  if (resource === LAMBDA_INVOKE || resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) {
    const parameters = state.Parameters ?? {};
    // A name chosen at run time is checked when the task runs, as Lambda would (ResourceNotFoundException).
    if ('FunctionName.$' in parameters) return undefined;
    const functionName = parameters.FunctionName;
    if (typeof functionName !== 'string') return `${resource} needs Parameters.FunctionName`;
    if (!functions.has(unqualified(functionName)))
      return `Lambda function ${functionName} is not one of the stack's functions`;
    return undefined;
  }
  if (resource.startsWith('arn:aws:lambda:')) {
    return functions.has(unqualified(resource))
      ? undefined
      : `Lambda function ${resource} is not one of the stack's functions`;
  }
  return `Task resource ${resource} cannot be run by the local harness (only Lambda invoke and invoke.waitForTaskToken)`;
}

/** A function name or ARN without its `$LATEST` qualifier (the only version the harness runs). */
export function unqualified(functionNameOrArn: string): string {
  return functionNameOrArn.replace(/:\$LATEST$/, '');
}
