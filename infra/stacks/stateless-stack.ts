import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ENV } from '#shared/env.ts';
import type { StageSettings } from '../config.ts';
import { BrokerApi } from '../constructs/broker-api.ts';
import { PreClearanceFunction } from '../constructs/pre-clearance-function.ts';
import { RailImportWorkflow } from '../constructs/rail-import-workflow.ts';
import { DECLARATIONS_TABLE_ACCESS, IDEMPOTENCY_TABLE_ACCESS, type TableAction } from '../constructs/table-access.ts';

export interface StatelessStackProps extends StackProps {
  readonly settings: StageSettings;
  readonly declarationsTable: ITable;
  readonly idempotencyTable: ITable;
  readonly userPool: IUserPool;
}

/** Functions, the workflow and the API: everything that can be rebuilt from source at any time. */
export class StatelessStack extends Stack {
  readonly api: BrokerApi;
  readonly railImportWorkflow: RailImportWorkflow;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { declarationsTable, idempotencyTable } = props;
    const access = DECLARATIONS_TABLE_ACCESS;
    // Each function gets the declarations table with exactly the actions of the operations it performs.
    const fn = (id: string, handler: string, description: string, actions: readonly TableAction[]) =>
      new PreClearanceFunction(this, id, { handler, description }).bindTable(
        declarationsTable,
        actions,
        ENV.declarationsTable,
      );
    const step = (id: string, handler: string, description: string, actions: readonly TableAction[] = []) =>
      fn(id, handler, description, [...access.readDeclaration, ...access.applyTransition, ...actions]);

    const workflowSteps = {
      validate: step('ValidateDeclarationFn', 'workflow/validate-declaration', 'Rail import: clearance rules'),
      assessRisk: step('AssessRiskFn', 'workflow/assess-risk', 'Rail import: risk channel'),
      awaitArrival: step(
        'AwaitArrivalFn',
        'workflow/await-arrival',
        'Rail import: park until the train arrives',
        access.parkUntilArrival,
      ),
      recordTransition: step('RecordTransitionFn', 'workflow/record-transition', 'Rail import: record a stage'),
    };
    this.railImportWorkflow = new RailImportWorkflow(this, 'RailImportWorkflow', {
      steps: workflowSteps,
      arrivalTimeout: props.settings.arrivalTimeout,
      stateMachineName: `preclearance-${props.settings.stage}-rail-import`,
    });
    const { stateMachine } = this.railImportWorkflow;
    // The wait step may resume its own task when the train arrived before the workflow got there.
    this.railImportWorkflow.grantTaskResponseByName(workflowSteps.awaitArrival);

    const submitDeclaration = fn(
      'SubmitDeclarationFn',
      'submit-declaration',
      'POST /v1/declarations',
      access.fileDeclaration,
    ).bindTable(idempotencyTable, IDEMPOTENCY_TABLE_ACCESS, ENV.idempotencyTable);
    stateMachine.grantStartExecution(submitDeclaration);
    submitDeclaration.addEnvironment(ENV.railImportStateMachineArn, stateMachine.stateMachineArn);

    const getDeclaration = fn(
      'GetDeclarationFn',
      'get-declaration',
      'GET /v1/declarations/{id}',
      access.readDeclarationWithHistory,
    );

    const postPortEvent = fn(
      'PostPortEventFn',
      'post-port-event',
      'POST /v1/port-events',
      access.reportArrival,
    ).bindTable(idempotencyTable, IDEMPOTENCY_TABLE_ACCESS, ENV.idempotencyTable);
    // It resumes waiting workflows, and never fails or heartbeats them.
    stateMachine.grant(postPortEvent, 'states:SendTaskSuccess');

    this.api = new BrokerApi(this, 'BrokerApi', {
      stage: props.settings.stage,
      userPool: props.userPool,
      routes: { submitDeclaration, getDeclaration, postPortEvent },
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'RailImportStateMachineArn', { value: stateMachine.stateMachineArn });
  }
}
