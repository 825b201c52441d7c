import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it, mock } from 'node:test';
import type { AslMachine } from '../../infra/local/asl-support.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';
import { LocalStackStartError } from '../../infra/local/start-errors.ts';
import { type HistoryEvent, LocalStepFunctions } from '../../infra/local/step-functions.ts';
import {
  callbackTimeoutMs,
  executionTimeoutMs,
  MAX_TIMER_MS,
  parseTimeScale,
  runnableDefinition,
  setLongTimeout,
} from '../../infra/local/time-scale.ts';

/**
 * LOCAL_TIME_SCALE: an hour of workflow time in a second, so waits, timeouts and retries are testable
 * in seconds, while the definition the API serves stays as synthesized.
 */
const dir = mkdtempSync(join(tmpdir(), 'time-scale-'));
const lambda = (name: string, source: string) => {
  const codeFile = join(dir, `${name}.mjs`);
  writeFileSync(codeFile, source);
  return new LocalFunction(
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
};
const functions = [
  lambda('parks', 'export const handler = async () => ({ parked: true });'),
  lambda(
    'busy-twice',
    `let calls = 0;
     export const handler = async () => { if (++calls <= 2) { const e = new Error('busy'); e.name = 'Busy'; throw e; } return { calls }; };`,
  ),
];
after(async () => Promise.all(functions.map((fn) => fn.stop())));

// An hour's wait, a callback that never comes within its hour, and a retry that backs off for half an hour, then an hour.
const definition = {
  StartAt: 'WaitAnHour',
  TimeoutSeconds: 86_400,
  States: {
    WaitAnHour: { Type: 'Wait', Seconds: 3600, Next: 'AwaitArrival' },
    AwaitArrival: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'parks', Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Escalate', ResultPath: '$.timeout' }],
      End: true,
    },
    Escalate: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'busy-twice', Payload: {} },
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 1800, BackoffRate: 2, MaxAttempts: 3 }],
      End: true,
    },
  },
};
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:escalation';

/** The execution's status once it is no longer RUNNING, or RUNNING after `withinMs`. */
async function statusOnceEnded(sfn: LocalStepFunctions, executionArn: string, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  let status = sfn.describeExecution({ executionArn }).status;
  while (status === 'RUNNING' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = sfn.describeExecution({ executionArn }).status;
  }
  return status;
}
const spec = { name: 'escalation', arn: ARN, roleArn: 'arn:aws:iam::000000000000:role/local' };

describe('LOCAL_TIME_SCALE', () => {
  it('runs three hours and a half of waits, timeouts and retries in seconds at scale 3600', async () => {
    const sfn = new LocalStepFunctions([{ ...spec, definition: JSON.stringify(definition) }], functions, {
      timeScale: 3600,
    });
    try {
      const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, input: '{}' });
      // Generous: the point is seconds rather than hours, not how many seconds.
      const status = await statusOnceEnded(sfn, executionArn, 60_000);
      assert.equal(status, 'SUCCEEDED');
      const events = sfn.getExecutionHistory({ executionArn }).events as HistoryEvent[];
      const types = events.map((event) => event.type);
      assert.ok(types.includes('WaitStateExited'));
      assert.ok(types.includes('TaskTimedOut'));
      assert.equal(types.filter((type) => type === 'TaskFailed').length, 2);
      // The history reports the timeout as written, not as scaled.
      const scheduled = events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
      assert.equal((scheduled as { timeoutInSeconds?: number }).timeoutInSeconds, 3600);

      const served = JSON.parse(sfn.describeStateMachine({ stateMachineArn: ARN }).definition) as typeof definition;
      assert.deepEqual(served, definition, 'DescribeStateMachine serves the definition exactly as given');
    } finally {
      sfn.stop();
    }
  });

  it('divides every duration the runner times by the scale, and caps what one timer cannot wait for', () => {
    const runnable = runnableDefinition(definition as unknown as AslMachine, 3600) as unknown as typeof definition;
    assert.equal(runnable.States.WaitAnHour.Seconds, 1);
    assert.equal(runnable.States.AwaitArrival.TimeoutSeconds, 1);
    assert.deepEqual(runnable.States.Escalate.Retry[0], {
      ErrorEquals: ['Busy'],
      IntervalSeconds: 0.5,
      BackoffRate: 2,
      MaxAttempts: 3,
      MaxDelaySeconds: MAX_TIMER_MS / 1000,
    });
    // A synchronous task's timeout bounds a function running in real time: not scaled. Without one it gets
    // AWS's default (99999999 s) rather than the runner's 60 s...
    assert.equal((runnable.States.Escalate as { TimeoutSeconds?: number }).TimeoutSeconds, MAX_TIMER_MS / 1000);
    assert.equal(runnable.TimeoutSeconds, undefined, 'the harness arms the execution timeout itself');
    assert.equal(executionTimeoutMs(definition as unknown as AslMachine, 3600), 24_000);
    // ...capped, in real time, where one setTimeout would overflow and fire at once.
    const realTime = runnableDefinition(definition as unknown as AslMachine, 1) as unknown as typeof definition;
    assert.equal((realTime.States.Escalate as { TimeoutSeconds?: number }).TimeoutSeconds, MAX_TIMER_MS / 1000);
  });

  it('stands workflow time still at scale 0 (a past day replayed): no wait, callback or execution timeout fires; retries run in real time', () => {
    assert.equal(parseTimeScale('0'), 0);
    assert.throws(() => parseTimeScale('-1'), LocalStackStartError);
    const still = runnableDefinition(definition as unknown as AslMachine, 0) as unknown as typeof definition;
    assert.equal(still.States.WaitAnHour.Seconds, MAX_TIMER_MS / 1000);
    assert.equal(still.States.AwaitArrival.TimeoutSeconds, MAX_TIMER_MS / 1000);
    assert.equal(still.States.Escalate.Retry[0]?.IntervalSeconds, 1800, 'the backoff as written, in real time');
    assert.equal(executionTimeoutMs(definition as unknown as AslMachine, 0), undefined);
    assert.equal(callbackTimeoutMs(3600, 0), undefined, 'a timeout read from the input is not armed');
    assert.equal(callbackTimeoutMs(3600, 3600), 1000);
  });

  it('matches a timeout read from the input as AWS does: caught as States.Timeout, never retried as States.TaskFailed', async () => {
    // An officer's task: retried when its function fails, escalated when the release deadline read from the input passes.
    const officerTask = {
      StartAt: 'OpenTask',
      States: {
        OpenTask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'parks', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSecondsPath: '$.secondsLeft',
          Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Escalate', ResultPath: null }],
          End: true,
        },
        Escalate: { Type: 'Pass', End: true },
      },
    };
    const sfn = new LocalStepFunctions([{ ...spec, definition: JSON.stringify(officerTask) }], functions, {
      timeScale: 3600,
    });
    try {
      const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, input: '{"secondsLeft":3600}' });
      const status = await statusOnceEnded(sfn, executionArn, 15_000);
      assert.equal(status, 'SUCCEEDED');
      const events = sfn.getExecutionHistory({ executionArn }).events as HistoryEvent[];
      const types = events.map((event) => event.type);
      assert.equal(types.filter((type) => type === 'TaskScheduled').length, 1, 'scheduled once: not retried');
      assert.equal(types.filter((type) => type === 'TaskTimedOut').length, 1);
      const entered = events.filter((event) => event.type === 'PassStateEntered');
      assert.deepEqual(
        entered.map((event) => (event.stateEnteredEventDetails as { name: string }).name),
        ['Escalate'],
      );
    } finally {
      sfn.stop();
    }
  });

  it('refuses at start-up a States.TaskFailed catcher listed before the States.Timeout one of a timeout read from the input', () => {
    const misordered = {
      StartAt: 'OpenTask',
      States: {
        OpenTask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'parks', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSecondsPath: '$.secondsLeft',
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
            { ErrorEquals: ['States.Timeout'], Next: 'Escalate' },
          ],
          End: true,
        },
        Failed: { Type: 'Fail', Error: 'Failed' },
        Escalate: { Type: 'Pass', End: true },
      },
    };
    assert.throws(
      () => new LocalStepFunctions([{ ...spec, definition: JSON.stringify(misordered) }], functions),
      (error: unknown) =>
        error instanceof LocalStackStartError &&
        /state "OpenTask": Catch: a States.TaskFailed entry/.test(error.message),
    );
  });

  it('refuses at start-up a wait it cannot scale (a time read from the input)', () => {
    const readsItsWait = {
      StartAt: 'WaitForSlot',
      States: { WaitForSlot: { Type: 'Wait', SecondsPath: '$.slotSeconds', End: true } },
    };
    assert.throws(
      () =>
        new LocalStepFunctions([{ ...spec, definition: JSON.stringify(readsItsWait) }], functions, { timeScale: 60 }),
      (error: unknown) =>
        error instanceof LocalStackStartError &&
        /state "WaitForSlot": SecondsPath cannot be scaled/.test(error.message),
    );
    assert.doesNotThrow(
      () => new LocalStepFunctions([{ ...spec, definition: JSON.stringify(readsItsWait) }], functions),
    );
  });

  it('runs a wait until a timestamp read from the input at any scale: it ends at that instant, as on AWS', () => {
    const waitsForOpening = {
      StartAt: 'WaitForOpening',
      States: { WaitForOpening: { Type: 'Wait', TimestampPath: '$.gateIn.clearanceFrom', End: true } },
    };
    assert.doesNotThrow(
      () =>
        new LocalStepFunctions([{ ...spec, definition: JSON.stringify(waitsForOpening) }], functions, {
          timeScale: 3600,
        }),
    );
  });
});

describe('timeouts longer than one timer can wait (~24.8 days)', () => {
  const DAY_MS = 24 * 3600 * 1000;
  const parkFor30Days = {
    StartAt: 'AwaitArrival',
    TimeoutSeconds: 30 * 24 * 3600,
    States: {
      AwaitArrival: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'parks', Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 60 * 24 * 3600,
        End: true,
      },
    },
  };

  it('waits out a 30-day timer in several timers, and fires it on the day', (t) => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    t.after(() => mock.timers.reset());
    let fired = false;
    setLongTimeout(30 * DAY_MS, () => {
      fired = true;
    });
    mock.timers.tick(25 * DAY_MS);
    assert.equal(fired, false, 'not after 25 days');
    mock.timers.tick(5 * DAY_MS);
    assert.equal(fired, true, 'after 30 days');
  });

  it('does not time out at once an execution allowed 30 days, nor its task allowed 60', async () => {
    const sfn = new LocalStepFunctions([{ ...spec, definition: JSON.stringify(parkFor30Days) }], functions);
    try {
      const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, input: '{}' });
      // An overflowing timer fires after 1 ms; this is long after that.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(sfn.describeExecution({ executionArn }).status, 'RUNNING');
      const types = (sfn.getExecutionHistory({ executionArn }).events as HistoryEvent[]).map((event) => event.type);
      assert.ok(!types.includes('TaskTimedOut'), types.join(', '));
    } finally {
      sfn.stop();
    }
  });

  it('times the execution out itself, as TIMED_OUT with ExecutionTimedOut in the history', async () => {
    // 30 days at a scale of 30 days per second: one second.
    const sfn = new LocalStepFunctions([{ ...spec, definition: JSON.stringify(parkFor30Days) }], functions, {
      timeScale: 30 * 24 * 3600 * 2,
    });
    try {
      const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, input: '{}' });
      const status = await statusOnceEnded(sfn, executionArn, 30_000);
      assert.equal(status, 'TIMED_OUT');
      const types = (sfn.getExecutionHistory({ executionArn }).events as HistoryEvent[]).map((event) => event.type);
      assert.equal(types.at(-1), 'ExecutionTimedOut');
    } finally {
      sfn.stop();
    }
  });
});
