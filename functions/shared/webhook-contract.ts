import { DomainEventSchema } from '#domain/schemas/domain-event.ts';
import { SIGNATURE_TOLERANCE_SECONDS, WEBHOOK_HEADERS } from '#domain/webhook-signature.ts';
import { DELIVERY_TIMEOUT_MILLISECONDS, DELIVERY_WINDOW_SECONDS } from '#domain/webhooks.ts';

/**
 * The webhooks this API sends (OpenAPI 3.1 `webhooks`): what a broker's receiver gets, and how to check it.
 * Built from the same schema and header names the delivery code uses.
 */
const header = (description: string, example: string) => ({
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
  example,
});

export function webhookDescriptions(): Record<string, unknown> {
  return {
    'declaration.status-changed': {
      post: {
        operationId: 'declarationStatusChanged',
        summary: 'A declaration of yours changed status',
        description: [
          'POSTed to each of your webhooks for every status change of your declarations (Standard Webhooks).',
          '',
          `Verify before you act: compute HMAC-SHA256 with the bytes of your secret (base64 after "whsec_") as the key over \`<${WEBHOOK_HEADERS.id}>.<${WEBHOOK_HEADERS.timestamp}>.<raw body>\`; the base64 of the result must equal a \`v1,\` entry of \`${WEBHOOK_HEADERS.signature}\` (compare in constant time). Refuse a \`${WEBHOOK_HEADERS.timestamp}\` more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from your clock: it is a replay.`,
          '',
          `De-duplicate by \`${WEBHOOK_HEADERS.id}\` (the event id): a retry carries the same id, and an event may arrive more than once. Deliveries are not ordered; order a declaration's events by \`version\`.`,
          '',
          `Answer 2xx within ${DELIVERY_TIMEOUT_MILLISECONDS / 1000} s. Any other answer (redirects included) or none is retried with exponential backoff and jitter (30 s, 60 s, … at most an hour apart) for at least ${DELIVERY_WINDOW_SECONDS / 3600} hours after the event, then abandoned. Every attempt is in GET /v1/webhooks/{id}/deliveries; GET /v1/events serves the same events to pull.`,
        ].join('\n'),
        tags: ['Notifications'],
        parameters: [
          {
            name: WEBHOOK_HEADERS.id,
            ...header('The event id: the same on every retry', 'DCL-0123456789ABCDEF01234567.v2'),
          },
          { name: WEBHOOK_HEADERS.timestamp, ...header('When this attempt was signed, in Unix seconds', '1795248000') },
          {
            name: WEBHOOK_HEADERS.signature,
            ...header(
              '"v1," and the base64 HMAC-SHA256 signature; several may be sent, space-separated',
              'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
            ),
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: JSON.parse(JSON.stringify(DomainEventSchema)) } },
        },
        responses: {
          '2XX': { description: 'Received; nothing more is sent for this event' },
          default: { description: 'Not received: the delivery is retried later' },
        },
      },
    },
  };
}
