import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { WORKFLOW_COMMAND_ENTITY } from '#adapters/table-layout.ts';
import type { WorkflowId } from '#domain/declaration-types/registry.ts';
import { stateMachineArnVariable } from '#shared/env.ts';
import { PreClearanceFunction } from './pre-clearance-function.ts';
import { STREAM_READ_ACTIONS } from './webhook-notifications.ts';

export interface WorkflowCommandRunnerProps {
  readonly declarationsTable: ITable;
  readonly workflows: readonly {
    readonly workflow: WorkflowId;
    readonly stateMachine: StateMachine;
    grantTaskResponseByName(grantee: IGrantable): void;
  }[];
}

/**
 * The one function that starts, stops and resumes workflows for the request functions: they queue a command
 * in the table (functions/adapters/dynamodb-workflow-commands.ts), the table's stream brings its INSERT here
 * (the filter lets nothing else through), and this function alone holds the Step Functions client and the
 * grants to use it. Batches of 10, bisected on an error and retried: every command is idempotent.
 */
export class WorkflowCommandRunner extends Construct {
  readonly runner: PreClearanceFunction;

  constructor(scope: Construct, id: string, props: WorkflowCommandRunnerProps) {
    super(scope, id);
    const { declarationsTable, workflows } = props;
    const streamArn = declarationsTable.tableStreamArn;
    if (streamArn === undefined) throw new Error(`${this.node.path}: the declarations table has no stream`);
    this.runner = new PreClearanceFunction(scope, 'RunWorkflowCommandsFn', {
      handler: 'run-workflow-commands',
      description: 'Workflow: carry out queued start, stop and resume commands',
    });
    for (const workflow of workflows) {
      workflow.stateMachine.grantStartExecution(this.runner);
      workflow.stateMachine.grantExecution(this.runner, 'states:StopExecution');
      workflow.grantTaskResponseByName(this.runner);
      this.runner.addEnvironment(stateMachineArnVariable(workflow.workflow), workflow.stateMachine.stateMachineArn);
    }
    this.runner.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [streamArn] }));
    this.runner.addEventSourceMapping('WorkflowCommandsStream', {
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      bisectBatchOnError: true,
      retryAttempts: 10,
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(WORKFLOW_COMMAND_ENTITY) } } },
        }),
      ],
    });
  }
}
