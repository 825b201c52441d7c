import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StateMachine } from 'aws-local-stepfunctions';
import { DELIVERY_ERRORS, DELIVERY_WINDOW_SECONDS } from '#domain/webhooks.ts';
import {
  type AslDefinition,
  buildApp,
  parseDefinition,
  resourcesOf,
  type StateMachineProps,
  synthApp,
} from './cdk-app.ts';

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };

/**
 * Notifications in the synthesized app: the table's stream, the mapping that feeds the dispatcher, and the
 * delivery state machine, which runs here in aws-local-stepfunctions with its task scripted.
 */
const { statefulTemplate, statelessTemplate } = synthApp({ stage: 'test' });

function deliveryDefinition(context: Record<string, unknown> = {}): AslDefinition {
  const template =
    Object.keys(context).length === 0 ? statelessTemplate : synthApp({ stage: 'test', ...context }).statelessTemplate;
  const found = resourcesOf<StateMachineProps>(template, 'AWS::StepFunctions::StateMachine').find(
    ([, machine]) => machine.Properties.StateMachineName === 'preclearance-test-webhook-delivery',
  );
  assert.ok(found !== undefined, 'no webhook delivery state machine');
  const text = JSON.stringify(parseDefinition(found[1].Properties.DefinitionString).asl)
    .replace(/arn:<TOKEN:\d+>:/g, 'arn:aws:')
    .replace(/<TOKEN:(\d+)>/g, 'arn:aws:lambda:us-east-1:000000000000:function:f$1');
  return JSON.parse(text) as AslDefinition;
}

const definition = deliveryDefinition();

interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
  readonly MaxAttempts?: number;
}
const retriersOf = (asl: AslDefinition) => (asl.States.DeliverEvent?.Retry ?? []) as readonly Retrier[];
const retrierFor = (asl: AslDefinition, error: string) => retriersOf(asl).find((r) => r.ErrorEquals.includes(error));

const fail = (name: string) => Object.assign(new Error(`${name} (scripted)`), { name });

/** Runs the delivery machine once, the DeliverEvent task answering from a script (one entry per attempt). */
async function run(asl: AslDefinition, script: readonly (JSONValue | Error)[]) {
  let attempts = 0;
  const machine = new StateMachine(asl as never, { validationOptions: { checkArn: false } });
  const execution = machine.run(
    { event: { eventId: 'DCL-0123456789ABCDEF01234567.v2' }, brokerId: 'BRK-1', subscriptionId: 'WHK-1' },
    {
      overrides: {
        taskResourceLocalHandlers: {
          DeliverEvent: async () => {
            const answer = script[Math.min(attempts++, script.length - 1)];
            if (answer instanceof Error) throw answer;
            return answer ?? null;
          },
        },
        // The path matters here, not the waiting: retries go at once.
        retryIntervalOverrides: { DeliverEvent: 0 },
      },
    },
  );
  const entered: string[] = [];
  const logs = (async () => {
    for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered.push(event.state.name);
  })();
  const outcome = await execution.result.then(
    (output: JSONValue) => ({ ok: true as const, output }),
    (error: Error) => ({ ok: false as const, error: (error.cause as Error | undefined)?.name ?? error.name }),
  );
  await logs;
  return { attempts, entered, outcome };
}

describe('the outbox reaches the dispatcher through the declarations table’s stream', () => {
  it('the declarations table streams the new image of every write', () => {
    const tables = resourcesOf<{ KeySchema: { AttributeName: string }[]; StreamSpecification?: unknown }>(
      statefulTemplate,
      'AWS::DynamoDB::Table',
    );
    const declarations = tables.find(([, t]) => t.Properties.KeySchema.some((k) => k.AttributeName === 'PK'));
    assert.deepEqual(declarations?.[1].Properties.StreamSpecification, { StreamViewType: 'NEW_IMAGE' });
  });

  it('one mapping feeds the dispatcher the INSERTs of outbox items only, in batches, bisecting and retrying a failure', () => {
    const mappings = resourcesOf<Record<string, unknown>>(statelessTemplate, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => JSON.stringify(m.Properties.FunctionName).includes('NotificationsDispatch'),
    );
    assert.equal(mappings.length, 1);
    const [, mapping] = mappings[0] as [string, { Properties: Record<string, unknown> }];
    const { FilterCriteria, EventSourceArn, ...settings } = mapping.Properties;
    assert.match(JSON.stringify(EventSourceArn), /ExportsOutputFnGetAttDeclarationsTable\w*StreamArn/);
    assert.deepEqual(
      (FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((filter) => JSON.parse(filter.Pattern)),
      [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['DomainEvent'] } } } }],
    );
    assert.deepEqual(
      {
        StartingPosition: settings.StartingPosition,
        BatchSize: settings.BatchSize,
        BisectBatchOnFunctionError: settings.BisectBatchOnFunctionError,
        MaximumRetryAttempts: settings.MaximumRetryAttempts,
      },
      { StartingPosition: 'TRIM_HORIZON', BatchSize: 25, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 10 },
    );
  });
});

describe('the webhook delivery state machine', () => {
  it('retries DeliveryFailed from 30 s, doubling to at most an hour apart, with full jitter, for more than a day', () => {
    const retrier = retrierFor(definition, DELIVERY_ERRORS.failed);
    assert.deepEqual(
      {
        IntervalSeconds: retrier?.IntervalSeconds,
        BackoffRate: retrier?.BackoffRate,
        MaxDelaySeconds: retrier?.MaxDelaySeconds,
        JitterStrategy: retrier?.JitterStrategy,
      },
      { IntervalSeconds: 30, BackoffRate: 2, MaxDelaySeconds: 3600, JitterStrategy: 'FULL' },
    );
    // Full jitter waits half of each ceiling on average: the attempts must outlast the window by far, so that the
    // window (enforced by the step), not the count, ends a failing delivery.
    const ceilings = Array.from({ length: retrier?.MaxAttempts ?? 0 }, (_, n) => Math.min(30 * 2 ** n, 3600));
    const expectedWait = ceilings.reduce((sum, ceiling) => sum + ceiling / 2, 0);
    assert.ok(expectedWait >= 1.5 * DELIVERY_WINDOW_SECONDS, `${expectedWait / 3600} h`);
  });

  it('gives up by itself a little after the window: its timeout is the window plus one longest wait and a step', () => {
    const timeout = definition.TimeoutSeconds ?? 0;
    assert.ok(timeout >= DELIVERY_WINDOW_SECONDS + 3600, `${timeout}`);
    assert.ok(timeout <= DELIVERY_WINDOW_SECONDS + 2 * 3600, `${timeout}`);
  });

  it('a test stack may shorten the first wait (context webhookRetryIntervalSeconds); nothing else changes', () => {
    const quick = deliveryDefinition({ webhookRetryIntervalSeconds: 1 });
    assert.equal(retrierFor(quick, DELIVERY_ERRORS.failed)?.IntervalSeconds, 1);
    assert.deepEqual(
      retriersOf(quick).map(({ IntervalSeconds: _interval, ...rest }) => rest),
      retriersOf(definition).map(({ IntervalSeconds: _interval, ...rest }) => rest),
    );
  });

  it('delivers on the third attempt when the receiver fails twice', async () => {
    const delivered = { outcome: 'delivered', attempt: 3, httpStatus: 200 };
    const { attempts, outcome, entered } = await run(definition, [
      fail(DELIVERY_ERRORS.failed),
      fail(DELIVERY_ERRORS.failed),
      delivered,
    ]);
    assert.equal(attempts, 3);
    assert.equal(outcome.ok, true);
    assert.deepEqual((outcome as unknown as { output: { result: unknown } }).output.result, delivered);
    assert.deepEqual(entered, ['DeliverEvent']);
  });

  it('stops at once on DeliveryAbandoned, without another attempt, and ends in Abandoned', async () => {
    const { attempts, outcome, entered } = await run(definition, [fail(DELIVERY_ERRORS.abandoned)]);
    assert.equal(attempts, 1);
    assert.equal(outcome.ok, true);
    assert.deepEqual(entered, ['DeliverEvent', 'Abandoned']);
  });

  it('ends at once, sending nothing more, when the webhook was deleted', async () => {
    const { attempts, outcome } = await run(definition, [{ outcome: 'subscription-deleted' }]);
    assert.equal(attempts, 1);
    assert.equal(outcome.ok, true);
  });

  it('retries a crashed step a few times, then fails the execution for an operator to see', async () => {
    const { attempts, outcome } = await run(definition, [fail('Sandbox.Timedout')]);
    assert.equal(attempts, 4);
    assert.deepEqual(outcome, { ok: false, error: 'Sandbox.Timedout' });
  });
});

describe('the loopback exception for webhooks', () => {
  it('is refused on a long-lived stage', () => {
    assert.throws(() => buildApp({ stage: 'prod', allowLoopbackWebhooks: true }), /allowLoopbackWebhooks/);
  });

  it('is off unless asked for, and reaches the functions as "true" when a sandbox asks', () => {
    const envs = (template: typeof statelessTemplate) =>
      resourcesOf<{ Environment?: { Variables?: Record<string, unknown> } }>(template, 'AWS::Lambda::Function')
        .map(([, fn]) => fn.Properties.Environment?.Variables?.ALLOW_LOOPBACK_WEBHOOKS)
        .filter((value) => value !== undefined);
    assert.deepEqual(envs(statelessTemplate), ['false', 'false']);
    const local = synthApp({ stage: 'test', allowLoopbackWebhooks: 'true' }).statelessTemplate;
    assert.deepEqual(envs(local), ['true', 'true']);
  });
});
