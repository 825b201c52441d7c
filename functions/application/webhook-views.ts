import type { DeliveryAttempt as DeliveryAttemptBody, WebhookBody } from '#shared/webhook-schemas.ts';
import type { DeliveryAttempt } from './ports.ts';
import type { WebhookView } from './webhooks.ts';

export type {
  DeliveryLogPage,
  WebhookBody,
  WebhookCreated,
  WebhookList,
  WebhookRegistration,
} from '#shared/webhook-schemas.ts';

/** A webhook as every read shows it: never with its secret. */
export function webhookBodyOf(view: WebhookView, deliveries: string): WebhookBody {
  return {
    id: view.id,
    url: view.url,
    ...(view.description === undefined ? {} : { description: view.description }),
    createdAt: view.createdAt,
    links: { deliveries },
  };
}

export function deliveryAttemptBodyOf(attempt: DeliveryAttempt): DeliveryAttemptBody {
  return {
    eventId: attempt.eventId,
    attempt: attempt.attempt,
    attemptedAt: attempt.attemptedAt,
    outcome: attempt.outcome,
    ...(attempt.httpStatus === undefined ? {} : { httpStatus: attempt.httpStatus }),
    ...(attempt.error === undefined ? {} : { error: attempt.error }),
    durationMs: Math.max(0, Math.round(attempt.durationMs)),
  };
}
