import { ArnFormat, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  type IChainable,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export interface PreClearanceStateMachineProps {
  /** Fixed, so that an ARN is known before the machine exists and a stage's machines are easy to find. */
  readonly stateMachineName: string;
  readonly comment: string;
  readonly definition: IChainable;
  readonly timeout: Duration;
}

/**
 * The team's state machine defaults, fixed once: Standard (executions last days and are idempotent by name),
 * JSONPath ASL, X-Ray tracing, every event logged (level ALL) to a log group kept for a month, and no execution
 * data in those logs: inputs and outputs carry declarations, with commercial and personal data, which the
 * execution history (kept by Step Functions, behind IAM) already holds.
 */
export class PreClearanceStateMachine extends StateMachine {
  constructor(scope: Construct, id: string, props: PreClearanceStateMachineProps) {
    super(scope, id, {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      comment: props.comment,
      definitionBody: DefinitionBody.fromChainable(props.definition),
      timeout: props.timeout,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(scope, `${id}Logs`, {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}

/**
 * Lets a function resume a machine's waiting tasks (SendTaskSuccess, the only answer the code gives) without
 * referring to the machine itself: a machine's own wait step needs this, and a reference would make machine and
 * function depend on each other. The machine's name is fixed, so its ARN is known in advance.
 */
export function grantTaskResponseByName(scope: Construct, stateMachineName: string, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['states:SendTaskSuccess'],
      resources: [
        Stack.of(scope).formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: stateMachineName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
}
