import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { TransitionName } from '#domain/lifecycle.ts';
import type { PreClearanceFunction } from './pre-clearance-function.ts';

export interface RailImportWorkflowProps {
  readonly steps: {
    readonly validate: PreClearanceFunction;
    readonly assessRisk: PreClearanceFunction;
    readonly awaitArrival: PreClearanceFunction;
    readonly recordTransition: PreClearanceFunction;
  };
  readonly arrivalTimeout: Duration;
  /** Fixed so that the ARN is known before the machine exists (see grantTaskResponseByName). */
  readonly stateMachineName: string;
}

/** Errors that a retry cannot fix: the definition or the data is wrong, so fail at once and visibly. */
const PERMANENT_ERRORS = ['TransitionNotAllowed', 'DeclarationNotFound', 'UnknownTransition'];
const STEP_TIMEOUT = Timeout.duration(Duration.seconds(30));

/**
 * The rail-import clearance workflow (JSONPath ASL, Standard):
 *
 *   1 ValidateDeclaration → IsDeclarationValid ─ rejected → DeclarationRejected
 *   2 AssessRisk
 *   3 AwaitTrainArrival (.waitForTaskToken) ─ timeout → ReviewMissedArrival (MANUAL_REVIEW)
 *   4 RecordArrival → IsGreenChannel ─ yes → 5 ReleaseDeclaration
 *                                     └ no  → ReferToOfficer (MANUAL_REVIEW)
 */
export class RailImportWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  private readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: RailImportWorkflowProps) {
    super(scope, id);
    this.stateMachineName = props.stateMachineName;
    const { steps } = props;
    const declarationId = JsonPath.stringAt('$.declarationId');

    const step = (name: string, fn: PreClearanceFunction, resultPath: string, payload: Record<string, unknown>) =>
      withRetries(
        new LambdaInvoke(this, name, {
          lambdaFunction: fn,
          payloadResponseOnly: true,
          payload: TaskInput.fromObject(payload),
          resultPath,
          taskTimeout: STEP_TIMEOUT,
        }),
      );
    const transition = (name: string, to: TransitionName, details?: Record<string, unknown>) =>
      step(name, steps.recordTransition, JsonPath.DISCARD, {
        declarationId,
        transition: to,
        ...(details === undefined ? {} : { details }),
      });

    // Branches that end the happy path, declared first so the chain below reads top to bottom.
    const rejected = new Succeed(this, 'DeclarationRejected');
    const reviewMissedArrival = transition('ReviewMissedArrival', 'ESCALATE_TO_MANUAL_REVIEW', {
      reason: 'ARRIVAL_TIMEOUT',
    });
    const referToOfficer = transition('ReferToOfficer', 'ESCALATE_TO_MANUAL_REVIEW', {
      reason: 'RISK_CHANNEL',
      channel: JsonPath.stringAt('$.risk.channel'),
    });

    // 1
    const validate = step('ValidateDeclaration', steps.validate, '$.validation', { declarationId });
    // 2
    const assessRisk = step('AssessRisk', steps.assessRisk, '$.risk', { declarationId });
    // 3
    const awaitArrival = withRetries(
      new LambdaInvoke(this, 'AwaitTrainArrival', {
        lambdaFunction: steps.awaitArrival,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ declarationId, taskToken: JsonPath.taskToken }),
        resultPath: '$.arrival',
        taskTimeout: Timeout.duration(props.arrivalTimeout),
      }),
    ).addCatch(reviewMissedArrival, { errors: [Errors.TIMEOUT], resultPath: '$.arrivalTimeout' });
    // 4
    const recordArrival = transition('RecordArrival', 'RECORD_ARRIVAL', {
      trainNumber: JsonPath.stringAt('$.arrival.trainNumber'),
      arrivedAt: JsonPath.stringAt('$.arrival.arrivedAt'),
      portEventId: JsonPath.stringAt('$.arrival.portEventId'),
    });
    // 5
    const release = transition('ReleaseDeclaration', 'RELEASE');

    const definition = validate.next(
      new Choice(this, 'IsDeclarationValid')
        .when(Condition.stringEquals('$.validation.outcome', 'REJECTED'), rejected)
        .otherwise(
          assessRisk
            .next(awaitArrival)
            .next(recordArrival)
            .next(
              new Choice(this, 'IsGreenChannel')
                .when(Condition.stringEquals('$.risk.channel', 'GREEN'), release)
                .otherwise(referToOfficer),
            ),
        ),
    );

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      // Long enough for the arrival wait, short of Step Functions' one-year limit.
      timeout: props.arrivalTimeout.plus(Duration.days(1)),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        // Declarations carry commercial data; execution history (kept by Step Functions) has it when needed.
        includeExecutionData: false,
      },
    });
  }

  /**
   * Lets a function resume this machine's waiting tasks (SendTaskSuccess, the only answer the code gives)
   * without referring to the machine itself: the workflow's own wait step needs this, and a reference would
   * make machine and function depend on each other.
   */
  grantTaskResponseByName(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: this.stateMachineName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }
}

/** A transient fault is retried; a permanent one (listed first, so it wins) is not. */
function withRetries(task: LambdaInvoke): LambdaInvoke {
  task.addRetry({ errors: PERMANENT_ERRORS, maxAttempts: 0 });
  task.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3 });
  return task;
}
