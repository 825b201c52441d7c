import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  brokerToken,
  eventually,
  officerToken,
  portOperatorToken,
  railDeclarationOnItsTrain,
  railImportDeclaration,
  startTestStack,
  trainEvent,
} from './local-stack-client.ts';

/**
 * The arrival wait's timeout path. The stack is synthesized with a 2-second arrival timeout through CDK
 * context (the same knob a sandbox would set), so the harness runs that definition, not a doctored copy.
 */
describe('a train that does not arrive in time', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let acme: string;
  let port: string;

  before(async () => {
    env = await startTestStack({ arrivalTimeoutSeconds: 2 });
    [acme, port] = await Promise.all([brokerToken('BRK-ACME'), portOperatorToken()]);
  });
  after(async () => env?.stop());

  const executionArnOf = (id: string) =>
    `${env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'))?.arn.replace(':stateMachine:', ':execution:')}:${id}`;
  const statusOf = async (id: string) => String((await env.api.get(`/v1/declarations/${id}`, acme)).body.status);

  it('puts the declaration in MANUAL_REVIEW, and a late arrival no longer resumes it', async () => {
    const { train, declaration } = await railDeclarationOnItsTrain(env.api);
    const id = String(
      (await env.api.post('/v1/declarations', { token: acme, idempotencyKey: 'late-train-1', json: declaration })).body
        .id,
    );

    await eventually(
      () => statusOf(id),
      (status) => status === 'MANUAL_REVIEW',
      30_000,
    );

    const history = await env.api.get(`/v1/declarations/${id}`, acme);
    const last = (history.body.history as { status: string; reason: string }[]).at(-1);
    assert.equal(last?.status, 'MANUAL_REVIEW');
    assert.match(String(last?.reason), /did not come in time/);
    const queue = await env.api.get('/v1/officer/tasks?queue=officers', await officerToken());
    assert.ok(
      (queue.body.items as { declarationId: string }[]).some((task) => task.declarationId === id),
      'the review is in the officers’ queue',
    );
    const events =
      (await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArnOf(id) }))).events ?? [];
    assert.ok(events.some((e) => e.type === 'TaskTimedOut'));
    assert.ok(events.some((e) => e.stateEnteredEventDetails?.name === 'ReviewMissedArrivalTask'));

    const late = await env.api.post('/v1/port-events', {
      token: port,
      json: trainEvent('TRAIN_ARRIVED', train),
    });
    assert.equal(late.status, 202);
    // The fan-out finds the declaration under review: it drops the stale wait and moves nothing.
    await eventually(
      async () => (await env.api.get(`/v1/declarations/${id}`, acme)).body.history as unknown[],
      (entries) => entries.length > 0,
    );
    assert.equal(await statusOf(id), 'MANUAL_REVIEW');
  });

  it('answers the Step Functions API as the service does: unknown tokens and stopped executions', async () => {
    await assert.rejects(
      env.sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })),
      (error: Error) => error.name === 'InvalidToken',
    );
    const id = String(
      (
        await env.api.post('/v1/declarations', {
          token: acme,
          idempotencyKey: 'stopped-1',
          json: railImportDeclaration(),
        })
      ).body.id,
    );
    // The filing queued its start (a workflow command): the execution exists a stream poll later.
    await eventually(
      () =>
        env.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(id) })).then(
          () => true,
          () => false,
        ),
      (exists) => exists,
    );
    await env.sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(id), error: 'Test.Stopped' }));
    const described = await eventually(
      () => env.sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(id) })),
      (d) => d.status !== 'RUNNING',
    );
    assert.equal(described.status, 'ABORTED');
    assert.ok(described.stopDate instanceof Date);
  });
});
