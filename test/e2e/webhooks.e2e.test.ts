import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { SIGNATURE_TOLERANCE_SECONDS, verifyWebhookSignature } from '#domain/webhook-signature.ts';
import { WEBHOOK_USER_AGENT } from '#domain/webhooks.ts';
import {
  type ApiAnswer,
  brokerToken,
  eventually,
  holdsStill,
  portOperatorToken,
  roadExportDeclaration,
  startTestStack,
  tomorrowAtTen,
  truckGatedIn,
} from './local-stack-client.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

/**
 * Webhooks end to end on the local stack: brokers register receivers running on this machine, and every status
 * change travels outbox → DynamoDB stream → dispatcher → delivery state machine → real HTTP, through the code
 * that runs on AWS. Retries wait 1 s, 2 s… here (context webhookRetryIntervalSeconds=1) instead of 30 s, 60 s….
 */
describe('webhooks, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let brokerA: string;
  let brokerB: string;
  let port: string;
  const receivers: Receiver[] = [];
  const startedAt = new Date();

  before(async () => {
    env = await startTestStack({ webhookRetryIntervalSeconds: 1 });
    [brokerA, brokerB, port] = await Promise.all([
      brokerToken('BRK-HOOKS-A'),
      brokerToken('BRK-HOOKS-B'),
      portOperatorToken(),
    ]);
  });
  after(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await env?.stop();
  });

  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  const registerWebhook = async (token: string, url: string, key: string) => {
    const answer = await env.api.post('/v1/webhooks', { token, idempotencyKey: key, json: { url } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body as { id: string; secret: string; url: string };
  };
  // A road export: its slot booked and its truck's gate-in take it to release (the rail flow has its own tests).
  const file = async (token: string, key: string) => {
    const declaration = roadExportDeclaration();
    const answer = await env.api.post('/v1/declarations', { token, idempotencyKey: key, json: declaration });
    assert.equal(answer.status, 202);
    return { id: String(answer.body.id), plate: declaration.truck.plate };
  };
  const statusOf = async (id: string, token: string) =>
    String((await env.api.get(`/v1/declarations/${id}`, token)).body.status);
  const historyIds = async (id: string, token: string) =>
    ((await env.api.get(`/v1/declarations/${id}`, token)).body.history as { version: number }[]).map(
      (entry) => `${id}.v${entry.version}`,
    );
  /** The broker's pull feed, all of it. */
  const pulledEvents = async (token: string) => {
    const events: { eventId: string; declarationId: string }[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const answer: ApiAnswer = await env.api.get(`/v1/events${after === undefined ? '' : `?after=${after}`}`, token);
      assert.equal(answer.status, 200);
      const items = answer.body.items as { eventId: string; declarationId: string }[];
      events.push(...items);
      after = String(answer.body.nextCursor);
      if (items.length === 0) break;
    }
    return events;
  };
  const deliveryMachineArn = () => {
    const machine = env.stack.stateMachines.find((sm) => sm.name.endsWith('-webhook-delivery'));
    assert.ok(machine !== undefined, 'the local stack runs the webhook delivery machine');
    return machine.arn;
  };

  // ── (a) (c) (d): a healthy receiver ─────────────────────────────────────────────────────────────
  let receiverA: Receiver;
  let webhookA: { id: string; secret: string };
  let declarationA: string;
  let declarationB: string;

  it('delivers every status change of the broker’s own declarations once, signed, to its receiver', async (t) => {
    receiverA = await receiver();
    webhookA = await registerWebhook(brokerA, receiverA.url, 'hooks-a-1');
    assert.match(webhookA.secret, /^whsec_/);

    const { id, plate } = await file(brokerA, 'hooks-a-decl-1');
    declarationA = id;
    await eventually(
      () => statusOf(id, brokerA),
      (status) => holdsStill('ROAD_EXPORT', status),
    );
    const booked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token: brokerA,
      json: { laneType: 'VEHICLE_CARRIER', startsAt: tomorrowAtTen() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    await eventually(
      () => statusOf(id, brokerA),
      (status) => status === 'SLOT_BOOKED',
    );
    assert.equal((await env.api.post('/v1/port-events', { token: port, json: truckGatedIn(plate) })).status, 202);
    await eventually(
      () => statusOf(id, brokerA),
      (status) => status === 'RELEASED',
    );
    const expected = await historyIds(id, brokerA);
    assert.equal(
      expected.length,
      7,
      'filed, risk-assessed, slot booked and confirmed, gated in, duties secured, released',
    );
    await eventually(
      async () => receiverA.deliveredEvents().map((event) => event.eventId),
      (ids) => ids.length >= expected.length,
    );
    // Every delivery is logged before its execution ends: once none runs, nothing more is on its way.
    await eventually(
      async () =>
        (
          await env.sfn.send(
            new ListExecutionsCommand({ stateMachineArn: deliveryMachineArn(), statusFilter: 'RUNNING' }),
          )
        ).executions?.length ?? 0,
      (running) => running === 0,
    );

    const ids = receiverA.eventIds();
    assert.deepEqual([...ids].sort(), [...expected].sort(), 'each status change exactly once, no duplicate');
    for (const delivery of receiverA.received) {
      const verified = verifyWebhookSignature({
        secret: webhookA.secret,
        headers: delivery.headers as Record<string, string>,
        body: delivery.body,
        now: delivery.receivedAt,
      });
      assert.equal(verified.valid, true, JSON.stringify(verified));
      const signedAt = Number(delivery.headers['webhook-timestamp']) * 1000;
      assert.ok(signedAt >= startedAt.getTime() - 1000, 'signed during this test');
      assert.ok(
        Math.abs(delivery.receivedAt.getTime() - signedAt) <= SIGNATURE_TOLERANCE_SECONDS * 1000,
        'fresh enough for a receiver that refuses replays',
      );
      assert.equal(delivery.headers['content-type'], 'application/json');
      assert.equal(delivery.headers['user-agent'], WEBHOOK_USER_AGENT);
      assert.equal(JSON.parse(delivery.body).eventId, delivery.headers['webhook-id']);
    }

    // A figure, not an assertion: how long a status change takes to reach a receiver on this machine.
    const latencies = receiverA.received
      .map((delivery) => delivery.receivedAt.getTime() - Date.parse(JSON.parse(delivery.body).recordedAt))
      .sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)];
    t.diagnostic(
      `status change → webhook received (${latencies.length}, cold starts included): min ${latencies[0]} ms, median ${median} ms, max ${latencies.at(-1)} ms`,
    );
  });

  it('delivers on the third try to a receiver that answers 500 twice, and logs two failures then the delivery', async () => {
    const flaky = await receiver((_eventId, previousTries) => (previousTries < 2 ? 500 : 200));
    const webhookB = await registerWebhook(brokerB, flaky.url, 'hooks-b-1');
    const { id } = await file(brokerB, 'hooks-b-decl-1');
    declarationB = id;
    const firstEvent = `${id}.v1`;

    await eventually(
      async () => flaky.deliveredEvents().map((event) => event.eventId),
      (ids) => ids.includes(firstEvent),
      30_000,
    );
    assert.deepEqual(
      flaky.received.filter((d) => d.headers['webhook-id'] === firstEvent).map((d) => d.status),
      [500, 500, 200],
    );
    const log = await eventually(
      async () => {
        const answer = await env.api.get(`/v1/webhooks/${webhookB.id}/deliveries?limit=100`, brokerB);
        return (
          answer.body.items as { eventId: string; attempt: number; outcome: string; httpStatus?: number }[]
        ).filter((item) => item.eventId === firstEvent);
      },
      (items) => items.length >= 3,
    );
    assert.deepEqual(
      log.map(({ attempt, outcome, httpStatus }) => ({ attempt, outcome, httpStatus })),
      [
        { attempt: 3, outcome: 'delivered', httpStatus: 200 },
        { attempt: 2, outcome: 'failed', httpStatus: 500 },
        { attempt: 1, outcome: 'failed', httpStatus: 500 },
      ],
      'newest first',
    );
  });

  it('never delivers another broker’s events to a broker’s receiver', async () => {
    const declarationsSeen = new Set(receiverA.deliveredEvents().map((event) => event.declarationId));
    assert.deepEqual([...declarationsSeen], [declarationA]);
    assert.ok(!receiverA.eventIds().some((eventId) => eventId.startsWith(declarationB)));
  });

  it('serves the same events on the pull feed, in the order they were recorded, as the webhook delivered', async (t) => {
    const delivered = receiverA.deliveredEvents();
    const pulled = await eventually(
      () => pulledEvents(brokerA),
      (events) => events.length >= delivered.length,
    );
    assert.deepEqual(
      pulled.map((event) => event.eventId),
      [...delivered]
        // Deliveries are not ordered (a retried one arrives after later ones): a receiver orders them by version.
        .sort((x, y) => x.recordedAt.localeCompare(y.recordedAt) || x.version - y.version)
        .map((event) => event.eventId),
    );
    const arrivedInOrder = delivered.every(
      (event, index) => index === 0 || (delivered[index - 1]?.version ?? 0) < event.version,
    );
    t.diagnostic(`the webhook received them in recorded order too: ${arrivedInOrder}`);
    // The feed serves an event once it has settled (2 s); broker B's last ones may be younger.
    const pulledByB = await eventually(
      () => pulledEvents(brokerB),
      // Filed and risk-assessed: the truck then waits for its slot booking.
      (events) => events.length >= 2,
    );
    assert.deepEqual(
      pulledByB.map((event) => event.declarationId),
      [declarationB, declarationB],
      'and another broker pulls only its own',
    );
  });

  // ── (f) tenancy and the secret ──────────────────────────────────────────────────────────────────

  it('lists a broker’s webhooks without their secrets, and hides them from other brokers', async () => {
    const listed = await env.api.get('/v1/webhooks', brokerA);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      (listed.body.items as { id: string }[]).map((item) => item.id),
      [webhookA.id],
    );
    assert.ok(!JSON.stringify(listed.body).includes(webhookA.secret), 'the secret is never shown again');
    const log = await env.api.get(`/v1/webhooks/${webhookA.id}/deliveries`, brokerA);
    assert.equal(log.status, 200);
    assert.ok(!JSON.stringify(log.body).includes(webhookA.secret));

    const others = await env.api.get('/v1/webhooks', brokerB);
    assert.ok(!(others.body.items as { id: string }[]).some((item) => item.id === webhookA.id));
    assert.equal((await env.api.get(`/v1/webhooks/${webhookA.id}/deliveries`, brokerB)).status, 404);
    assert.equal((await env.api.call('DELETE', `/v1/webhooks/${webhookA.id}`, { token: brokerB })).status, 404);
  });

  it('refuses a webhook URL outside the policy, naming /url and the rule', async () => {
    const refused = await env.api.post('/v1/webhooks', {
      token: brokerA,
      idempotencyKey: 'hooks-a-refused',
      json: { url: 'http://hooks.acme.example/in' },
    });
    assert.equal(refused.status, 422);
    assert.deepEqual(
      refused.body.errors?.map((error) => `${error.field} ${error.rule}`),
      ['/url https-only'],
    );
  });

  // ── (e) deleting ────────────────────────────────────────────────────────────────────────────────

  it('sends nothing more to a deleted webhook: neither new events nor retries still pending', async () => {
    assert.equal((await env.api.call('DELETE', `/v1/webhooks/${webhookA.id}`, { token: brokerA })).status, 204);
    assert.equal((await env.api.call('DELETE', `/v1/webhooks/${webhookA.id}`, { token: brokerA })).status, 404);
    assert.equal((await env.api.get(`/v1/webhooks/${webhookA.id}/deliveries`, brokerA)).status, 404);
    const receivedByA = receiverA.received.length;

    // A receiver that is down: its deliveries keep failing, and are retried, until its webhook is deleted.
    const down = await receiver(() => 503);
    const webhook = await registerWebhook(brokerA, down.url, 'hooks-a-down');
    const { id } = await file(brokerA, 'hooks-a-decl-2');
    await eventually(
      async () => down.received.length,
      (count) => count >= 1,
      30_000,
    );
    assert.equal((await env.api.call('DELETE', `/v1/webhooks/${webhook.id}`, { token: brokerA })).status, 204);
    const receivedByDown = down.received.length;

    // Once the new events are on the pull feed the dispatcher has seen them; once no delivery runs, none is left.
    await eventually(
      () => statusOf(id, brokerA),
      (status) => holdsStill('ROAD_EXPORT', status),
    );
    await eventually(
      async () => (await pulledEvents(brokerA)).filter((event) => event.declarationId === id).length,
      (count) => count === 2,
    );
    await eventually(
      async () =>
        (
          await env.sfn.send(
            new ListExecutionsCommand({ stateMachineArn: deliveryMachineArn(), statusFilter: 'RUNNING' }),
          )
        ).executions?.length ?? 0,
      (running) => running === 0,
      30_000,
    );

    assert.equal(receiverA.received.length, receivedByA, 'no new event reached the webhook deleted first');
    const executions = (await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: deliveryMachineArn() })))
      .executions;
    const toDown = (
      await Promise.all(
        (executions ?? []).map(async (execution) => {
          const described = await env.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
          return { status: described.status, output: JSON.parse(described.output ?? '{}') };
        }),
      )
    ).filter(({ output }) => output.subscriptionId === webhook.id);
    assert.ok(toDown.length >= 1);
    for (const execution of toDown) {
      assert.deepEqual(
        [execution.status, execution.output.result?.outcome],
        ['SUCCEEDED', 'subscription-deleted'],
        'each pending delivery found the webhook gone and ended without sending',
      );
    }
    // An attempt already under way when the webhook was deleted may still land: at most one per delivery.
    assert.ok(
      down.received.length <= receivedByDown + toDown.length,
      `${down.received.length} after ${receivedByDown}`,
    );
  });
});
