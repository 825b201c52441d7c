import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliverEvent, dispatchEvents, type RecordedEvent } from '#application/deliveries.ts';
import type { Clock, WebhookSubscription } from '#application/ports.ts';
import type { DomainEvent } from '#domain/events.ts';
import { verifyWebhookSignature } from '#domain/webhook-signature.ts';
import { DELIVERY_ERRORS, DELIVERY_WINDOW_SECONDS, WEBHOOK_USER_AGENT } from '#domain/webhooks.ts';
import {
  fakeDeliveryScheduler,
  inMemoryDeliveryLog,
  inMemoryWebhookStore,
  scriptedTransport,
} from '../support/fake-notification-ports.ts';
import { BROKERS } from '../support/fake-ports.ts';

const RECORDED_AT = '2026-11-21T08:00:00.000Z';

function statusChanged(version: number, declarationId = 'DCL-0123456789ABCDEF01234567'): DomainEvent {
  return {
    eventId: `${declarationId}.v${version}`,
    eventType: 'declaration.status-changed',
    declarationId,
    declarationType: 'RAIL_IMPORT',
    status: 'RISK_ASSESSED',
    previousStatus: 'RECEIVED',
    version,
    transition: 'ASSIGN_RISK_CHANNEL',
    actor: { kind: 'system', id: 'risk-engine' },
    occurredAt: RECORDED_AT,
    recordedAt: RECORDED_AT,
    reason: 'green channel',
  };
}

function subscription(id: string, brokerId: string = BROKERS.almaty): WebhookSubscription {
  return {
    id,
    brokerId,
    url: `https://erp.example/${id}`,
    createdAt: '2026-11-20T00:00:00.000Z',
    secret: `whsec_${Buffer.alloc(32, id.length).toString('base64')}`,
  };
}

async function storeWith(...subscriptions: WebhookSubscription[]) {
  const webhooks = inMemoryWebhookStore();
  for (const s of subscriptions) await webhooks.store.add(s, 10);
  return webhooks;
}

describe('dispatching recorded events to the brokers’ webhooks', () => {
  it('starts one delivery per event and webhook of the event’s broker, and none to other brokers', async () => {
    const webhooks = await storeWith(
      subscription('WHK-A1'),
      subscription('WHK-A2'),
      subscription('WHK-U1', BROKERS.urumqi),
    );
    const deliveries = fakeDeliveryScheduler();
    const events: RecordedEvent[] = [
      { brokerId: BROKERS.almaty, event: statusChanged(1) },
      { brokerId: BROKERS.almaty, event: statusChanged(2) },
    ];

    const result = await dispatchEvents({ webhooks: webhooks.store, deliveries: deliveries.scheduler }, events);

    assert.deepEqual(result, { scheduled: 4, alreadyScheduled: 0 });
    assert.deepEqual(deliveries.started.map((d) => `${d.event.eventId} → ${d.subscriptionId}`).sort(), [
      'DCL-0123456789ABCDEF01234567.v1 → WHK-A1',
      'DCL-0123456789ABCDEF01234567.v1 → WHK-A2',
      'DCL-0123456789ABCDEF01234567.v2 → WHK-A1',
      'DCL-0123456789ABCDEF01234567.v2 → WHK-A2',
    ]);
    assert.ok(deliveries.started.every((d) => d.brokerId === BROKERS.almaty));
  });

  it('starts nothing twice when the same stream batch is dispatched again', async () => {
    const webhooks = await storeWith(subscription('WHK-A1'));
    const deliveries = fakeDeliveryScheduler();
    const ports = { webhooks: webhooks.store, deliveries: deliveries.scheduler };
    const events = [{ brokerId: BROKERS.almaty, event: statusChanged(1) }];

    await dispatchEvents(ports, events);
    assert.deepEqual(await dispatchEvents(ports, events), { scheduled: 0, alreadyScheduled: 1 });
    assert.equal(deliveries.started.length, 1);
  });

  it('does nothing for a broker without webhooks', async () => {
    const deliveries = fakeDeliveryScheduler();
    const result = await dispatchEvents({ webhooks: (await storeWith()).store, deliveries: deliveries.scheduler }, [
      { brokerId: BROKERS.almaty, event: statusChanged(1) },
    ]);
    assert.deepEqual(result, { scheduled: 0, alreadyScheduled: 0 });
  });

  it('fails the batch when a start fails, after starting the others, so a retry starts only what is missing', async () => {
    const webhooks = await storeWith(subscription('WHK-A1'), subscription('WHK-A2'));
    let failing = true;
    const deliveries = fakeDeliveryScheduler({ failFor: (d) => failing && d.subscriptionId === 'WHK-A2' });
    const ports = { webhooks: webhooks.store, deliveries: deliveries.scheduler };
    const events = [{ brokerId: BROKERS.almaty, event: statusChanged(1) }];

    await assert.rejects(dispatchEvents(ports, events), /1 of 2 deliveries could not be started/);
    assert.deepEqual(
      deliveries.started.map((d) => d.subscriptionId),
      ['WHK-A1'],
    );
    failing = false;
    assert.deepEqual(await dispatchEvents(ports, events), { scheduled: 1, alreadyScheduled: 1 });
  });
});

describe('delivering one event to one webhook', () => {
  async function deliveryPorts(answers: Parameters<typeof scriptedTransport>[0], now: Clock) {
    const webhooks = await storeWith(subscription('WHK-A1'));
    const log = inMemoryDeliveryLog();
    const receiver = scriptedTransport(answers);
    return {
      ports: { webhooks: webhooks.store, deliveryLog: log.log, transport: receiver.transport, clock: now },
      webhooks,
      log,
      receiver,
    };
  }
  const minutesAfterRecording = (minutes: number) => () => new Date(new Date(RECORDED_AT).getTime() + minutes * 60_000);
  const delivery = { event: statusChanged(2), brokerId: BROKERS.almaty, subscriptionId: 'WHK-A1' };

  it('POSTs the event as JSON, signed, with its id and time, and logs it delivered', async () => {
    const { ports, receiver, log } = await deliveryPorts([204], minutesAfterRecording(1));

    assert.deepEqual(await deliverEvent(ports, delivery), { outcome: 'delivered', attempt: 1, httpStatus: 204 });

    const [request] = receiver.received;
    assert.ok(request !== undefined);
    assert.equal(request.url, 'https://erp.example/WHK-A1');
    assert.deepEqual(JSON.parse(request.body), delivery.event);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], WEBHOOK_USER_AGENT);
    assert.equal(request.headers['webhook-id'], delivery.event.eventId);
    const verified = verifyWebhookSignature({
      secret: subscription('WHK-A1').secret,
      headers: request.headers,
      body: request.body,
      now: minutesAfterRecording(1)(),
    });
    assert.equal(verified.valid, true);
    assert.deepEqual(log.of('WHK-A1'), [
      {
        eventId: delivery.event.eventId,
        attempt: 1,
        attemptedAt: '2026-11-21T08:01:00.000Z',
        outcome: 'delivered',
        httpStatus: 204,
        durationMs: 12,
      },
    ]);
  });

  it('throws DeliveryFailed on a non-2xx answer or no answer, logging each attempt with its number', async () => {
    const { ports, log } = await deliveryPorts(
      [500, { unreachable: 'timed out after 10 s' }, 200],
      minutesAfterRecording(5),
    );

    await assert.rejects(deliverEvent(ports, delivery), { name: DELIVERY_ERRORS.failed });
    await assert.rejects(deliverEvent(ports, delivery), { name: DELIVERY_ERRORS.failed });
    assert.equal((await deliverEvent(ports, delivery)).outcome, 'delivered');

    assert.deepEqual(
      log.of('WHK-A1').map(({ attempt, outcome, httpStatus, error }) => ({ attempt, outcome, httpStatus, error })),
      [
        { attempt: 1, outcome: 'failed', httpStatus: 500, error: 'the receiver answered 500' },
        { attempt: 2, outcome: 'failed', httpStatus: undefined, error: 'timed out after 10 s' },
        { attempt: 3, outcome: 'delivered', httpStatus: 200, error: undefined },
      ],
    );
  });

  it('treats a redirect as a failure: deliveries never follow one', async () => {
    const { ports } = await deliveryPorts([302], minutesAfterRecording(1));
    await assert.rejects(deliverEvent(ports, delivery), { name: DELIVERY_ERRORS.failed });
  });

  it('keeps asking for retries just before the delivery window ends', async () => {
    const { ports, log } = await deliveryPorts([503], minutesAfterRecording(DELIVERY_WINDOW_SECONDS / 60 - 1));
    await assert.rejects(deliverEvent(ports, delivery), { name: DELIVERY_ERRORS.failed });
    assert.equal(log.of('WHK-A1')[0]?.outcome, 'failed');
  });

  it(`abandons the delivery once ${DELIVERY_WINDOW_SECONDS / 3600} hours have passed since the event, logging it abandoned`, async () => {
    const { ports, log } = await deliveryPorts([503], minutesAfterRecording(DELIVERY_WINDOW_SECONDS / 60));
    await assert.rejects(deliverEvent(ports, delivery), { name: DELIVERY_ERRORS.abandoned });
    assert.deepEqual(
      log.of('WHK-A1').map(({ outcome, httpStatus }) => ({ outcome, httpStatus })),
      [{ outcome: 'abandoned', httpStatus: 503 }],
    );
  });

  it('still delivers after the window when the receiver finally answers', async () => {
    const { ports } = await deliveryPorts([200], minutesAfterRecording(DELIVERY_WINDOW_SECONDS / 60 + 30));
    assert.equal((await deliverEvent(ports, delivery)).outcome, 'delivered');
  });

  it('sends nothing and logs nothing once the webhook was deleted', async () => {
    const { ports, webhooks, receiver, log } = await deliveryPorts([200], minutesAfterRecording(1));
    await webhooks.store.remove(BROKERS.almaty, 'WHK-A1');

    assert.deepEqual(await deliverEvent(ports, delivery), { outcome: 'subscription-deleted' });
    assert.equal(receiver.received.length, 0);
    assert.deepEqual(log.of('WHK-A1'), []);
  });

  it('never delivers to another broker’s webhook, whatever the delivery names', async () => {
    const { ports, receiver } = await deliveryPorts([200], minutesAfterRecording(1));
    const result = await deliverEvent(ports, { ...delivery, brokerId: BROKERS.urumqi });
    assert.deepEqual(result, { outcome: 'subscription-deleted' });
    assert.equal(receiver.received.length, 0);
  });

  it('signs every attempt afresh: a retry carries its own timestamp and the same id', async () => {
    let minutes = 0;
    const clock = () => minutesAfterRecording(minutes++)();
    const { ports, receiver } = await deliveryPorts([500, 200], clock);
    await assert.rejects(deliverEvent(ports, delivery));
    await deliverEvent(ports, delivery);
    const [first, second] = receiver.received;
    assert.equal(first?.headers['webhook-id'], second?.headers['webhook-id']);
    assert.notEqual(first?.headers['webhook-timestamp'], second?.headers['webhook-timestamp']);
    assert.equal(first?.body, second?.body);
  });
});
