/**
 * Webhook subscriptions and their deliveries: the rules the use cases and the delivery state machine share.
 * A broker registers URLs; every status change of its declarations is delivered to each of them, signed
 * (./webhook-signature.ts), retried with backoff for at least a day, and logged for the broker to read.
 */

/** A broker may register this many webhooks; a receiver that wants several consumers fans out itself. */
export const MAX_WEBHOOKS_PER_BROKER = 10;

/**
 * How long a failing delivery is retried, counted from when the event was recorded. The state machine's
 * retries are jittered, so their sum is random; the delivery step decides instead: once this has passed,
 * a failing attempt abandons the delivery rather than asking for another retry.
 */
export const DELIVERY_WINDOW_SECONDS = 24 * 3600;

/** A receiver that has not answered within this long has failed the attempt. */
export const DELIVERY_TIMEOUT_MILLISECONDS = 10_000;

export const WEBHOOK_USER_AGENT = 'Horgos-Preclearance-Webhooks/1.0 (+https://www.standardwebhooks.com)';

export const WEBHOOK_ID_PATTERN = '^WHK-[0-9A-F]{24}$';
export const WEBHOOK_ID_BYTES = 12;

/** A subscription id from random bytes: "WHK-" and 24 hex digits, like a declaration id. */
export function webhookIdOf(random: Uint8Array): string {
  if (random.length !== WEBHOOK_ID_BYTES) throw new Error(`a webhook id takes ${WEBHOOK_ID_BYTES} random bytes`);
  return `WHK-${Buffer.from(random).toString('hex').toUpperCase()}`;
}

export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'abandoned'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Whether a failing attempt at this moment ends the delivery: the event is older than the delivery window. */
export function deliveryWindowHasPassed(recordedAt: string, now: Date): boolean {
  return now.getTime() - new Date(recordedAt).getTime() >= DELIVERY_WINDOW_SECONDS * 1000;
}

/**
 * Errors the delivery step ends with, by the name the delivery state machine matches in Retry and Catch: the
 * machine imports these names, so a renamed error cannot silently stop matching.
 */
export const DELIVERY_ERRORS = {
  /** The receiver did not answer 2xx: try again later. */
  failed: 'DeliveryFailed',
  /** The receiver still fails and the delivery window has passed: stop trying. */
  abandoned: 'DeliveryAbandoned',
} as const;

export class DeliveryFailedError extends Error {
  constructor(eventId: string, attempt: number, what: string) {
    super(`attempt ${attempt} at event ${eventId} failed: ${what}`);
    this.name = DELIVERY_ERRORS.failed;
  }
}

export class DeliveryAbandonedError extends Error {
  constructor(eventId: string, attempt: number, what: string) {
    super(`attempt ${attempt} at event ${eventId} failed (${what}) and the delivery window has passed: abandoned`);
    this.name = DELIVERY_ERRORS.abandoned;
  }
}
