import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidCursorError } from '#application/ports.ts';
import { deleteWebhook, listWebhooks, readDeliveryLog, registerWebhook } from '#application/webhooks.ts';
import { MAX_WEBHOOKS_PER_BROKER, WEBHOOK_ID_PATTERN } from '#domain/webhooks.ts';
import { countingRandomBytes, inMemoryDeliveryLog, inMemoryWebhookStore } from '../support/fake-notification-ports.ts';
import { BROKERS, steppingClock } from '../support/fake-ports.ts';

function notificationPorts(options: { allowLoopback?: boolean } = {}) {
  const webhookStore = inMemoryWebhookStore();
  const deliveryLog = inMemoryDeliveryLog();
  return {
    webhooks: webhookStore.store,
    deliveryLog: deliveryLog.log,
    clock: steppingClock(new Date('2026-11-21T08:00:00Z')),
    randomBytes: countingRandomBytes(),
    urlPolicy: { allowLoopback: options.allowLoopback ?? false },
    webhookStore,
    deliveryLogs: deliveryLog,
  };
}

const register = (ports: ReturnType<typeof notificationPorts>, url: string, brokerId: string = BROKERS.almaty) =>
  registerWebhook(ports, { brokerId, url, description: 'ERP inbox' });

describe('registering a webhook', () => {
  it('stores it for the broker with a fresh id and signing secret, and answers the secret once', async () => {
    const ports = notificationPorts();
    const outcome = await register(ports, 'https://erp.almaty.example/hooks');

    assert.equal(outcome.kind, 'registered');
    if (outcome.kind !== 'registered') return;
    const { subscription } = outcome;
    assert.match(subscription.id, new RegExp(WEBHOOK_ID_PATTERN));
    assert.match(subscription.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(subscription.createdAt, '2026-11-21T08:00:00.000Z');
    assert.deepEqual(ports.webhookStore.all(), [subscription]);

    const listed = await listWebhooks(ports, { brokerId: BROKERS.almaty });
    assert.deepEqual(listed, [
      {
        id: subscription.id,
        brokerId: BROKERS.almaty,
        url: 'https://erp.almaty.example/hooks',
        description: 'ERP inbox',
        createdAt: subscription.createdAt,
      },
    ]);
    assert.ok(!JSON.stringify(listed).includes(subscription.secret), 'a listing never shows the secret');
  });

  it('gives two webhooks different ids and secrets', async () => {
    const ports = notificationPorts();
    const first = await register(ports, 'https://erp.almaty.example/a');
    const second = await register(ports, 'https://erp.almaty.example/b');
    assert.ok(first.kind === 'registered' && second.kind === 'registered');
    assert.notEqual(first.subscription.id, second.subscription.id);
    assert.notEqual(first.subscription.secret, second.subscription.secret);
  });

  it('refuses a URL the policy forbids, naming /url and the rule, and stores nothing', async () => {
    const ports = notificationPorts();
    const outcome = await register(ports, 'http://10.0.0.1/hooks');
    assert.deepEqual(outcome.kind === 'refused' ? outcome.violations.map((v) => [v.pointer, v.rule]) : outcome, [
      ['/url', 'https-only'],
      ['/url', 'public-host'],
    ]);
    assert.deepEqual(ports.webhookStore.all(), []);
  });

  it('accepts a receiver on this machine only where the deployment allows loopback', async () => {
    assert.equal((await register(notificationPorts(), 'http://127.0.0.1:4567/in')).kind, 'refused');
    assert.equal(
      (await register(notificationPorts({ allowLoopback: true }), 'http://127.0.0.1:4567/in')).kind,
      'registered',
    );
  });

  it(`refuses the ${MAX_WEBHOOKS_PER_BROKER + 1}th webhook of a broker, but not another broker’s first`, async () => {
    const ports = notificationPorts();
    for (let n = 0; n < MAX_WEBHOOKS_PER_BROKER; n++) {
      assert.equal((await register(ports, `https://erp.almaty.example/${n}`)).kind, 'registered');
    }
    assert.deepEqual(await register(ports, 'https://erp.almaty.example/one-more'), {
      kind: 'limit-reached',
      limit: MAX_WEBHOOKS_PER_BROKER,
    });
    assert.equal((await register(ports, 'https://erp.urumqi.example/', BROKERS.urumqi)).kind, 'registered');
  });
});

describe('deleting a webhook and reading its delivery log', () => {
  it('deletes the broker’s own webhook, which then no longer lists', async () => {
    const ports = notificationPorts();
    const outcome = await register(ports, 'https://erp.almaty.example/hooks');
    assert.ok(outcome.kind === 'registered');

    assert.equal(await deleteWebhook(ports, { brokerId: BROKERS.almaty, id: outcome.subscription.id }), true);
    assert.deepEqual(await listWebhooks(ports, { brokerId: BROKERS.almaty }), []);
    assert.equal(await deleteWebhook(ports, { brokerId: BROKERS.almaty, id: outcome.subscription.id }), false);
  });

  it('treats another broker’s webhook as absent: it can neither delete it nor read its log', async () => {
    const ports = notificationPorts();
    const outcome = await register(ports, 'https://erp.almaty.example/hooks');
    assert.ok(outcome.kind === 'registered');
    const { id } = outcome.subscription;

    assert.equal(await deleteWebhook(ports, { brokerId: BROKERS.urumqi, id }), false);
    assert.equal(await readDeliveryLog(ports, { brokerId: BROKERS.urumqi, id, limit: 10 }), undefined);
    assert.equal(ports.webhookStore.all().length, 1);
  });

  it('pages through the log newest first, and refuses a cursor it did not issue', async () => {
    const ports = notificationPorts();
    const outcome = await register(ports, 'https://erp.almaty.example/hooks');
    assert.ok(outcome.kind === 'registered');
    const { id } = outcome.subscription;
    for (const attempt of [1, 2, 3]) {
      await ports.deliveryLog.record(id, {
        eventId: 'DCL-0123456789ABCDEF01234567.v1',
        attempt,
        attemptedAt: `2026-11-21T08:0${attempt}:00.000Z`,
        outcome: attempt < 3 ? 'failed' : 'delivered',
        httpStatus: attempt < 3 ? 500 : 200,
        durationMs: 5,
      });
    }
    const first = await readDeliveryLog(ports, { brokerId: BROKERS.almaty, id, limit: 2 });
    assert.deepEqual(
      first?.items.map((item) => item.attempt),
      [3, 2],
    );
    const second = await readDeliveryLog(ports, { brokerId: BROKERS.almaty, id, limit: 2, cursor: first?.nextCursor });
    assert.deepEqual(
      second?.items.map((item) => item.attempt),
      [1],
    );
    assert.equal(second?.nextCursor, undefined);
    await assert.rejects(
      readDeliveryLog(ports, { brokerId: BROKERS.almaty, id, limit: 2, cursor: 'bm90LW91cnM' }),
      InvalidCursorError,
    );
  });
});
