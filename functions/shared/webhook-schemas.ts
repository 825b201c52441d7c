import Type, { type Static } from 'typebox';
import { MAX_WEBHOOK_URL_LENGTH } from '#domain/webhook-url-policy.ts';
import { DELIVERY_OUTCOMES, MAX_WEBHOOKS_PER_BROKER } from '#domain/webhooks.ts';
import { pageOf } from './api-schemas.ts';

/** What the API accepts and answers about webhooks. The response types derive from these schemas. */
export const WebhookRegistrationSchema = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      description:
        'Where to POST your events: an absolute https: URL on a public host, without user name, password or #fragment',
    }),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Your own note' })),
  },
  { additionalProperties: false, title: 'WebhookRegistration' },
);
export type WebhookRegistration = Static<typeof WebhookRegistrationSchema>;

const webhookFields = {
  id: Type.String(),
  url: Type.String(),
  description: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  links: Type.Object({ deliveries: Type.String({ description: 'This webhook’s delivery log' }) }),
};

export const WebhookSchema = Type.Object(webhookFields, {
  additionalProperties: false,
  title: 'Webhook',
  description: 'A webhook as every read shows it: never with its secret',
});
export type WebhookBody = Static<typeof WebhookSchema>;

export const WebhookCreatedSchema = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]{43}=$',
      description:
        'The signing secret (Standard Webhooks: "whsec_" and the base64 of 32 bytes). Shown in this answer only: keep it',
    }),
  },
  { additionalProperties: false, title: 'WebhookCreated' },
);
export type WebhookCreated = Static<typeof WebhookCreatedSchema>;

export const WebhookListSchema = Type.Object(
  { items: Type.Array(WebhookSchema, { maxItems: MAX_WEBHOOKS_PER_BROKER }) },
  { additionalProperties: false, title: 'WebhookList' },
);
export type WebhookList = Static<typeof WebhookListSchema>;

export const DeliveryAttemptSchema = Type.Object(
  {
    eventId: Type.String({ description: 'The webhook-id header of the delivery' }),
    attempt: Type.Integer({ minimum: 1, description: '1 for the first attempt at the event, then 2, 3…' }),
    attemptedAt: Type.String({ format: 'date-time' }),
    outcome: Type.Enum(DELIVERY_OUTCOMES, {
      description: 'delivered (2xx), failed (retried later) or abandoned (failed, and no retry is left)',
    }),
    httpStatus: Type.Optional(Type.Integer({ description: 'Your receiver’s answer, when it answered' })),
    error: Type.Optional(Type.String({ description: 'Why the attempt failed' })),
    durationMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false, title: 'DeliveryAttempt' },
);

export type DeliveryAttempt = Static<typeof DeliveryAttemptSchema>;

export const DeliveryLogPageSchema = pageOf(DeliveryAttemptSchema, 'DeliveryLogPage');
export type DeliveryLogPage = Static<typeof DeliveryLogPageSchema>;
