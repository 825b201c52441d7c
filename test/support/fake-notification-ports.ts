import {
  type Delivery,
  type DeliveryAttempt,
  type DeliveryLog,
  type DeliveryScheduler,
  InvalidCursorError,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookStore,
  type WebhookSubscription,
  type WebhookTransport,
} from '#application/ports.ts';

/**
 * In-memory fakes of the notification ports, in the style of ./fake-ports.ts: each keeps its port's contract
 * (a broker sees only its own webhooks, the limit holds, a delivery starts once, the log reads newest first
 * with opaque cursors) and lets a test look at what happened.
 */
const clone = <T>(value: T): T => structuredClone(value);

export function inMemoryWebhookStore() {
  const subscriptions: WebhookSubscription[] = [];
  const store: WebhookStore = {
    async add(subscription, limit) {
      if (subscriptions.filter((s) => s.brokerId === subscription.brokerId).length >= limit) return false;
      subscriptions.push(clone(subscription));
      return true;
    },
    async listForBroker(brokerId) {
      return clone(subscriptions.filter((s) => s.brokerId === brokerId));
    },
    async find(brokerId, id) {
      const found = subscriptions.find((s) => s.brokerId === brokerId && s.id === id);
      return found === undefined ? undefined : clone(found);
    },
    async remove(brokerId, id) {
      const index = subscriptions.findIndex((s) => s.brokerId === brokerId && s.id === id);
      if (index < 0) return false;
      subscriptions.splice(index, 1);
      return true;
    },
  };
  return { store, all: () => clone(subscriptions) };
}

const CURSOR_TAG = 'in-memory-delivery-log';

function decodeCursor(cursor: string): { tag?: unknown; offset?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { tag?: unknown; offset?: unknown };
  } catch {
    return undefined;
  }
}

export function inMemoryDeliveryLog() {
  const attempts = new Map<string, DeliveryAttempt[]>();
  const counters = new Map<string, number>();
  const log: DeliveryLog = {
    async nextAttempt(subscriptionId, eventId) {
      const key = `${subscriptionId}\u0000${eventId}`;
      const next = (counters.get(key) ?? 0) + 1;
      counters.set(key, next);
      return next;
    },
    async record(subscriptionId, attempt) {
      attempts.set(subscriptionId, [...(attempts.get(subscriptionId) ?? []), clone(attempt)]);
    },
    async newestFirst(subscriptionId, limit, cursor) {
      let offset = 0;
      if (cursor !== undefined) {
        const decoded = decodeCursor(cursor);
        if (decoded?.tag !== CURSOR_TAG || typeof decoded.offset !== 'number') throw new InvalidCursorError();
        offset = decoded.offset;
      }
      const newest = [...(attempts.get(subscriptionId) ?? [])].reverse();
      const items = newest.slice(offset, offset + limit);
      const more = offset + limit < newest.length;
      return {
        items: clone(items),
        ...(more
          ? {
              nextCursor: Buffer.from(JSON.stringify({ tag: CURSOR_TAG, offset: offset + limit })).toString(
                'base64url',
              ),
            }
          : {}),
      };
    },
  };
  return { log, of: (subscriptionId: string) => clone(attempts.get(subscriptionId) ?? []) };
}

/** Remembers every delivery it was asked to start; the same (event, subscription) again starts nothing. */
export function fakeDeliveryScheduler(options: { readonly failFor?: (delivery: Delivery) => boolean } = {}) {
  const started: Delivery[] = [];
  const requests: Delivery[] = [];
  const scheduler: DeliveryScheduler = {
    async schedule(delivery) {
      requests.push(clone(delivery));
      if (options.failFor?.(delivery)) throw new Error('ThrottlingException: rate exceeded');
      const key = (d: Delivery) => `${d.event.eventId}\u0000${d.subscriptionId}`;
      if (started.some((existing) => key(existing) === key(delivery))) return 'already-scheduled';
      started.push(clone(delivery));
      return 'scheduled';
    },
  };
  return { scheduler, started, requests };
}

/** A receiver that answers from a script: one answer per request, the last one repeated. */
export function scriptedTransport(answers: readonly (number | { readonly unreachable: string })[]) {
  const received: WebhookRequest[] = [];
  const transport: WebhookTransport = {
    async send(request): Promise<WebhookResponse> {
      received.push(clone(request));
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? 200;
      return typeof answer === 'number'
        ? { kind: 'answered', status: answer, durationMs: 12 }
        : { kind: 'unreachable', error: answer.unreachable, durationMs: 10_000 };
    },
  };
  return { transport, received };
}

/** Random bytes from a counter: every call different, every run the same. */
export function countingRandomBytes() {
  let next = 0;
  return (size: number) => Uint8Array.from({ length: size }, () => next++ % 256);
}
