import type { WebhookUrlPolicy } from '#domain/webhook-url-policy.ts';
import { DELIVERY_TIMEOUT_MILLISECONDS } from '#domain/webhooks.ts';
import { ENV, requireEnv } from '#shared/env.ts';
import { documentClient } from './dynamodb-clients.ts';
import { dynamoDbDeliveryLog } from './dynamodb-delivery-log.ts';
import { dynamoDbWebhookStore } from './dynamodb-webhook-store.ts';
import { httpWebhookTransport } from './http-webhook-transport.ts';

// Each factory reads only the bindings its port needs, so a function deployed without one fails at cold start.
export const webhookStoreFromEnv = () => dynamoDbWebhookStore(documentClient, requireEnv(ENV.declarationsTable));
export const deliveryLogFromEnv = () => dynamoDbDeliveryLog(documentClient, requireEnv(ENV.declarationsTable));

/** Whether this deployment lets webhooks point at loopback receivers (the local harness does). */
export function webhookUrlPolicyFromEnv(): WebhookUrlPolicy {
  const value = requireEnv(ENV.allowLoopbackWebhooks);
  if (value !== 'true' && value !== 'false') {
    throw new Error(`${ENV.allowLoopbackWebhooks} must be "true" or "false"; got "${value}"`);
  }
  return { allowLoopback: value === 'true' };
}

export const webhookTransportFromEnv = () =>
  httpWebhookTransport({ policy: webhookUrlPolicyFromEnv(), timeoutMs: DELIVERY_TIMEOUT_MILLISECONDS });
