import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { resetAwsMocks, stepFunctions } from '../support/aws.ts';
import { lambdaContext, setUpLambdaEnvironment, TEST_ENV } from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/run-workflow-commands.ts');
const DECLARATION = 'DCL-0123456789ABCDEF01234567';

/** The stream's INSERT of one queued command, as the request functions write it. */
function inserted(...commands: Record<string, unknown>[]): DynamoDBStreamEvent {
  return {
    Records: commands.map((command, index) => ({
      eventName: 'INSERT',
      dynamodb: {
        NewImage: marshall({
          PK: `WORKFLOW_COMMAND#digest-${index}`,
          SK: 'COMMAND',
          entity: 'WorkflowCommand',
          command,
          queuedAt: '2026-11-21T10:00:00.000Z',
        }) as never,
      },
    })),
  };
}

const run = (batch: DynamoDBStreamEvent) => handler(batch, lambdaContext('run-workflow-commands'));

describe('run-workflow-commands: what the request functions queued reaches Step Functions', () => {
  beforeEach(() => {
    resetAwsMocks();
    stepFunctions.on(StopExecutionCommand).resolves({});
  });

  it('a filing starts its declaration workflow, named after the declaration', async () => {
    await run(inserted({ kind: 'start', workflow: 'rail-import', declarationId: DECLARATION }));

    assert.deepEqual(
      stepFunctions.commandCalls(StartExecutionCommand).map((call) => call.args[0].input),
      [
        {
          stateMachineArn: TEST_ENV.STATE_MACHINE_ARN_RAIL_IMPORT,
          name: DECLARATION,
          input: JSON.stringify({ declarationId: DECLARATION }),
        },
      ],
    );
  });

  it('a decision resumes the waiting task with its output; a cancellation stops the execution', async () => {
    await run(
      inserted(
        { kind: 'resume', taskToken: 'token-review', output: { decision: 'APPROVE' } },
        { kind: 'stop', workflow: 'road', declarationId: DECLARATION, cause: 'goods sold' },
      ),
    );

    assert.deepEqual(
      stepFunctions.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input),
      [{ taskToken: 'token-review', output: JSON.stringify({ decision: 'APPROVE' }) }],
    );
    assert.deepEqual(
      stepFunctions.commandCalls(StopExecutionCommand).map((call) => call.args[0].input),
      [
        {
          executionArn: `${TEST_ENV.STATE_MACHINE_ARN_ROAD.replace(':stateMachine:', ':execution:')}:${DECLARATION}`,
          error: 'Cancelled',
          cause: 'goods sold',
        },
      ],
    );
  });

  it('a command carried out before (a replayed batch) changes nothing and does not fail the batch', async () => {
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'already exists', $metadata: {} }));
    stepFunctions.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));

    await run(
      inserted(
        { kind: 'start', workflow: 'rail-import', declarationId: DECLARATION },
        { kind: 'resume', taskToken: 'token-gone', output: {} },
      ),
    );
  });

  it('a Step Functions failure fails the batch, so the event source mapping retries it', async () => {
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await assert.rejects(
      run(inserted({ kind: 'start', workflow: 'road', declarationId: DECLARATION })),
      /Rate exceeded/,
    );
  });
});
