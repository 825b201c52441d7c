import type { DomainEvent } from '#domain/events.ts';
import { signatureHeaders } from '#domain/webhook-signature.ts';
import {
  DeliveryAbandonedError,
  DeliveryFailedError,
  deliveryWindowHasPassed,
  WEBHOOK_USER_AGENT,
} from '#domain/webhooks.ts';
import type {
  Clock,
  Delivery,
  DeliveryLog,
  DeliveryScheduler,
  WebhookResponse,
  WebhookStore,
  WebhookTransport,
} from './ports.ts';

/** An event as the outbox recorded it: the event and the broker it belongs to. */
export interface RecordedEvent {
  readonly brokerId: string;
  readonly event: DomainEvent;
}

/** How many deliveries the dispatcher starts at once. */
const SCHEDULING_CONCURRENCY = 8;

/**
 * Starts one delivery per (event, subscription of the event's broker). Safe to run again on the same events
 * (a stream batch is retried whole): a delivery already started is not started twice. Fails if any start
 * failed, after trying all, so the batch is retried and only the missing deliveries start.
 */
export async function dispatchEvents(
  ports: { readonly webhooks: WebhookStore; readonly deliveries: DeliveryScheduler },
  events: readonly RecordedEvent[],
): Promise<{ scheduled: number; alreadyScheduled: number }> {
  const brokers = [...new Set(events.map((recorded) => recorded.brokerId))];
  const subscriptions = new Map(
    await Promise.all(
      brokers.map(async (brokerId) => [brokerId, await ports.webhooks.listForBroker(brokerId)] as const),
    ),
  );
  const deliveries: Delivery[] = events.flatMap(({ brokerId, event }) =>
    (subscriptions.get(brokerId) ?? []).map((subscription) => ({ event, brokerId, subscriptionId: subscription.id })),
  );
  const results = await inBatches(deliveries, SCHEDULING_CONCURRENCY, (delivery) =>
    ports.deliveries.schedule(delivery),
  );
  const failures = results.filter((result) => result.status === 'rejected');
  if (failures.length > 0) {
    throw new AggregateError(
      failures.map((failure) => failure.reason),
      `${failures.length} of ${deliveries.length} deliveries could not be started`,
    );
  }
  const outcomes = results.map((result) => (result as PromiseFulfilledResult<string>).value);
  return {
    scheduled: outcomes.filter((outcome) => outcome === 'scheduled').length,
    alreadyScheduled: outcomes.filter((outcome) => outcome === 'already-scheduled').length,
  };
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.allSettled(items.slice(start, start + size).map(run))));
  }
  return results;
}

export type DeliveryResult =
  | { readonly outcome: 'delivered'; readonly attempt: number; readonly httpStatus: number }
  | { readonly outcome: 'subscription-deleted' };

/**
 * One attempt to deliver an event to a subscription: signed, POSTed, logged. A 2xx answer delivers it. Any
 * other answer, or none, throws DeliveryFailed for the state machine to retry later; once the delivery window
 * has passed since the event was recorded, DeliveryAbandoned instead, which ends the delivery. A subscription
 * deleted meanwhile ends it at once, without sending or logging anything.
 */
export async function deliverEvent(
  ports: {
    readonly webhooks: WebhookStore;
    readonly deliveryLog: DeliveryLog;
    readonly transport: WebhookTransport;
    readonly clock: Clock;
  },
  delivery: Delivery,
): Promise<DeliveryResult> {
  const { event } = delivery;
  const subscription = await ports.webhooks.find(delivery.brokerId, delivery.subscriptionId);
  if (subscription === undefined) return { outcome: 'subscription-deleted' };

  const attempt = await ports.deliveryLog.nextAttempt(subscription.id, event.eventId);
  const attemptedAt = ports.clock();
  const body = JSON.stringify(event);
  const response = await ports.transport.send({
    url: subscription.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      ...signatureHeaders(subscription.secret, {
        id: event.eventId,
        timestamp: Math.floor(attemptedAt.getTime() / 1000),
        body,
      }),
    },
    body,
  });
  const delivered = response.kind === 'answered' && response.status >= 200 && response.status < 300;
  const abandoned = !delivered && deliveryWindowHasPassed(event.recordedAt, ports.clock());
  const what = whatHappened(response);
  await ports.deliveryLog.record(subscription.id, {
    eventId: event.eventId,
    attempt,
    attemptedAt: attemptedAt.toISOString(),
    outcome: delivered ? 'delivered' : abandoned ? 'abandoned' : 'failed',
    ...(response.kind === 'answered' ? { httpStatus: response.status } : {}),
    ...(delivered ? {} : { error: what }),
    durationMs: response.durationMs,
  });
  if (delivered) return { outcome: 'delivered', attempt, httpStatus: (response as { status: number }).status };
  if (abandoned) throw new DeliveryAbandonedError(event.eventId, attempt, what);
  throw new DeliveryFailedError(event.eventId, attempt, what);
}

function whatHappened(response: WebhookResponse): string {
  return response.kind === 'answered' ? `the receiver answered ${response.status}` : response.error;
}
