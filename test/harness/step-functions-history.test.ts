import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';
import { type HistoryEvent, LocalStepFunctions } from '../../infra/local/step-functions.ts';

/**
 * Execution history as Step Functions writes it, on small hand-written machines and tiny functions:
 * each task attempt is scheduled, started and ends, between the state's entered and exited events.
 */
const dir = mkdtempSync(join(tmpdir(), 'sfn-history-'));
const functions: LocalFunction[] = [];
const lambda = (name: string, source: string) => {
  const codeFile = join(dir, `${name}.mjs`);
  writeFileSync(codeFile, source);
  const fn = new LocalFunction(
    {
      logicalId: name,
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      codeFile,
      exportName: 'handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      environment: {},
    },
    new Writable({ write: (_chunk, _encoding, done) => done() }),
    1,
  );
  functions.push(fn);
  return fn;
};
// Busy twice, then answers: its module state lives as long as its (single, warm) execution environment.
lambda(
  'flaky',
  `let calls = 0;
   export const handler = async (event) => {
     calls++;
     if (calls <= 2) { const e = new Error('port system busy, call ' + calls); e.name = 'PortSystemBusy'; throw e; }
     return { cleared: event.declarationId, calls };
   };`,
);
const parks = lambda('parks', 'export const handler = async () => ({ parked: true });');

const machines = [
  {
    name: 'retry',
    definition: {
      StartAt: 'Clear',
      States: {
        Clear: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'flaky', 'Payload.$': '$' },
          ResultSelector: { 'cleared.$': '$.Payload.cleared' },
          Retry: [{ ErrorEquals: ['PortSystemBusy'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 3 }],
          TimeoutSeconds: 30,
          End: true,
        },
      },
    },
  },
  {
    name: 'callback',
    definition: {
      StartAt: 'Park',
      States: {
        Park: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: parks.spec.functionArn, Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 60,
          Next: 'Release',
        },
        Release: { Type: 'Task', Resource: parks.spec.functionArn, End: true },
      },
    },
  },
  {
    name: 'missed',
    definition: {
      StartAt: 'Park',
      States: {
        Park: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'parks', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Review', ResultPath: '$.timeout' }],
          End: true,
        },
        Review: { Type: 'Pass', End: true },
      },
    },
  },
];
const arnOf = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
const sfn = new LocalStepFunctions(
  machines.map(({ name, definition }) => ({
    name,
    arn: arnOf(name),
    roleArn: 'arn:aws:iam::000000000000:role/local',
    definition: JSON.stringify(definition),
  })),
  functions,
);
after(async () => {
  sfn.stop();
  await Promise.all(functions.map((fn) => fn.stop()));
});

async function settled(executionArn: string): Promise<string> {
  for (;;) {
    const { status } = sfn.describeExecution({ executionArn });
    if (status !== 'RUNNING') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const historyOf = (executionArn: string) => sfn.getExecutionHistory({ executionArn }).events as HistoryEvent[];
const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);

describe('execution history, event by event as AWS writes it', () => {
  it('records each retry of a task as a new TaskScheduled, TaskStarted, TaskFailed, inside one state', async () => {
    const { executionArn } = sfn.startExecution({
      stateMachineArn: arnOf('retry'),
      input: JSON.stringify({ declarationId: 'DCL-1' }),
    });
    assert.equal(await settled(executionArn), 'SUCCEEDED');
    const events = historyOf(executionArn);
    assert.deepEqual(typesOf(events), [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    assert.deepEqual(events[2]?.taskScheduledEventDetails, {
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: 'flaky', Payload: { declarationId: 'DCL-1' } }),
      timeoutInSeconds: 30,
    });
    assert.deepEqual(events[3]?.taskStartedEventDetails, { resourceType: 'lambda', resource: 'invoke' });
    const failed = events[4]?.taskFailedEventDetails as { error: string; cause: string };
    assert.equal(failed.error, 'PortSystemBusy');
    assert.equal(JSON.parse(failed.cause).errorMessage, 'port system busy, call 1');
    const succeeded = events[10]?.taskSucceededEventDetails as { output: string };
    assert.deepEqual(JSON.parse(succeeded.output).Payload, { cleared: 'DCL-1', calls: 3 });
    assert.deepEqual(
      events.map((event) => event.id),
      events.map((_, index) => index + 1),
    );
  });

  it('records a callback task as submitted when its function returns, and succeeded on SendTaskSuccess', async () => {
    const { executionArn } = sfn.startExecution({ stateMachineArn: arnOf('callback'), input: '{}' });
    // The token is in the parameters the task was scheduled with, as on AWS.
    let token: string | undefined;
    for (let i = 0; i < 200 && token === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const events = historyOf(executionArn);
      if (!events.some((event) => event.type === 'TaskSubmitted')) continue;
      const scheduled = events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
      token = (JSON.parse((scheduled as { parameters: string }).parameters) as { Payload: { token: string } }).Payload
        .token;
    }
    assert.ok(token, 'the task waits for its token');
    sfn.sendTaskSuccess({ taskToken: token, output: JSON.stringify({ arrivedAt: '2026-11-21T08:00:00Z' }) });
    assert.equal(await settled(executionArn), 'SUCCEEDED');

    assert.deepEqual(typesOf(historyOf(executionArn)), [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = historyOf(executionArn)[2]?.taskScheduledEventDetails as { resource: string };
    assert.equal(scheduled.resource, 'invoke.waitForTaskToken');
  });

  it('records a callback that never comes as TaskTimedOut, and nothing from the task after it', async () => {
    const { executionArn } = sfn.startExecution({ stateMachineArn: arnOf('missed'), input: '{}' });
    assert.equal(await settled(executionArn), 'SUCCEEDED');
    const types = typesOf(historyOf(executionArn));
    assert.deepEqual(types.slice(0, 6), [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
    ]);
    assert.ok(!types.includes('TaskFailed'), types.join(', '));
    assert.equal(types.at(-2), 'PassStateExited');
  });
});
