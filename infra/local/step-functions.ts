import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine as LocalStateMachineRunner, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  type AslMachine,
  type AslState,
  assertRunnableLocally,
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
  statesOf,
  unqualified,
} from './asl-support.ts';
import { ExecutionHistory, type RunnerEvent, type TaskAttempt, type TaskKind } from './execution-history.ts';
import { HARNESS_CACHE_DIRECTORY } from './harness-cache.ts';
import { LambdaInvocationError, type LocalFunction } from './lambda-runtime.ts';
import { taskTimedOut } from './task-timeout.ts';
import {
  callbackTimeoutMs,
  DYNAMIC_TIMEOUT_PARAMETER,
  executionTimeoutMs,
  runnableDefinition,
  setLongTimeout,
} from './time-scale.ts';

/**
 * Step Functions, locally: runs each synthesized state machine definition unchanged with
 * aws-local-stepfunctions, sends its Task states to the local Lambda functions, and keeps executions,
 * task tokens and history the way the service does, so @aws-sdk/client-sfn and the AWS CLI work against it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LocalStateMachineSpec {
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  /** The definition exactly as synthesized, with tokens resolved to local ARNs. */
  readonly definition: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type { HistoryEvent } from './execution-history.ts';

interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: ExecutionHistory;
  abort?: () => void;
  settled: Promise<void>;
}

type WaitForTokenInput = { readonly FunctionName: string; readonly Payload: Json };

interface PendingTask {
  readonly executionArn: string;
  readonly stateName: string;
  readonly resolve: (output: Json) => void;
  readonly reject: (error: Error) => void;
}

/** An error the service answers with, by its AWS error code. */
export class StepFunctionsError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';
const TOKEN_PREFIX = 'local-task-token:';
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export class LocalStepFunctions {
  private readonly machines = new Map<
    string,
    { spec: LocalStateMachineSpec; runner: LocalStateMachineRunner; timeoutMs: number | undefined; createdAt: Date }
  >();
  private readonly executions = new Map<string, Execution>();
  private readonly pendingTasks = new Map<string, PendingTask>();
  /** Tokens whose task ended without a callback (timeout, failure, stop): late callbacks get TaskTimedOut. */
  private readonly closedTokens = new Set<string>();
  private readonly functionsByArn: ReadonlyMap<string, LocalFunction>;

  /** LOCAL_TIME_SCALE: how many seconds of workflow time pass in one second (see time-scale.ts). */
  readonly timeScale: number;

  constructor(
    machines: readonly LocalStateMachineSpec[],
    functions: readonly LocalFunction[],
    options: { readonly timeScale?: number } = {},
  ) {
    this.timeScale = options.timeScale ?? 1;
    this.functionsByArn = new Map(
      functions.flatMap((fn) => [
        [fn.spec.functionArn, fn],
        [fn.spec.functionName, fn],
      ]),
    );
    const functionNames = new Set(this.functionsByArn.keys());
    for (const spec of machines) {
      const definition = JSON.parse(spec.definition) as AslMachine;
      assertRunnableLocally(spec.name, definition, { functions: functionNames, timeScale: this.timeScale });
      // Validated as synthesized; the runnable copy differs only in its times, which may no longer be whole
      // seconds, so it is not validated again.
      validateOnce(spec.definition);
      const runnable = runnableDefinition(definition, this.timeScale) as unknown as StateMachineDefinition;
      const runner = new LocalStateMachineRunner(runnable, { validationOptions: { noValidate: true } });
      const timeoutMs = executionTimeoutMs(definition, this.timeScale);
      this.machines.set(spec.arn, { spec, runner, timeoutMs, createdAt: new Date() });
    }
  }

  get stateMachines(): LocalStateMachineSpec[] {
    return [...this.machines.values()].map((machine) => machine.spec);
  }

  // ── API operations (names and shapes as in the Step Functions API) ─────────────────────────────

  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }) {
    const machine = this.machines.get(request.stateMachineArn ?? '');
    if (machine === undefined)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    const name = request.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    let parsedInput: Json;
    try {
      parsedInput = JSON.parse(input) as Json;
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${machine.spec.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing !== undefined) {
      // The service treats a repeated start of a running execution with identical input as the same request.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.spec.arn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      history: new ExecutionHistory(),
      settled: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    this.run(execution, machine, parsedInput);
    return { executionArn, startDate: execution.startDate };
  }

  describeExecution(request: { executionArn?: string }) {
    const execution = this.execution(request.executionArn);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      input: execution.input,
      ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate }),
      ...(execution.output === undefined ? {} : { output: execution.output }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  }

  listExecutions(request: {
    stateMachineArn?: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }) {
    if (!this.machines.has(request.stateMachineArn ?? '')) {
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    }
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === request.stateMachineArn)
      .filter((e) => request.statusFilter === undefined || e.status === request.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate === undefined ? {} : { stopDate: e.stopDate }),
      }));
    return paginate('executions', matching, request.maxResults, request.nextToken);
  }

  getExecutionHistory(request: {
    executionArn?: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
  }) {
    const execution = this.execution(request.executionArn);
    const { events: all } = execution.history;
    const events = request.reverseOrder ? [...all].reverse() : all;
    return paginate('events', events, request.maxResults, request.nextToken);
  }

  stopExecution(request: { executionArn?: string; error?: string; cause?: string }) {
    const execution = this.execution(request.executionArn);
    if (execution.status === 'RUNNING') {
      execution.error = request.error;
      execution.cause = request.cause;
      // An aborted execution's tasks record nothing more, as on AWS.
      execution.history.closeAllAttempts();
      execution.abort?.();
    }
    return { stopDate: execution.stopDate ?? new Date() };
  }

  sendTaskSuccess(request: { taskToken?: string; output?: string }) {
    const task = this.takeTask(request.taskToken);
    let output: Json;
    try {
      output = JSON.parse(request.output ?? '') as Json;
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: not JSON');
    }
    task.resolve(output);
    return {};
  }

  sendTaskFailure(request: { taskToken?: string; error?: string; cause?: string }) {
    const task = this.takeTask(request.taskToken);
    const error = new Error(request.cause ?? '');
    error.name = request.error ?? 'States.TaskFailed';
    task.reject(error);
    return {};
  }

  sendTaskHeartbeat(request: { taskToken?: string }) {
    // aws-local-stepfunctions has no HeartbeatSeconds, so a heartbeat only proves the token is live.
    this.liveTask(request.taskToken);
    return {};
  }

  describeStateMachine(request: { stateMachineArn?: string }) {
    const machine = this.machines.get(request.stateMachineArn ?? '');
    if (machine === undefined)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    return {
      stateMachineArn: machine.spec.arn,
      name: machine.spec.name,
      status: 'ACTIVE',
      definition: machine.spec.definition,
      roleArn: machine.spec.roleArn,
      type: 'STANDARD',
      creationDate: machine.createdAt,
    };
  }

  listStateMachines(request: { maxResults?: number; nextToken?: string }) {
    const machines = [...this.machines.values()].map(({ spec, createdAt }) => ({
      stateMachineArn: spec.arn,
      name: spec.name,
      type: 'STANDARD',
      creationDate: createdAt,
    }));
    return paginate('stateMachines', machines, request.maxResults, request.nextToken);
  }

  /** Aborts every running execution and settles its waiting tasks, so that no runner timer outlives the stack. */
  stop(): void {
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      execution.history.closeAllAttempts();
      execution.abort?.();
    }
    this.closeTokens(() => true);
  }

  // ── Running an execution ───────────────────────────────────────────────────────────────────────

  private run(
    execution: Execution,
    {
      spec,
      runner,
      timeoutMs,
    }: { spec: LocalStateMachineSpec; runner: LocalStateMachineRunner; timeoutMs: number | undefined },
    input: Json,
  ): void {
    // Handlers are found in the definition as synthesized: what the history reports (TimeoutSeconds) is AWS's.
    const definition = JSON.parse(spec.definition) as AslMachine;
    const region = spec.arn.split(':')[3] ?? 'us-east-1';
    const handle = runner.run(input, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(execution, definition, region) },
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, RoleArn: spec.roleArn },
        StateMachine: { Id: spec.arn, Name: spec.name },
        // A fixed placeholder: each waiting task swaps it for a token of its own (see taskHandler).
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    execution.abort = handle.abort;
    // The execution timeout, armed here rather than by the runner, whose single setTimeout misfires past ~24.8 days.
    const timeout =
      timeoutMs === undefined
        ? undefined
        : setLongTimeout(timeoutMs, () => {
            execution.history.timedOut();
            handle.abort();
          });
    const recordHistory = (async () => {
      for await (const event of handle.eventLogs) this.record(execution, event);
    })();
    execution.settled = handle.result
      .then(
        (output) => {
          execution.status = 'SUCCEEDED';
          execution.output = JSON.stringify(output);
        },
        (error: Error) => {
          const cause = (error.cause ?? error) as Error;
          if (error.name === 'ExecutionAbortedError')
            execution.status = execution.history.hasTimedOut ? 'TIMED_OUT' : 'ABORTED';
          else {
            execution.status = 'FAILED';
            execution.error = cause.name;
            execution.cause = cause.message;
          }
        },
      )
      .then(async () => {
        timeout?.clear();
        execution.stopDate = new Date();
        await recordHistory.catch(() => undefined);
        execution.history.closeAllAttempts();
        this.closeTokens((task) => task.executionArn === execution.executionArn);
      });
  }

  /** One local handler per Task state, found by walking the definition (branches and Map processors too). */
  private taskHandlers(execution: Execution, definition: AslMachine, region: string) {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of statesOf(definition)) {
      if (state.Type === 'Task') handlers[stateName] = this.taskHandler(execution, stateName, state, region);
    }
    return handlers;
  }

  /**
   * Calls the task's Lambda function as Step Functions would, and records each attempt in the history.
   * A function error reaches the runner named by its errorType (what Retry and Catch match) with Lambda's
   * JSON error document as its cause, as on AWS.
   */
  private taskHandler(
    execution: Execution,
    stateName: string,
    state: AslState,
    region: string,
  ): (input: Json) => Promise<Json> {
    const resource = String(state.Resource);
    const kind: TaskKind =
      resource === LAMBDA_INVOKE
        ? 'invoke'
        : resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN
          ? 'invoke.waitForTaskToken'
          : 'function';
    const fixedTimeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
    return async (resolvedParameters) => {
      const { parameters: rawInput, timeoutSeconds: dynamicTimeout } = withoutDynamicTimeout(
        stateName,
        resolvedParameters,
      );
      const timeoutSeconds = dynamicTimeout ?? fixedTimeoutSeconds;
      // Each waiting task gets a token of its own in place of the placeholder $$.Task.Token resolved to.
      const token = kind === 'invoke.waitForTaskToken' ? `${TOKEN_PREFIX}${randomUUID()}` : undefined;
      const input =
        token === undefined
          ? rawInput
          : (JSON.parse(JSON.stringify(rawInput).replaceAll(TOKEN_PLACEHOLDER, token)) as Json);
      const attempt = execution.history.beginAttempt({
        stateName,
        kind,
        resource,
        region,
        parameters: input,
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      });
      // A timeout read from the state input (TimeoutSecondsPath) is armed here, at the harness's time scale.
      const timeoutMs =
        dynamicTimeout === undefined
          ? undefined
          : kind === 'invoke.waitForTaskToken'
            ? callbackTimeoutMs(dynamicTimeout, this.timeScale)
            : dynamicTimeout * 1000;
      let timedOut: Error | undefined;
      const timer =
        timeoutMs === undefined
          ? undefined
          : (() => {
              let fire: (error: Error) => void = () => undefined;
              const fired = new Promise<never>((_resolve, reject) => {
                fire = reject;
              });
              const armed = setLongTimeout(timeoutMs, () => {
                if (token !== undefined) this.closeTokens((_task, candidate) => candidate === token);
                timedOut = taskTimedOut(state);
                fire(timedOut);
              });
              return { fired, clear: () => armed.clear() };
            })();
      try {
        let output: Json;
        if (timer !== undefined) {
          output = await Promise.race([
            this.runTask(execution, stateName, kind, resource, attempt, token, input),
            timer.fired,
          ]);
        } else if (kind === 'invoke') {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
          const result = await this.lambda(FunctionName).invoke(Payload);
          output = { ExecutedVersion: '$LATEST', Payload: result as Json, StatusCode: 200 };
        } else if (kind === 'invoke.waitForTaskToken') {
          output = await this.waitForToken(execution, stateName, attempt, token ?? '', input as WaitForTokenInput);
        } else {
          output = (await this.lambda(resource).invoke(input)) as Json;
        }
        attempt.succeeded(output);
        return output;
      } catch (error) {
        if (timedOut !== undefined && error === timedOut) {
          attempt.timedOut(timedOut.message);
          throw error;
        }
        const failure = asStatesError(error);
        attempt.failed(failure.name, failure.message);
        throw failure;
      } finally {
        timer?.clear();
      }
    };
  }

  /** One attempt of a task, for a caller that races it against a timeout of its own. */
  private async runTask(
    execution: Execution,
    stateName: string,
    kind: TaskKind,
    resource: string,
    attempt: TaskAttempt,
    token: string | undefined,
    input: Json,
  ): Promise<Json> {
    if (kind === 'invoke') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: Json };
      const result = await this.lambda(FunctionName).invoke(Payload);
      return { ExecutedVersion: '$LATEST', Payload: result as Json, StatusCode: 200 };
    }
    if (kind === 'invoke.waitForTaskToken') {
      return this.waitForToken(execution, stateName, attempt, token ?? '', input as WaitForTokenInput);
    }
    return (await this.lambda(resource).invoke(input)) as Json;
  }

  private waitForToken(
    execution: Execution,
    stateName: string,
    attempt: TaskAttempt,
    token: string,
    input: WaitForTokenInput,
  ): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      // Registered before the function runs: it may hand the token back before it even returns.
      this.pendingTasks.set(token, { executionArn: execution.executionArn, stateName, resolve, reject });
      this.lambda(input.FunctionName)
        .invoke(input.Payload)
        .then(
          (result) => attempt.submitted({ ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }),
          (error: Error) => {
            this.pendingTasks.delete(token);
            reject(error);
          },
        );
    });
  }

  private lambda(functionNameOrArn: string): LocalFunction {
    const fn = this.functionsByArn.get(unqualified(functionNameOrArn));
    if (fn === undefined)
      throw new StepFunctionsError('Lambda.ResourceNotFoundException', `Function not found: ${functionNameOrArn}`);
    return fn;
  }

  private takeTask(token: string | undefined): PendingTask {
    const task = this.liveTask(token);
    this.pendingTasks.delete(token ?? '');
    return task;
  }

  private liveTask(token: string | undefined): PendingTask {
    if (token === undefined || !token.startsWith(TOKEN_PREFIX))
      throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    const task = this.pendingTasks.get(token);
    if (task !== undefined) return task;
    if (this.closedTokens.has(token)) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    throw new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  /**
   * Ends waiting tasks without a callback: late callbacks get TaskTimedOut, and each task's promise is settled,
   * because the runner clears a task's (possibly days-long) timeout only when the task settles. Where the
   * runner has already moved on (timeout, end of execution) the rejection goes unheard.
   */
  private closeTokens(predicate: (task: PendingTask, token: string) => boolean): void {
    for (const [token, task] of this.pendingTasks) {
      if (!predicate(task, token)) continue;
      this.pendingTasks.delete(token);
      this.closedTokens.add(token);
      task.reject(Object.assign(new Error('the task was closed without a callback'), { name: 'States.Runtime' }));
    }
  }

  private execution(executionArn: string | undefined): Execution {
    const execution = this.executions.get(executionArn ?? '');
    if (execution === undefined)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** Appends the runner's event to the execution's history, as Step Functions would record it. */
  private record(execution: Execution, event: RunnerEvent): void {
    execution.history.fromRunner(event);
    if (event.type === 'StateFailed') {
      // A failed or timed-out waiting task can no longer be resumed.
      this.closeTokens((task) => task.executionArn === execution.executionArn && task.stateName === event.state.name);
    }
  }
}

/**
 * The error a failed task hands the runner: named as Step Functions names it (a function's errorType), with
 * Lambda's error document as the cause, e.g. {"errorType":"DeclarationNotFound","errorMessage":"...","trace":[]}.
 */
/**
 * Takes the timeout a TimeoutSecondsPath resolved to (see DYNAMIC_TIMEOUT_PARAMETER) out of a task's parameters.
 * As on AWS, a path that does not resolve to a positive integer fails the state with States.Runtime.
 */
function withoutDynamicTimeout(stateName: string, parameters: Json): { parameters: Json; timeoutSeconds?: number } {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return { parameters };
  if (!Object.hasOwn(parameters, DYNAMIC_TIMEOUT_PARAMETER)) return { parameters };
  const { [DYNAMIC_TIMEOUT_PARAMETER]: value, ...rest } = parameters;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw Object.assign(
      new Error(`state ${stateName}: TimeoutSecondsPath resolved to ${JSON.stringify(value)}, not a positive integer`),
      { name: 'States.Runtime' },
    );
  }
  return { parameters: rest, timeoutSeconds: value };
}

function asStatesError(error: unknown): Error {
  if (error instanceof LambdaInvocationError) {
    const { errorType, errorMessage, trace } = error.error;
    return Object.assign(new Error(JSON.stringify({ errorType, errorMessage, trace })), { name: errorType });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function paginate<K extends string, T>(key: K, items: readonly T[], maxResults?: number, nextToken?: string) {
  const start = nextToken === undefined ? 0 : Number(nextToken);
  const size = maxResults !== undefined && maxResults > 0 ? maxResults : 1000;
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { [key]: page, ...(more ? { nextToken: String(start + size) } : {}) } as Record<K, T[]> & {
    nextToken?: string;
  };
}

const VALIDATED_DEFINITIONS = join(HARNESS_CACHE_DIRECTORY, 'validated-asl');

/** The dependencies as locked, the runner's version among them. */
const LOCKED_DEPENDENCIES = createHash('sha256')
  .update(readFileSync(new URL('../../package-lock.json', import.meta.url)))
  .digest('hex');

/**
 * The runner's own validation of a definition (~250 ms of each start per machine), skipped for a definition the
 * same locked dependencies (the runner's version among them) accepted before, byte for byte: they would accept it
 * again. A definition it refuses is never recorded, so it is refused at every start; and assertRunnableLocally
 * checks every definition at every start, cached or not.
 */
function validateOnce(definition: string): void {
  const marker = join(
    VALIDATED_DEFINITIONS,
    createHash('sha256').update(`${LOCKED_DEPENDENCIES}\0${definition}`).digest('hex').slice(0, 32),
  );
  if (existsSync(marker)) return;
  new LocalStateMachineRunner(JSON.parse(definition));
  mkdirSync(VALIDATED_DEFINITIONS, { recursive: true });
  writeFileSync(marker, '');
}
