import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';
import { LocalStackStartError } from '../../infra/local/start-errors.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions.ts';

/**
 * A definition the local runner cannot run as AWS would is refused when the stack starts, naming the
 * state machine and the state, not halfway through an execution. Small hand-written definitions.
 */
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:check-goods';
const checkGoods = new LocalFunction(
  {
    logicalId: 'CheckGoods',
    functionName: 'check-goods',
    functionArn: FUNCTION_ARN,
    codeFile: '/never/started.mjs',
    exportName: 'handler',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
  },
  new Writable({ write: (_chunk, _encoding, done) => done() }),
);

const invoke = (functionName: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionName, 'Payload.$': '$' },
  End: true,
  ...extra,
});
const machine = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
const start = (definition: string) =>
  new LocalStepFunctions(
    [
      {
        name: 'customs-check',
        arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:customs-check',
        roleArn: 'arn:aws:iam::000000000000:role/local',
        definition,
      },
    ],
    [checkGoods],
  );
const refusal = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof LocalStackStartError, String(error));
  assert.match(error.message, /^state machine customs-check cannot run locally/);
  assert.match(error.message, pattern);
  return true;
};

describe('local Step Functions refuse at start-up what they cannot run faithfully', () => {
  it('accepts Lambda invoke, invoke.waitForTaskToken and a Lambda ARN of the stack, by name or ARN', () => {
    assert.doesNotThrow(() =>
      start(
        machine({
          ByName: { ...invoke('check-goods'), End: undefined, Next: 'ByArn' },
          ByArn: { ...invoke(`${FUNCTION_ARN}:$LATEST`), End: undefined, Next: 'Wait' },
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: FUNCTION_ARN, Payload: { 'token.$': '$$.Task.Token' } },
            TimeoutSeconds: 60,
            Next: 'Direct',
          },
          Direct: { Type: 'Task', Resource: FUNCTION_ARN, End: true },
        }),
      ),
    );
  });

  it('refuses a service integration other than Lambda inside a Parallel branch, naming the state', () => {
    assert.throws(
      () =>
        start(
          machine({
            Both: {
              Type: 'Parallel',
              End: true,
              Branches: [
                { StartAt: 'Check', States: { Check: invoke('check-goods') } },
                {
                  StartAt: 'Archive',
                  States: {
                    Archive: {
                      Type: 'Task',
                      Resource: 'arn:aws:states:::dynamodb:putItem',
                      Parameters: { TableName: 't', Item: {} },
                      End: true,
                    },
                  },
                },
              ],
            },
          }),
        ),
      refusal(/state "Archive": Task resource arn:aws:states:::dynamodb:putItem cannot be run/),
    );
  });

  it("refuses a function that is not one of the stack's, inside a Map processor", () => {
    assert.throws(
      () =>
        start(
          machine({
            EachContainer: {
              Type: 'Map',
              End: true,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Seal',
                States: { Seal: invoke('seal-container') },
              },
            },
          }),
        ),
      refusal(/state "Seal": Lambda function seal-container is not one of the stack's functions/),
    );
  });

  it('refuses a distributed Map', () => {
    assert.throws(
      () =>
        start(
          machine({
            EachContainer: {
              Type: 'Map',
              End: true,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
                StartAt: 'Seal',
                States: { Seal: invoke('check-goods') },
              },
            },
          }),
        ),
      refusal(/state "EachContainer": distributed Map/),
    );
  });

  it('refuses JSONata, for the whole machine or one state', () => {
    assert.throws(
      () => start(machine({ Check: invoke('check-goods') }, { QueryLanguage: 'JSONata' })),
      refusal(/QueryLanguage JSONata/),
    );
    assert.throws(
      () => start(machine({ Check: invoke('check-goods', { QueryLanguage: 'JSONata' }) })),
      refusal(/state "Check": QueryLanguage JSONata/),
    );
  });

  it('refuses a heartbeat the runner would not enforce', () => {
    assert.throws(
      () => start(machine({ Check: invoke('check-goods', { TimeoutSeconds: 600, HeartbeatSeconds: 60 }) })),
      refusal(/state "Check": HeartbeatSeconds is not enforced/),
    );
  });

  it('lists every problem at once', () => {
    assert.throws(
      () =>
        start(
          machine({
            First: { ...invoke('nobody'), End: undefined, Next: 'Second' },
            Second: invoke('check-goods', { HeartbeatSecondsPath: '$.beat' }),
          }),
        ),
      refusal(/state "First": .*nobody[\s\S]*state "Second": HeartbeatSecondsPath/),
    );
  });
});
