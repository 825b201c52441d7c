import type { StateMachine as LocalStateMachineRunner } from 'aws-local-stepfunctions';
import { LOCAL_ACCOUNT } from './intrinsics.ts';

/**
 * An execution's history as Step Functions writes it. Two sources feed it: the runner's event log (states
 * entered and exited, retries, the execution's end) and the harness's own task handlers (each attempt of a
 * task: scheduled, started, submitted, succeeded or failed), because the runner knows nothing of the task's
 * service. The runner's log arrives asynchronously, a little behind the handlers, so a task's events wait
 * until the log has entered their state: the order is then AWS's:
 *
 *   TaskStateEntered, TaskScheduled, TaskStarted, TaskFailed,      (attempt 1)
 *                     TaskScheduled, TaskStarted, TaskSucceeded,   (the retry)
 *   TaskStateExited
 *
 * A state whose Resource is a Lambda ARN (no service integration) gets Lambda's own events instead
 * (LambdaFunctionScheduled, -Started, -Succeeded, -Failed, -TimedOut), as on AWS.
 */

/** The runner's event log entries (its type is not exported, so it is derived from `run`). */
export type RunnerEvent =
  ReturnType<LocalStateMachineRunner['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

type EventContent = { readonly type: string; readonly [details: string]: unknown };

/** How a Task calls Lambda: the lambda:invoke integration (and its callback pattern), or the function's ARN. */
export type TaskKind = 'invoke' | 'invoke.waitForTaskToken' | 'function';

export interface TaskAttemptStart {
  readonly stateName: string;
  readonly kind: TaskKind;
  /** The function's ARN for `function` tasks; the integration resource for the others. */
  readonly resource: string;
  readonly region: string;
  /** The task's input after Parameters: what goes to the service. */
  readonly parameters: unknown;
  readonly timeoutSeconds?: number;
}

/** One attempt of one Task state; its later events are dropped once the runner has moved on (a timeout). */
export class TaskAttempt {
  private closed = false;
  private readonly history: ExecutionHistory;
  readonly start: TaskAttemptStart;

  constructor(history: ExecutionHistory, start: TaskAttemptStart) {
    this.history = history;
    this.start = start;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  /** The Lambda call returned and the task now waits for its token (callback pattern only). */
  submitted(invokeResponse: unknown): void {
    this.emit({
      type: 'TaskSubmitted',
      taskSubmittedEventDetails: { ...this.taskIdentity(), output: JSON.stringify(invokeResponse) },
    });
  }

  succeeded(output: unknown): void {
    if (this.start.kind === 'function') {
      this.emit({ type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: json(output) } });
    } else {
      this.emit({ type: 'TaskSucceeded', taskSucceededEventDetails: { ...this.taskIdentity(), output: json(output) } });
    }
    this.close();
  }

  failed(error: string, cause: string): void {
    if (this.start.kind === 'function') {
      this.emit({ type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } });
    } else {
      this.emit({ type: 'TaskFailed', taskFailedEventDetails: { ...this.taskIdentity(), error, cause } });
    }
    this.close();
  }

  timedOut(cause: string): void {
    const details = { error: 'States.Timeout', cause };
    if (this.start.kind === 'function') {
      this.emit({ type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: details });
    } else {
      this.emit({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...this.taskIdentity(), ...details } });
    }
    this.close();
  }

  /** Scheduled and started: the service accepted the call. */
  scheduledAndStarted(): void {
    const { start } = this;
    const timeout = start.timeoutSeconds === undefined ? {} : { timeoutInSeconds: start.timeoutSeconds };
    if (start.kind === 'function') {
      this.emit({
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: { resource: start.resource, input: json(start.parameters), ...timeout },
      });
      this.emit({ type: 'LambdaFunctionStarted' });
    } else {
      this.emit({
        type: 'TaskScheduled',
        taskScheduledEventDetails: {
          ...this.taskIdentity(),
          region: start.region,
          parameters: json(start.parameters),
          ...timeout,
        },
      });
      this.emit({ type: 'TaskStarted', taskStartedEventDetails: this.taskIdentity() });
    }
  }

  private taskIdentity() {
    return { resourceType: 'lambda', resource: this.start.kind };
  }

  private emit(content: EventContent): void {
    if (!this.closed) this.history.fromTask(this.start.stateName, content);
  }
}

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** States the runner's log has entered and not yet left, by name (a Map may run one state many times at once). */
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, EventContent[]>();
  private readonly attempts = new Map<string, TaskAttempt[]>();

  beginAttempt(start: TaskAttemptStart): TaskAttempt {
    const attempt = new TaskAttempt(this, start);
    this.attempts.set(start.stateName, [...(this.attempts.get(start.stateName) ?? []), attempt]);
    attempt.scheduledAndStarted();
    return attempt;
  }

  private executionTimedOut = false;

  /** The execution timed out: the runner is about to be aborted, and reports that as an abort. */
  timedOut(): void {
    this.executionTimedOut = true;
    this.closeAllAttempts();
  }

  get hasTimedOut(): boolean {
    return this.executionTimedOut;
  }

  /** Drops whatever a task still has to say: the execution is over. */
  closeAllAttempts(): void {
    for (const attempts of this.attempts.values()) for (const attempt of attempts) attempt.close();
  }

  fromTask(stateName: string, content: EventContent): void {
    if ((this.active.get(stateName) ?? 0) > 0) this.append(content);
    else this.waiting.set(stateName, [...(this.waiting.get(stateName) ?? []), content]);
  }

  /** One event of the runner's log, translated, with the task events that belong before it. */
  fromRunner(event: RunnerEvent): void {
    switch (event.type) {
      case 'StateEntered':
        this.append({
          type: `${event.state.type}StateEntered`,
          stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input) },
        });
        this.enter(event.state.name);
        return;
      case 'StateRetried':
        this.enter(event.state.name);
        return;
      case 'StateCaught':
        // The runner then exits the state; its output is the caught error.
        this.enter(event.state.name);
        return;
      case 'StateExited':
        this.flush(event.state.name);
        this.append({
          type: `${event.state.type}StateExited`,
          stateExitedEventDetails: { name: event.state.name, output: json(event.state.output ?? null) },
        });
        this.leave(event.state.name);
        return;
      case 'StateFailed': {
        const { name, type } = event.state;
        this.flush(name);
        if (type !== 'Task') {
          this.append({
            type: `${type}StateFailed`,
            stateFailedEventDetails: { name, error: event.Error, cause: String(event.Cause) },
          });
        } else if (event.Error === 'States.Timeout') {
          // The runner's timer won the race with the task: the attempt still open is the one that timed out.
          this.openAttempt(name)?.timedOut(String(event.Cause));
          this.flush(name);
        }
        // Any other task failure was recorded by the attempt itself, with the function's error.
        this.leave(name);
        return;
      }
      case 'ExecutionAborted':
        this.append(
          this.executionTimedOut
            ? {
                type: 'ExecutionTimedOut',
                executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution timed out' },
              }
            : { type: 'ExecutionAborted' },
        );
        return;
      default: {
        const translated = executionEventOf(event);
        if (translated !== undefined) this.append(translated);
      }
    }
  }

  private openAttempt(stateName: string): TaskAttempt | undefined {
    return (this.attempts.get(stateName) ?? []).findLast((attempt) => !attempt.isClosed);
  }

  private enter(stateName: string): void {
    this.active.set(stateName, (this.active.get(stateName) ?? 0) + 1);
    this.flush(stateName);
  }

  private leave(stateName: string): void {
    this.active.set(stateName, Math.max(0, (this.active.get(stateName) ?? 0) - 1));
  }

  private flush(stateName: string): void {
    const waiting = this.waiting.get(stateName) ?? [];
    this.waiting.delete(stateName);
    for (const content of waiting) this.append(content);
  }

  private append(content: EventContent): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp: new Date(), ...content });
  }
}

function executionEventOf(event: RunnerEvent): EventContent | undefined {
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: json(event.input),
          roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local`,
        },
      };
    case 'ExecutionSucceeded':
      return { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(event.output) } };
    case 'ExecutionFailed':
      return {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: String(event.Cause) },
      };
    default:
      // Map iterations and Parallel branches have no direct counterpart here yet.
      return undefined;
  }
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
