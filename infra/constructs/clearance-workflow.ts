import { Duration } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import {
  Choice,
  Condition,
  Errors,
  IntegrationPattern,
  JsonPath,
  type StateMachine,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WORKFLOWS, type WorkflowId } from '#domain/declaration-types/registry.ts';
import { PERMANENT_WORKFLOW_ERRORS } from '#domain/errors.ts';
import { TRANSITION, type TransitionName } from '#domain/lifecycle.ts';
import type { Milestone } from '#domain/port-events.ts';
import { RISK_CHANNEL } from '#domain/risk.ts';
import type { PreClearanceFunction } from './pre-clearance-function.ts';
import { grantTaskResponseByName, PreClearanceStateMachine } from './pre-clearance-state-machine.ts';

/** The three task functions every clearance workflow is built from; the declaration's type decides the rest. */
export interface WorkflowSteps {
  readonly assessRisk: PreClearanceFunction;
  readonly awaitMilestone: PreClearanceFunction;
  readonly recordTransition: PreClearanceFunction;
}

export interface ClearanceWorkflowProps {
  readonly workflow: WorkflowId;
  readonly steps: WorkflowSteps;
  /** How long a declaration waits for its milestone before an officer must look at it. */
  readonly milestoneTimeout: Duration;
  /** Fixed so that the ARN is known before the machine exists (see grantTaskResponseByName). */
  readonly stateMachineName: string;
}

/** The wait state's name says what the declaration waits for, so the execution history reads like the port. */
const WAIT_STATE_NAMES: Readonly<Partial<Record<Milestone, string>>> = {
  TRAIN_ARRIVED: 'AwaitTrainArrival',
  TRUCK_GATED_IN: 'AwaitGateIn',
};

const STEP_TIMEOUT = Timeout.duration(Duration.seconds(30));

/**
 * A clearance workflow (JSONPath ASL, Standard), one per workflow in the domain's registry. Transition names,
 * risk channels and error names all come from the domain:
 *
 *   1 AssessRisk
 *   2 Await<milestone> (.waitForTaskToken) ─ timeout → ReviewMissedArrival (MANUAL_REVIEW)
 *   3 RecordArrival → IsGreenChannel ─ yes → 4 ReleaseDeclaration
 *                                    └ no  → ReferToOfficer (MANUAL_REVIEW)
 */
export class ClearanceWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly workflow: WorkflowId;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: ClearanceWorkflowProps) {
    super(scope, id);
    this.workflow = props.workflow;
    this.stateMachineName = props.stateMachineName;
    const { steps } = props;
    const milestone = WORKFLOWS[props.workflow].awaits;
    const declarationId = JsonPath.stringAt('$.declarationId');

    const transition = (name: string, to: TransitionName, extra: Record<string, unknown> = {}) =>
      withRetries(
        new LambdaInvoke(this, name, {
          lambdaFunction: steps.recordTransition,
          payloadResponseOnly: true,
          payload: TaskInput.fromObject({ declarationId, transition: to, ...extra }),
          resultPath: JsonPath.DISCARD,
          taskTimeout: STEP_TIMEOUT,
        }),
      );

    // Branches that end the happy path, declared first so the chain below reads top to bottom.
    const reviewMissedArrival = transition('ReviewMissedArrival', TRANSITION.ESCALATE_TO_MANUAL_REVIEW, {
      reason: `the ${milestone} report did not come in time`,
      details: { cause: 'MILESTONE_TIMEOUT', milestone },
    });
    const referToOfficer = transition('ReferToOfficer', TRANSITION.ESCALATE_TO_MANUAL_REVIEW, {
      reason: JsonPath.format('{} channel: an officer must check the goods', JsonPath.stringAt('$.risk.channel')),
      details: { cause: 'RISK_CHANNEL', channel: JsonPath.stringAt('$.risk.channel') },
    });

    // 1
    const assessRisk = withRetries(
      new LambdaInvoke(this, 'AssessRisk', {
        lambdaFunction: steps.assessRisk,
        payloadResponseOnly: true,
        payload: TaskInput.fromObject({ declarationId }),
        resultPath: '$.risk',
        taskTimeout: STEP_TIMEOUT,
      }),
    );
    // 2
    const awaitMilestone = withRetries(
      new LambdaInvoke(this, WAIT_STATE_NAMES[milestone] ?? `Await${milestone}`, {
        lambdaFunction: steps.awaitMilestone,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ declarationId, taskToken: JsonPath.taskToken }),
        resultPath: '$.milestone',
        taskTimeout: Timeout.duration(props.milestoneTimeout),
      }),
    ).addCatch(reviewMissedArrival, { errors: [Errors.TIMEOUT], resultPath: '$.milestoneTimeout' });
    // 3
    const recordArrival = transition('RecordArrival', TRANSITION.RECORD_ARRIVAL, {
      milestone: JsonPath.objectAt('$.milestone'),
    });
    // 4
    const release = transition('ReleaseDeclaration', TRANSITION.SECURE_DUTIES, {
      transitions: [TRANSITION.SECURE_DUTIES, TRANSITION.RELEASE],
    });

    const definition = assessRisk
      .next(awaitMilestone)
      .next(recordArrival)
      .next(
        new Choice(this, 'IsGreenChannel')
          .when(Condition.stringEquals('$.risk.channel', RISK_CHANNEL.GREEN), release)
          .otherwise(referToOfficer),
      );

    this.stateMachine = new PreClearanceStateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: WORKFLOWS[props.workflow].description,
      definition,
      // Long enough for the milestone wait, short of Step Functions' one-year limit.
      timeout: props.milestoneTimeout.plus(Duration.days(1)),
    });
  }

  /**
   * Lets a function resume this machine's waiting tasks (SendTaskSuccess, the only answer the code gives)
   * without referring to the machine itself: the workflow's own wait step needs this, and a reference would
   * make machine and function depend on each other.
   */
  grantTaskResponseByName(grantee: IGrantable): void {
    grantTaskResponseByName(this, this.stateMachineName, grantee);
  }
}

/** A transient fault is retried; a permanent one (listed first, so it wins) is not. */
function withRetries(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({ errors: [...PERMANENT_WORKFLOW_ERRORS], maxAttempts: 0 });
  task.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 });
  return task;
}
