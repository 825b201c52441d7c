import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  IntegrationPattern,
  JsonPath,
  type State,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { PERMANENT_WORKFLOW_ERRORS } from '#domain/errors.ts';
import { OFFICER_DECISIONS as OFFICER_DECISION, type OfficerQueue } from '#domain/officer-tasks.ts';

/**
 * The pieces every clearance state machine is built from: a step, a wait on a task token, and an officer's task
 * with what follows each decision. Rail and road share them, so an officer's task reads the same in both.
 */

/** The officers' steps (functions/application/officer-tasks.ts). */
export interface OfficerSteps {
  /** Puts a task in an officer's queue and parks the execution on its token until the officer decides. */
  readonly openOfficerTask: IFunction;
  readonly escalateOfficerTask: IFunction;
  readonly awaitBrokerDocuments: IFunction;
}

const STEP_TIMEOUT = Timeout.duration(Duration.seconds(30));

/**
 * Where an officer's task leaves the decision that ended it (`DecisionOutput`): one place for every task, so that
 * what follows an approval (a release) reads its business time without knowing which task it was.
 */
export const DECISION_PATH = '$.decision';

/** A transient fault is retried; a permanent one (listed first, so it wins) is not. */
export function withRetries(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({ errors: [...PERMANENT_WORKFLOW_ERRORS], maxAttempts: 0 });
  task.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 });
  return task;
}

export interface WorkflowTasks {
  task(name: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string | undefined): LambdaInvoke;
  waitFor(
    name: string,
    fn: IFunction,
    payload: Record<string, unknown>,
    timeout: Timeout,
    resultPath?: string,
  ): LambdaInvoke;
  /**
   * An officer's task and what follows each decision: APPROVE goes on to `approved`; REQUEST_DOCUMENTS waits
   * for the broker and brings the task back; REJECT goes to `onReject`. A task not decided by `timeoutPath` (its
   * SLA) is flagged and moved to the supervisors' queue, where it waits again.
   */
  officerReview(
    name: string,
    kind: string,
    approved: State,
    onReject: State,
    timeout: { readonly secondsPath?: string; readonly dueAtPath?: string; readonly reason?: string },
  ): State;
}

/** The pieces, for one state machine (`scope` owns their states; names must be unique in it). */
export function workflowTasks(scope: Construct, officer: OfficerSteps, officerTimeout: Duration): WorkflowTasks {
  const declarationId = JsonPath.stringAt('$.declarationId');
  const task: WorkflowTasks['task'] = (name, fn, payload, resultPath) =>
    withRetries(
      new LambdaInvoke(scope, name, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ declarationId, ...payload }),
        resultPath: resultPath ?? JsonPath.DISCARD,
        taskTimeout: STEP_TIMEOUT,
      }),
    );
  const waitFor: WorkflowTasks['waitFor'] = (name, fn, payload, timeout, resultPath) =>
    withRetries(
      new LambdaInvoke(scope, name, {
        lambdaFunction: fn,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ declarationId, taskToken: JsonPath.taskToken, ...payload }),
        resultPath: resultPath ?? JsonPath.DISCARD,
        taskTimeout: timeout,
      }),
    );
  const officerReview: WorkflowTasks['officerReview'] = (name, kind, approved, onReject, timeout) => {
    const decided = DECISION_PATH;
    const open = waitFor(
      `${name}Task`,
      officer.openOfficerTask,
      {
        kind,
        queue: 'officers' satisfies OfficerQueue,
        ...(timeout.dueAtPath === undefined ? {} : { dueAt: JsonPath.stringAt(timeout.dueAtPath) }),
        ...(timeout.reason === undefined ? {} : { reason: timeout.reason }),
      },
      timeout.secondsPath === undefined ? Timeout.duration(officerTimeout) : Timeout.at(timeout.secondsPath),
      decided,
    );
    const escalate = task(
      `${name}Escalate`,
      officer.escalateOfficerTask,
      { reason: `${name}: not decided in time` },
      undefined,
    );
    const bySupervisor = waitFor(
      `${name}SupervisorTask`,
      officer.openOfficerTask,
      { kind, queue: 'supervisors' satisfies OfficerQueue },
      Timeout.duration(officerTimeout),
      decided,
    );
    const documents = waitFor(
      `${name}AwaitDocuments`,
      officer.awaitBrokerDocuments,
      {},
      Timeout.duration(officerTimeout),
    );
    const decision = new Choice(scope, `${name}Decided`)
      .when(Condition.stringEquals(`${decided}.decision`, OFFICER_DECISION.APPROVE), approved)
      .when(Condition.stringEquals(`${decided}.decision`, OFFICER_DECISION.REQUEST_DOCUMENTS), documents)
      .when(Condition.stringEquals(`${decided}.decision`, OFFICER_DECISION.REJECT), onReject)
      .otherwise(new Fail(scope, `${name}UnknownDecision`, { error: 'UnknownDecision' }));
    open.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    escalate.next(bySupervisor);
    // The broker's documents go back to whoever asked, with a fresh task; no answer in time: the supervisors'.
    documents.next(open);
    documents.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    // The supervisors' queue is the last stop: a task nobody decides is flagged again and stays there.
    bySupervisor.addCatch(escalate, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
    open.next(decision);
    bySupervisor.next(decision);
    return open;
  };
  return { task, waitFor, officerReview };
}
